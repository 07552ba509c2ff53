import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { orderWebhookScheme } from '../../lib/triggers';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { platformNames, receiveVendorWebhook, triggerPlatforms, vendorTriggerDescription, vendorWebhookMethods } from '../shared/webhookTrigger';
import { platformNameOf } from '../shared/subtitle';
import { integrationStoreListTest } from '../shared/storeListCredentialTest';

const PLATFORMS = triggerPlatforms('orderWebhooks');

/**
 * Starts a workflow on an order event from a store, or from any store of a store list. Activating the workflow registers
 * a webhook with the store (each listed store) through its API (keeping the store's webhook id, and the secret where the
 * package chooses one, in the node's static data); deactivating deletes it. Each delivery is verified on its raw body,
 * with the secret of the store it comes from, before any execution exists.
 */
export class OrderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Order Trigger',
		name: 'orderTrigger',
		icon: { light: 'file:orderTrigger.svg', dark: 'file:orderTrigger.dark.svg' },
		subtitle: `={{"Order " + $parameter["event"] + " on " + ${platformNameOf('platform')}}}`,
		description: `Starts a workflow when an order is created, updated, cancelled or refunded on ${platformNames(PLATFORMS)}`,
		defaults: { name: 'Order Trigger' },
		...vendorTriggerDescription({
			platforms: PLATFORMS,
			platformDescription: 'The store whose orders start the workflow',
			events: [
				{ name: 'Order Cancelled', value: 'cancelled' },
				{ name: 'Order Created', value: 'created' },
				{ name: 'Order Refunded', value: 'refunded' },
				{ name: 'Order Updated', value: 'updated' },
			],
			defaultEvent: 'created',
			noticesOf: 'orderWebhooks',
			storeListsOf: 'orderWebhooks',
		}),
	};

	methods = { credentialTest: { integrationStateStoreTest, integrationStoreListTest } };

	webhookMethods = vendorWebhookMethods(orderWebhookScheme);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVendorWebhook(this, orderWebhookScheme, 'order');
	}
}
