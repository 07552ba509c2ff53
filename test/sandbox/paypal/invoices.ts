/**
 * PayPal Invoicing v2 (`/v2/invoicing/invoices`): a draft made for a recipient's email with its items (quantity and
 * `unit_amount` as decimal strings in the currency's major units), its number given in sequence when none is sent and
 * refused when taken (`DUPLICATE_INVOICE_NUMBER`), its `amount` the items' total; sent (`/send`: SENT, the payer's page
 * in `detail.metadata.recipient_view_url`), and read. Only a DRAFT is sent (`INVALID_INVOICE_STATUS` otherwise).
 * A payment recorded against a sent invoice (`/payments`: the amount in its currency, never more than is due) makes it
 * PARTIALLY_PAID, or PAID once nothing is due; a sent invoice not paid yet may be cancelled (`/cancel`: CANCELLED).
 * Each change the payer or merchant makes is reported: INVOICING.INVOICE.PAID and INVOICING.INVOICE.CANCELLED, the
 * invoice wrapped in `resource.invoice` as Invoicing v2's events carry it.
 */
import { randomBytes } from 'node:crypto';

import type { SandboxResponse } from '../framework/types';

type Issue = (issue: string, description: string) => SandboxResponse;
/** Reports an invoicing event (its type and the invoice as it now is) to the webhooks registered for it. */
type Report = (eventType: string, invoice: Record<string, unknown>) => void;

/** The invoice's amount in minor units of its currency (its digits: none for JPY, two otherwise). */
const minor = (value: string, digits: number): bigint => {
	const [whole, fraction = ''] = value.split('.');
	return BigInt(`${whole}${fraction.padEnd(digits, '0')}`);
};
const major = (units: bigint, digits: number): string => {
	const text = units.toString().padStart(digits + 1, '0');
	return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
};
const digitsOf = (currency: unknown) => (currency === 'JPY' ? 0 : 2);

export class PayPalInvoices {
	invoices = new Map<string, Record<string, unknown>>();
	private numbered = 0;

	constructor(
		private readonly unprocessable: Issue,
		private readonly notFound: (what: string) => SandboxResponse,
		private readonly report: Report,
	) {}

	reset(): void {
		this.invoices.clear();
		this.numbered = 0;
	}

	create(body: Record<string, unknown>): SandboxResponse {
		const detail = (body.detail ?? {}) as Record<string, unknown>;
		const currency = detail.currency_code;
		if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return this.unprocessable('MISSING_REQUIRED_PARAMETER', 'detail.currency_code is required: a three-letter ISO 4217 code.');
		const recipients = body.primary_recipients as Array<{ billing_info?: { email_address?: unknown } }> | undefined;
		const email = recipients?.[0]?.billing_info?.email_address;
		if (recipients !== undefined && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) return this.unprocessable('INVALID_PARAMETER_SYNTAX', 'primary_recipients[0].billing_info.email_address must be an email address.');
		const items = (body.items ?? []) as Array<{ name?: unknown; quantity?: unknown; unit_amount?: { currency_code?: unknown; value?: unknown } }>;
		let total = 0n;
		const digits = digitsOf(currency);
		for (const [index, item] of items.entries()) {
			const value = String(item.unit_amount?.value ?? '');
			const pattern = digits === 0 ? /^\d+$/ : /^\d+(\.\d{1,2})?$/;
			if (typeof item.name !== 'string' || item.name === '') return this.unprocessable('MISSING_REQUIRED_PARAMETER', `items[${index}].name is required.`);
			if (item.unit_amount?.currency_code !== currency) return this.unprocessable('CURRENCY_MISMATCH', `items[${index}].unit_amount.currency_code must be the invoice's ${currency}.`);
			if (!pattern.test(value) || !/^\d+$/.test(String(item.quantity ?? ''))) return this.unprocessable('INVALID_PARAMETER_SYNTAX', `items[${index}] has an invalid quantity or unit_amount.value.`);
			total += minor(value, digits) * BigInt(String(item.quantity));
		}
		const number = typeof detail.invoice_number === 'string' ? detail.invoice_number : String(++this.numbered).padStart(4, '0');
		if ([...this.invoices.values()].some((invoice) => (invoice.detail as { invoice_number: string }).invoice_number === number)) return this.unprocessable('DUPLICATE_INVOICE_NUMBER', 'Invoice number already exists.');
		const id = `INV2-${Array.from({ length: 4 }, () => randomBytes(2).toString('hex').toUpperCase()).join('-')}`;
		const value = major(total, digits);
		const now = new Date().toISOString();
		const invoice = {
			id, status: 'DRAFT',
			detail: { ...detail, invoice_number: number, invoice_date: now.slice(0, 10), metadata: { create_time: now, recipient_view_url: `https://www.sandbox.paypal.com/invoice/p/#${id}`, invoicer_view_url: `https://www.sandbox.paypal.com/invoice/details/${id}` } },
			primary_recipients: recipients ?? [], items, amount: { currency_code: currency, value }, due_amount: { currency_code: currency, value },
			links: [{ href: `/v2/invoicing/invoices/${id}`, rel: 'self', method: 'GET' }, { href: `/v2/invoicing/invoices/${id}/send`, rel: 'send', method: 'POST' }],
		};
		this.invoices.set(id, invoice);
		return { status: 201, body: invoice };
	}

	send(id: string): SandboxResponse {
		const invoice = this.invoices.get(id);
		if (!invoice) return this.notFound(id);
		if (invoice.status !== 'DRAFT') return this.unprocessable('INVALID_INVOICE_STATUS', `The invoice is ${String(invoice.status)}: only a draft can be sent.`);
		invoice.status = 'SENT';
		const url = (invoice.detail as { metadata: { recipient_view_url: string } }).metadata.recipient_view_url;
		return { status: 200, body: { href: url, rel: 'payer-view', method: 'GET' } };
	}

	/** Records a payment made outside PayPal (cash, bank transfer): all that is due without `amount`. */
	recordPayment(id: string, body: Record<string, unknown>): SandboxResponse {
		const invoice = this.invoices.get(id);
		if (!invoice) return this.notFound(id);
		if (invoice.status !== 'SENT' && invoice.status !== 'UNPAID' && invoice.status !== 'PARTIALLY_PAID') return this.unprocessable('INVALID_INVOICE_STATUS', `The invoice is ${String(invoice.status)}: payments are recorded on a sent invoice not paid in full.`);
		const due = invoice.due_amount as { currency_code: string; value: string };
		const digits = digitsOf(due.currency_code);
		const amount = body.amount as { currency_code?: unknown; value?: unknown } | undefined;
		if (amount !== undefined && amount.currency_code !== due.currency_code) return this.unprocessable('CURRENCY_MISMATCH', `amount.currency_code must be the invoice's ${due.currency_code}.`);
		if (amount !== undefined && !(digits === 0 ? /^\d+$/ : /^\d+(\.\d{1,2})?$/).test(String(amount.value ?? ''))) return this.unprocessable('INVALID_PARAMETER_SYNTAX', 'amount.value is not an amount in the currency.');
		const paid = amount === undefined ? minor(due.value, digits) : minor(String(amount.value), digits);
		if (paid <= 0n || paid > minor(due.value, digits)) return this.unprocessable('PAYMENT_AMOUNT_INVALID', `The payment must be more than nothing and at most the ${due.value} ${due.currency_code} due.`);
		const paymentId = `EXTR-${randomBytes(8).toString('hex').toUpperCase()}`;
		const payments = (invoice.payments ?? { paid_amount: { currency_code: due.currency_code, value: major(0n, digits) }, transactions: [] }) as { paid_amount: { value: string }; transactions: unknown[] };
		const remaining = minor(due.value, digits) - paid;
		invoice.payments = {
			paid_amount: { currency_code: due.currency_code, value: major(minor(payments.paid_amount.value, digits) + paid, digits) },
			transactions: [...payments.transactions, { payment_id: paymentId, type: 'EXTERNAL', method: typeof body.method === 'string' ? body.method : 'OTHER', payment_date: typeof body.payment_date === 'string' ? body.payment_date : new Date().toISOString().slice(0, 10), amount: { currency_code: due.currency_code, value: major(paid, digits) } }],
		};
		invoice.due_amount = { currency_code: due.currency_code, value: major(remaining, digits) };
		invoice.status = remaining === 0n ? 'PAID' : 'PARTIALLY_PAID';
		if (remaining === 0n) this.report('INVOICING.INVOICE.PAID', invoice);
		return { status: 200, body: { payment_id: paymentId } };
	}

	/** Cancels a sent invoice nothing has been paid on (a draft is deleted instead, a paid one refunded). */
	cancel(id: string): SandboxResponse {
		const invoice = this.invoices.get(id);
		if (!invoice) return this.notFound(id);
		if (invoice.status !== 'SENT' && invoice.status !== 'UNPAID') return this.unprocessable('INVALID_INVOICE_STATUS', `The invoice is ${String(invoice.status)}: only a sent invoice not paid yet can be cancelled.`);
		invoice.status = 'CANCELLED';
		this.report('INVOICING.INVOICE.CANCELLED', invoice);
		return { status: 204 };
	}

	get(id: string): SandboxResponse {
		const invoice = this.invoices.get(id);
		return invoice ? { status: 200, body: invoice } : this.notFound(id);
	}
}
