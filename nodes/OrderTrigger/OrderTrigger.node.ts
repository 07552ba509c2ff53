import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	existingOrderHook,
	receiveOrderDelivery,
	registerOrderHook,
	removeOrderHook,
	type OrderEventKind,
	type OrderHookRegistration,
} from '../../lib/triggers';
import { nodeStore, platformTransport } from '../shared/engineContext';
import { toNodeError } from '../shared/errors';
import { chosenCredential } from '../shared/platformCredentials';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

const PLATFORMS = [
	{ name: 'Shopify', value: 'shopify', credential: 'integrationShopifyApi' },
	{ name: 'WooCommerce', value: 'woocommerce', credential: 'integrationWooCommerceApi' },
	{ name: 'BigCommerce', value: 'bigcommerce', credential: 'integrationBigCommerceApi' },
];

type HookContext = IHookFunctions | IWebhookFunctions;

function chosen(context: HookContext): { platform: string; event: OrderEventKind; data: IDataObject } {
	return {
		platform: context.getNodeParameter('platform') as string,
		event: context.getNodeParameter('event') as OrderEventKind,
		data: context.getWorkflowStaticData('node'),
	};
}

async function transportFor(context: IHookFunctions, platform: string) {
	return await platformTransport(context, platform, await nodeStore(context));
}

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
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
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

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { platform, event, data } = chosen(this);
				try {
					const url = this.getNodeWebhookUrl('default') as string;
					const found = await existingOrderHook(await transportFor(this, platform), platform, event, url, data as Partial<OrderHookRegistration>);
					if (!found) return false;
					Object.assign(data, found);
					return true;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { platform, event, data } = chosen(this);
				try {
					const url = this.getNodeWebhookUrl('default') as string;
					const registration = await registerOrderHook(await transportFor(this, platform), platform, event, url);
					delete data.secret;
					Object.assign(data, registration);
					return true;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const { platform, data } = chosen(this);
				if (typeof data.hookId !== 'string') return true;
				try {
					await removeOrderHook(await transportFor(this, platform), platform, data.hookId);
				} catch (error) {
					// Deactivation goes on; the webhook is left on the store and is deleted on the next activation's check.
					this.logger.warn(`Order Trigger could not delete its ${platform} webhook ${data.hookId}: ${(error as Error).message}`);
					return false;
				}
				delete data.hookId;
				delete data.secret;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { platform, event, data } = chosen(this);
		const request = this.getRequestObject();
		const headers = this.getHeaderData();
		const credentialType = chosenCredential(platform)?.type as string;
		const credential = await this.getCredentials(credentialType);
		const outcome = await receiveOrderDelivery(await nodeStore(this), {
			platform,
			event,
			triggerKey: `order-trigger:${this.getWorkflow().id}:${this.getNode().id}`,
			header: (name) => {
				const value = headers[name];
				return Array.isArray(value) ? value[0] : value;
			},
			rawBody: request.rawBody ?? Buffer.alloc(0),
			registration: data as Partial<OrderHookRegistration>,
			credentialSecret: typeof credential.webhookSecret === 'string' ? credential.webhookSecret : undefined,
		});
		if (outcome.outcome === 'refused') {
			this.getResponseObject().status(401).json({ error: 'webhook refused', reason: outcome.reason });
			return { noWebhookResponse: true };
		}
		if (outcome.outcome === 'skipped') return { webhookResponse: { received: true, started: false, reason: outcome.reason } };
		const { payload, ...about } = outcome.event;
		return { workflowData: [[{ json: { ...about, order: payload as IDataObject } }]] };
	}
}
