import { NodeConnectionTypes, type INodeType, type INodeTypeDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { paymentWebhookScheme } from '../../lib/triggers';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { receiveVendorWebhook, respondProperty, vendorWebhook, vendorWebhookMethods } from '../shared/webhookTrigger';

const PLATFORMS = [
	{ name: 'Stripe', value: 'stripe', credential: 'integrationStripeApi' },
	{ name: 'Square', value: 'square', credential: 'integrationSquareApi' },
	{ name: 'PayPal', value: 'paypal', credential: 'integrationPayPalApi' },
];

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
		group: ['trigger'],
		version: 1,
		subtitle: '={{"payment " + $parameter["event"] + " on " + $parameter["platform"]}}',
		description: 'Starts a workflow when a payment succeeds or fails, is refunded or disputed on Stripe, Square or PayPal',
		defaults: { name: 'Payment Event Trigger' },
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
				default: 'stripe',
				description: 'The payment processor whose events start the workflow',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Dispute Opened', value: 'disputed' },
					{ name: 'Payment Failed', value: 'failed' },
					{ name: 'Payment Refunded', value: 'refunded' },
					{ name: 'Payment Succeeded', value: 'succeeded' },
				],
				default: 'succeeded',
			},
			respondProperty,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	webhookMethods = vendorWebhookMethods(paymentWebhookScheme);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVendorWebhook(this, paymentWebhookScheme, 'payment');
	}
}
