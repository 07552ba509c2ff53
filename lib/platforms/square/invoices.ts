import { vendorErrorBody } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { invoiceFailure, type InvoiceActions, type InvoiceCreateRequest, type InvoiceResult, type InvoiceState } from '../payments';
import { SQUARE_VERSION, type SquareErrorBody } from './profile';
import { locationRequired } from './subscriptions';

interface SquareInvoice {
	id: string;
	version: number;
	status: string;
	invoice_number?: string;
	public_url?: string;
	payment_requests?: Array<{ computed_amount_money?: { amount: number; currency: string } }>;
}

const headers = { 'Square-Version': SQUARE_VERSION };

/**
 * Square Invoices: an order for the customer at the location picked for it (`locationId`) (one line item per line, the
 * price in minor units), an invoice of it (one balance payment request due in N days, emailed), then published. Each
 * create carries an `idempotency_key` derived from the request's key and its step (Square scopes keys to the endpoint),
 * so a repeat after a lost answer gets Square's first order and invoice, and the publish of the version it made.
 */
export class SquareInvoices implements InvoiceActions {
	constructor(
		private readonly transport: Transport,
		private readonly location?: string,
	) {}

	async createAndSend(request: InvoiceCreateRequest): Promise<InvoiceResult> {
		const key = request.idempotencyKey;
		const location = this.location;
		if (!location) return locationRequired('invoices');
		try {
			const { order } = await this.post<{ order: { id: string } }>('/v2/orders', {
				idempotency_key: `${key}-order`,
				order: {
					location_id: location,
					customer_id: request.customer,
					reference_id: request.requestId.slice(0, 40),
					line_items: request.lines.map((line) => ({ name: line.description.slice(0, 512), quantity: String(line.quantity), base_price_money: { amount: line.unitAmountMinor, currency: request.currency } })),
				},
			});
			const due = new Date(Date.now() + request.dueInDays * 86_400_000).toISOString().slice(0, 10);
			const { invoice } = await this.post<{ invoice: SquareInvoice }>('/v2/invoices', {
				idempotency_key: `${key}-invoice`,
				invoice: {
					location_id: location,
					order_id: order.id,
					primary_recipient: { customer_id: request.customer },
					payment_requests: [{ request_type: 'BALANCE', due_date: due }],
					delivery_method: 'EMAIL',
					accepted_payment_methods: { card: true },
					...(request.memo ? { description: request.memo } : {}),
				},
			});
			const published = await this.post<{ invoice: SquareInvoice }>(`/v2/invoices/${encodeURIComponent(invoice.id)}/publish`, { version: invoice.version, idempotency_key: `${key}-publish` });
			return result(published.invoice);
		} catch (error) {
			return failure(error);
		}
	}

	async lookup(invoiceId: string): Promise<InvoiceResult> {
		try {
			return result((await this.transport.request<{ invoice: SquareInvoice }>({ method: 'GET', url: `/v2/invoices/${encodeURIComponent(invoiceId)}`, headers })).invoice);
		} catch (error) {
			return failure(error);
		}
	}

	private async post<T>(url: string, body: Record<string, unknown>): Promise<T> {
		return await this.transport.request<T>({ method: 'POST', url, headers, body });
	}
}

const STATES: Record<string, InvoiceState> = {
	DRAFT: 'draft', UNPAID: 'open', SCHEDULED: 'open', PARTIALLY_PAID: 'open', PAYMENT_PENDING: 'open',
	PAID: 'paid', PARTIALLY_REFUNDED: 'paid', REFUNDED: 'void', CANCELED: 'void', FAILED: 'uncollectible',
};

function result(invoice: SquareInvoice): InvoiceResult {
	const due = invoice.payment_requests?.[0]?.computed_amount_money;
	return {
		outcome: 'succeeded',
		invoiceId: invoice.id,
		state: STATES[invoice.status] ?? 'open',
		processorStatus: invoice.status,
		totalMinor: due?.amount ?? -1,
		currency: due?.currency ?? '',
		...(invoice.invoice_number ? { number: invoice.invoice_number } : {}),
		...(invoice.public_url ? { url: invoice.public_url } : {}),
	};
}

function failure(error: unknown): InvoiceResult {
	return invoiceFailure(error, vendorErrorBody<SquareErrorBody>(error)?.errors?.[0]?.code);
}
