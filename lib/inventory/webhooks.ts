import { verifyBodyHmacBase64 } from '../platforms/inventory';
import { checkInput, describeViolations, id, type InputViolation } from '../records/inputSchema';
import { orderPayloadSchema } from './inputs';
import type { OrderEvent } from './movements';

export type OrderWebhookSource = 'shopify' | 'woocommerce';

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

const SCHEMES: Record<OrderWebhookSource, { signature: string; delivery: string }> = {
	shopify: { signature: 'x-shopify-hmac-sha256', delivery: 'x-shopify-webhook-id' },
	woocommerce: { signature: 'x-wc-webhook-signature', delivery: 'x-wc-webhook-delivery-id' },
};

interface OrderPayload {
	id?: number | string;
	line_items?: Array<{ id?: number | string; sku?: string | null; quantity?: number }>;
	email?: string | null;
	total_price?: string;
	created_at?: string;
	billing?: { email?: string };
	total?: string;
	date_created_gmt?: string;
}

/** The buyer, total and time of an order, from each vendor's own fields; absent ones are left out. */
function orderCustomer(source: OrderWebhookSource, payload: OrderPayload): Pick<OrderEvent, 'customerEmail' | 'total' | 'createdAt'> {
	const fields = source === 'shopify'
		? { customerEmail: payload.email, total: payload.total_price, createdAt: payload.created_at }
		// WooCommerce's *_gmt times are UTC without a zone designator.
		: { customerEmail: payload.billing?.email, total: payload.total, createdAt: payload.date_created_gmt && `${payload.date_created_gmt.replace(/Z$/, '')}Z` };
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
	const scheme = SCHEMES[source];
	const header = (name: string) => {
		const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
		return Array.isArray(value) ? value[0] : value;
	};
	if (!header(scheme.signature)) return { valid: false, signed: false, reason: `missing ${scheme.signature} header` };
	if (!verifyBodyHmacBase64(rawBody, header(scheme.signature), secret)) return { valid: false, signed: false, reason: 'signature does not match the body' };
	let payload: OrderPayload;
	try {
		payload = JSON.parse(rawBody) as OrderPayload;
	} catch {
		return { valid: false, signed: true, reason: 'body is not JSON' };
	}
	const checked = checkInput(orderPayloadSchema, payload);
	const delivery = { sourceStore: storeId, deliveryId: header(scheme.delivery), ...orderCustomer(source, payload) };
	if (checked.violations) {
		const received = typeof payload === 'object' && payload !== null ? { ...delivery, orderId: asSentId(payload.id), lines: linesAsSent(payload.line_items) } : undefined;
		return { valid: false, signed: true, reason: `not a valid order: ${describeViolations(checked.violations)}`, violations: checked.violations, received };
	}
	const lines = checked.value.line_items.map((line) => ({ lineId: line.id, sku: line.sku, quantity: line.quantity }));
	return { valid: true, order: { ...delivery, orderId: checked.value.id, lines } };
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
