import { randomBytes } from 'node:crypto';

import { platformDefinition } from '../platforms/catalog';
import type { CrmWebhookScheme, EventTopic, HeaderReader, OrderWebhookScheme, PaymentWebhookScheme, WebhookReceiver, WebhookScheme } from '../platforms/webhookSchemes';
import type { StateStore } from '../store';
import type { Transport } from '../transport';
import { firstDelivery } from './deliveries';

/** What a trigger keeps of its registration (in n8n's node static data): the vendor's webhook id and, unless it is the app's, the signing secret. */
export interface HookRegistration {
	hookId: string;
	secret?: string;
}

export function orderWebhookScheme(platform: string): OrderWebhookScheme {
	const scheme = platformDefinition(platform).orderWebhooks;
	if (!scheme) throw new Error(`${platformDefinition(platform).displayName} has no order webhooks this package can register`);
	return scheme;
}

export function paymentWebhookScheme(platform: string): PaymentWebhookScheme {
	const scheme = platformDefinition(platform).paymentWebhooks;
	if (!scheme) throw new Error(`${platformDefinition(platform).displayName} has no payment webhooks this package can register`);
	return scheme;
}

export function crmWebhookScheme(platform: string): CrmWebhookScheme {
	const scheme = platformDefinition(platform).crmWebhooks;
	if (!scheme) throw new Error(`${platformDefinition(platform).displayName} has no record webhooks this package can receive`);
	return scheme;
}

/** Where `event` comes from on the scheme's vendor; an event the vendor never sends is an error naming both. */
export function eventTopic<Event extends string>(scheme: WebhookReceiver<Event>, event: Event): EventTopic {
	const topic = scheme.events[event];
	if (!topic) throw new Error(`${platformDefinition(scheme.platform).displayName} sends no ${event} event`);
	return topic;
}

/** Every topic a webhook for `event` subscribes to. */
export function eventTopics<Event extends string>(scheme: WebhookReceiver<Event>, event: Event): string[] {
	const wanted = eventTopic(scheme, event);
	return wanted.topics ?? [wanted.topic];
}

/**
 * The registration already delivering `event` to `url`, if the vendor has one the trigger can verify: a webhook whose
 * secret the trigger no longer knows (its record lost) is deleted, so that a fresh one replaces it.
 */
export async function existingHook<Event extends string>(
	transport: Transport,
	scheme: WebhookScheme<Event>,
	event: Event,
	url: string,
	known: Partial<HookRegistration>,
): Promise<HookRegistration | undefined> {
	const topic = eventTopic(scheme, event).topic;
	const hook = (await scheme.list(transport, topic)).find((candidate) => candidate.url === url);
	if (!hook) return undefined;
	if (scheme.secretFrom === 'credential') return { hookId: hook.id };
	if (known.hookId === hook.id && known.secret) return { hookId: hook.id, secret: known.secret };
	await scheme.remove(transport, hook.id);
	return undefined;
}

/** Registers `url` for `event` with the vendor, with a fresh secret where the package chooses it. */
export async function registerHook<Event extends string>(transport: Transport, scheme: WebhookScheme<Event>, event: Event, url: string): Promise<HookRegistration> {
	const chosen = scheme.secretFrom === 'registration' ? randomBytes(32).toString('hex') : undefined;
	const created = await scheme.create(transport, { url, topic: eventTopic(scheme, event).topic, topics: eventTopics(scheme, event), secret: chosen });
	if (scheme.secretFrom === 'vendor' && !created.secret) throw new Error(`${scheme.platform} issued no signing secret for webhook ${created.id}`);
	return { hookId: created.id, secret: chosen ?? created.secret };
}

export async function removeHook<Event extends string>(transport: Transport, scheme: WebhookScheme<Event>, hookId: string): Promise<void> {
	await scheme.remove(transport, hookId);
}

export interface Delivery<Event extends string> {
	event: Event;
	/** Scopes the delivery ids seen (e.g. workflow and node): two triggers on the same event each start once. */
	triggerKey: string;
	header: HeaderReader;
	rawBody: Buffer;
	/** The URL the delivery came to (the trigger's webhook URL, as registered). */
	url: string;
	/** What the trigger kept at registration. */
	registration: Partial<HookRegistration>;
	/** The credential's webhook secret, for vendors that sign with the app's secret (Shopify). */
	credentialSecret?: string;
	nowMs?: number;
	/**
	 * Whether a delivery id already let through is skipped here (the default). Off where the workflow answers the
	 * vendor itself and may ask for the delivery again (a 5xx before it has recorded the event): a claim taken here
	 * would then drop the redelivery, so the workflow drops repeats itself, by the delivery id it is given.
	 */
	dropRepeats?: boolean;
	/** For schemes verified through the vendor's API (PayPal). */
	api?: Transport;
}

/** The event a trigger starts its execution with. */
export interface TriggerEvent<Event extends string> {
	platform: string;
	event: Event;
	topic: string;
	deliveryId: string;
	/** The vendor's id of what the event is about (the order, the payment). */
	subjectId?: string;
	payload: Record<string, unknown>;
}

/**
 * What to do with one delivery: `refused` (forged, unsigned, stale or malformed: answer 401, start nothing), `skipped`
 * (authentic but not this trigger's event, or a delivery already let through: answer 200, start nothing) or `accepted`
 * with its events (one, or for a vendor batching events several: those of this trigger not let through before).
 */
export type DeliveryOutcome<Event extends string> =
	| { outcome: 'refused'; reason: string }
	| { outcome: 'skipped'; reason: string }
	| { outcome: 'accepted'; events: Array<TriggerEvent<Event>> };

export async function receiveDelivery<Event extends string>(store: StateStore, scheme: WebhookReceiver<Event>, delivery: Delivery<Event>): Promise<DeliveryOutcome<Event>> {
	// No secret known (none set in the credential, or no registration) refuses every delivery.
	const secret = (scheme.secretFrom === 'credential' ? delivery.credentialSecret : delivery.registration.secret) ?? '';
	const received = { header: delivery.header, rawBody: delivery.rawBody, url: delivery.url, nowMs: delivery.nowMs ?? Date.now() };
	if (secret === '' || !(await scheme.verify(received, secret, delivery.api)).valid) return { outcome: 'refused', reason: 'the signature is missing, stale or does not match the body' };
	const body = scheme.parse ? scheme.parse(delivery.rawBody) : parseJson(delivery.rawBody);
	const payloads = scheme.split ? scheme.split(body) : isObject(body) ? [body] : undefined;
	if (!payloads) return { outcome: 'refused', reason: scheme.split ? `the body is not a list of ${scheme.platform} events` : scheme.parse ? `the body is not a ${scheme.platform} notification` : 'the body is not a JSON object' };
	const deliveryIds = payloads.map((payload) => scheme.deliveryId(delivery.header, payload));
	if (deliveryIds.some((id) => !id)) return { outcome: 'refused', reason: 'the delivery carries no delivery id' };
	const wanted = eventTopic(scheme, delivery.event);
	const topics = wanted.topics ?? [wanted.topic];
	const events: Array<TriggerEvent<Event>> = [];
	let skipped = '';
	for (const [index, payload] of payloads.entries()) {
		const deliveryId = deliveryIds[index] as string;
		const topic = scheme.topic(delivery.header, payload);
		if (topic === undefined || !topics.includes(topic)) skipped = `topic ${String(topic)} is not ${topics.join(' or ')}`;
		else if (wanted.matches && !wanted.matches(payload)) skipped = `this ${topic} is not ${delivery.event}`;
		else if (delivery.dropRepeats !== false && !(await firstDelivery(store, delivery.triggerKey, deliveryId))) skipped = `delivery ${deliveryId} was already received`;
		else events.push({ platform: scheme.platform, event: delivery.event, topic, deliveryId, subjectId: scheme.subjectId(payload), payload });
	}
	return events.length > 0 ? { outcome: 'accepted', events } : { outcome: 'skipped', reason: skipped };
}

function parseJson(rawBody: Buffer): unknown {
	try {
		return JSON.parse(rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
