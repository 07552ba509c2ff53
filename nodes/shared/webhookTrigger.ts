import { NodeConnectionTypes, NodeOperationError, type IDataObject, type IHookFunctions, type INodePropertyOptions, type INodeProperties, type INodeTypeDescription, type IWebhookDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { credentialSecretField, eventTopic, eventTopics, existingHook, receiveDelivery, registerHook, registersThroughApi, removeHook, sendingStore, storesByIdentity, type AppWebhookScheme, type HookRegistration, type WebhookScheme } from '../../lib/triggers';
import { nodePlatforms, nodeStore, platformTransport } from './engineContext';
import { toNodeError } from './errors';
import { chosenCredential, chosenPlatformSlots } from './platformCredentials';
import { namesInSentence } from './platformOptions';
import { stateStoreNotice } from './stateStoreCredentialTest';
import { platformDefinition, platformsServing } from '../../lib/platforms/catalog';
import type { Transport } from '../../lib/transport';
import { chosenListSlots, listedWebhookStores, listSelection, storeListOptions, type ListedWebhookStore } from './storeLists';

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
export function vendorNotices(webhooks: WebhookKind, events: readonly string[], lists: ReadonlyArray<{ value: string }> = []): INodeProperties[] {
	return platformsServing(webhooks).flatMap((definition) => {
		const scheme = definition[webhooks];
		if (!scheme) return [];
		// A vendor's notices hold for a list of its stores as for one store.
		const shownFor = [definition.id, ...lists.filter((list) => listSelection(list.value) === definition.id).map((list) => list.value)];
		const notice = (name: string, text: string, show: Record<string, string[]>): INodeProperties => ({ displayName: text, name, type: 'notice', default: '', displayOptions: { show } });
		const missing = events.filter((event) => !(event in scheme.events));
		return [
			...(scheme.setupNotice ? [notice(`${definition.id}Notice`, scheme.setupNotice, { platform: shownFor })] : []),
			...(scheme.missingEventsNotice && missing.length > 0 ? [notice(`${definition.id}EventNotice`, scheme.missingEventsNotice, { platform: shownFor, event: missing })] : []),
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
	/**
	 * Also offers, for each vendor of this kind whose deliveries name their store, a list of its stores (a store list
	 * credential): the webhook is registered on every listed store and each delivery checked with its store's secret.
	 */
	storeListsOf?: WebhookKind;
}

/** The list options a trigger offers: the vendors' with a store list credential whose deliveries name their store. */
function triggerListOptions(webhooks: WebhookKind | undefined): Array<{ name: string; value: string }> {
	if (!webhooks) return [];
	return storeListOptions(webhooks).filter((option) => {
		const scheme = platformDefinition(listSelection(option.value)!)[webhooks] as WebhookScheme<string> | AppWebhookScheme<string> | undefined;
		return scheme !== undefined && registersThroughApi(scheme) && scheme.sendingStore !== undefined;
	});
}

type SharedTriggerDescription = Omit<INodeTypeDescription, 'displayName' | 'name' | 'icon' | 'subtitle' | 'description' | 'defaults'>;

/**
 * The description every vendor trigger shares: a credential per platform (shown for that platform) plus the optional
 * state store, the webhook, and the Platform, Event and Respond parameters that `vendorWebhookMethods` and
 * `receiveVendorWebhook` read.
 */
export function vendorTriggerDescription(spec: VendorTriggerSpec): SharedTriggerDescription {
	const lists = triggerListOptions(spec.storeListsOf);
	return {
		group: ['trigger'],
		version: 1,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...chosenPlatformSlots(spec.platforms),
			...chosenListSlots(lists),
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
				options: [...spec.platforms.map(({ name, value }) => ({ name, value })), ...lists],
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
			...(spec.noticesOf ? vendorNotices(spec.noticesOf, spec.events.map((event) => String(event.value)), lists) : []),
			...(spec.extraProperties ?? []),
		],
	};
}

/** How a trigger node finds its vendor's scheme for the chosen platform. */
export type SchemeFor<Event extends string> = (platform: string) => WebhookScheme<Event> | AppWebhookScheme<Event>;

type HookContext = IHookFunctions | IWebhookFunctions;

/** What a trigger keeps in its static data: its store's registration, or for a list of stores each one's by store id. */
type Registration = IDataObject & Partial<HookRegistration> & { stores?: Record<string, HookRegistration> };

function chosen<Event extends string>(context: HookContext, schemeFor: SchemeFor<Event>) {
	const selection = context.getNodeParameter('platform') as string;
	const listed = listSelection(selection);
	const platform = listed ?? selection;
	return {
		platform,
		listed: listed !== undefined,
		scheme: schemeFor(platform),
		event: context.getNodeParameter('event') as Event,
		registration: context.getWorkflowStaticData('node') as Registration,
	};
}

/** The stores of the platform's list on the node, each known by the store the vendor names on its deliveries. */
async function listedHookStores<Event extends string>(context: HookContext, platform: string, scheme: WebhookScheme<Event> | AppWebhookScheme<Event>): Promise<ListedWebhookStore[]> {
	const stores = await listedWebhookStores(context, platform);
	storesByIdentity(scheme, stores);
	return stores;
}

async function listedTransport(context: HookContext, platform: string, store: ListedWebhookStore): Promise<Transport> {
	return (await nodePlatforms(context, await nodeStore(context), [store.entry]).connect(platform, { account: store.id })).transport;
}

async function transportFor(context: HookContext, platform: string) {
	return await platformTransport(context, platform, await nodeStore(context));
}

/** The secret a scheme signing with the app's own secret reads from a credential's values ('' when unset). */
function secretIn<Event extends string>(values: Readonly<Record<string, unknown>>, scheme: WebhookScheme<Event> | AppWebhookScheme<Event>): string | undefined {
	if (scheme.secretFrom !== 'credential') return undefined;
	const secret = values[credentialSecretField(scheme)];
	return typeof secret === 'string' ? secret : '';
}

/** The secret a scheme signing with the app's own secret reads from the chosen credential ('' when unset). */
async function credentialSecret<Event extends string>(context: HookContext, platform: string, scheme: WebhookScheme<Event> | AppWebhookScheme<Event>): Promise<string | undefined> {
	return secretIn(await context.getCredentials(chosenCredential(platform).type), scheme);
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
 * The webhook of each store of the list on the node, found (`existing`) or registered: one n8n URL serves every store,
 * and each store's registration (its hook id, and its secret where the package chose it) is kept under its id.
 */
async function listedHooks<Event extends string>(
	context: IHookFunctions,
	platform: string,
	scheme: WebhookScheme<Event>,
	event: Event,
	registration: Registration,
	registerMissing: boolean,
): Promise<Record<string, HookRegistration> | undefined> {
	const url = context.getNodeWebhookUrl('default') as string;
	const kept = registration.stores ?? {};
	const hooks: Record<string, HookRegistration> = {};
	for (const store of await listedHookStores(context, platform, scheme)) {
		const transport = await listedTransport(context, platform, store);
		const found = (await existingHook(transport, scheme, event, url, kept[store.id] ?? {})) ?? (registerMissing ? await registerHook(transport, scheme, event, url) : undefined);
		if (!found) return undefined;
		hooks[store.id] = found;
	}
	return hooks;
}

/**
 * Deletes the webhook of each listed store the trigger registered. A store no longer in the list cannot be reached: its
 * webhook is left (its deliveries are refused as from an unlisted store) and said so in the log.
 */
async function removeListedHooks<Event extends string>(context: IHookFunctions, platform: string, scheme: WebhookScheme<Event>, registration: Registration): Promise<boolean> {
	const kept = registration.stores ?? {};
	const stores = await listedHookStores(context, platform, scheme);
	let removedAll = true;
	for (const [id, hook] of Object.entries(kept)) {
		const store = stores.find((candidate) => candidate.id === id);
		try {
			if (!store) throw new Error(`${id} is no longer in the store list`);
			await removeHook(await listedTransport(context, platform, store), scheme, hook.hookId);
			delete kept[id];
		} catch (error) {
			context.logger.warn(`Could not delete the ${platform} webhook ${hook.hookId} of ${id}: ${(error as Error).message}`);
			removedAll = false;
		}
	}
	return removedAll;
}

/**
 * n8n's `webhookMethods.default` for a vendor trigger: where the vendor has a registration API, activation finds or
 * creates the webhook (keeping the vendor's id, and the secret unless it is the app's, in the node's static data) and
 * deactivation deletes it, on the one store or on every store of the list chosen; where webhooks are registered in the
 * user's app, there is nothing to register.
 */
export function vendorWebhookMethods<Event extends string>(schemeFor: SchemeFor<Event>) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { platform, listed, scheme, event, registration } = chosen(this, schemeFor);
				if (!registersThroughApi(scheme)) return await checkAppRegistered(this, platform, scheme, event);
				try {
					if (listed) {
						const hooks = await listedHooks(this, platform, scheme, event, registration, false);
						if (hooks) registration.stores = hooks;
						return hooks !== undefined;
					}
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
				const { platform, listed, scheme, event, registration } = chosen(this, schemeFor);
				if (!registersThroughApi(scheme)) return await checkAppRegistered(this, platform, scheme, event);
				try {
					if (listed) {
						registration.stores = await listedHooks(this, platform, scheme, event, registration, true);
						return true;
					}
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
				const { platform, listed, scheme, registration } = chosen(this, schemeFor);
				if (!registersThroughApi(scheme)) return true;
				if (listed) {
					try {
						return await removeListedHooks(this, platform, scheme, registration);
					} catch (error) {
						// The list cannot be read (its credential changed or gone): the next activation takes the webhooks over.
						this.logger.warn(`Could not delete the ${platform} webhooks of the store list: ${(error as Error).message}`);
						return false;
					}
				}
				if (typeof registration.hookId !== 'string') return true;
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

/** Where one delivery is checked: the store's registration and secret, its delivery ids' scope, and its id in a list. */
interface DeliverySource {
	registration: Partial<HookRegistration>;
	credentialSecret: string | undefined;
	triggerKey: string;
	sourceStore?: string;
	api?: Transport;
}

/**
 * The trigger's `webhook()`: verifies the delivery on its raw body before any execution exists. Refused (forged,
 * stale, malformed): 401 and no execution; skipped (another event on the topic, a delivery already let through): 200
 * and no execution; accepted: an item per event (vendors batching events send several) with the event and the payload
 * under `payloadField`.
 */
export async function receiveVendorWebhook<Event extends string>(context: IWebhookFunctions, schemeFor: SchemeFor<Event>, payloadField: string): Promise<IWebhookResponseData> {
	const { platform, listed, scheme, event, registration } = chosen(context, schemeFor);
	const headers = context.getHeaderData();
	const header = (name: string) => {
		const value = headers[name];
		return Array.isArray(value) ? value[0] : value;
	};
	const rawBody = context.getRequestObject().rawBody ?? Buffer.alloc(0);
	const refuse = (reason: string): IWebhookResponseData => {
		context.getResponseObject().status(401).json({ error: 'webhook refused', reason });
		return { noWebhookResponse: true };
	};
	const triggerKey = `${context.getNode().type}:${context.getWorkflow().id}:${context.getNode().id}`;
	let source: DeliverySource;
	if (listed) {
		let from: ReturnType<typeof sendingStore<Event>>;
		try {
			from = sendingStore(scheme, storesByIdentity(scheme, await listedWebhookStores(context, platform)), { header, rawBody });
		} catch (error) {
			throw toNodeError(context.getNode(), error);
		}
		if ('refused' in from) return refuse(from.refused);
		const store = from.store as ListedWebhookStore;
		source = {
			registration: registration.stores?.[store.id] ?? {},
			credentialSecret: secretIn(store.entry.values, scheme),
			// Vendors number deliveries per store (WooCommerce's delivery ids are a site's own): each store's are apart.
			triggerKey: `${triggerKey}:${store.id}`,
			sourceStore: store.id,
			api: scheme.verifiedThroughApi ? await listedTransport(context, platform, store) : undefined,
		};
	} else {
		source = {
			registration,
			credentialSecret: await credentialSecret(context, platform, scheme),
			triggerKey,
			api: scheme.verifiedThroughApi ? await transportFor(context, platform) : undefined,
		};
	}
	const outcome = await receiveDelivery(await nodeStore(context), scheme, {
		event,
		triggerKey: source.triggerKey,
		header,
		rawBody,
		url: context.getNodeWebhookUrl('default') as string,
		registration: source.registration,
		credentialSecret: source.credentialSecret,
		dropRepeats: context.getNodeParameter('responseMode', 'onReceived') === 'onReceived',
		api: source.api,
	});
	if (outcome.outcome === 'refused') return refuse(outcome.reason);
	if (outcome.outcome === 'skipped') return { webhookResponse: { received: true, started: false, reason: outcome.reason } };
	const from = source.sourceStore === undefined ? {} : { sourceStore: source.sourceStore };
	const items = outcome.events.map(({ payload, subjectId, ...about }) => ({ json: { ...about, ...from, [`${payloadField}Id`]: subjectId, [payloadField]: payload as IDataObject } }));
	return { workflowData: [items] };
}
