import { randomBytes } from 'node:crypto';

import { platformEntry } from '../platforms/catalog';
import type { HeaderReader, OrderEventKind, OrderWebhookScheme } from '../platforms/orderWebhooks';
import type { StateStore } from '../store';
import type { Transport } from '../transport';
import { firstDelivery } from './deliveries';

/** What the trigger keeps of its registration (in n8n's node static data): the vendor's webhook id and the secret it signs with. */
export interface OrderHookRegistration {
	hookId: string;
	/** Only where the package chose the secret at registration; Shopify's is the app secret in the credential. */
	secret?: string;
}

export function orderWebhookScheme(platform: string): OrderWebhookScheme {
	const scheme = platformEntry(platform).orderWebhooks;
	if (!scheme) throw new Error(`${platformEntry(platform).displayName} has no order webhooks this package can register`);
	return scheme;
}

/**
 * The registration already delivering `event` to `url`, if the vendor has one the trigger can verify: a webhook whose
 * secret the package chose but no longer knows (its record lost) is deleted, so that a fresh one replaces it.
 */
export async function existingOrderHook(
	transport: Transport,
	platform: string,
	event: OrderEventKind,
	url: string,
	known: Partial<OrderHookRegistration>,
): Promise<OrderHookRegistration | undefined> {
	const scheme = orderWebhookScheme(platform);
	const topic = scheme.events[event].topic;
	const hook = (await scheme.list(transport, topic)).find((candidate) => candidate.url === url && candidate.topic === topic);
	if (!hook) return undefined;
	if (scheme.secretFrom === 'credential') return { hookId: hook.id };
	if (known.hookId === hook.id && known.secret) return { hookId: hook.id, secret: known.secret };
	await scheme.remove(transport, hook.id);
	return undefined;
}

/** Registers `url` for `event` with the vendor, with a fresh secret where the package chooses it. */
export async function registerOrderHook(transport: Transport, platform: string, event: OrderEventKind, url: string): Promise<OrderHookRegistration> {
	const scheme = orderWebhookScheme(platform);
	const secret = scheme.secretFrom === 'registration' ? randomBytes(32).toString('hex') : undefined;
	const hookId = await scheme.create(transport, { url, topic: scheme.events[event].topic, secret });
	return { hookId, secret };
}

export async function removeOrderHook(transport: Transport, platform: string, hookId: string): Promise<void> {
	await orderWebhookScheme(platform).remove(transport, hookId);
}

export interface OrderDelivery {
	platform: string;
	event: OrderEventKind;
	/** Scopes the delivery ids seen (e.g. workflow and node): two triggers on the same event each start once. */
	triggerKey: string;
	header: HeaderReader;
	rawBody: Buffer;
	/** What the trigger kept at registration. */
	registration: Partial<OrderHookRegistration>;
	/** The credential's webhook secret, for vendors that sign with the app's secret (Shopify). */
	credentialSecret?: string;
}

/** The event a trigger starts its execution with. */
export interface OrderTriggerEvent {
	platform: string;
	event: OrderEventKind;
	topic: string;
	deliveryId: string;
	orderId?: string;
	payload: Record<string, unknown>;
}

/**
 * What to do with one delivery: `refused` (forged, unsigned or malformed: answer 401, start nothing), `skipped`
 * (authentic but not this trigger's event, or a delivery already let through: answer 200, start nothing) or `accepted`.
 */
export type OrderDeliveryOutcome =
	| { outcome: 'refused'; reason: string }
	| { outcome: 'skipped'; reason: string }
	| { outcome: 'accepted'; event: OrderTriggerEvent };

export async function receiveOrderDelivery(store: StateStore, delivery: OrderDelivery): Promise<OrderDeliveryOutcome> {
	const scheme = orderWebhookScheme(delivery.platform);
	// No secret known (none set in the credential, or no registration) refuses every delivery.
	const secret = (scheme.secretFrom === 'credential' ? delivery.credentialSecret : delivery.registration.secret) ?? '';
	if (!scheme.authentic(delivery.header, delivery.rawBody, secret)) return { outcome: 'refused', reason: 'the signature does not match the body' };
	const payload = parseObject(delivery.rawBody);
	if (!payload) return { outcome: 'refused', reason: 'the body is not a JSON object' };
	const deliveryId = scheme.deliveryId(delivery.header, payload);
	if (!deliveryId) return { outcome: 'refused', reason: 'the delivery carries no delivery id' };
	const wanted = scheme.events[delivery.event];
	const topic = scheme.topic(delivery.header, payload);
	if (topic !== wanted.topic) return { outcome: 'skipped', reason: `topic ${String(topic)} is not ${wanted.topic}` };
	if (wanted.matches && !wanted.matches(payload)) return { outcome: 'skipped', reason: `this ${topic} is not an order ${delivery.event}` };
	if (!(await firstDelivery(store, delivery.triggerKey, deliveryId))) return { outcome: 'skipped', reason: `delivery ${deliveryId} was already received` };
	return { outcome: 'accepted', event: { platform: delivery.platform, event: delivery.event, topic, deliveryId, orderId: scheme.orderId(payload), payload } };
}

function parseObject(rawBody: Buffer): Record<string, unknown> | undefined {
	try {
		const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
		return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
