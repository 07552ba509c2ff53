import { listedStoreName as storeName } from './storeList';
import type { HeaderReader, StoreIdentity, WebhookReceiver } from './webhookSchemes';

/** A store of a list credential as a trigger or a Verify operation reaches it: its id (`shopify@us`), its label and its API's base URL. */
export interface HookStore {
	id: string;
	label: string;
	baseUrl: string;
}

function identityOf<Event extends string>(scheme: WebhookReceiver<Event>): StoreIdentity {
	// Named by its id: reading the catalog here would close an import cycle (the catalog reads the vendor folders, which read lib/platforms).
	if (!scheme.sendingStore) throw new Error(`${scheme.platform} deliveries do not name their store: a list of its stores cannot share one webhook URL`);
	return scheme.sendingStore;
}

/**
 * The stores of a list by the identity the vendor names them by on a delivery, read from each store's API URL. A store
 * whose URL does not say, or two entries of one store (each would take the other's deliveries), is an error naming the
 * stores by their labels.
 */
export function storesByIdentity<Event extends string>(scheme: WebhookReceiver<Event>, stores: readonly HookStore[]): Map<string, HookStore> {
	const identity = identityOf(scheme);
	const byIdentity = new Map<string, HookStore>();
	for (const store of stores) {
		const key = identity.ofStore(store.baseUrl);
		if (key === undefined) throw new Error(`${storeName(store)}: its API URL does not say which store it is`);
		const earlier = byIdentity.get(key);
		if (earlier) throw new Error(`${storeName(earlier)} and ${storeName(store)} are the same store (${key}): list each store once`);
		byIdentity.set(key, store);
	}
	return byIdentity;
}

function parsedPayload(rawBody: Buffer): Record<string, unknown> | undefined {
	try {
		const body: unknown = JSON.parse(rawBody.toString('utf8'));
		return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The listed store a delivery comes from, by the store the vendor names on it (a header or a payload field): its
 * signature is then checked with that store's secret, never another's. A delivery naming no store, or a store not in the
 * list (`byIdentity`, from storesByIdentity), is refused with the reason; nothing of it is trusted before its
 * signature holds.
 */
export function sendingStore<Event extends string>(
	scheme: WebhookReceiver<Event>,
	byIdentity: ReadonlyMap<string, HookStore>,
	delivery: { header: HeaderReader; rawBody: Buffer },
): { store: HookStore } | { refused: string } {
	const identity = identityOf(scheme);
	const named = identity.ofDelivery(delivery.header, parsedPayload(delivery.rawBody));
	if (named === undefined) return { refused: `the delivery does not name its store (no ${identity.carriedIn})` };
	const store = byIdentity.get(named);
	return store ? { store } : { refused: `the delivery comes from a store that is not in the list (${identity.carriedIn}: ${named})` };
}
