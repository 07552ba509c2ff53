import { vendorErrorBody } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { toMajorString, toMinorExact } from '../../records/money';
import { invoiceFailure, type InvoiceActions, type InvoiceCreateRequest, type InvoiceResult, type InvoiceState } from '../payments';
import { payPalIssue, type PayPalErrorBody } from './profile';

interface PayPalInvoice {
	id: string;
	status: string;
	detail: { invoice_number?: string; currency_code: string; metadata?: { recipient_view_url?: string } };
	amount?: { currency_code: string; value: string };
}

const BASE = '/v2/invoicing/invoices';

/**
 * PayPal Invoicing v2: a draft invoice to the customer's email with one item per line (`unit_amount` in major units as
 * PayPal writes them, whole quantities), due in N days (`payment_term.due_date`), then sent (`/send`, PayPal emails its
 * payer page). Both calls carry a `PayPal-Request-Id` derived from the request's key and its step, so a repeat after a
 * lost answer gets PayPal's first answers: one invoice, sent once. The invoice is read back for its total and page.
 */
export class PayPalInvoices implements InvoiceActions {
	constructor(private readonly transport: Transport) {}

	async createAndSend(request: InvoiceCreateRequest): Promise<InvoiceResult> {
		const key = request.idempotencyKey;
		const money = (minor: number) => ({ currency_code: request.currency, value: toMajorString(minor, request.currency) });
		const due = new Date(Date.now() + request.dueInDays * 86_400_000).toISOString().slice(0, 10);
		try {
			const created = await this.transport.request<PayPalInvoice>({
				method: 'POST',
				url: BASE,
				headers: { 'PayPal-Request-Id': `${key}-create`, Prefer: 'return=representation' },
				body: {
					detail: { currency_code: request.currency, payment_term: { due_date: due }, ...(request.memo ? { note: request.memo } : {}), reference: request.requestId.slice(0, 120) },
					primary_recipients: [{ billing_info: { email_address: request.customer } }],
					items: request.lines.map((line) => ({ name: line.description.slice(0, 200), quantity: String(line.quantity), unit_amount: money(line.unitAmountMinor), unit_of_measure: 'QUANTITY' })),
				},
			});
			const path = `${BASE}/${encodeURIComponent(created.id)}`;
			await this.transport.request({ method: 'POST', url: `${path}/send`, headers: { 'PayPal-Request-Id': `${key}-send`, Prefer: 'return=representation' }, body: { send_to_recipient: true } });
			return result(await this.transport.request<PayPalInvoice>({ method: 'GET', url: path }));
		} catch (error) {
			return invoiceFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	async lookup(invoiceId: string): Promise<InvoiceResult> {
		try {
			return result(await this.transport.request<PayPalInvoice>({ method: 'GET', url: `${BASE}/${encodeURIComponent(invoiceId)}` }));
		} catch (error) {
			return invoiceFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}
}

const STATES: Record<string, InvoiceState> = {
	DRAFT: 'draft', SENT: 'open', SCHEDULED: 'open', UNPAID: 'open', PAYMENT_PENDING: 'open', PARTIALLY_PAID: 'open',
	PAID: 'paid', MARKED_AS_PAID: 'paid', CANCELLED: 'void', REFUNDED: 'void', PARTIALLY_REFUNDED: 'paid', MARKED_AS_REFUNDED: 'void',
};

function result(invoice: PayPalInvoice): InvoiceResult {
	const currency = invoice.amount?.currency_code ?? invoice.detail.currency_code;
	const total = toMinorExact(invoice.amount?.value ?? '0', currency);
	return {
		outcome: 'succeeded',
		invoiceId: invoice.id,
		state: STATES[invoice.status] ?? 'open',
		processorStatus: invoice.status,
		totalMinor: total === undefined ? -1 : Number(total),
		currency,
		...(invoice.detail.invoice_number ? { number: invoice.detail.invoice_number } : {}),
		...(invoice.detail.metadata?.recipient_view_url ? { url: invoice.detail.metadata.recipient_view_url } : {}),
	};
}
