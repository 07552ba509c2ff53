import { NodeConnectionTypes, type INodeType, type INodeTypeDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { orderWebhookScheme } from '../../lib/triggers';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { receiveVendorWebhook, respondProperty, vendorWebhook, vendorWebhookMethods } from '../shared/webhookTrigger';

const PLATFORMS = [
	{ name: 'Shopify', value: 'shopify', credential: 'integrationShopifyApi' },
	{ name: 'WooCommerce', value: 'woocommerce', credential: 'integrationWooCommerceApi' },
	{ name: 'BigCommerce', value: 'bigcommerce', credential: 'integrationBigCommerceApi' },
];

/**
 * Starts a workflow on an order event from a store. Activating the workflow registers a webhook with the store
 * through its API (keeping the store's webhook id, and the secret where the package chooses one, in the node's static
 * data); deactivating deletes it. Each delivery is verified on its raw body before any execution exists.
 */
export class OrderTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Order Trigger',
		name: 'orderTrigger',
		icon: { light: 'file:orderTrigger.svg', dark: 'file:orderTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"order " + $parameter["event"] + " on " + $parameter["platform"]}}',
		description: 'Starts a workflow when an order is created, updated, cancelled or refunded on Shopify, WooCommerce or BigCommerce',
		defaults: { name: 'Order Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...PLATFORMS.map((platform) => ({ name: platform.credential, required: true, displayOptions: { show: { platform: [platform.value] } } })),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		webhooks: [vendorWebhook],
		properties: [
			{
				displayName: 'Platform',
				name: 'platform',
				type: 'options',
				noDataExpression: true,
				options: PLATFORMS.map(({ name, value }) => ({ name, value })),
				default: 'shopify',
				description: 'The store whose orders start the workflow',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Order Cancelled', value: 'cancelled' },
					{ name: 'Order Created', value: 'created' },
					{ name: 'Order Refunded', value: 'refunded' },
					{ name: 'Order Updated', value: 'updated' },
				],
				default: 'created',
			},
			respondProperty,
			{
				displayName: 'Shopify signs its webhooks with the app\'s client secret: set it as Webhook Secret in the credential, or every delivery is refused',
				name: 'shopifyNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { platform: ['shopify'] } },
			},
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	webhookMethods = vendorWebhookMethods(orderWebhookScheme);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVendorWebhook(this, orderWebhookScheme, 'order');
	}
}
