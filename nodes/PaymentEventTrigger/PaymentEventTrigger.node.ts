import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { paymentWebhookScheme } from '../../lib/triggers';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { platformNames, receiveVendorWebhook, triggerPlatforms, vendorTriggerDescription, vendorWebhookMethods } from '../shared/webhookTrigger';
import { platformNameOf } from '../shared/subtitle';

const PLATFORMS = triggerPlatforms('paymentWebhooks');

/**
 * Starts a workflow on a payment event from a processor. Activating the workflow creates a webhook endpoint
 * (Stripe) or subscription (Square) through the processor's API and keeps its id and the signing secret the processor
 * issues in the node's static data; deactivating deletes it. Each delivery is verified on its raw body before any
 * execution exists.
 */
export class PaymentEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Payment Event Trigger',
		name: 'paymentEventTrigger',
		icon: { light: 'file:paymentEventTrigger.svg', dark: 'file:paymentEventTrigger.dark.svg' },
		subtitle: `={{"Payment " + $parameter["event"] + " on " + ${platformNameOf('platform')}}}`,
		description: `Starts a workflow when a payment succeeds or fails, is refunded or disputed, or a subscription or invoice changes on ${platformNames(PLATFORMS)}`,
		defaults: { name: 'Payment Event Trigger' },
		...vendorTriggerDescription({
			platforms: PLATFORMS,
			platformDescription: 'The payment processor whose events start the workflow',
			events: [
				{ name: 'Customer Action Completed', value: 'actionCompleted', description: 'A payment that waited for 3-D Secure succeeded, was held, or failed: feed it to Smart Payment Router’s Complete Customer Action' },
				{ name: 'Dispute Opened', value: 'disputed' },
				{ name: 'Dispute Opened or Changed', value: 'disputeChanged', description: 'Every event of a dispute, from its opening to won or lost: feed it to Smart Payment Router’s Record Dispute' },
				{ name: 'Payment Failed', value: 'failed' },
				{ name: 'Payment Refunded', value: 'refunded' },
				{ name: 'Payment Succeeded', value: 'succeeded' },
				{ name: 'Subscription or Invoice Changed', value: 'billingChanged', description: 'A renewal paid or failed, a subscription canceled, an invoice paid, voided or overdue: feed it to Smart Payment Router’s Record Billing Event' },
			],
			defaultEvent: 'succeeded',
			noticesOf: 'paymentWebhooks',
		}),
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	webhookMethods = vendorWebhookMethods(paymentWebhookScheme);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVendorWebhook(this, paymentWebhookScheme, 'payment');
	}
}
