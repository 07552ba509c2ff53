import { platformDefinition } from '../platforms/catalog';
import { sendingStore, storesByIdentity, type HookStore } from '../platforms/sendingStore';
import { listedStoreName } from '../platforms/storeList';
import { credentialSecretField, headerReader, verifyLocally, type OrderWebhookScheme } from '../platforms/webhookSchemes';
import { checkInput, describeViolations, id, type InputViolation } from '../records/inputSchema';
import { orderPayloadSchema } from './inputs';
import type { OrderEvent } from './movements';

/** The id of a store platform whose order webhooks can be verified (`shopify`, `woocommerce`). */
export type OrderWebhookSource = string;

/** An order as the vendor sent it, nothing dropped or converted but integer ids (which become their decimal text). */
export interface ReceivedOrder extends Omit<OrderEvent, 'orderId' | 'lines'> {
	orderId: unknown;
	lines: unknown;
}

/**
 * A refused delivery: forged (`signed` false), or correctly signed but not an order this package can apply:
 * `violations` name each bad field (e.g. `line_items[1].quantity`) and `received` holds the order as sent, so the step
 * that records or applies it refuses it visibly, naming the field.
 */
export type OrderWebhookCheck =
	| { valid: true; order: OrderEvent }
	| { valid: false; reason: string; signed: boolean; violations?: InputViolation[]; received?: ReceivedOrder };

function orderWebhooksOf(source: OrderWebhookSource): OrderWebhookScheme {
	const scheme = platformDefinition(source).orderWebhooks;
	if (!scheme) throw new Error(`${source} sends no order webhooks this package can verify`);
	return scheme;
}

/** The credential field holding the secret the store's deliveries are signed with. */
export function orderWebhookSecretField(source: OrderWebhookSource): string {
	return credentialSecretField(orderWebhooksOf(source));
}

/** The buyer, total and time of an order, from the vendor's own fields; absent ones are left out. */
function orderCustomer(scheme: OrderWebhookScheme, payload: Record<string, unknown> | undefined): Pick<OrderEvent, 'customerEmail' | 'total' | 'createdAt'> {
	if (!scheme.orderSummary || !payload) return {};
	const fields = scheme.orderSummary(payload);
	return Object.fromEntries(Object.entries(fields).filter(([, value]) => typeof value === 'string' && value !== '')) as Pick<OrderEvent, 'customerEmail' | 'total' | 'createdAt'>;
}

/**
 * Verifies a Shopify orders/create or WooCommerce order.created delivery (base64 HMAC-SHA256 of the raw body) and
 * reads its order lines; both vendors send `{id, line_items: [{id, sku, quantity}]}`. One invalid line (no SKU, a
 * quantity that is not a whole number of at least 1, "2" as text) refuses the whole order with the line and field named:
 * a line is never dropped or reinterpreted, so nothing of a malformed order is recorded or applied.
 */
export function readOrderWebhook(
	source: OrderWebhookSource,
	headers: Record<string, string | string[] | undefined>,
	rawBody: string,
	secret: string,
	storeId: string = source,
): OrderWebhookCheck {
	const scheme = orderWebhooksOf(source);
	const header = headerReader(headers);
	const signature = verifyLocally(scheme, { header, rawBody: Buffer.from(rawBody, 'utf8'), url: '', nowMs: Date.now() }, secret);
	if (!signature.valid) return { ...signature, signed: false };
	let payload: unknown;
	try {
		payload = JSON.parse(rawBody);
	} catch {
		return { valid: false, signed: true, reason: 'body is not JSON' };
	}
	const checked = checkInput(orderPayloadSchema, payload);
	const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
	const delivery = { sourceStore: storeId, deliveryId: scheme.deliveryId(header, fields ?? {}), ...orderCustomer(scheme, fields) };
	if (checked.violations) {
		const received = fields ? { ...delivery, orderId: asSentId(fields.id), lines: linesAsSent(fields.line_items) } : undefined;
		return { valid: false, signed: true, reason: `not a valid order: ${describeViolations(checked.violations)}`, violations: checked.violations, received };
	}
	const lines = checked.value.line_items.map((line) => ({ lineId: line.id, sku: line.sku, quantity: line.quantity }));
	return { valid: true, order: { ...delivery, orderId: checked.value.id, lines } };
}

/** A store of a list credential whose order deliveries are verified: where its API is, and its entry's values. */
export interface ListedOrderStore extends HookStore {
	values: Record<string, unknown>;
}

/**
 * The check of the order deliveries of a list's stores, one Webhook URL for all: each delivery is taken as from the
 * store the vendor names on it, verified with that store's secret (never another's), and its order's Source Store is
 * that store's id (`shopify@us`). A delivery naming no store, or a store not in the list, is refused as forged. A list
 * whose stores cannot be told apart, or a store without its webhook secret (each of its deliveries would be refused,
 * hiding the cause), is an error naming the store.
 */
export function listedOrderWebhooks(
	source: OrderWebhookSource,
	stores: readonly ListedOrderStore[],
): (headers: Record<string, string | string[] | undefined>, rawBody: string) => OrderWebhookCheck {
	const scheme = orderWebhooksOf(source);
	const byIdentity = storesByIdentity(scheme, stores);
	const field = credentialSecretField(scheme);
	const unsigned = stores.find((store) => typeof store.values[field] !== 'string' || store.values[field] === '');
	if (unsigned) throw new Error(`${listedStoreName(unsigned)} has no ${field} set: its order deliveries cannot be verified`);
	return (headers, rawBody) => {
		const from = sendingStore(scheme, byIdentity, { header: headerReader(headers), rawBody: Buffer.from(rawBody, 'utf8') });
		if ('refused' in from) return { valid: false, signed: false, reason: from.refused };
		const store = from.store as ListedOrderStore;
		return readOrderWebhook(source, headers, rawBody, store.values[field] as string, store.id);
	};
}

function asSentId(value: unknown): unknown {
	return id().check(value, 'id').value ?? value;
}

function linesAsSent(lines: unknown): unknown {
	if (!Array.isArray(lines)) return lines;
	return lines.map((line: unknown) => {
		if (typeof line !== 'object' || line === null) return line;
		const { id: lineId, sku, quantity } = line as Record<string, unknown>;
		return { lineId: asSentId(lineId), sku, quantity };
	});
}
