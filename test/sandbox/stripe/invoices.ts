/**
 * Stripe invoices, as its API documents them: a draft invoice (`POST /v1/invoices`) for a customer, invoice items added
 * to it (`POST /v1/invoiceitems`, `unit_amount` × `quantity` in minor units, or `amount`), then finalized (`open`, with
 * a number and a hosted page; a zero total is `paid` at once) and sent (`/send`, send_invoice only). Items go only to a
 * draft in the invoice's currency; a finalized invoice is not finalized again. `pay` (the control API's
 * `invoice.paid` event) marks the latest open one paid out of band.
 */
import type { SandboxResponse } from '../framework/types';

type Reply = (status: number, error: Record<string, unknown>) => SandboxResponse;

export interface StripeInvoiceHelpers {
	error: Reply;
	id: (length: number) => string;
	missing: (param: string) => SandboxResponse;
	customer: (id: string) => Record<string, unknown> | undefined;
}

export class StripeInvoices {
	invoices = new Map<string, Record<string, unknown>>();
	items: Array<Record<string, unknown>> = [];
	private numbered = 0;

	constructor(private readonly helpers: StripeInvoiceHelpers) {}

	reset(): void {
		this.invoices.clear();
		this.items = [];
		this.numbered = 0;
	}

	create(params: Record<string, unknown>): SandboxResponse {
		const { error, id, missing } = this.helpers;
		if (typeof params.customer !== 'string') return missing('customer');
		if (!this.helpers.customer(params.customer)) return error(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'customer', message: `No such customer: '${params.customer}'` });
		const collection = params.collection_method === 'send_invoice' ? 'send_invoice' : 'charge_automatically';
		const days = params.days_until_due === undefined ? undefined : Number(params.days_until_due);
		if (collection === 'send_invoice' && (days === undefined || !Number.isInteger(days) || days < 0)) {
			return error(400, { type: 'invalid_request_error', param: 'days_until_due', message: 'Invoices with `collection_method=send_invoice` must have a `days_until_due` or `due_date`.' });
		}
		const now = Math.floor(Date.now() / 1000);
		const invoiceId = `in_${id(24)}`;
		const invoice: Record<string, unknown> = {
			id: invoiceId, object: 'invoice', customer: params.customer, currency: typeof params.currency === 'string' ? params.currency.toLowerCase() : 'usd', status: 'draft',
			collection_method: collection, days_until_due: days ?? null, due_date: days === undefined ? null : now + days * 86_400, auto_advance: params.auto_advance === 'true',
			description: params.description ?? null, metadata: params.metadata ?? {}, number: null, hosted_invoice_url: null, invoice_pdf: null,
			amount_due: 0, amount_paid: 0, amount_remaining: 0, amount_shipping: 0, subtotal: 0, total: 0, attempt_count: 0, attempted: false, paid: false, paid_out_of_band: false,
			automatic_tax: { enabled: false, status: null }, default_tax_rates: [], total_tax_amounts: [], payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
			post_payment_credit_notes_amount: 0, pre_payment_credit_notes_amount: 0, starting_balance: 0, created: now, period_start: now, period_end: now, livemode: false,
			status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
			lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${invoiceId}/lines` },
		};
		this.invoices.set(invoiceId, invoice);
		return { status: 200, body: invoice };
	}

	addItem(params: Record<string, unknown>): SandboxResponse {
		const { error, id, missing } = this.helpers;
		if (typeof params.customer !== 'string') return missing('customer');
		if (!this.helpers.customer(params.customer)) return error(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'customer', message: `No such customer: '${params.customer}'` });
		const invoice = typeof params.invoice === 'string' ? this.invoices.get(params.invoice) : undefined;
		if (typeof params.invoice === 'string' && !invoice) return error(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'invoice', message: `No such invoice: '${params.invoice}'` });
		if (invoice && invoice.status !== 'draft') return error(400, { type: 'invalid_request_error', code: 'invoice_not_editable', param: 'invoice', message: 'You can only add invoice items to draft invoices.' });
		const quantity = params.quantity === undefined ? 1 : Number(params.quantity);
		const unit = params.unit_amount === undefined ? undefined : Number(params.unit_amount);
		const amount = params.amount !== undefined ? Number(params.amount) : unit === undefined ? undefined : unit * quantity;
		if (amount === undefined) return missing('amount');
		if (!Number.isInteger(amount) || !Number.isInteger(quantity) || quantity < 1 || (unit !== undefined && !Number.isInteger(unit))) {
			return error(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param: params.amount !== undefined ? 'amount' : 'unit_amount', message: 'Invalid integer' });
		}
		const currency = typeof params.currency === 'string' ? params.currency.toLowerCase() : undefined;
		if (!currency) return missing('currency');
		if (invoice && invoice.currency !== currency) return error(400, { type: 'invalid_request_error', param: 'currency', message: `The currency of the invoice item (${currency}) must match the currency of the invoice (${String(invoice.currency)}).` });
		const now = Math.floor(Date.now() / 1000);
		const item = {
			id: `ii_${id(24)}`, object: 'invoiceitem', amount, currency, customer: params.customer, date: now, description: params.description ?? null, discountable: true, invoice: invoice?.id ?? null,
			livemode: false, metadata: {}, period: { start: now, end: now }, proration: false, quantity, unit_amount: unit ?? amount, unit_amount_decimal: String(unit ?? amount),
		};
		this.items.push(item);
		if (invoice) {
			(invoice.lines as { data: unknown[] }).data.push({
				id: `il_${id(24)}`, object: 'line_item', amount, currency, description: item.description, discountable: true, invoice_item: item.id, livemode: false, metadata: {},
				period: item.period, proration: false, quantity, type: 'invoiceitem',
			});
			const total = Number(invoice.total) + amount;
			Object.assign(invoice, { subtotal: total, total, amount_due: total, amount_remaining: total });
		}
		return { status: 200, body: item };
	}

	finalize(invoiceId: string): SandboxResponse {
		const invoice = this.invoices.get(invoiceId);
		if (!invoice) return this.missingInvoice(invoiceId);
		if (invoice.status !== 'draft') return this.helpers.error(400, { type: 'invalid_request_error', code: 'invoice_not_editable', message: "This invoice is already finalized, you can't re-finalize a non-draft invoice." });
		const now = Math.floor(Date.now() / 1000);
		Object.assign(invoice, {
			status: 'open', number: `SANDBOX-${String(++this.numbered).padStart(4, '0')}`, hosted_invoice_url: `https://invoice.stripe.com/i/acct_sandbox/${invoiceId}`,
			invoice_pdf: `https://pay.stripe.com/invoice/acct_sandbox/${invoiceId}/pdf`, status_transitions: { ...(invoice.status_transitions as object), finalized_at: now },
		});
		if (invoice.amount_due === 0) this.markPaid(invoice);
		return { status: 200, body: invoice };
	}

	send(invoiceId: string): SandboxResponse {
		const invoice = this.invoices.get(invoiceId);
		if (!invoice) return this.missingInvoice(invoiceId);
		if (invoice.collection_method !== 'send_invoice') return this.helpers.error(400, { type: 'invalid_request_error', message: "You can only manually send an invoice if its collection method is 'send_invoice'." });
		if (invoice.status !== 'open') return this.helpers.error(400, { type: 'invalid_request_error', code: 'invoice_not_editable', message: `You can only send an open invoice; this one is ${String(invoice.status)}.` });
		return { status: 200, body: invoice };
	}

	get(invoiceId: string): SandboxResponse {
		const invoice = this.invoices.get(invoiceId);
		return invoice ? { status: 200, body: invoice } : this.missingInvoice(invoiceId);
	}

	/**
	 * The latest open invoice as a billing event leaves it (what the event carries): paid out of band (`invoice.paid`),
	 * voided, marked uncollectible, past its due date (`invoice.overdue`: still open) or a payment attempt failed.
	 */
	settleLatestOpen(type: string): Record<string, unknown> | undefined {
		const invoice = [...this.invoices.values()].reverse().find((candidate) => candidate.status === 'open');
		if (!invoice) return undefined;
		const now = Math.floor(Date.now() / 1000);
		const transitions = invoice.status_transitions as Record<string, unknown>;
		if (type === 'invoice.paid') this.markPaid(invoice);
		if (type === 'invoice.voided') Object.assign(invoice, { status: 'void', amount_remaining: 0, status_transitions: { ...transitions, voided_at: now } });
		if (type === 'invoice.marked_uncollectible') Object.assign(invoice, { status: 'uncollectible', status_transitions: { ...transitions, marked_uncollectible_at: now } });
		if (type === 'invoice.payment_failed') Object.assign(invoice, { attempted: true, attempt_count: Number(invoice.attempt_count) + 1 });
		return structuredClone(invoice);
	}

	/** A subscription's next period billed: its invoice (`subscription_cycle`, one line of the price), paid or left open after a failed charge. */
	renewal(subscription: Record<string, unknown>, price: Record<string, unknown>, paid: boolean): Record<string, unknown> {
		const now = Math.floor(Date.now() / 1000);
		const invoiceId = `in_${this.helpers.id(24)}`;
		const amount = Number(price.unit_amount);
		const invoice: Record<string, unknown> = {
			id: invoiceId, object: 'invoice', customer: subscription.customer, subscription: subscription.id, billing_reason: 'subscription_cycle', currency: price.currency, status: 'open',
			collection_method: 'charge_automatically', number: `SBX-${String(++this.numbered).padStart(4, '0')}`, amount_due: amount, amount_paid: 0, amount_remaining: amount, subtotal: amount, total: amount,
			attempt_count: 1, attempted: true, paid: false, created: now, period_start: now, period_end: now + 30 * 86_400, livemode: false,
			status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
			lines: { object: 'list', data: [{ id: `il_${this.helpers.id(14)}`, object: 'line_item', amount, currency: price.currency, price, quantity: 1, subscription: subscription.id }], has_more: false, url: `/v1/invoices/${invoiceId}/lines` },
		};
		if (paid) this.markPaid(invoice);
		this.invoices.set(invoiceId, invoice);
		return structuredClone(invoice);
	}

	private markPaid(invoice: Record<string, unknown>): void {
		Object.assign(invoice, {
			status: 'paid', paid: true, amount_paid: invoice.amount_due, amount_remaining: 0,
			status_transitions: { ...(invoice.status_transitions as object), paid_at: Math.floor(Date.now() / 1000) },
		});
	}

	private missingInvoice(invoiceId: string): SandboxResponse {
		return this.helpers.error(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such invoice: '${invoiceId}'` });
	}
}
