/**
 * Square Invoices on top of Orders: an order for a customer (`POST /v2/orders`, line items with `quantity` as a string
 * and `base_price_money` in minor units), an invoice of it (`POST /v2/invoices`: DRAFT, version 0, one BALANCE payment
 * request whose `computed_amount_money` is the order's total), then published (`/publish` with the invoice's version:
 * UNPAID, with its `public_url`). Each create takes its own `idempotency_key`, scoped to its endpoint; publishing a
 * version that is not the invoice's is refused (`VERSION_MISMATCH`), as is publishing one not in DRAFT. A repeated key
 * answers what it first answered (the invoice at version 0, not as publishing left it).
 * An unpaid invoice is paid by its buyer (the control API's `invoice.payment_made`: PAID, its payment request's
 * `total_completed_amount_money` the amount) or canceled (`/cancel` with its version: CANCELED); a subscription's cycle
 * bills it through an invoice of its own (`subscription_id`), charged to the card on file at once or left UNPAID when
 * the charge fails. Each is reported as Square does: invoice.payment_made, invoice.canceled, invoice.scheduled_charge_failed.
 */
import { randomBytes } from 'node:crypto';

import { IdempotencyCache } from '../framework/idempotency';
import type { SandboxResponse } from '../framework/types';

/** Reports an invoice event (its type and the invoice as it now is) to the webhook subscriptions to it. */
type Report = (type: string, invoice: Record<string, unknown>, times?: number) => void;
type Errors = (status: number, errors: Array<{ category: string; code: string; detail: string; field?: string }>) => SandboxResponse;

export class SquareInvoices {
	orders = new Map<string, Record<string, unknown>>();
	invoices = new Map<string, Record<string, unknown>>();
	private readonly orderKeys: IdempotencyCache;
	private readonly invoiceKeys: IdempotencyCache;
	private readonly publishKeys: IdempotencyCache;
	private numbered = 0;

	constructor(
		private readonly errors: Errors,
		rules: ConstructorParameters<typeof IdempotencyCache>[0],
		private readonly isActiveLocation: (id: unknown) => boolean,
		private readonly report: Report,
	) {
		this.orderKeys = new IdempotencyCache(rules);
		this.invoiceKeys = new IdempotencyCache(rules);
		this.publishKeys = new IdempotencyCache(rules);
	}

	reset(): void {
		this.orders.clear();
		this.invoices.clear();
		for (const keys of [this.orderKeys, this.invoiceKeys, this.publishKeys]) keys.reset();
		this.numbered = 0;
	}

	async createOrder(body: Record<string, unknown>): Promise<SandboxResponse> {
		const order = (body.order ?? {}) as { location_id?: unknown; customer_id?: unknown; line_items?: Array<{ name?: unknown; quantity?: unknown; base_price_money?: { amount?: unknown; currency?: unknown } }> };
		if (typeof body.idempotency_key !== 'string' || body.idempotency_key === '') return this.missing('idempotency_key');
		if (!this.isActiveLocation(order.location_id)) return this.errors(404, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Location \`${String(order.location_id)}\` not found.`, field: 'order.location_id' }]);
		const items = order.line_items ?? [];
		const currencies = new Set(items.map((item) => item.base_price_money?.currency));
		for (const [index, item] of items.entries()) {
			if (!/^\d+$/.test(String(item.quantity ?? '')) || !Number.isInteger(item.base_price_money?.amount) || typeof item.base_price_money?.currency !== 'string') {
				return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'Each line item needs a whole quantity and base_price_money in minor units.', field: `order.line_items[${index}]` }]);
			}
		}
		if (items.length === 0 || currencies.size !== 1) return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'An order needs line items in one currency.', field: 'order.line_items' }]);
		return this.orderKeys.run(body.idempotency_key, JSON.stringify({ ...body, idempotency_key: undefined }), async () => {
			const currency = String([...currencies][0]);
			const total = items.reduce((sum, item) => sum + Number(item.base_price_money!.amount) * Number(item.quantity), 0);
			const now = new Date().toISOString();
			const created = {
				id: randomBytes(12).toString('base64url'), location_id: order.location_id, customer_id: order.customer_id ?? null, state: 'OPEN', version: 1, created_at: now, updated_at: now,
				line_items: items.map((item) => ({ uid: randomBytes(6).toString('hex'), ...item, gross_sales_money: { amount: Number(item.base_price_money!.amount) * Number(item.quantity), currency }, total_money: { amount: Number(item.base_price_money!.amount) * Number(item.quantity), currency } })),
				total_money: { amount: total, currency }, net_amount_due_money: { amount: total, currency },
			};
			this.orders.set(created.id, created);
			// A snapshot: a replay answers what was first answered, not the order as it is now.
			return { status: 200, body: { order: structuredClone(created) } };
		});
	}

	async createInvoice(body: Record<string, unknown>): Promise<SandboxResponse> {
		const invoice = (body.invoice ?? {}) as { location_id?: unknown; order_id?: unknown; primary_recipient?: { customer_id?: unknown }; payment_requests?: Array<{ request_type?: unknown; due_date?: unknown }>; description?: unknown; delivery_method?: unknown };
		if (typeof body.idempotency_key !== 'string' || body.idempotency_key === '') return this.missing('idempotency_key');
		const order = this.orders.get(String(invoice.order_id));
		if (!order) return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Order \`${String(invoice.order_id)}\` not found.`, field: 'invoice.order_id' }]);
		// Square: an invoice's location, when given, must be its order's.
		if (invoice.location_id !== undefined && invoice.location_id !== order.location_id) {
			return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'The invoice location must match the location of the order.', field: 'invoice.location_id' }]);
		}
		if (typeof invoice.primary_recipient?.customer_id !== 'string') return this.missing('invoice.primary_recipient.customer_id');
		const request = invoice.payment_requests?.[0];
		if (!request || typeof request.due_date !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(request.due_date)) return this.missing('invoice.payment_requests[0].due_date');
		return this.invoiceKeys.run(body.idempotency_key, JSON.stringify({ ...body, idempotency_key: undefined }), async () => {
			const now = new Date().toISOString();
			const id = `inv:0-${randomBytes(12).toString('base64url')}`;
			const created = {
				id, version: 0, location_id: invoice.location_id, order_id: order.id, status: 'DRAFT', invoice_number: String(++this.numbered).padStart(6, '0'),
				primary_recipient: invoice.primary_recipient, delivery_method: invoice.delivery_method ?? 'EMAIL', description: invoice.description ?? null, created_at: now, updated_at: now,
				payment_requests: [{ uid: randomBytes(6).toString('hex'), request_type: request.request_type ?? 'BALANCE', due_date: request.due_date, computed_amount_money: order.total_money, total_completed_amount_money: { amount: 0, currency: (order.total_money as { currency: string }).currency } }],
			};
			this.invoices.set(id, created);
			return { status: 200, body: { invoice: structuredClone(created) } };
		});
	}

	async publish(invoiceId: string, body: Record<string, unknown>): Promise<SandboxResponse> {
		const invoice = this.invoices.get(invoiceId);
		if (!invoice) return this.missingInvoice(invoiceId);
		const run = async (): Promise<SandboxResponse> => {
			if (body.version !== invoice.version) return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'VERSION_MISMATCH', detail: `The version ${String(body.version)} does not match the invoice's ${String(invoice.version)}.`, field: 'version' }]);
			if (invoice.status !== 'DRAFT') return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: `An invoice in ${String(invoice.status)} cannot be published.` }]);
			Object.assign(invoice, { status: 'UNPAID', version: Number(invoice.version) + 1, public_url: `https://squareupsandbox.com/pay-invoice/${invoiceId}`, updated_at: new Date().toISOString() });
			return { status: 200, body: { invoice: structuredClone(invoice) } };
		};
		return typeof body.idempotency_key === 'string' && body.idempotency_key !== '' ? this.publishKeys.run(`${invoiceId} ${body.idempotency_key}`, JSON.stringify(body), run) : run();
	}

	/** CancelInvoice of an unpaid invoice, at its current version. */
	cancel(invoiceId: string, body: Record<string, unknown>): SandboxResponse {
		const invoice = this.invoices.get(invoiceId);
		if (!invoice) return this.missingInvoice(invoiceId);
		if (body.version !== invoice.version) return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'VERSION_MISMATCH', detail: `The version ${String(body.version)} does not match the invoice's ${String(invoice.version)}.`, field: 'version' }]);
		if (!['UNPAID', 'SCHEDULED', 'PARTIALLY_PAID'].includes(String(invoice.status))) return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: `An invoice in ${String(invoice.status)} cannot be canceled.` }]);
		this.advance(invoice, { status: 'CANCELED' });
		this.report('invoice.canceled', invoice);
		return { status: 200, body: { invoice: structuredClone(invoice) } };
	}

	/** The buyer pays a published invoice in full (what paying at its `public_url` does); throws for one not UNPAID. */
	buyerPays(invoiceId: string, times = 1): Record<string, unknown> {
		const invoice = this.invoices.get(invoiceId);
		if (!invoice || invoice.status !== 'UNPAID') throw new Error(`invoice ${invoiceId} is ${invoice ? String(invoice.status) : 'unknown'}: only an UNPAID invoice is paid`);
		this.settle(invoice);
		this.report('invoice.payment_made', invoice, times);
		return invoice;
	}

	/**
	 * A subscription's billing cycle: an invoice of its order for the plan's price, charged to the card on file. Charged,
	 * it is PAID (invoice.payment_made); declined, it stays UNPAID (invoice.scheduled_charge_failed).
	 */
	billSubscription(subscription: Record<string, unknown>, price: { amount: number; currency: string }, charged: boolean, times = 1): Record<string, unknown> {
		const now = new Date().toISOString();
		const orderId = randomBytes(12).toString('base64url');
		const line = { uid: randomBytes(6).toString('hex'), name: String(subscription.plan_variation_id), quantity: '1', base_price_money: price, gross_sales_money: price, total_money: price };
		this.orders.set(orderId, { id: orderId, location_id: subscription.location_id, customer_id: subscription.customer_id, state: 'OPEN', version: 1, created_at: now, updated_at: now, line_items: [line], total_money: price, net_amount_due_money: price });
		const id = `inv:0-${randomBytes(12).toString('base64url')}`;
		const invoice: Record<string, unknown> = {
			id, version: 1, location_id: subscription.location_id, order_id: orderId, subscription_id: subscription.id, status: 'UNPAID', invoice_number: String(++this.numbered).padStart(6, '0'),
			primary_recipient: { customer_id: subscription.customer_id }, delivery_method: 'EMAIL', created_at: now, updated_at: now, public_url: `https://squareupsandbox.com/pay-invoice/${id}`,
			payment_requests: [{ uid: randomBytes(6).toString('hex'), request_type: 'BALANCE', due_date: now.slice(0, 10), automatic_payment_source: 'CARD_ON_FILE', card_id: subscription.card_id ?? null, computed_amount_money: price, total_completed_amount_money: { amount: 0, currency: price.currency } }],
		};
		this.invoices.set(id, invoice);
		if (charged) this.settle(invoice);
		this.report(charged ? 'invoice.payment_made' : 'invoice.scheduled_charge_failed', invoice, times);
		return invoice;
	}

	get(invoiceId: string): SandboxResponse {
		const invoice = this.invoices.get(invoiceId);
		return invoice ? { status: 200, body: { invoice } } : this.missingInvoice(invoiceId);
	}

	/** Its payment request completed in full: PAID, one version on. */
	private settle(invoice: Record<string, unknown>): void {
		const [request] = invoice.payment_requests as Array<Record<string, unknown>>;
		request.total_completed_amount_money = request.computed_amount_money;
		this.advance(invoice, { status: 'PAID' });
	}

	private advance(invoice: Record<string, unknown>, change: Record<string, unknown>): void {
		Object.assign(invoice, change, { version: Number(invoice.version) + 1, updated_at: new Date().toISOString() });
	}

	private missingInvoice(invoiceId: string): SandboxResponse {
		return this.errors(404, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Invoice \`${invoiceId}\` not found.` }]);
	}

	private missing(field: string): SandboxResponse {
		return this.errors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'MISSING_REQUIRED_PARAMETER', detail: 'Missing required parameter.', field }]);
	}
}
