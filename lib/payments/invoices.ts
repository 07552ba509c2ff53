/**
 * Invoices through the processors that issue them (Stripe invoices, PayPal Invoicing, Square Invoices), in one neutral
 * shape: a customer, a currency and lines (description, amount in major units, quantity), sent for the customer to pay,
 * once per request id. Amounts are taken in the currency's exact minor units, never rounded, and the total the processor
 * says is due is checked against the lines' total.
 */
import { invoiceKeyFor, type InvoiceLine, type InvoiceResult, type InvoiceState } from '../platforms/payments';
import { InputError, type InputViolation } from '../records/inputSchema';
import { isCurrencyCode, minorDigits, toMajorString, toMinorExact } from '../records/money';
import { IdempotencyLedger } from '../store/idempotency';
import { NotSettled, runRequestOnce, type LedgerActionOptions, type RequestOutcome } from './ledgerActions';

export interface InvoiceLineInput {
	description: string;
	/** The unit price in major units of the invoice's currency: 19.99. */
	amount: number;
	/** A whole number above 0; 1 when absent. */
	quantity?: number;
}

export interface InvoiceRequest {
	/** Your id for this invoice: made and sent at most once, however often it is submitted. */
	requestId: string;
	processor: string;
	/** The processor's customer (Stripe `cus_…`, Square's customer id) or, for PayPal, the customer's email. */
	customer: string;
	currency: string;
	lines: InvoiceLineInput[];
	/** Days the customer has to pay; 30 when absent. */
	dueInDays?: number;
	/** A note shown on the invoice. */
	memo?: string;
}

export type InvoiceFailureReason = 'not_supported' | 'processor_refused' | 'outcome_unknown' | 'total_mismatch' | 'request_id_reused' | 'in_progress';

export type InvoiceOutcome = RequestOutcome<
	{
		invoiceId: string;
		number?: string;
		state: InvoiceState;
		currency: string;
		/** What is due, in minor units and as a decimal in major units ("49.98"). */
		totalMinor: number;
		total: string;
		/** Where the customer pays it. */
		url?: string;
	},
	InvoiceFailureReason,
	{ invoiceId?: string }
>;

type Succeeded = Extract<InvoiceOutcome, { status: 'succeeded' }>;

const LEDGER_SCOPE = 'payments.invoice';
const DEFAULT_DUE_DAYS = 30;
const MAX_LINES = 100;

/**
 * Each request id runs once through the store's idempotency ledger (concurrent duplicates wait for the first's answer);
 * the processor is called under a key derived from the request id, so a request whose answer was lost is settled by its
 * repeat, which the processor answers with its first invoice. The invoices sent are kept (processor, state, total) for
 * their events to find.
 */
export class PaymentInvoices {
	private readonly ledger: IdempotencyLedger;

	constructor(private readonly options: LedgerActionOptions) {
		this.ledger = new IdempotencyLedger(options.db);
	}

	async create(request: InvoiceRequest): Promise<InvoiceOutcome> {
		const { lines, totalMinor, dueInDays } = checkRequest(request);
		const { requestId, processor, currency } = request;
		const fail = (reason: InvoiceFailureReason, message: string, extra: { code?: string; invoiceId?: string } = {}): InvoiceOutcome => ({ status: 'failed', requestId, reason, message, processor, ...extra });
		const actions = this.options.connectors[processor]?.invoices;
		if (!actions) return fail('not_supported', `No connection to ${processor} that can send invoices is configured`);
		return await runRequestOnce(
			this.ledger,
			LEDGER_SCOPE,
			requestId,
			this.options,
			async (): Promise<Succeeded> => {
				const answer = await actions.createAndSend({ idempotencyKey: invoiceKeyFor(requestId), resuming: false, requestId, customer: request.customer, currency, lines, dueInDays, memo: request.memo });
				return await this.settle(answer, { requestId, processor, currency, totalMinor }, fail);
			},
			{
				fail,
				reused: (first) =>
					first.processor !== processor || first.totalMinor !== totalMinor || first.currency !== currency
						? fail('request_id_reused', `Request id ${requestId} was used before for invoice ${first.invoiceId} (${first.total} ${first.currency} on ${first.processor}): use a new request id for another invoice`)
						: undefined,
			},
		);
	}

	/** Records the processor's invoice; a refusal, a lost answer or a total that is not the lines' ends the run without a stored result. */
	private async settle(
		answer: InvoiceResult,
		about: { requestId: string; processor: string; currency: string; totalMinor: number },
		fail: (reason: InvoiceFailureReason, message: string, extra?: { code?: string; invoiceId?: string }) => InvoiceOutcome,
	): Promise<Succeeded> {
		const { processor } = about;
		if (answer.outcome === 'unknown') throw new NotSettled(fail('outcome_unknown', `${processor} did not answer; submit the same request id again to settle it: ${answer.message}`, { code: answer.code }));
		if (answer.outcome === 'refused') throw new NotSettled(fail('processor_refused', `${processor} refused the invoice: ${answer.message}`, { code: answer.code }));
		if (answer.totalMinor !== about.totalMinor || answer.currency !== about.currency) {
			const expected = `${toMajorString(about.totalMinor, about.currency)} ${about.currency}`;
			throw new NotSettled(fail('total_mismatch', `${processor} made invoice ${answer.invoiceId} for ${toMajorString(answer.totalMinor, answer.currency)} ${answer.currency}, not the lines' ${expected}: check it at ${processor} before it is paid`, { invoiceId: answer.invoiceId }));
		}
		const stamp = new Date(this.options.now()).toISOString();
		await this.options.db.run(
			`INSERT INTO payment_invoices (processor, invoice_id, request_id, state, processor_status, currency, total_minor, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (processor, invoice_id) DO UPDATE SET state = excluded.state, processor_status = excluded.processor_status, updated_at = excluded.updated_at`,
			[processor, answer.invoiceId, about.requestId, answer.state, answer.processorStatus, answer.currency, answer.totalMinor, stamp, stamp],
		);
		return {
			status: 'succeeded',
			requestId: about.requestId,
			processor,
			invoiceId: answer.invoiceId,
			...(answer.number ? { number: answer.number } : {}),
			state: answer.state,
			processorStatus: answer.processorStatus,
			currency: answer.currency,
			totalMinor: answer.totalMinor,
			total: toMajorString(answer.totalMinor, answer.currency),
			...(answer.url ? { url: answer.url } : {}),
			replayed: false,
		};
	}
}

/** The request checked by type, each field named (lines by index), amounts in exact minor units; never coerced. */
function checkRequest(request: InvoiceRequest): { lines: InvoiceLine[]; totalMinor: number; dueInDays: number } {
	const violations: InputViolation[] = [];
	const text = (field: string, value: unknown, required = true) => {
		if (value === undefined || value === null || value === '') {
			if (required) violations.push({ field, problem: 'is required' });
		} else if (typeof value !== 'string' || value.trim() === '') violations.push({ field, problem: `must be a non-empty string, got ${JSON.stringify(value)}` });
	};
	text('requestId', request.requestId);
	text('processor', request.processor);
	text('customer', request.customer);
	text('memo', request.memo, false);
	const currencyValid = isCurrencyCode(request.currency);
	if (!currencyValid) violations.push({ field: 'currency', problem: `must be an ISO 4217 code such as "USD", got ${JSON.stringify(request.currency)}` });
	const dueInDays = request.dueInDays ?? DEFAULT_DUE_DAYS;
	if (!Number.isSafeInteger(dueInDays) || dueInDays < 1 || dueInDays > 365) violations.push({ field: 'dueInDays', problem: `must be a whole number of days from 1 to 365, got ${JSON.stringify(request.dueInDays)}` });
	const lines: InvoiceLine[] = [];
	if (!Array.isArray(request.lines) || request.lines.length === 0 || request.lines.length > MAX_LINES) {
		violations.push({ field: 'lines', problem: `must be a list of 1 to ${MAX_LINES} lines, each {description, amount, quantity?}` });
	} else {
		request.lines.forEach((line: Partial<InvoiceLineInput>, index) => {
			const at = (field: string) => `lines[${index}].${field}`;
			if (line === null || typeof line !== 'object') return violations.push({ field: `lines[${index}]`, problem: 'must be an object {description, amount, quantity?}' });
			text(at('description'), line.description);
			const quantity = line.quantity ?? 1;
			const quantityValid = Number.isSafeInteger(quantity) && quantity >= 1;
			if (!quantityValid) violations.push({ field: at('quantity'), problem: `must be a whole number above 0, got ${JSON.stringify(line.quantity)}` });
			// Without a currency its minor units are unknown: the currency's violation says so.
			if (!currencyValid) return undefined;
			const minor = typeof line.amount === 'number' ? toMinorExact(line.amount, request.currency) : undefined;
			if (minor === undefined || minor <= 0n || minor > BigInt(Number.MAX_SAFE_INTEGER)) {
				violations.push({ field: at('amount'), problem: `must be a number above 0 in major units (${minorDigits(request.currency)} decimals at most in ${request.currency}), got ${JSON.stringify(line.amount)}` });
			} else if (quantityValid) {
				lines.push({ description: String(line.description).trim(), unitAmountMinor: Number(minor), quantity });
			}
			return undefined;
		});
	}
	const total = lines.reduce((sum, line) => sum + BigInt(line.unitAmountMinor) * BigInt(line.quantity), 0n);
	if (total > BigInt(Number.MAX_SAFE_INTEGER)) violations.push({ field: 'lines', problem: 'add up to more than can be invoiced at once' });
	if (violations.length > 0) throw new InputError(violations, 'Invoice');
	return { lines, totalMinor: Number(total), dueInDays };
}
