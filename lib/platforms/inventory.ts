import { PlatformApiError } from '../transport/errors';
import { hmac, safeEqual } from '../transport/signatures';
import type { SignatureCheck } from './payments';
import { verdict, type HeaderReader } from './webhookSchemes';

/** What a commerce platform can do for the inventory fan-out engine. One implementation per platform. */

export type StockReason = 'sale' | 'refund' | 'restock' | 'correction';

/** Why a quantity changes, carried to the platform where it records one (Shopify's reason and reference document). */
export interface StockContext {
	reason: StockReason;
	/** A URI naming what caused the change, e.g. `order://shopify-main/1001/line/1`. */
	reference: string;
}

/** A change's own context: `previous` is the quantity the engine just read and recorded as the change's start. */
export interface AdjustContext extends StockContext {
	previous?: number;
}

/**
 * A quantity as read, with the marker of the last change this package wrote to it, on platforms that keep one in the
 * same write as the quantity (WooCommerce product meta_data). The marker is the change's `reference`.
 */
export interface StockReading {
	quantity: number;
	marker?: string;
}

/** The quantity before and after one change on one platform. */
export interface StockChange {
	previous: number;
	next: number;
}

/**
 * How a platform changes stock by a delta:
 * - `relative`: an atomic adjust on the platform (Shopify inventoryAdjustQuantities, BigCommerce relative adjustments);
 * - `read_modify_write`: read, set absolute, read again (WooCommerce, Magento MSI have no adjust and no compare):
 *   safe only while writers to the same item are serialised, which the engine does.
 */
export type AdjustPrimitive = 'relative' | 'read_modify_write';

/** The SKU has no item on this store (or not at the configured location). Never retried, always reported. */
export class UnknownSkuError extends Error {
	readonly code = 'UNKNOWN_SKU';
	constructor(
		readonly platform: string,
		readonly sku: string,
	) {
		super(`SKU "${sku}" is not known on ${platform}`);
		this.name = 'UnknownSkuError';
	}
}

/** A compare-and-set found another quantity than the one it compared with (Shopify COMPARE_QUANTITY_STALE). */
export class StaleQuantityError extends Error {
	readonly code = 'COMPARE_QUANTITY_STALE';
	constructor(
		readonly platform: string,
		readonly sku: string,
	) {
		super(`The quantity of "${sku}" on ${platform} changed since it was read`);
		this.name = 'StaleQuantityError';
	}
}

/**
 * A read-modify-write found, on reading back, another quantity than it wrote: someone else wrote the item in between.
 * The write may or may not have been overtaken, so it is neither repeated nor trusted; reconcile settles the item.
 */
export class ConcurrentChangeError extends Error {
	readonly code = 'CONCURRENT_CHANGE';
	constructor(
		readonly platform: string,
		readonly sku: string,
		readonly written: number,
		readonly found: number,
	) {
		super(`"${sku}" on ${platform} reads ${found} right after it was set to ${written}: another writer changed it`);
		this.name = 'ConcurrentChangeError';
	}
}

/** An order as a store reports it when polled (for stores whose webhooks are not used). */
export interface StoreOrder {
	orderId: string;
	/** ISO 8601, UTC. */
	modifiedAt: string;
	lines: Array<{ lineId: string; sku: string; quantity: number }>;
	/** What the store says of the order beyond its lines, where it says it (for the Order Poll Trigger's items). */
	createdAt?: string;
	customerEmail?: string;
	total?: string;
	currency?: string;
	/** The order as the store returned it. */
	raw?: Record<string, unknown>;
}

export interface InventoryConnector {
	readonly platform: string;
	readonly adjustPrimitive: AdjustPrimitive;
	/** Whether `set` can compare with an expected current quantity on the platform itself. */
	readonly compareAndSet: boolean;
	/** The quantity available at the connector's location; throws UnknownSkuError. */
	getQuantity(sku: string): Promise<number>;
	/**
	 * Changes the quantity by `delta` with the platform's safest primitive. With `context.previous` (read just before),
	 * a read-modify-write writes `previous + delta` without reading again.
	 */
	adjust(sku: string, delta: number, context: AdjustContext): Promise<StockChange>;
	/**
	 * Reads the quantity with the marker of the last change written (see StockReading). Only on platforms that keep a
	 * marker: where present, whether a change landed is told by its marker, not guessed from the quantity.
	 */
	readMarked?(sku: string): Promise<StockReading>;
	/**
	 * Sets an absolute quantity. With `compareQuantity` on a compare-and-set platform, throws StaleQuantityError when
	 * the platform holds another quantity; elsewhere the caller serialises writers.
	 */
	set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange>;
	/**
	 * Orders modified at or after `since` (ISO 8601; every order when undefined), oldest first. The bound is inclusive:
	 * an order seen twice is harmless, since the ledger applies each order line once. Absent where not supported.
	 */
	pullOrders?(since: string | undefined): Promise<StoreOrder[]>;
	/** The `limit` orders modified last, oldest first: a sample without reading every order. */
	latestOrders?(limit: number): Promise<StoreOrder[]>;
}

/**
 * The read-modify-write used where a platform has neither a relative adjust nor a compare-and-set: read (unless the
 * caller just did), write the sum, then read back to verify. A read-back that differs means another writer touched it.
 */
export async function readModifyWrite(
	connector: Pick<InventoryConnector, 'platform' | 'getQuantity'>,
	sku: string,
	delta: number,
	write: (quantity: number) => Promise<void>,
	knownPrevious?: number,
): Promise<StockChange> {
	const previous = knownPrevious ?? (await connector.getQuantity(sku));
	const next = previous + delta;
	await write(next);
	const found = await connector.getQuantity(sku);
	if (found !== next) throw new ConcurrentChangeError(connector.platform, sku, next, found);
	return { previous, next };
}

/** The absolute set used by the same platforms: reports the quantity it replaced (the caller's, if it compared one). */
export async function plainSet(
	connector: Pick<InventoryConnector, 'getQuantity'>,
	sku: string,
	quantity: number,
	compareQuantity: number | undefined,
	write: (quantity: number) => Promise<void>,
): Promise<StockChange> {
	const previous = compareQuantity ?? (await connector.getQuantity(sku));
	await write(quantity);
	return { previous, next: quantity };
}

/**
 * The signature both Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature) put on an order webhook:
 * base64(HMAC-SHA256(secret, raw body)), compared in constant time.
 */
export function verifyBodyHmac(header: HeaderReader, name: string, rawBody: string | Buffer, secret: string): SignatureCheck {
	const signature = header(name);
	if (!signature) return { valid: false, reason: `missing ${name} header` };
	return verdict(secret !== '' && safeEqual(Buffer.from(signature, 'base64'), hmac(secret, rawBody)), 'signature does not match the body');
}

/**
 * Sends a write that must not be repeated blindly (a relative adjust without an idempotency key). When no answer
 * came back, or a 5xx did, the write may have been committed: the error says OUTCOME_UNKNOWN so that nobody retries it
 * and reconcile settles the item instead.
 */
export async function nonIdempotentWrite<T>(send: () => Promise<T>): Promise<T> {
	try {
		return await send();
	} catch (error) {
		if (!(error instanceof PlatformApiError) || (error.status !== undefined && error.status < 500)) throw error;
		throw new PlatformApiError({
			platform: error.platform,
			message: `${error.message} (the change may or may not have been applied)`,
			status: error.status,
			code: 'OUTCOME_UNKNOWN',
			retryable: false,
			attempts: error.attempts,
			responseBody: error.responseBody,
		});
	}
}

/** A change the platform refused as invalid (Shopify userErrors), final like a 422. */
export function refusedChange(platform: string, message: string, code?: string): PlatformApiError {
	return new PlatformApiError({ platform, message, status: 422, code, retryable: false, attempts: 1 });
}
