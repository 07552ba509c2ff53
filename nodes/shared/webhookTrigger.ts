import { NodeConnectionTypes, NodeOperationError, type IDataObject, type IHookFunctions, type INodePropertyOptions, type INodeProperties, type INodeTypeDescription, type IWebhookDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { eventTopic, eventTopics, existingHook, receiveDelivery, registerHook, registersThroughApi, removeHook, type AppWebhookScheme, type HookRegistration, type WebhookScheme } from '../../lib/triggers';
import { nodeStore, platformTransport } from './engineContext';
import { toNodeError } from './errors';
import { chosenCredential, chosenPlatformSlots } from './platformCredentials';
import { namesInSentence } from './platformOptions';
import { stateStoreNotice } from './stateStoreCredentialTest';
import { platformsServing } from '../../lib/platforms/catalog';

/**
 * The trigger's webhook: answered immediately, or when the workflow ends (see `respondProperty`). Answered at the end,
 * a workflow that succeeded is a 200 without a body whatever its last node put out: n8n's default answer is the last
 * node's first item on its first output, and a 500 when there is none (a node whose outcome left on another output),
 * which the vendor would take for a failure and send again for days.
 */
export const vendorWebhook: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: '={{$parameter["responseMode"]}}',
	responseData: '={{$parameter["responseMode"] === "lastNode" ? "noData" : "firstEntryJson"}}',
	path: 'webhook',
};

export const respondProperty: INodeProperties = {
	displayName: 'Respond',
	name: 'responseMode',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Immediately', value: 'onReceived', description: 'Answers 200 once the delivery is verified; a repeated delivery starts nothing' },
		{
			name: 'When Last Node Finishes',
			value: 'lastNode',
			description: 'Answers when the workflow ends (500 if it failed, so the event is sent again); repeated deliveries start it too, with the same Delivery ID, for the workflow to drop',
		},
	],
	default: 'onReceived',
};

/** One vendor a trigger node offers, and the credential its webhook is registered with. */
export interface TriggerPlatform {
	name: string;
	value: string;
	credential: string;
}

export type WebhookKind = 'orderWebhooks' | 'paymentWebhooks' | 'crmWebhooks';

/** The platforms whose webhooks of this kind the package registers, from the catalog. */
export function triggerPlatforms(webhooks: WebhookKind): TriggerPlatform[] {
	return platformsServing(webhooks).map((definition) => ({ name: definition.displayName, value: definition.id, credential: definition.credentials.type }));
}

/** The platforms' names as a sentence reads them: "Stripe, Square, PayPal or Braintree". */
export function platformNames(platforms: TriggerPlatform[]): string {
	return namesInSentence(platforms.map((platform) => platform.name));
}

/** Each event's description followed by what the vendors that call the record otherwise call it: "A contact (Zendesk: a user)". */
function withVendorTerms(webhooks: WebhookKind, events: INodePropertyOptions[]): INodePropertyOptions[] {
	return events.map((event) => {
		const terms = platformsServing(webhooks).flatMap((definition) => {
			const term = (definition[webhooks]?.events as Record<string, { vendorTerm?: string } | undefined> | undefined)?.[String(event.value)]?.vendorTerm;
			return term ? [`${definition.displayName}: ${term}`] : [];
		});
		return terms.length === 0 ? event : { ...event, description: `${event.description ?? event.name} (${terms.join('; ')})` };
	});
}

/**
 * The notices a trigger shows for its vendors, as their webhook schemes declare them: what to set up on the vendor's
 * side (shown while the vendor is chosen), and why it sends none of the chosen event (shown for the events it lacks).
 */
export function vendorNotices(webhooks: WebhookKind, events: readonly string[]): INodeProperties[] {
	return platformsServing(webhooks).flatMap((definition) => {
		const scheme = definition[webhooks];
		if (!scheme) return [];
		const notice = (name: string, text: string, show: Record<string, string[]>): INodeProperties => ({ displayName: text, name, type: 'notice', default: '', displayOptions: { show } });
		const missing = events.filter((event) => !(event in scheme.events));
		return [
			...(scheme.setupNotice ? [notice(`${definition.id}Notice`, scheme.setupNotice, { platform: [definition.id] })] : []),
			...(scheme.missingEventsNotice && missing.length > 0 ? [notice(`${definition.id}EventNotice`, scheme.missingEventsNotice, { platform: [definition.id], event: missing })] : []),
		];
	});
}

/** What tells one vendor trigger node from another; the rest of its description is shared. */
export interface VendorTriggerSpec {
	/** The first is the default. */
	platforms: TriggerPlatform[];
	platformDescription: string;
	events: INodePropertyOptions[];
	defaultEvent: string;
	/** Shown after the shared properties. */
	extraProperties?: INodeProperties[];
	/** The vendors' notices of this kind of webhook (see `vendorNotices`), shown after the shared properties. */
	noticesOf?: WebhookKind;
}

type SharedTriggerDescription = Omit<INodeTypeDescription, 'displayName' | 'name' | 'icon' | 'subtitle' | 'description' | 'defaults'>;

/**
 * The description every vendor trigger shares: a credential per platform (shown for that platform) plus the optional
 * state store, the webhook, and the Platform, Event and Respond parameters that `vendorWebhookMethods` and
 * `receiveVendorWebhook` read.
 */
export function vendorTriggerDescription(spec: VendorTriggerSpec): SharedTriggerDescription {
	return {
		group: ['trigger'],
		version: 1,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...chosenPlatformSlots(spec.platforms),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		webhooks: [vendorWebhook],
		properties: [
			stateStoreNotice,
			{
				displayName: 'Platform',
				name: 'platform',
				type: 'options',
				noDataExpression: true,
				options: spec.platforms.map(({ name, value }) => ({ name, value })),
				default: spec.platforms[0].value,
				description: spec.platformDescription,
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: spec.noticesOf ? withVendorTerms(spec.noticesOf, spec.events) : spec.events,
				default: spec.defaultEvent,
			},
			respondProperty,
			...(spec.noticesOf ? vendorNotices(spec.noticesOf, spec.events.map((event) => String(event.value))) : []),
			...(spec.extraProperties ?? []),
		],
	};
}

/** How a trigger node finds its vendor's scheme for the chosen platform. */
export type SchemeFor<Event extends string> = (platform: string) => WebhookScheme<Event> | AppWebhookScheme<Event>;

type HookContext = IHookFunctions | IWebhookFunctions;

function chosen<Event extends string>(context: HookContext, schemeFor: SchemeFor<Event>) {
	const platform = context.getNodeParameter('platform') as string;
	return {
		platform,
		scheme: schemeFor(platform),
		event: context.getNodeParameter('event') as Event,
		registration: context.getWorkflowStaticData('node') as IDataObject & Partial<HookRegistration>,
	};
}

async function transportFor(context: HookContext, platform: string) {
	return await platformTransport(context, platform, await nodeStore(context));
}

/** The secret a scheme signing with the app's own secret reads from the chosen credential ('' when unset). */
async function credentialSecret(context: HookContext, platform: string, scheme: { secretFrom: string; credentialSecretField?: string }): Promise<string | undefined> {
	if (scheme.secretFrom !== 'credential') return undefined;
	const secret = (await context.getCredentials(chosenCredential(platform).type))[scheme.credentialSecretField ?? 'webhookSecret'];
	return typeof secret === 'string' ? secret : '';
}

/**
 * Activating a trigger whose vendor registers webhooks in the user's app (HubSpot, Intercom) registers nothing; it
 * refuses an event the vendor never sends, and a credential without the secret deliveries are signed with (every
 * delivery would be refused).
 */
async function checkAppRegistered<Event extends string>(context: IHookFunctions, platform: string, scheme: AppWebhookScheme<Event>, event: Event): Promise<true> {
	try {
		eventTopic(scheme, event);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
	if (!(await credentialSecret(context, platform, scheme))) {
		throw new NodeOperationError(context.getNode(), `Set ${scheme.credentialSecretField ?? 'webhookSecret'} in the ${platform} credential: deliveries are signed with it, and without it every one is refused`, {
			description: `Then register this trigger in ${scheme.registeredIn} ${eventTopics(scheme, event).join(', ')}.`,
		});
	}
	return true;
}

/**
 * n8n's `webhookMethods.default` for a vendor trigger: where the vendor has a registration API, activation finds or
 * creates the webhook (keeping the vendor's id, and the secret unless it is the app's, in the node's static data) and
 * deactivation deletes it; where webhooks are registered in the user's app, there is nothing to register.
 */
export function vendorWebhookMethods<Event extends string>(schemeFor: SchemeFor<Event>) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { platform, scheme, event, registration } = chosen(this, schemeFor);
				if (!registersThroughApi(scheme)) return await checkAppRegistered(this, platform, scheme, event);
				try {
					const url = this.getNodeWebhookUrl('default') as string;
					const found = await existingHook(await transportFor(this, platform), scheme, event, url, registration);
					if (!found) return false;
					Object.assign(registration, found);
					return true;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { platform, scheme, event, registration } = chosen(this, schemeFor);
				if (!registersThroughApi(scheme)) return await checkAppRegistered(this, platform, scheme, event);
				try {
					const url = this.getNodeWebhookUrl('default') as string;
					const created = await registerHook(await transportFor(this, platform), scheme, event, url);
					delete registration.secret;
					Object.assign(registration, created);
					return true;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const { platform, scheme, registration } = chosen(this, schemeFor);
				if (!registersThroughApi(scheme) || typeof registration.hookId !== 'string') return true;
				try {
					await removeHook(await transportFor(this, platform), scheme, registration.hookId);
				} catch (error) {
					// Deactivation goes on; the next activation takes the webhook over (or replaces it if its secret is lost).
					this.logger.warn(`Could not delete the ${platform} webhook ${registration.hookId}: ${(error as Error).message}`);
					return false;
				}
				delete registration.hookId;
				delete registration.secret;
				return true;
			},
		},
	};
}

/**
 * The trigger's `webhook()`: verifies the delivery on its raw body before any execution exists. Refused (forged,
 * stale, malformed): 401 and no execution; skipped (another event on the topic, a delivery already let through): 200
 * and no execution; accepted: an item per event (vendors batching events send several) with the event and the payload
 * under `payloadField`.
 */
export async function receiveVendorWebhook<Event extends string>(context: IWebhookFunctions, schemeFor: SchemeFor<Event>, payloadField: string): Promise<IWebhookResponseData> {
	const { platform, scheme, event, registration } = chosen(context, schemeFor);
	const headers = context.getHeaderData();
	const outcome = await receiveDelivery(await nodeStore(context), scheme, {
		event,
		triggerKey: `${context.getNode().type}:${context.getWorkflow().id}:${context.getNode().id}`,
		header: (name) => {
			const value = headers[name];
			return Array.isArray(value) ? value[0] : value;
		},
		rawBody: context.getRequestObject().rawBody ?? Buffer.alloc(0),
		url: context.getNodeWebhookUrl('default') as string,
		registration,
		credentialSecret: await credentialSecret(context, platform, scheme),
		dropRepeats: context.getNodeParameter('responseMode', 'onReceived') === 'onReceived',
		api: scheme.verifiedThroughApi ? await transportFor(context, platform) : undefined,
	});
	if (outcome.outcome === 'refused') {
		context.getResponseObject().status(401).json({ error: 'webhook refused', reason: outcome.reason });
		return { noWebhookResponse: true };
	}
	if (outcome.outcome === 'skipped') return { webhookResponse: { received: true, started: false, reason: outcome.reason } };
	const items = outcome.events.map(({ payload, subjectId, ...about }) => ({ json: { ...about, [`${payloadField}Id`]: subjectId, [payloadField]: payload as IDataObject } }));
	return { workflowData: [items] };
}
