import { vendorErrorBody } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { invoiceFailure, type InvoiceActions, type InvoiceCreateRequest, type InvoiceResult, type InvoiceState } from '../payments';
import type { StripeErrorBody } from './profile';

interface StripeInvoice {
	id: string;
	status: InvoiceState | null;
	amount_due: number;
	currency: string;
	number: string | null;
	hosted_invoice_url?: string | null;
}

/**
 * Stripe invoices sent for the customer to pay (`collection_method: send_invoice`): the invoice, one invoice item per
 * line (`unit_amount` × `quantity`, in minor units), then finalize and send. Each call carries an `Idempotency-Key`
 * derived from the request's key and its step, so the whole sequence may be repeated after a lost answer: Stripe
 * answers every step already done with its first answer, and the invoice is made and sent once.
 */
export class StripeInvoices implements InvoiceActions {
	constructor(private readonly transport: Transport) {}

	async createAndSend(request: InvoiceCreateRequest): Promise<InvoiceResult> {
		const key = request.idempotencyKey;
		const currency = request.currency.toLowerCase();
		try {
			const invoice = await this.post(`${key}-create`, '/v1/invoices', {
				customer: request.customer,
				currency,
				collection_method: 'send_invoice',
				days_until_due: request.dueInDays,
				// Only the lines below: not other items pending for the customer.
				pending_invoice_items_behavior: 'exclude',
				auto_advance: false,
				...(request.memo ? { description: request.memo } : {}),
				metadata: { request_id: request.requestId.slice(0, 500) },
			});
			for (const [index, line] of request.lines.entries()) {
				await this.post(`${key}-line-${index}`, '/v1/invoiceitems', { customer: request.customer, invoice: invoice.id, currency, description: line.description, unit_amount: line.unitAmountMinor, quantity: line.quantity });
			}
			const path = `/v1/invoices/${encodeURIComponent(invoice.id)}`;
			await this.post(`${key}-finalize`, `${path}/finalize`, { auto_advance: false });
			return result(await this.post(`${key}-send`, `${path}/send`, {}));
		} catch (error) {
			return failure(error);
		}
	}

	async lookup(invoiceId: string): Promise<InvoiceResult> {
		try {
			return result(await this.transport.request<StripeInvoice>({ method: 'GET', url: `/v1/invoices/${encodeURIComponent(invoiceId)}` }));
		} catch (error) {
			return failure(error);
		}
	}

	private async post(key: string, url: string, body: Record<string, unknown>): Promise<StripeInvoice> {
		return await this.transport.request<StripeInvoice>({ method: 'POST', url, bodyType: 'form', headers: { 'Idempotency-Key': key }, body });
	}
}

function result(invoice: StripeInvoice): InvoiceResult {
	return {
		outcome: 'succeeded',
		invoiceId: invoice.id,
		state: invoice.status ?? 'draft',
		processorStatus: invoice.status ?? 'draft',
		totalMinor: invoice.amount_due,
		currency: invoice.currency.toUpperCase(),
		...(invoice.number ? { number: invoice.number } : {}),
		...(invoice.hosted_invoice_url ? { url: invoice.hosted_invoice_url } : {}),
	};
}

function failure(error: unknown): InvoiceResult {
	const details = vendorErrorBody<StripeErrorBody>(error)?.error;
	return invoiceFailure(error, details?.code ?? details?.type);
}
