/**
 * The PayPal sandbox: OAuth2 client credentials (`POST /v1/oauth2/token`, Basic client id:secret → expiring Bearer
 * tokens), Orders v2 create / capture / get with `PayPal-Request-Id` replay, `Prefer: return=minimal` (the default:
 * id, status and links) or `return=representation`, `DUPLICATE_INVOICE_ID`, 422 issues (`INSTRUMENT_DECLINED`,
 * `TRANSACTION_REFUSED`, `ORDER_ALREADY_CAPTURED`, `ORDER_NOT_APPROVED`) and `PayPal-Mock-Response` negative tests;
 * refunds of a completed capture (`POST /v2/payments/captures/:id/refund`, full or partial, never more than remains:
 * `REFUND_AMOUNT_EXCEEDED`, `CAPTURE_FULLY_REFUNDED`) and `GET /v2/payments/refunds/:id`.
 * An order with a vaulted or card payment source is approved at once; one without waits for the buyer, whose
 * approval is simulated by opening the order's `approve` link (`GET /checkoutnow?token=<order id>`, no auth). A PayPal
 * source without a vault id, or a vault id containing "approval", makes the order PAYER_ACTION_REQUIRED with a
 * `payer-action` link to the same page; the payer's approval sends CHECKOUT.ORDER.APPROVED to the webhooks.
 * Orders made with intent AUTHORIZE are authorized (`/authorize`: an authorization holding 29 days), then captured in
 * full or part (`/v2/payments/authorizations/:id/capture`, the rest released with `final_capture`) or voided, with
 * PayPal's issues (`AUTHORIZATION_ALREADY_CAPTURED`, `AUTHORIZATION_VOIDED`, `PREVIOUSLY_CAPTURED`, `MAX_CAPTURE_AMOUNT_EXCEEDED`).
 * Vault ids decide the outcome: one containing "declined" or "refused" fails its capture or authorization. Cards are answered as
 * PayPal answers them (brand, type, last digits), never with their number or security code.
 * Subscriptions report their billing as PayPal does: a cancel through the API sends BILLING.SUBSCRIPTION.CANCELLED; a
 * billing cycle (run through the control API's events) sends PAYMENT.SALE.COMPLETED or BILLING.SUBSCRIPTION.PAYMENT.FAILED;
 * an invoice paid in full or cancelled sends INVOICING.INVOICE.PAID or INVOICING.INVOICE.CANCELLED.
 */
import { randomBytes, timingSafeEqual, createHmac } from 'node:crypto';
import { controlError } from '../framework/control';
import { IdempotencyCache, ProcessingSettings } from '../framework/idempotency';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type SandboxServices, type VendorSandboxFactory } from '../framework/types';
import type { WebhookSigner } from '../framework/webhooks';
import { PayPalInvoices } from './invoices';

export const payPalClientId = 'sandbox-paypal-client';
export const payPalClientSecret = 'sandbox-paypal-secret';

interface Order {
	id: string;
	intent: string;
	status: string;
	purchase_units: Array<Record<string, unknown>>;
	payment_source?: Record<string, unknown>;
	create_time: string;
	update_time?: string;
	links: Array<{ href: string; rel: string; method: string }>;
}

interface PayPalRefund {
	id: string;
	status: 'COMPLETED' | 'PENDING' | 'FAILED' | 'CANCELLED';
	amount: { currency_code: string; value: string };
	/** The sandbox's link to the capture (PayPal links it through `links` rel "up"). */
	capture_id: string;
	invoice_id?: string;
	create_time: string;
	update_time: string;
	links: Array<{ href: string; rel: string; method: string }>;
}

function debugId(): string {
	return randomBytes(7).toString('hex');
}

function payPalError(status: number, name: string, message: string, details?: Array<{ issue: string; description: string; field?: string; location?: 'body' | 'header' | 'path' | 'query' }>): SandboxResponse {
	return { status, body: { name, message, debug_id: debugId(), details, links: [{ href: `https://developer.paypal.com/api/rest/reference/orders/v2/errors/#${name}`, rel: 'information_link', method: 'GET' }] } };
}

function unprocessable(issue: string, description: string): SandboxResponse {
	return payPalError(422, 'UNPROCESSABLE_ENTITY', 'The requested action could not be performed, semantically incorrect, or failed business validation.', [{ issue, description }]);
}

/** PayPal's descriptions, word for word as Orders v2 enumerates them (the double space is PayPal's). */
const issueDescriptions: Record<string, string> = {
	INSTRUMENT_DECLINED: "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
	TRANSACTION_REFUSED: 'The request was refused.',
	ORDER_ALREADY_CAPTURED: "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
	ORDER_NOT_APPROVED: "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid `payment_source` in the request.",
	DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
};

/** The stand-in signature: HMAC-SHA256(key, "<transmission id>|<time>|<body>"), checked only by the verify endpoint. */
const transmissionSignature = (key: string, transmissionId: string, time: string, body: string) => createHmac('sha256', key).update(`${transmissionId}|${time}|${body}`).digest('base64');

const signPayPalWebhook: WebhookSigner = ({ body, secret, timestamp }) => {
	const transmissionId = randomBytes(12).toString('hex');
	const time = new Date(timestamp).toISOString();
	return {
		'paypal-transmission-id': transmissionId,
		'paypal-transmission-time': time,
		'paypal-transmission-sig': transmissionSignature(secret, transmissionId, time, body),
		'paypal-auth-algo': 'SHA256withRSA',
		'paypal-cert-url': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-sandbox',
	};
};

/** The events of a subscription's billing cycle, charged (a sale) or not: what the control API's renewal reports. */
const RENEWAL_EVENTS = new Set(['PAYMENT.SALE.COMPLETED', 'BILLING.SUBSCRIPTION.PAYMENT.FAILED']);
const BILLING_EVENT_TYPES = [...RENEWAL_EVENTS, 'BILLING.SUBSCRIPTION.CANCELLED', 'INVOICING.INVOICE.PAID', 'INVOICING.INVOICE.CANCELLED'];
const WEBHOOK_EVENT_TYPES = new Set(['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.REFUNDED', 'CUSTOMER.DISPUTE.CREATED', 'CUSTOMER.DISPUTE.UPDATED', 'CUSTOMER.DISPUTE.RESOLVED', 'CHECKOUT.ORDER.APPROVED', ...BILLING_EVENT_TYPES]);

/**
 * The merchant's billing plans, as List Plans shows them (id, product, name, status, usage type, create time): two
 * ACTIVE monthly ones subscriptions can be made to, and an INACTIVE one (deactivated), which PayPal refuses to subscribe to.
 */
const BILLING_PLANS = [
	{ id: 'P-BASIC-MONTHLY', product_id: 'PROD-BASIC', name: 'Basic monthly', status: 'ACTIVE', description: 'Basic, billed every month', usage_type: 'LICENSED', create_time: '2024-01-10T09:00:00Z' },
	{ id: 'P-PRO-MONTHLY', product_id: 'PROD-PRO', name: 'Pro monthly', status: 'ACTIVE', description: 'Pro, billed every month', usage_type: 'LICENSED', create_time: '2024-01-10T09:05:00Z' },
	{ id: 'P-STARTER-LEGACY', product_id: 'PROD-BASIC', name: 'Starter (retired)', status: 'INACTIVE', description: 'No longer sold', usage_type: 'LICENSED', create_time: '2023-06-01T09:00:00Z' },
];
const billingPlan = (planId: unknown) => BILLING_PLANS.find((plan) => plan.id === planId);
/** What each plan's regular cycle charges (its `billing_cycles[].pricing_scheme.fixed_price` at PayPal). */
const PLAN_PRICES: Record<string, { currency_code: string; value: string }> = {
	'P-BASIC-MONTHLY': { currency_code: 'USD', value: '9.00' },
	'P-PRO-MONTHLY': { currency_code: 'USD', value: '29.00' },
	'P-STARTER-LEGACY': { currency_code: 'USD', value: '5.00' },
};

/** A webhook and the key the sandbox signs its deliveries with (PayPal's own certificate stands behind it). */
interface Webhook {
	id: string;
	url: string;
	event_types: Array<{ name: string }>;
	key: string;
}

export const createPayPalSandbox: VendorSandboxFactory = (services) => {
	const state = new PayPalState(services);
	return {
		credentials: { clientId: payPalClientId, clientSecret: payPalClientSecret },
		authenticate: (request) => state.authenticate(request),
		rateLimits: {
			defaults: [{ name: 'per_second', kind: 'sliding', limit: 50, intervalMs: 1000 }],
			headers: () => ({}),
			rejection: () => payPalError(429, 'RATE_LIMIT_REACHED', 'Too many requests. Blocked due to rate limiting.'),
		},
		errors: {
			serverError: (status) => (status === 503 ? payPalError(503, 'SERVICE_UNAVAILABLE', 'Service Unavailable.') : payPalError(status, 'INTERNAL_SERVER_ERROR', 'An internal server error occurred.')),
			notFound: (request) => payPalError(404, 'RESOURCE_NOT_FOUND', `The specified resource does not exist: ${request.path}`),
			badRequest: (message) => payPalError(400, 'INVALID_REQUEST', `Request is not well-formed, syntactically incorrect, or violates schema: ${message}`, [{ issue: 'MALFORMED_REQUEST_JSON', description: message }]),
		},
		routes: (router) => state.routes(router),
		data: { reset: () => state.reset(), seed: () => { throw controlError(400, 'PayPal orders are created through the API'); }, state: (collection) => state.view(collection) },
		// PayPal verifies webhooks through its verify-webhook-signature API (RSA); the sandbox signs with an HMAC stand-in.
		signWebhook: signPayPalWebhook,
		/**
		 * `{ event_type, resource?, times? }`: one event (one `WH-` id) to every webhook registered for it, `times` times.
		 * `{ event_type: 'PAYMENT.SALE.COMPLETED' | 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', subscription, times? }` runs the
		 * ACTIVE subscription's next billing cycle first, charged or failed, and reports it.
		 */
		emitEvent: ({ event_type: eventType, resource, subscription, times }) => {
			if (typeof eventType !== 'string' || !WEBHOOK_EVENT_TYPES.has(eventType)) throw controlError(400, `event_type must be one of ${[...WEBHOOK_EVENT_TYPES].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			if (subscription !== undefined) {
				if (!RENEWAL_EVENTS.has(eventType)) throw controlError(400, `${eventType} is no billing cycle: leave subscription out (a cancel goes through /v1/billing/subscriptions/:id/cancel)`);
				return state.renew(String(subscription), eventType === 'PAYMENT.SALE.COMPLETED', (times as number | undefined) ?? 1);
			}
			const patch = resource as Record<string, unknown> | undefined;
			const carried = eventType.startsWith('CUSTOMER.DISPUTE.') ? state.dispute(eventType, patch) : (patch ?? { id: debugId(), status: 'COMPLETED' });
			const event = { id: `WH-${debugId()}`, event_version: '1.0', create_time: new Date().toISOString(), resource_type: eventType.startsWith('CUSTOMER.DISPUTE') ? 'dispute' : 'capture', event_type: eventType, summary: eventType, resource: carried };
			return state.emit(event, (times as number | undefined) ?? 1);
		},
		settings: {
			get: () => ({ ...state.processing.get(), tokenTtlSeconds: state.tokenTtlSeconds }),
			update: (patch) => {
				const { tokenTtlSeconds, ...rest } = patch;
				if (tokenTtlSeconds !== undefined) {
					if (typeof tokenTtlSeconds !== 'number' || tokenTtlSeconds < 1) throw controlError(400, 'tokenTtlSeconds must be a number >= 1');
					state.tokenTtlSeconds = tokenTtlSeconds;
				}
				return { ...state.processing.update(rest, (message) => controlError(400, message)), tokenTtlSeconds: state.tokenTtlSeconds };
			},
		},
	};
};

class PayPalState {
	orders = new Map<string, Order>();
	refunds = new Map<string, PayPalRefund>();
	webhooks: Webhook[] = [];
	/** Billing subscriptions (PayPal Subscriptions), by id `I-…`; plans `P-BASIC-MONTHLY` and `P-PRO-MONTHLY` exist. */
	billingSubscriptions = new Map<string, Record<string, unknown>>();
	/** Disputes of the sandbox's captures, newest last: what `CUSTOMER.DISPUTE.*` events carry. */
	disputes: Array<Record<string, unknown>> = [];
	tokens = new Map<string, number>();
	tokenTtlSeconds = 32_400;
	readonly processing = new ProcessingSettings();
	// PayPal returns the first response for a repeated PayPal-Request-Id.
	/** Invoicing v2 (see invoices.ts). */
	readonly invoicing = new PayPalInvoices(
		unprocessable,
		(id) => payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description: `No invoice ${id}.` }]),
		(eventType, invoice) => this.report(eventType, 'invoices', { invoice: structuredClone(invoice) }),
	);
	readonly idempotency = new IdempotencyCache({ mismatch: () => unprocessable('DUPLICATE_REQUEST_ID', 'The value of PayPal-Request-Id header has already been used.') });

	constructor(private readonly services: SandboxServices) {}

	authenticate(request: SandboxRequest): SandboxResponse | undefined {
		if (request.path === '/v1/oauth2/token' || request.path === '/checkoutnow') return undefined;
		const header = request.headers.authorization;
		const token = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
		const expiresAt = token ? this.tokens.get(token) : undefined;
		if (expiresAt === undefined || expiresAt < Date.now()) {
			return payPalError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed due to missing authorization header, or invalid authentication credentials.');
		}
		return undefined;
	}

	routes(router: Router): void {
		router
			.post('/v1/oauth2/token', (request) => this.issueToken(request))
			.get('/v1/notifications/webhooks-event-types', () => ({ status: 200, body: { event_types: [{ name: 'PAYMENT.CAPTURE.COMPLETED', description: 'A payment capture completes.', status: 'ENABLED' }] } }))
			.get('/v1/notifications/webhooks', () => ({ status: 200, body: { webhooks: this.webhooks.map(listedWebhook) } }))
			.post('/v1/notifications/webhooks', (request) => this.createWebhook(request))
			.delete('/v1/notifications/webhooks/:id', (request) => {
				if (!this.webhooks.some((hook) => hook.id === request.params.id)) return payPalError(404, 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist. Please check the resource ID and try again.');
				this.webhooks = this.webhooks.filter((hook) => hook.id !== request.params.id);
				return { status: 204 };
			})
			.post('/v1/notifications/verify-webhook-signature', (request) => this.verify(request))
			.get('/v1/billing/plans', (request) => this.listPlans(request))
			.post('/v1/billing/subscriptions', (request) => this.withRequestId(request, () => this.subscribe(request)))
			.get('/v1/billing/subscriptions/:id', (request) => ({ status: 200, body: this.billing(request.params.id) }))
			.post('/v1/billing/subscriptions/:id/revise', (request) => this.withRequestId(request, () => this.revise(request)))
			.post('/v1/billing/subscriptions/:id/suspend', (request) => this.withRequestId(request, () => this.transition(request.params.id, ['ACTIVE'], 'SUSPENDED')))
			.post('/v1/billing/subscriptions/:id/cancel', (request) => this.withRequestId(request, () => this.cancel(request.params.id)))
			.post('/v2/invoicing/invoices', (request) => this.withRequestId(request, () => this.invoicing.create((request.body ?? {}) as Record<string, unknown>)))
			.get('/v2/invoicing/invoices/:id', (request) => this.invoicing.get(request.params.id))
			.post('/v2/invoicing/invoices/:id/send', (request) => this.withRequestId(request, () => this.invoicing.send(request.params.id)))
			.post('/v2/invoicing/invoices/:id/payments', (request) => this.withRequestId(request, () => this.invoicing.recordPayment(request.params.id, (request.body ?? {}) as Record<string, unknown>)))
			.post('/v2/invoicing/invoices/:id/cancel', (request) => this.withRequestId(request, () => this.invoicing.cancel(request.params.id)))
			.post('/v2/checkout/orders', (request) => this.withRequestId(request, () => this.create(request)))
			.get('/v2/checkout/orders/:id', (request) => ({ status: 200, body: this.order(request.params.id) }))
			.post('/v2/checkout/orders/:id/capture', (request) => this.withRequestId(request, () => this.capture(request)))
			.post('/v2/checkout/orders/:id/authorize', (request) => this.withRequestId(request, () => this.authorize(request)))
			.get('/v2/payments/authorizations/:id', (request) => ({ status: 200, body: this.authorization(request.params.id).authorization }))
			.post('/v2/payments/authorizations/:id/capture', (request) => this.withRequestId(request, () => this.captureAuthorization(request)))
			.post('/v2/payments/authorizations/:id/void', (request) => this.withRequestId(request, () => this.voidAuthorization(request)))
			.post('/v2/payments/captures/:id/refund', (request) => this.withRequestId(request, () => this.refund(request)))
			.get('/v2/payments/refunds/:id', (request) => {
				const refund = this.refunds.get(request.params.id);
				if (!refund) return payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }]);
				return { status: 200, body: refund };
			})
			.get('/checkoutnow', (request) => this.buyerApproves(request));
	}

	/** One event (a new `WH-` id) about `resource`, as PayPal reports a change, to every webhook registered for its type. */
	report(eventType: string, resourceType: string, resource: Record<string, unknown>, times = 1): unknown {
		const event = { id: `WH-${debugId()}`, event_version: '1.0', create_time: new Date().toISOString(), resource_type: resourceType, event_type: eventType, summary: SUMMARIES[eventType] ?? eventType, resource };
		return this.emit(event, times);
	}

	/**
	 * The subscription's next billing cycle: its plan's price charged (a sale, PAYMENT.SALE.COMPLETED, naming the
	 * subscription as `billing_agreement_id`; `billing_info` counts the cycle and its last payment) or declined
	 * (BILLING.SUBSCRIPTION.PAYMENT.FAILED carrying the subscription, its `last_failed_payment` and failure count).
	 */
	renew(subscriptionId: string, charged: boolean, times: number): unknown {
		const subscription = this.billingSubscriptions.get(subscriptionId);
		if (!subscription) throw controlError(400, `no subscription ${subscriptionId}`);
		if (subscription.status !== 'ACTIVE') throw controlError(400, `subscription ${subscriptionId} is ${String(subscription.status)}: only an ACTIVE one is billed`);
		const price = PLAN_PRICES[String(subscription.plan_id)];
		const now = new Date();
		const info = (subscription.billing_info ?? { outstanding_balance: { currency_code: price.currency_code, value: '0.00' }, cycle_executions: [{ tenure_type: 'REGULAR', sequence: 1, cycles_completed: 0, cycles_remaining: 0, total_cycles: 0 }], failed_payments_count: 0 }) as Record<string, unknown>;
		subscription.billing_info = info;
		if (!charged) {
			Object.assign(info, { failed_payments_count: Number(info.failed_payments_count) + 1, last_failed_payment: { amount: price, time: now.toISOString(), reason_code: 'PAYMENT_DENIED' } });
			return this.report('BILLING.SUBSCRIPTION.PAYMENT.FAILED', 'subscription', structuredClone(subscription), times);
		}
		const cycle = (info.cycle_executions as Array<{ cycles_completed: number }>)[0];
		cycle.cycles_completed += 1;
		Object.assign(info, { last_payment: { amount: price, time: now.toISOString() }, next_billing_time: new Date(now.getTime() + 30 * 86_400_000).toISOString() });
		const saleId = randomBytes(9).toString('hex').toUpperCase().slice(0, 17);
		const sale = {
			id: saleId, state: 'completed', amount: { total: price.value, currency: price.currency_code, details: { subtotal: price.value } }, payment_mode: 'INSTANT_TRANSFER',
			protection_eligibility: 'ELIGIBLE', transaction_fee: { value: '0.00', currency: price.currency_code }, billing_agreement_id: subscriptionId, create_time: now.toISOString(), update_time: now.toISOString(),
			links: [{ href: `${this.services.baseUrl()}/v1/payments/sale/${saleId}`, rel: 'self', method: 'GET' }],
		};
		return this.report('PAYMENT.SALE.COMPLETED', 'sale', sale, times);
	}

	/** Delivers one event to every webhook registered for its type. */
	emit(event: Record<string, unknown>, times = 1): unknown {
		const targets = this.webhooks.filter((hook) => hook.event_types.some((type) => type.name === event.event_type));
		for (let time = 0; time < times; time++) for (const hook of targets) this.services.deliverWebhook({ url: hook.url, secret: hook.key }, event, signPayPalWebhook);
		return { event, deliveries: targets.length * times };
	}

	private createWebhook(request: SandboxRequest): SandboxResponse {
		const body = (request.body ?? {}) as { url?: unknown; event_types?: unknown };
		if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return payPalError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [{ field: 'url', issue: 'INVALID_PARAMETER_SYNTAX', description: 'The url is invalid.' }]);
		const types = body.event_types;
		if (!Array.isArray(types) || types.length === 0 || types.some((type) => !WEBHOOK_EVENT_TYPES.has((type as { name?: string })?.name ?? ''))) {
			return payPalError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [{ field: 'event_types', issue: 'INVALID_PARAMETER_SYNTAX', description: 'The event types are invalid.' }]);
		}
		if (this.webhooks.some((hook) => hook.url === body.url)) return payPalError(400, 'WEBHOOK_URL_ALREADY_EXISTS', 'Webhook URL already exists.');
		const hook: Webhook = { id: randomBytes(8).toString('hex').toUpperCase(), url: body.url, event_types: (types as Array<{ name: string }>).map(({ name }) => ({ name })), key: randomBytes(16).toString('hex') };
		this.webhooks.push(hook);
		return { status: 201, body: listedWebhook(hook) };
	}

	/** `verify-webhook-signature`: SUCCESS when the transmission was signed for that webhook and that event. */
	private verify(request: SandboxRequest): SandboxResponse {
		const body = (request.body ?? {}) as Record<string, unknown>;
		for (const field of ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id', 'webhook_event']) {
			if (body[field] === undefined) return payPalError(400, 'VALIDATION_ERROR', 'Invalid request - see details.', [{ field, issue: 'MISSING_REQUIRED_PARAMETER', description: `${field} is required.` }]);
		}
		const hook = this.webhooks.find((entry) => entry.id === body.webhook_id);
		const expected = hook ? transmissionSignature(hook.key, String(body.transmission_id), String(body.transmission_time), JSON.stringify(body.webhook_event)) : undefined;
		const presented = String(body.transmission_sig);
		const valid = expected !== undefined && expected.length === presented.length && timingSafeEqual(Buffer.from(expected), Buffer.from(presented));
		return { status: 200, body: { verification_status: valid ? 'SUCCESS' : 'FAILURE' } };
	}

	/**
	 * The dispute a `CUSTOMER.DISPUTE.*` event carries, as the Disputes API shows it: CREATED opens one (a chargeback,
	 * WAITING_FOR_SELLER_RESPONSE, answer due in 10 days) on the latest capture; UPDATED moves the latest dispute
	 * UNDER_REVIEW; RESOLVED ends it in the seller's favour. `patch` sets any field (`dispute_outcome`, `reason`).
	 */
	dispute(eventType: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
		const now = new Date().toISOString();
		if (eventType === 'CUSTOMER.DISPUTE.CREATED' || this.disputes.length === 0) {
			const capture = this.view('captures') as Array<{ id: string; amount: { currency_code: string; value: string } }>;
			const latest = capture.at(-1) ?? { id: debugId().toUpperCase(), amount: { currency_code: 'USD', value: '10.00' } };
			this.disputes.push({
				dispute_id: `PP-D-${randomBytes(3).readUIntBE(0, 3)}`, create_time: now, update_time: now,
				disputed_transactions: [{ seller_transaction_id: latest.id, seller: { merchant_id: 'SANDBOXMERCHANT' }, gross_amount: latest.amount }],
				reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED', status: 'WAITING_FOR_SELLER_RESPONSE', dispute_amount: latest.amount,
				seller_response_due_date: new Date(Date.now() + 10 * 86_400_000).toISOString(), dispute_life_cycle_stage: 'CHARGEBACK', dispute_channel: 'EXTERNAL',
				links: [],
			});
		}
		const dispute = this.disputes.at(-1)!;
		if (eventType === 'CUSTOMER.DISPUTE.UPDATED') Object.assign(dispute, { status: 'UNDER_REVIEW', update_time: now });
		if (eventType === 'CUSTOMER.DISPUTE.RESOLVED') Object.assign(dispute, { status: 'RESOLVED', update_time: now, dispute_outcome: { outcome_code: 'RESOLVED_SELLER_FAVOUR' } });
		return structuredClone(Object.assign(dispute, patch));
	}

	reset(): void {
		this.webhooks = [];
		this.disputes = [];
		this.billingSubscriptions.clear();
		this.invoicing.reset();
		this.orders.clear();
		this.refunds.clear();
		this.tokens.clear();
		this.tokenTtlSeconds = 32_400;
		this.idempotency.reset();
		this.processing.processingMs = 5;
	}

	view(collection?: string): unknown {
		const orders = [...this.orders.values()];
		const captures = orders.flatMap((order) => order.purchase_units.flatMap((unit) => ((unit.payments as { captures?: unknown[] } | undefined)?.captures ?? []) as Array<{ status: string }>));
		const authorizations = orders.flatMap((order) => order.purchase_units.flatMap((unit) => ((unit.payments as { authorizations?: unknown[] } | undefined)?.authorizations ?? [])));
		const all = { orders, authorizations, captures: captures.filter((capture) => ['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(capture.status)), refunds: [...this.refunds.values()], disputes: this.disputes, subscriptions: [...this.billingSubscriptions.values()], invoices: [...this.invoicing.invoices.values()], webhooks: this.webhooks.map(listedWebhook) };
		return collection === undefined ? all : all[collection as keyof typeof all];
	}

	private issueToken(request: SandboxRequest): SandboxResponse {
		const header = request.headers.authorization;
		const presented = typeof header === 'string' && /^basic /i.test(header) ? Buffer.from(header.slice(6).trim(), 'base64').toString('utf8') : '';
		const expected = `${payPalClientId}:${payPalClientSecret}`;
		const valid = presented.length === expected.length && timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
		if (!valid) return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
		if ((request.body as { grant_type?: string } | undefined)?.grant_type !== 'client_credentials') {
			return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' } };
		}
		const token = `A21AA${randomBytes(24).toString('base64url')}`;
		this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
		return { status: 200, body: { scope: 'https://uri.paypal.com/services/payments/payment', access_token: token, token_type: 'Bearer', app_id: 'APP-SANDBOX', expires_in: this.tokenTtlSeconds, nonce: `${new Date().toISOString()}${randomBytes(8).toString('hex')}` } };
	}

	/** A replay returns the first answer, in the representation this request prefers. */
	private async withRequestId(request: SandboxRequest, work: () => Promise<SandboxResponse> | SandboxResponse): Promise<SandboxResponse> {
		const requestId = request.headers['paypal-request-id'];
		if (typeof requestId === 'string' && requestId.length > 108) return payPalError(400, 'INVALID_REQUEST', 'PayPal-Request-Id is too long.', [{ field: 'PayPal-Request-Id', location: 'header', issue: 'INVALID_PARAMETER_SYNTAX', description: 'The value of a field does not conform to the expected format.' }]);
		const answer = typeof requestId !== 'string' || requestId === '' ? await work() : await this.idempotency.run(`${request.path} ${requestId}`, JSON.stringify(request.body ?? {}), async () => work());
		// Prefer applies to orders, payments and subscriptions; a revision answers its plan and links whatever it says.
		if (answer.status >= 300 || answer.body === undefined || request.headers.prefer === 'return=representation' || request.path.endsWith('/revise')) return answer;
		const { id, status, links } = answer.body as Order;
		return { ...answer, body: { id, status, links } };
	}

	/** The buyer approving the order on PayPal's page: what following the order's `approve` link does here. */
	private buyerApproves(request: SandboxRequest): SandboxResponse {
		const subscription = this.billingSubscriptions.get(request.query.get('token') ?? '');
		if (subscription) {
			if (subscription.status === 'APPROVAL_PENDING') {
				Object.assign(subscription, {
					status: 'ACTIVE', status_update_time: new Date().toISOString(), links: (subscription.links as Array<{ rel: string }>).filter((link) => link.rel !== 'approve'),
					subscriber: { payer_id: 'SANDBXBUYER23', email_address: 'buyer@sandbox.example', name: { given_name: 'Sandbox', surname: 'Buyer' } },
				});
			}
			return { status: 200, body: `Subscription ${String(subscription.id)} is ${String(subscription.status)}.`, headers: { 'content-type': 'text/plain; charset=utf-8' } };
		}
		const order = this.orders.get(request.query.get('token') ?? '');
		if (!order) return { status: 404, body: 'This checkout session does not exist.', headers: { 'content-type': 'text/plain; charset=utf-8' } };
		if (order.status === 'CREATED' || order.status === 'PAYER_ACTION_REQUIRED') {
			order.status = 'APPROVED';
			order.payment_source ??= { paypal: { email_address: 'buyer@sandbox.example', account_id: 'SANDBXBUYER23', account_status: 'VERIFIED', name: { given_name: 'Sandbox', surname: 'Buyer' } } };
			order.links = order.links.filter((link) => link.rel !== 'approve' && link.rel !== 'payer-action');
			order.update_time = new Date().toISOString();
			this.emit({ id: `WH-${debugId()}`, event_version: '1.0', create_time: order.update_time, resource_type: 'checkout-order', event_type: 'CHECKOUT.ORDER.APPROVED', summary: `An order has been approved by buyer`, resource: structuredClone(order) });
		}
		return { status: 200, body: `Order ${order.id} is ${order.status}.`, headers: { 'content-type': 'text/plain; charset=utf-8' } };
	}

	/**
	 * List Plans: a page (`page` from 1, `page_size` 1 to 20, default 10) of the plans, filtered by `product_id` and
	 * `plan_ids` (comma-separated), each with its `self` link; `total_items` and `total_pages` when `total_required`.
	 */
	private listPlans(request: SandboxRequest): SandboxResponse {
		const number = (name: string, fallback: number, max: number) => {
			const value = Number(request.query.get(name) ?? fallback);
			return Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
		};
		const [page, pageSize] = [number('page', 1, 100_000), number('page_size', 10, 20)];
		if (page === undefined || pageSize === undefined) {
			const field = page === undefined ? 'page' : 'page_size';
			return payPalError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [{ field, location: 'query', issue: 'INVALID_PARAMETER_VALUE', description: 'The value of a field is invalid.' }]);
		}
		const product = request.query.get('product_id');
		const ids = request.query.get('plan_ids')?.split(',');
		const plans = BILLING_PLANS.filter((plan) => (product === null || plan.product_id === product) && (!ids || ids.includes(plan.id)));
		const base = this.services.baseUrl();
		const listed = plans.slice((page - 1) * pageSize, page * pageSize).map((plan) => ({ ...plan, links: [{ href: `${base}/v1/billing/plans/${plan.id}`, rel: 'self', method: 'GET', encType: 'application/json' }] }));
		const totalPages = Math.ceil(plans.length / pageSize);
		const pageLink = (rel: string, at: number) => ({ href: `${base}/v1/billing/plans?page_size=${pageSize}&page=${at}`, rel, method: 'GET', encType: 'application/json' });
		const links = [pageLink('self', page), ...(page < totalPages ? [pageLink('next', page + 1)] : [])];
		return { status: 200, body: { plans: listed, ...(request.query.get('total_required') === 'true' ? { total_items: plans.length, total_pages: totalPages } : {}), links } };
	}

	private billing(subscriptionId: string): Record<string, unknown> {
		const subscription = this.billingSubscriptions.get(subscriptionId);
		if (!subscription) throw new SandboxError(payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description: 'Requested resource ID was not found.' }]));
		return subscription;
	}

	/** A subscription to a plan, APPROVAL_PENDING until its subscriber approves at the `approve` link. */
	private subscribe(request: SandboxRequest): SandboxResponse {
		const body = (request.body ?? {}) as { plan_id?: unknown; custom_id?: unknown };
		const plan = billingPlan(body.plan_id);
		if (!plan) {
			return payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ field: '/plan_id', location: 'body', issue: 'INVALID_RESOURCE_ID', description: 'Requested resource ID was not found.' }]);
		}
		if (plan.status !== 'ACTIVE') return unprocessable('PLAN_STATUS_INVALID', 'Invalid plan status for subscription action; plan status should be active.');
		const subscriptionId = `I-${randomBytes(6).toString('hex').toUpperCase()}`;
		const base = this.services.baseUrl();
		const now = new Date().toISOString();
		const subscription = {
			id: subscriptionId, plan_id: body.plan_id, status: 'APPROVAL_PENDING', status_update_time: now, custom_id: body.custom_id, start_time: now, create_time: now, quantity: '1',
			links: [
				{ href: `${base}/checkoutnow?token=${subscriptionId}`, rel: 'approve', method: 'GET' },
				{ href: `${base}/v1/billing/subscriptions/${subscriptionId}`, rel: 'self', method: 'GET' },
			],
		};
		this.billingSubscriptions.set(subscriptionId, subscription);
		return { status: 201, body: subscription };
	}

	/** A revision to another plan, applied at once (the sandbox's plans cost what the subscriber already approved). */
	private revise(request: SandboxRequest): SandboxResponse {
		const subscription = this.billing(request.params.id);
		const planId = ((request.body ?? {}) as { plan_id?: unknown }).plan_id;
		if (typeof planId !== 'string' || billingPlan(planId)?.status !== 'ACTIVE') return unprocessable('INVALID_PLAN_ID', 'The plan id is invalid.');
		if (subscription.status !== 'ACTIVE' && subscription.status !== 'SUSPENDED') return unprocessable('SUBSCRIPTION_STATUS_INVALID', `Invalid subscription status for revise action; subscription status should be active or suspended.`);
		subscription.plan_id = planId;
		return { status: 200, body: { plan_id: planId, links: [{ href: `${this.services.baseUrl()}/v1/billing/subscriptions/${String(subscription.id)}`, rel: 'self', method: 'GET' }] } };
	}

	/** A cancel, at once: PayPal reports it with BILLING.SUBSCRIPTION.CANCELLED carrying the subscription. */
	private cancel(subscriptionId: string): SandboxResponse {
		const answer = this.transition(subscriptionId, ['ACTIVE', 'SUSPENDED'], 'CANCELLED');
		if (answer.status === 204) this.report('BILLING.SUBSCRIPTION.CANCELLED', 'subscription', structuredClone(this.billing(subscriptionId)));
		return answer;
	}

	private transition(subscriptionId: string, from: string[], to: string): SandboxResponse {
		const subscription = this.billing(subscriptionId);
		if (!from.includes(String(subscription.status))) return unprocessable('SUBSCRIPTION_STATUS_INVALID', `Invalid subscription status for this action; subscription status should be ${from.join(' or ').toLowerCase()}.`);
		Object.assign(subscription, { status: to, status_update_time: new Date().toISOString() });
		return { status: 204, body: undefined };
	}

	private create(request: SandboxRequest): SandboxResponse {
		const body = (request.body ?? {}) as { intent?: string; purchase_units?: Array<Record<string, unknown>>; payment_source?: Record<string, unknown> };
		if (body.intent !== 'CAPTURE' && body.intent !== 'AUTHORIZE') {
			return payPalError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [{ field: '/intent', location: 'body', issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required parameter is missing.' }]);
		}
		const unit = body.purchase_units?.[0];
		const amount = unit?.amount as { currency_code?: string; value?: string } | undefined;
		if (!amount?.currency_code || !/^\d+(\.\d{1,2})?$/.test(String(amount.value ?? ''))) {
			return unprocessable('DECIMAL_PRECISION', issueDescriptions.DECIMAL_PRECISION);
		}
		const invoiceId = unit?.invoice_id;
		if (invoiceId && [...this.orders.values()].some((order) => order.purchase_units[0]?.invoice_id === invoiceId)) {
			return unprocessable('DUPLICATE_INVOICE_ID', 'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.');
		}
		const id = randomBytes(9).toString('hex').toUpperCase().slice(0, 17);
		const vaulted = body.payment_source !== undefined;
		// The payer must approve on PayPal's page: a PayPal source without a vaulted id, or a vault id saying so.
		const payerAction = vaulted && payerMustApprove(body.payment_source!);
		const base = this.services.baseUrl();
		const order: Order = {
			id,
			intent: body.intent,
			status: payerAction ? 'PAYER_ACTION_REQUIRED' : vaulted ? 'APPROVED' : 'CREATED',
			purchase_units: [{ reference_id: 'default', ...unit }],
			payment_source: body.payment_source === undefined ? undefined : presentSource(body.payment_source),
			create_time: new Date().toISOString(),
			links: [
				{ href: `${base}/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' },
				...(payerAction ? [{ href: `${base}/checkoutnow?token=${id}`, rel: 'payer-action', method: 'GET' }] : vaulted ? [] : [{ href: `${base}/checkoutnow?token=${id}`, rel: 'approve', method: 'GET' }]),
				{ href: `${base}/v2/checkout/orders/${id}`, rel: 'update', method: 'PATCH' },
				{ href: `${base}/v2/checkout/orders/${id}/capture`, rel: 'capture', method: 'POST' },
			],
		};
		this.orders.set(id, order);
		return { status: 201, body: order };
	}

	private async capture(request: SandboxRequest): Promise<SandboxResponse> {
		const order = this.order(request.params.id);
		if (order.status === 'COMPLETED') return unprocessable('ORDER_ALREADY_CAPTURED', issueDescriptions.ORDER_ALREADY_CAPTURED);
		if (order.status !== 'APPROVED') return unprocessable('ORDER_NOT_APPROVED', issueDescriptions.ORDER_NOT_APPROVED);
		await this.processing.pause();
		const issue = mockIssue(request) ?? vaultIssue(order.payment_source);
		if (issue) return unprocessable(issue, issueDescriptions[issue] ?? issue);
		const unit = order.purchase_units[0];
		const capture = { id: randomBytes(9).toString('hex').toUpperCase().slice(0, 17), status: 'COMPLETED', amount: unit.amount, final_capture: true, invoice_id: unit.invoice_id, custom_id: unit.custom_id, create_time: new Date().toISOString() };
		unit.payments = { captures: [capture] };
		order.status = 'COMPLETED';
		order.update_time = capture.create_time;
		this.services.publishWebhook({ id: `WH-${debugId()}`, event_type: 'PAYMENT.CAPTURE.COMPLETED', resource_type: 'capture', resource: capture, create_time: capture.create_time });
		return { status: 201, body: order };
	}

	/**
	 * Authorizes an approved order made with intent AUTHORIZE: the authorization holds 29 days (`expiration_time`); its
	 * honor period is the first 3 of them.
	 */
	private async authorize(request: SandboxRequest): Promise<SandboxResponse> {
		const order = this.order(request.params.id);
		if (order.intent !== 'AUTHORIZE') return unprocessable('ACTION_DOES_NOT_MATCH_INTENT', 'Order was created with an intent to \'CAPTURE\'. Please use /capture endpoint.');
		if (order.status === 'COMPLETED') return unprocessable('ORDER_ALREADY_AUTHORIZED', 'Order already authorized.If \'intent=AUTHORIZE\' only one authorization per order is allowed.');
		if (order.status !== 'APPROVED') return unprocessable('ORDER_NOT_APPROVED', issueDescriptions.ORDER_NOT_APPROVED);
		await this.processing.pause();
		const issue = mockIssue(request) ?? vaultIssue(order.payment_source);
		if (issue) return unprocessable(issue, issueDescriptions[issue] ?? issue);
		const unit = order.purchase_units[0];
		const now = new Date();
		const id = randomBytes(9).toString('hex').toUpperCase().slice(0, 17);
		const base = this.services.baseUrl();
		const authorization = {
			id, status: 'CREATED', amount: unit.amount, invoice_id: unit.invoice_id, custom_id: unit.custom_id,
			expiration_time: new Date(now.getTime() + 29 * 86_400_000).toISOString(), create_time: now.toISOString(), update_time: now.toISOString(),
			links: [
				{ href: `${base}/v2/payments/authorizations/${id}`, rel: 'self', method: 'GET' },
				{ href: `${base}/v2/payments/authorizations/${id}/capture`, rel: 'capture', method: 'POST' },
				{ href: `${base}/v2/payments/authorizations/${id}/void`, rel: 'void', method: 'POST' },
			],
		};
		unit.payments = { authorizations: [authorization] };
		order.status = 'COMPLETED';
		order.update_time = authorization.create_time;
		return { status: 201, body: order };
	}

	/** Captures all or part of an authorization; with `final_capture` (the default) the rest is released. */
	private async captureAuthorization(request: SandboxRequest): Promise<SandboxResponse> {
		const { authorization, unit } = this.authorization(request.params.id);
		if (authorization.status === 'CAPTURED') return unprocessable('AUTHORIZATION_ALREADY_CAPTURED', 'Authorization has been previously captured and hence cannot be captured again.');
		if (authorization.status === 'VOIDED') return unprocessable('AUTHORIZATION_VOIDED', 'A voided authorization cannot be captured or reauthorized.');
		if (Date.parse(String(authorization.expiration_time)) < Date.now()) return unprocessable('AUTHORIZATION_EXPIRED', 'An expired authorization cannot be captured.');
		const body = (request.body ?? {}) as { amount?: { currency_code?: unknown; value?: unknown }; final_capture?: unknown; invoice_id?: unknown };
		const authorized = authorization.amount as { currency_code: string; value: string };
		const cents = (value: string) => Math.round(Number(value) * 100);
		const captured = ((unit.payments as { captures?: Array<{ amount: { value: string } }> }).captures ?? []).reduce((sum, capture) => sum + cents(capture.amount.value), 0);
		if (body.amount !== undefined) {
			if (body.amount.currency_code !== authorized.currency_code) return unprocessable('AUTH_CAPTURE_CURRENCY_MISMATCH', 'Currency of capture must be the same as currency of authorization.');
			if (!/^\d+(\.\d{1,2})?$/.test(String(body.amount.value ?? ''))) return unprocessable('DECIMAL_PRECISION', issueDescriptions.DECIMAL_PRECISION);
			if (cents(String(body.amount.value)) > cents(authorized.value) - captured) return unprocessable('MAX_CAPTURE_AMOUNT_EXCEEDED', 'Capture amount exceeds allowable limit.');
		}
		await this.processing.pause();
		const amount = body.amount === undefined ? { currency_code: authorized.currency_code, value: ((cents(authorized.value) - captured) / 100).toFixed(2) } : { currency_code: authorized.currency_code, value: String(body.amount.value) };
		const now = new Date().toISOString();
		const capture = { id: randomBytes(9).toString('hex').toUpperCase().slice(0, 17), status: 'COMPLETED', amount, final_capture: body.final_capture !== false, invoice_id: authorization.invoice_id, custom_id: authorization.custom_id, create_time: now, update_time: now };
		(unit.payments as { captures?: unknown[] }).captures = [...((unit.payments as { captures?: unknown[] }).captures ?? []), capture];
		authorization.status = capture.final_capture ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
		authorization.update_time = now;
		this.services.publishWebhook({ id: `WH-${debugId()}`, event_type: 'PAYMENT.CAPTURE.COMPLETED', resource_type: 'capture', resource: capture, create_time: now });
		return { status: 201, body: capture };
	}

	/** Voids an authorization not captured yet: nothing will be captured from it. */
	private voidAuthorization(request: SandboxRequest): SandboxResponse {
		const { authorization } = this.authorization(request.params.id);
		if (authorization.status === 'CAPTURED' || authorization.status === 'PARTIALLY_CAPTURED') return unprocessable('PREVIOUSLY_CAPTURED', 'Authorization has been previously captured and hence cannot be voided.');
		if (authorization.status === 'VOIDED') return unprocessable('PREVIOUSLY_VOIDED', 'Authorization has been previously voided and hence cannot be voided again.');
		authorization.status = 'VOIDED';
		authorization.update_time = new Date().toISOString();
		return request.headers.prefer === 'return=representation' ? { status: 200, body: authorization } : { status: 204 };
	}

	private authorization(authorizationId: string): { authorization: Record<string, unknown>; unit: Record<string, unknown> } {
		for (const order of this.orders.values()) {
			for (const unit of order.purchase_units) {
				const found = ((unit.payments as { authorizations?: Array<Record<string, unknown>> } | undefined)?.authorizations ?? []).find((entry) => entry.id === authorizationId);
				if (found) return { authorization: found, unit };
			}
		}
		throw new SandboxError(payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }]));
	}

	/** A refund of a completed capture: all that remains without `amount`; never more than remains, in its currency. */
	private refund(request: SandboxRequest): SandboxResponse {
		const capture = this.findCapture(request.params.id);
		if (!capture) return payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }]);
		const captured = capture.amount as { currency_code: string; value: string };
		const cents = (value: string) => Math.round(Number(value) * 100);
		const refunded = [...this.refunds.values()].filter((refund) => refund.capture_id === capture.id && refund.status !== 'FAILED').reduce((sum, refund) => sum + cents(refund.amount.value), 0);
		const remaining = cents(captured.value) - refunded;
		if (remaining <= 0) return unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded.');
		const body = (request.body ?? {}) as { amount?: { currency_code?: unknown; value?: unknown }; invoice_id?: unknown; note_to_payer?: unknown };
		if (body.amount !== undefined) {
			if (body.amount.currency_code !== captured.currency_code) return unprocessable('REFUND_CURRENCY_MISMATCH', 'Refund must be in the same currency as the capture.');
			if (!/^\d+(\.\d{1,2})?$/.test(String(body.amount.value ?? ''))) return unprocessable('DECIMAL_PRECISION', issueDescriptions.DECIMAL_PRECISION);
			if (cents(String(body.amount.value)) > remaining) return unprocessable('REFUND_AMOUNT_EXCEEDED', 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.');
		}
		const value = body.amount === undefined ? (remaining / 100).toFixed(2) : String(body.amount.value);
		const now = new Date().toISOString();
		const refund: PayPalRefund = {
			id: randomBytes(9).toString('hex').toUpperCase().slice(0, 17), status: 'COMPLETED', amount: { currency_code: captured.currency_code, value }, capture_id: String(capture.id),
			invoice_id: typeof body.invoice_id === 'string' ? body.invoice_id : undefined, create_time: now, update_time: now,
			links: [{ href: `${this.services.baseUrl()}/v2/payments/captures/${capture.id}`, rel: 'up', method: 'GET' }],
		};
		this.refunds.set(refund.id, refund);
		if (refunded + cents(value) === cents(captured.value)) capture.status = 'REFUNDED';
		else capture.status = 'PARTIALLY_REFUNDED';
		this.services.publishWebhook({ id: `WH-${debugId()}`, event_type: 'PAYMENT.CAPTURE.REFUNDED', resource_type: 'refund', resource: refund, create_time: now });
		return { status: 201, body: refund };
	}

	private findCapture(captureId: string): Record<string, unknown> | undefined {
		for (const order of this.orders.values()) {
			for (const unit of order.purchase_units) {
				const found = ((unit.payments as { captures?: Array<Record<string, unknown>> } | undefined)?.captures ?? []).find((capture) => capture.id === captureId);
				if (found) return found;
			}
		}
		return undefined;
	}

	private order(orderId: string): Order {
		const order = this.orders.get(orderId);
		if (!order) throw new SandboxError(payPalError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }]));
		return order;
	}
}

/** A payment source as PayPal answers it: a card by brand, type and last digits, never its number or CVV. */
function presentSource(source: Record<string, unknown>): Record<string, unknown> {
	const card = source.card as { number?: unknown; security_code?: unknown; expiry?: unknown; name?: unknown } | undefined;
	if (!card) return source;
	const number = String(card.number ?? '');
	const brand = /^4/.test(number) ? 'VISA' : /^5[1-5]/.test(number) ? 'MASTERCARD' : /^3[47]/.test(number) ? 'AMEX' : /^6/.test(number) ? 'DISCOVER' : 'UNKNOWN';
	const { number: _number, security_code: _cvv, ...rest } = card;
	return { ...source, card: { ...rest, last_digits: number.slice(-4), brand, type: 'CREDIT' } };
}

/** `PayPal-Mock-Response: {"mock_application_codes": "INSTRUMENT_DECLINED"}`, as in PayPal's sandbox. */
function mockIssue(request: SandboxRequest): string | undefined {
	const header = request.headers['paypal-mock-response'];
	if (typeof header !== 'string') return undefined;
	try {
		return (JSON.parse(header) as { mock_application_codes?: string }).mock_application_codes;
	} catch {
		return undefined;
	}
}

/** PayPal asks the payer to approve a PayPal source without a vault id; a vault id containing "approval" stands for one whose payer must approve again. */
function payerMustApprove(source: Record<string, unknown>): boolean {
	const paypal = source.paypal as { vault_id?: unknown } | undefined;
	const card = source.card as { vault_id?: unknown } | undefined;
	if (paypal && paypal.vault_id === undefined) return true;
	return [paypal?.vault_id, card?.vault_id].some((vaultId) => typeof vaultId === 'string' && vaultId.includes('approval'));
}

function vaultIssue(source: Record<string, unknown> | undefined): string | undefined {
	const vaultId = JSON.stringify(source ?? {});
	if (vaultId.includes('declined')) return 'INSTRUMENT_DECLINED';
	if (vaultId.includes('refused')) return 'TRANSACTION_REFUSED';
	return undefined;
}

/** The `summary` PayPal gives each billing event. */
const SUMMARIES: Record<string, string> = {
	'PAYMENT.SALE.COMPLETED': 'Payment completed for $ amount',
	'BILLING.SUBSCRIPTION.PAYMENT.FAILED': 'Subscription payment failed',
	'BILLING.SUBSCRIPTION.CANCELLED': 'Subscription cancelled',
	'INVOICING.INVOICE.PAID': 'An invoice was paid',
	'INVOICING.INVOICE.CANCELLED': 'An invoice was cancelled',
};

function listedWebhook(hook: Webhook): Omit<Webhook, 'key'> {
	const { key: _key, ...listed } = hook;
	return listed;
}
