import { createHash } from 'node:crypto';

import { PlatformApiError } from '../transport/errors';

/** What a payment processor can do for the Smart Payment Router. One implementation per processor. */

export type PaymentMethodType = 'card' | 'paypal' | 'wallet';

/** How a failed attempt ends, which decides what the router may do next. */
export type FailureKind =
	/** The card or account itself was refused (insufficient funds, stolen card, wrong CVC): any processor would repeat it. */
	| 'hard_decline'
	/** This processor failed (5xx, processing error, refused configuration): the next processor may be tried. */
	| 'processor_failure'
	/** No answer arrived after the request may have reached the processor: it may have charged. Settle before moving on. */
	| 'unknown';

export interface ChargeRequest {
	/** The merchant's payment id: one successful charge at most per id. */
	paymentId: string;
	/** Derived from payment id + processor, so every attempt on one processor repeats the same key. */
	idempotencyKey: string;
	amountMinor: number;
	/** ISO 4217, upper case. */
	currency: string;
	method: PaymentMethodType;
	/** A processor's payment-method token (never card data). */
	token: string;
	description?: string;
	/** True when an earlier attempt on this processor may have charged: the connector settles that attempt first. */
	resuming: boolean;
	/** False: authorize only, captured or canceled later. Sent only to connectors that implement `authorization`. */
	capture?: boolean;
	/** Where the customer comes back after authenticating (3-D Secure) or approving on the processor's page. */
	returnUrl?: string;
}

/** What the customer must do before the payment can go on: authenticate (3-D Secure) or approve on the processor's page. */
export interface CustomerAction {
	/** `redirect_to_url`: send the customer to `url`; `use_stripe_sdk`: Stripe.js `handleNextAction` with `clientSecret`; `payer_action`: PayPal's approve page. */
	type: 'redirect_to_url' | 'use_stripe_sdk' | 'payer_action';
	url?: string;
	clientSecret?: string;
}

/** Completing a payment that waited for its customer, once the processor says the customer acted. */
export interface ActionCompletionRequest {
	/** The processor's id of the waiting payment (Stripe's PaymentIntent, PayPal's order). */
	transactionId: string;
	/** The payment's key on this processor (the charge's), so a repeat of a follow-up call does it once. */
	idempotencyKey: string;
	capture: boolean;
}

export type ChargeResult =
	/** `authorization`: for an authorize-only charge, when the processor says its hold ends. */
	| { outcome: 'succeeded'; transactionId: string; processorStatus: string; authorization?: AuthorizationHold }
	/** The customer must act (3-D Secure, approval) first; the payment finishes when the processor says they did. */
	| { outcome: 'action_required'; transactionId: string; processorStatus: string; action: CustomerAction }
	| { outcome: FailureKind; code: string; message: string; httpStatus?: number };

export interface PaymentConnector {
	readonly processor: string;
	/**
	 * Charges once per idempotency key: a repeat with the same request returns the first outcome, never a second
	 * charge. Never throws for declines or processor failures; they come back as a `ChargeResult`.
	 */
	charge(request: ChargeRequest): Promise<ChargeResult>;
	/** Present when the processor can authorize now and capture or cancel later; absent, authorize-only is refused. */
	readonly authorization?: AuthorizationActions;
	/** Present when the processor can refund a captured payment, in full or in part. */
	readonly refunds?: RefundActions;
	/** Present when the processor bills subscriptions to plans (create, change plan, pause, cancel). */
	readonly subscriptions?: SubscriptionActions;
	/** Present when the processor issues invoices (created, finalized and sent to the customer to pay). */
	readonly invoices?: InvoiceActions;
	/**
	 * Where payments may wait for their customer: the payment's outcome once the customer acted (read at the processor,
	 * or for PayPal the capture or authorization of the approved order under the payment's key).
	 */
	completeAction?(request: ActionCompletionRequest): Promise<ChargeResult>;
}

/** One refund of (part of) a captured payment, under a key derived from the refund id. */
export interface RefundRequest {
	/** The processor's id of the captured payment (Stripe's PaymentIntent, PayPal's capture, Square's payment, Braintree's transaction). */
	transactionId: string;
	/** The merchant's refund id: one refund at most per id. */
	refundId: string;
	idempotencyKey: string;
	amountMinor: number;
	/** ISO 4217, upper case: the payment's. */
	currency: string;
	/** True when an earlier request with this key may have refunded: the connector settles that one first. */
	resuming: boolean;
}

/** Where a refund stands: processors settle some at once and some later (bank refunds, Braintree's settlement). */
export type RefundState = 'pending' | 'succeeded' | 'failed';

export type RefundResult =
	| { outcome: 'accepted'; refundId: string; state: RefundState; processorStatus: string }
	/** Refused (over what remains, wrong state): nothing was refunded. */
	| { outcome: 'refused'; code: string; message: string; httpStatus?: number }
	/** No answer arrived after the request may have reached the processor: it may have refunded. */
	| { outcome: 'unknown'; code: string; message: string };

export interface RefundActions {
	/** Refunds once per idempotency key: a repeat returns the first refund. Never throws for a processor's refusal. */
	refund(request: RefundRequest): Promise<RefundResult>;
	/** The refund's current state, by the processor's refund id. */
	lookup(processorRefundId: string): Promise<RefundResult>;
}

/** When an authorization's hold ends, as the processor reports it (ISO 8601 instants). */
export interface AuthorizationHold {
	/** After this the processor releases the hold (or voids the authorization): capture before it. */
	expiresAt?: string;
	/** PayPal's honor period: a capture before it is the most likely to succeed. */
	honorPeriodEndsAt?: string;
}

/** How long a processor's authorization holds when its answer does not say (its documented defaults). */
export interface AuthorizationValidity {
	days: number;
	/** PayPal: days of the honor period within the validity. */
	honorDays?: number;
}

/** Capture or cancel (void) of an authorization, under a key derived from the payment id and the action. */
export interface AuthorizationRequest {
	/** The processor's id of the authorized payment (Stripe's PaymentIntent, PayPal's authorization, Square's payment, Braintree's transaction). */
	transactionId: string;
	idempotencyKey: string;
	/** What to capture, in minor units: at most what was authorized; the rest is released. Absent: all of it. Capture only. */
	amountMinor?: number;
	/** ISO 4217, upper case: the payment's. */
	currency: string;
	/** True when an earlier request with this key may have reached the processor: the connector settles that one first. */
	resuming: boolean;
}

export type AuthorizationResult =
	/** `transactionId`: the processor's id of the capture when it differs from the authorization's (PayPal). */
	| { outcome: 'succeeded'; processorStatus: string; transactionId?: string }
	/** The processor refused (wrong state, unknown id): nothing was captured or voided. */
	| { outcome: 'failed'; code: string; message: string; httpStatus?: number }
	/** No answer arrived after the request may have reached the processor: repeat it to settle. */
	| { outcome: 'unknown'; code: string; message: string };

export interface AuthorizationActions {
	/** The processor's documented hold, for authorizations whose answer does not carry its end. */
	readonly validity: AuthorizationValidity;
	/** Captures once per key, all or part of what was authorized (the rest is released). Never throws for a refusal. */
	capture(request: AuthorizationRequest): Promise<AuthorizationResult>;
	/** Voids the authorization (releases the hold) once per key. */
	cancel(request: AuthorizationRequest): Promise<AuthorizationResult>;
}

/** An authorization call's failure: refused when the processor answered (4xx), unknown when it may have acted. */
export function authorizationFailure(error: unknown, code?: string): AuthorizationResult {
	const result = refundFailure(error, code) as Exclude<RefundResult, { outcome: 'accepted' }>;
	return result.outcome === 'refused' ? { ...result, outcome: 'failed' } : result;
}

/** A processor's price for one payment: fixed part in minor units plus a percentage of the amount. */
export interface FeeSchedule {
	fixedMinor: number;
	percent: number;
}

/** What the router knows about one processor before it has seen any outcome of its own. */
export interface ProcessorProfile {
	processor: string;
	/** Fee per currency (ISO code), `*` for every other currency. */
	fees: Record<string, FeeSchedule>;
	/** ISO currency codes, or `*`. */
	currencies: string[];
	/** ISO country codes, or `*`. */
	countries: string[];
	methods: PaymentMethodType[];
	/** Prior success rate (0–1) until the processor's own outcomes outweigh it. */
	successRate: number;
	/** Prior processing time in ms. */
	latencyMs: number;
}

/** A processor's error and decline codes as data: which are hard declines and which are processor failures. */
export interface FailureTable {
	/** `unknown` for codes that say an earlier request with this key may have charged (e.g. a reused key). */
	codes: Record<string, FailureKind>;
	/** Numeric code ranges (Braintree's 2000–2999 processor declines), consulted after `codes`. */
	ranges?: Array<{ from: number; to: number; kind: FailureKind }>;
	/** For a code not in the table that the vendor reports as a card/payment-method error. */
	unknownDecline: Exclude<FailureKind, 'unknown'>;
}

/** The key for one payment on one processor: fits Square's 45, PayPal's 108 and Stripe's 255 characters. */
export function idempotencyKeyFor(paymentId: string, processor: string): string {
	return `pay_${createHash('sha256').update(`${paymentId}\u0000${processor}`).digest('hex').slice(0, 40)}`;
}

/** The key for one refund: the same shape as a payment's, so it fits every processor's limit. */
export function refundKeyFor(refundId: string): string {
	return `ref_${createHash('sha256').update(`refund\u0000${refundId}`).digest('hex').slice(0, 40)}`;
}

/** A refund call's failure: refused when the processor answered, unknown when it may have refunded without answering. */
export function refundFailure(error: unknown, code?: string): RefundResult {
	if (!(error instanceof PlatformApiError)) throw error;
	// A 5xx may follow a refund made: only a repeat under the same key (or a search) can tell.
	const mayHaveRefunded = error.status === undefined ? !(error.code !== undefined && NEVER_SENT.has(error.code)) : error.status >= 500;
	if (mayHaveRefunded) {
		return { outcome: 'unknown', code: error.code ?? 'NO_RESPONSE', message: error.message };
	}
	return { outcome: 'refused', code: code ?? error.code ?? `HTTP_${error.status ?? 'NOT_SENT'}`, message: error.message, httpStatus: error.status };
}

/** Connection failures after which the request cannot have reached the processor (safe to try another one). */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Turns a transport failure into a `ChargeResult`: an answer with a code is looked up in the processor's table;
 * any other answer is this processor failing; no answer is `unknown` unless the request never left this host.
 */
export function failureFromError(error: unknown, table: FailureTable, code?: string, isDecline = false): ChargeResult {
	if (!(error instanceof PlatformApiError)) throw error;
	if (error.status === undefined) {
		const neverSent = error.code !== undefined && NEVER_SENT.has(error.code);
		return { outcome: neverSent ? 'processor_failure' : 'unknown', code: error.code ?? 'NO_RESPONSE', message: error.message };
	}
	const vendorCode = code ?? error.code ?? `HTTP_${error.status}`;
	const outcome = classifyCode(table, vendorCode) ?? (isDecline ? table.unknownDecline : 'processor_failure');
	return { outcome, code: vendorCode, message: error.message, httpStatus: error.status };
}

/** The table's verdict on one vendor code, or undefined when the table does not know it. */
export function classifyCode(table: FailureTable, code: string): FailureKind | undefined {
	if (table.codes[code]) return table.codes[code];
	const numeric = Number(code);
	return Number.isFinite(numeric) ? table.ranges?.find((range) => numeric >= range.from && numeric <= range.to)?.kind : undefined;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

// Subscriptions: what a processor's recurring billing does for the payments capability.

/**
 * Where a subscription stands: `pending` (waiting for its subscriber to approve, or for a first payment), `active`,
 * `paused` (no charges until resumed), `canceled`.
 */
export type SubscriptionState = 'pending' | 'active' | 'paused' | 'canceled';

interface KeyedRequest {
	/** Derived from the request id, so every repeat of one request carries the same key. */
	idempotencyKey: string;
	/** True when an earlier call with this key may have reached the processor: settle it rather than act twice. */
	resuming: boolean;
}

export interface SubscriptionCreateRequest extends KeyedRequest {
	/** The processor's plan (Stripe's price, PayPal's billing plan). */
	processorPlanId: string;
	/** The processor's customer (Stripe's `cus_…`); PayPal's subscriber approves on PayPal's page instead. */
	customer?: string;
	/** A stored payment method of the customer to charge (Stripe's `pm_…`), else the customer's default. */
	paymentMethod?: string;
	/** Where the subscriber comes back after approving on the processor's page. */
	returnUrl?: string;
	/** The merchant's request id, kept at the processor beside the subscription. */
	requestId: string;
}

export interface SubscriptionChangeRequest extends KeyedRequest {
	subscriptionId: string;
	/** For a change of plan: the new plan at the processor. */
	processorPlanId?: string;
}

export type SubscriptionResult =
	/** `action`: what the subscriber must do first (PayPal's approve page). */
	| { outcome: 'succeeded'; subscriptionId: string; state: SubscriptionState; processorStatus: string; processorPlanId?: string; action?: CustomerAction }
	/** The processor refused (unknown plan or customer, wrong state): nothing changed. */
	| { outcome: 'refused'; code: string; message: string; httpStatus?: number }
	/** No answer arrived after the request may have reached the processor: repeat it with the same key to settle. */
	| { outcome: 'unknown'; code: string; message: string };

export interface SubscriptionActions {
	create(request: SubscriptionCreateRequest): Promise<SubscriptionResult>;
	changePlan(request: SubscriptionChangeRequest): Promise<SubscriptionResult>;
	/** Stops charging without ending the subscription; absent where the processor cannot pause. */
	pause?(request: SubscriptionChangeRequest): Promise<SubscriptionResult>;
	cancel(request: SubscriptionChangeRequest): Promise<SubscriptionResult>;
}

/** The key for one subscription request: fits Square's 45, PayPal's 108 and Stripe's 255 characters. */
export function subscriptionKeyFor(requestId: string): string {
	return `sub_${createHash('sha256').update(`subscription\u0000${requestId}`).digest('hex').slice(0, 40)}`;
}

/** A subscription call's failure: refused when the processor answered (4xx), unknown when it may have acted. */
export function subscriptionFailure(error: unknown, code?: string): SubscriptionResult {
	const result = refundFailure(error, code);
	if (result.outcome === 'accepted') throw error;
	return result;
}

// Invoices: what a processor's invoicing does for the payments capability.

/** Where an invoice stands: `draft` (not sent), `open` (sent, awaiting payment), `paid`, `void`, `uncollectible`. */
export type InvoiceState = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

/** One line of an invoice, in the currency's minor units: `quantity` × `unitAmountMinor`. */
export interface InvoiceLine {
	description: string;
	unitAmountMinor: number;
	quantity: number;
}

export interface InvoiceCreateRequest extends KeyedRequest {
	/** The merchant's request id, kept at the processor beside the invoice. */
	requestId: string;
	/** The processor's customer (Stripe's `cus_…`, Square's customer id) or, for PayPal, the recipient's email. */
	customer: string;
	/** ISO 4217, upper case. */
	currency: string;
	lines: InvoiceLine[];
	/** Days the customer has to pay, from when it is sent. */
	dueInDays: number;
	memo?: string;
}

export type InvoiceResult =
	/** `totalMinor`: what the processor says is due, in minor units; `url`: where the customer pays it. */
	| { outcome: 'succeeded'; invoiceId: string; state: InvoiceState; processorStatus: string; totalMinor: number; currency: string; number?: string; url?: string }
	/** The processor refused (unknown customer, bad line): nothing was sent. */
	| { outcome: 'refused'; code: string; message: string; httpStatus?: number }
	/** No answer arrived after the request may have reached the processor: repeat it with the same key to settle. */
	| { outcome: 'unknown'; code: string; message: string };

export interface InvoiceActions {
	/** Creates the invoice with its lines and sends it to the customer, once per key: a repeat answers with the first. */
	createAndSend(request: InvoiceCreateRequest): Promise<InvoiceResult>;
	/** The invoice as the processor has it now, by its id. */
	lookup(invoiceId: string): Promise<InvoiceResult>;
}

/** The key for one invoice request: fits Square's 45, PayPal's 108 and Stripe's 255 characters (a suffix per step included). */
export function invoiceKeyFor(requestId: string): string {
	return `inv_${createHash('sha256').update(`invoice\u0000${requestId}`).digest('hex').slice(0, 32)}`;
}

/** An invoice call's failure: refused when the processor answered (4xx), unknown when it may have acted. */
export function invoiceFailure(error: unknown, code?: string): Exclude<InvoiceResult, { outcome: 'succeeded' }> {
	return subscriptionFailure(error, code) as Exclude<InvoiceResult, { outcome: 'succeeded' }>;
}
