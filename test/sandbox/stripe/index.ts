/**
 * The Stripe sandbox: PaymentIntents (create with confirm, confirm, capture, cancel, retrieve, list), form bodies,
 * secret-key bearer auth, `Idempotency-Key` (replay, `idempotency_error`, 409 while in flight), Stripe's test
 * cards and their decline codes, partial capture (`amount_to_capture`), cancellation reasons, search in Stripe's query
 * language (`GET /v1/payment_intents/search`), refunds (`POST /v1/refunds` of a succeeded PaymentIntent, full or
 * partial, never more than remains unrefunded; `GET /v1/refunds/:id`), a `Request-Id` on every response, and `Stripe-Signature` webhooks for
 * payment_intent events. 3-D Secure: `pm_card_threeDSecure2Required` (4000 0027 6000 3184) leaves the PaymentIntent in
 * `requires_action` with its `next_action`; the customer's authentication is `GET /3ds/challenge?payment_intent=…&outcome=complete|fail`.
 * Invoices (see invoices.ts): create, invoice items, finalize, send, retrieve; `invoice.paid` pays the latest open one.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import { IdempotencyCache, ProcessingSettings } from '../framework/idempotency';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type SandboxServices, type VendorSandboxFactory } from '../framework/types';
import type { WebhookSigner } from '../framework/webhooks';
import { StripeInvoices } from './invoices';

export const stripeSecretKey = 'sk_test_sandbox_51Integration';
/** The API version the sandbox answers in (that of the spec it is checked against). */
const stripeApiVersion = '2023-08-16';

/** Stripe's documented test cards (PLATFORMS.md) and what each does on confirm. */
const testCards: Record<string, { code?: string; declineCode?: string; message?: string; threeDSecure?: boolean }> = {
	'4242424242424242': {},
	'4000000000000002': { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
	'4000000000009995': { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
	'4000000000009979': { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
	'4000000000000069': { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' },
	'4000000000000127': { code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect." },
	'4000000000000119': { code: 'processing_error', declineCode: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
	// 3-D Secure 2 must be completed for the payment to succeed.
	'4000002760003184': { threeDSecure: true },
};

/** Stripe's decline when the customer fails or abandons 3-D Secure. */
const authenticationFailure = {
	type: 'invalid_request_error',
	code: 'payment_intent_authentication_failure',
	message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
};

/** Stripe's ready-made test PaymentMethods. */
const testPaymentMethods: Record<string, string> = {
	pm_card_visa: '4242424242424242',
	pm_card_visa_chargeDeclined: '4000000000000002',
	pm_card_visa_chargeDeclinedInsufficientFunds: '4000000000009995',
	pm_card_visa_chargeDeclinedStolenCard: '4000000000009979',
	pm_card_chargeDeclinedExpiredCard: '4000000000000069',
	pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
	pm_card_chargeDeclinedProcessingError: '4000000000000119',
	pm_card_threeDSecure2Required: '4000002760003184',
};

interface PaymentIntent {
	id: string;
	object: 'payment_intent';
	amount: number;
	amount_received: number;
	amount_capturable: number;
	client_secret: string;
	cancellation_reason: string | null;
	canceled_at: number | null;
	currency: string;
	status: string;
	next_action: Record<string, unknown> | null;
	capture_method: string;
	confirmation_method: 'automatic' | 'manual';
	payment_method_types: string[];
	payment_method: string | null;
	latest_charge: string | null;
	last_payment_error: Record<string, unknown> | null;
	metadata: Record<string, string>;
	description: string | null;
	created: number;
	livemode: false;
}

interface StripeRefund {
	id: string;
	object: 'refund';
	amount: number;
	charge: string | null;
	currency: string;
	payment_intent: string;
	status: 'pending' | 'succeeded' | 'failed' | 'canceled';
	reason: string | null;
	metadata: Record<string, string>;
	created: number;
}

/** Stripe's request ids: the `Request-Id` header, and the tail of an error's `request_log_url`. */
const newRequestId = () => `req_${id(14)}`;
const requestLogPrefix = 'https://dashboard.stripe.com/test/logs/';

function stripeError(status: number, error: Record<string, unknown>): SandboxResponse {
	return { status, body: { error: { ...error, request_log_url: `${requestLogPrefix}${newRequestId()}` } } };
}

/** The request id an error body already names, so header and body agree; a new one otherwise. */
function requestIdOf(response: SandboxResponse): string {
	const logUrl = (response.body as { error?: { request_log_url?: unknown } } | undefined)?.error?.request_log_url;
	return typeof logUrl === 'string' && logUrl.startsWith(requestLogPrefix) ? logUrl.slice(requestLogPrefix.length) : newRequestId();
}

function id(length: number): string {
	return randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length);
}

/** `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`; `ageSeconds` backdates the stamp (a stale delivery). */
const stripeSigner = (ageSeconds = 0): WebhookSigner => ({ body, secret, timestamp }) => {
	const t = Math.floor(timestamp / 1000) - ageSeconds;
	return { 'Stripe-Signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` };
};

/** The event types the sandbox's webhook endpoints can be enabled for. */
const ENDPOINT_EVENTS = new Set([
	'payment_intent.succeeded',
	'payment_intent.payment_failed',
	'payment_intent.amount_capturable_updated',
	'payment_intent.requires_action',
	'charge.refunded',
	'charge.dispute.created',
	'charge.dispute.updated',
	'charge.dispute.closed',
	'invoice.paid',
	'invoice.payment_failed',
	'invoice.voided',
	'invoice.marked_uncollectible',
	'invoice.overdue',
	'customer.subscription.deleted',
]);

/** Billing events the sandbox makes happen before it reports them (see `StripeState.billingEvent`). */
const BILLING_EVENTS = new Set(['invoice.paid', 'invoice.payment_failed', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.overdue', 'customer.subscription.deleted']);

interface WebhookEndpoint {
	id: string;
	object: 'webhook_endpoint';
	api_version: string | null;
	application: null;
	created: number;
	description: string | null;
	enabled_events: string[];
	livemode: false;
	metadata: Record<string, string>;
	status: 'enabled';
	url: string;
	/** Returned by the create only. */
	secret: string;
}

export const createStripeSandbox: VendorSandboxFactory = (services) => {
	const state = new StripeState(services);
	const stripeAuth = bearerAuth(stripeSecretKey, (reason) =>
		stripeError(401, {
			type: 'invalid_request_error',
			message: reason === 'missing' ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')." : 'Invalid API Key provided: sk_test_****',
		}),
	);
	return {
		credentials: { secretKey: stripeSecretKey },
		// The 3-D Secure page is the customer's browser on the issuer's site: no API key.
		authenticate: (request) => (request.path === '/3ds/challenge' ? undefined : stripeAuth(request)),
		rateLimits: {
			defaults: [{ name: 'test_mode', kind: 'sliding', limit: 25, intervalMs: 1000 }],
			headers: () => ({}),
			rejection: () => stripeError(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.' }),
		},
		errors: {
			serverError: (status) => stripeError(status, { type: 'api_error', message: 'An unknown error occurred' }),
			notFound: (request) => stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${request.method}: ${request.path}).` }),
			badRequest: (message) => stripeError(400, { type: 'invalid_request_error', message: `Invalid request: ${message}` }),
		},
		routes: (router) => state.routes(router),
		data: { reset: () => state.reset(), seed: (data) => state.seed(data), state: (collection) => state.view(collection) },
		signWebhook: stripeSigner(),
		/** `{ type, object?, times?, ageSeconds? }`: one event (one `evt_` id) to every endpoint enabled for `type`, `times` times. */
		/**
		 * `{ type, object?, subscription?, times?, ageSeconds? }`: billing events with a `subscription` bill (or cancel) it
		 * first: `invoice.paid` / `invoice.payment_failed` make its next period's invoice, paid or failed.
		 */
		emitEvent: ({ type, object, subscription, times, ageSeconds }) => {
			if (typeof type !== 'string' || !ENDPOINT_EVENTS.has(type)) throw controlError(400, `type must be one of ${[...ENDPOINT_EVENTS].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			const patch = object as Record<string, unknown> | undefined;
			const carried = type.startsWith('charge.dispute.') ? state.dispute(type, patch) : BILLING_EVENTS.has(type) ? (patch ?? state.billingEvent(type, subscription)) : (patch ?? state.defaultObject(type));
			return state.emit(event(type, carried), (times as number | undefined) ?? 1, Number(ageSeconds ?? 0));
		},
		// Stripe sends no Stripe-Should-Retry on a rate-limit 429 (its Node client leaves such a 429 to the caller).
		responseHeaders: (response) => ({ 'Request-Id': requestIdOf(response) }),
		settings: { get: () => state.processing.get(), update: (patch) => state.processing.update(patch, (message) => controlError(400, message)) },
	};
};


class StripeState {
	intents = new Map<string, PaymentIntent>();
	charges: Array<{ id: string; payment_intent: string; amount: number; currency: string; metadata: Record<string, string> }> = [];
	refunds: StripeRefund[] = [];
	customers = new Map<string, Record<string, unknown>>();
	/** Prices subscriptions can be made to (Stripe Billing); more through the control API's seed. */
	prices = new Map<string, Record<string, unknown>>(defaultPrices());
	subscriptions = new Map<string, Record<string, unknown>>();
	/** Invoices and invoice items (Stripe Billing's invoicing). */
	readonly billing = new StripeInvoices({ error: stripeError, id, missing, customer: (customerId) => this.customers.get(customerId) });
	/** Disputes of the sandbox's charges, newest last: what `charge.dispute.*` events carry. */
	disputes: Array<Record<string, unknown>> = [];
	/** The `return_url` each PaymentIntent was created with (3-D Secure sends the customer back there). */
	returnUrls = new Map<string, string>();
	paymentMethods = new Map(Object.entries(testPaymentMethods));
	endpoints: WebhookEndpoint[] = [];
	readonly processing = new ProcessingSettings();
	readonly idempotency = new IdempotencyCache({
		mismatch: (key) =>
			stripeError(400, {
				type: 'idempotency_error',
				message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
			}),
		inFlight: () =>
			stripeError(409, {
				type: 'invalid_request_error',
				code: 'idempotency_key_in_use',
				message: 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.',
			}),
		replayHeaders: { 'Idempotent-Replayed': 'true' },
	});

	constructor(private readonly services: SandboxServices) {}

	routes(router: Router): void {
		router
			.post('/v1/payment_intents', (request) => this.idempotent(request, () => this.create(request)))
			.get('/v1/payment_intents', (request) => this.list(request))
			.get('/v1/payment_intents/search', (request) => this.search(request))
			.get('/v1/payment_intents/:id', (request) => ({ status: 200, body: this.intent(request.params.id) }))
			.post('/v1/payment_intents/:id', (request) => this.idempotent(request, async () => this.update(this.intent(request.params.id), form(request))))
			.post('/v1/payment_intents/:id/confirm', (request) => this.idempotent(request, () => this.confirm(this.intent(request.params.id), form(request).payment_method as string | undefined)))
			.post('/v1/payment_intents/:id/capture', (request) => this.idempotent(request, async () => this.capture(this.intent(request.params.id), form(request))))
			.post('/v1/payment_intents/:id/cancel', (request) => this.idempotent(request, async () => this.cancel(this.intent(request.params.id), form(request))))
			.post('/v1/refunds', (request) => this.idempotent(request, async () => this.refund(form(request))))
			.get('/3ds/challenge', (request) => this.challenge(request))
			.get('/v1/refunds/:id', (request) => this.getRefund(request.params.id))
			.post('/v1/customers', (request) => this.idempotent(request, async () => this.createCustomer(form(request))))
			.get('/v1/customers/:id', (request) => this.found(this.customers.get(request.params.id), 'customer', request.params.id))
			.get('/v1/prices', (request) => this.listPrices(request))
			.post('/v1/subscriptions', (request) => this.idempotent(request, async () => this.subscribe(form(request))))
			.get('/v1/subscriptions/:id', (request) => this.found(this.subscriptions.get(request.params.id), 'subscription', request.params.id))
			.post('/v1/subscriptions/:id', (request) => this.idempotent(request, async () => this.updateSubscription(request.params.id, form(request))))
			.delete('/v1/subscriptions/:id', (request) => this.cancelSubscription(request.params.id))
			.post('/v1/invoices', (request) => this.idempotent(request, async () => this.billing.create(form(request))))
			.get('/v1/invoices/:id', (request) => this.billing.get(request.params.id))
			.post('/v1/invoices/:id/finalize', (request) => this.idempotent(request, async () => this.billing.finalize(request.params.id)))
			.post('/v1/invoices/:id/send', (request) => this.idempotent(request, async () => this.billing.send(request.params.id)))
			.post('/v1/invoiceitems', (request) => this.idempotent(request, async () => this.billing.addItem(form(request))))
			.get('/v1/webhook_endpoints', (request) => this.listEndpoints(request))
			.post('/v1/webhook_endpoints', (request) => this.createEndpoint(request))
			.delete('/v1/webhook_endpoints/:id', (request) => this.deleteEndpoint(request.params.id));
	}

	/** Delivers one event to every endpoint enabled for its type (and to the control API's targets). */
	emit(stripeEvent: Record<string, unknown>, times = 1, ageSeconds = 0): unknown {
		const targets = this.endpoints.filter((endpoint) => endpoint.enabled_events.includes(String(stripeEvent.type)));
		for (let time = 0; time < times; time++) for (const endpoint of targets) this.services.deliverWebhook({ url: endpoint.url, secret: endpoint.secret }, stripeEvent, stripeSigner(ageSeconds));
		return { event: stripeEvent, deliveries: targets.length * times };
	}

	/**
	 * What a billing event carries, once it has happened: for a subscription (named, or with `subscription: true` the
	 * latest) a renewal invoice paid or failed (`subscription_cycle`, the price's amount), or the subscription canceled;
	 * otherwise the latest open invoice paid, voided, marked uncollectible, overdue or failed.
	 */
	billingEvent(type: string, subscriptionId: unknown): Record<string, unknown> {
		if (subscriptionId !== undefined) {
			const subscription = subscriptionId === true ? [...this.subscriptions.values()].at(-1) : this.subscriptions.get(String(subscriptionId));
			if (!subscription) throw controlError(400, `no subscription ${String(subscriptionId)}`);
			if (type === 'customer.subscription.deleted') {
				const now = Math.floor(Date.now() / 1000);
				Object.assign(subscription, { status: 'canceled', canceled_at: now, ended_at: now });
				return structuredClone(subscription);
			}
			if (type !== 'invoice.paid' && type !== 'invoice.payment_failed') throw controlError(400, `${type} is no subscription event: leave subscription out`);
			const price = (subscription.items as { data: Array<{ price: Record<string, unknown> }> }).data[0].price;
			if (type === 'invoice.payment_failed') subscription.status = 'past_due';
			return this.billing.renewal(subscription, price, type === 'invoice.paid');
		}
		const invoice = this.billing.settleLatestOpen(type);
		if (!invoice) throw controlError(400, 'no open invoice');
		return invoice;
	}

	/** The latest PaymentIntent (or a made-up one), or a charge of it, as the event type carries it. */
	defaultObject(type: string): Record<string, unknown> {
		const intent = [...this.intents.values()].at(-1) ?? { id: `pi_${id(24)}`, object: 'payment_intent', amount: 1000, currency: 'usd', status: type === 'payment_intent.payment_failed' ? 'requires_payment_method' : 'succeeded' };
		if (type === 'charge.refunded') return { id: `ch_${id(24)}`, object: 'charge', payment_intent: intent.id, amount: intent.amount, amount_refunded: intent.amount, refunded: true, currency: intent.currency };
		return intent as Record<string, unknown>;
	}

	/**
	 * The dispute a `charge.dispute.*` event carries, as Stripe's Dispute object: `created` opens one on the latest charge
	 * (`needs_response`, evidence due in 7 days); `updated` moves the latest dispute to `under_review` (evidence sent);
	 * `closed` ends it `won`. `patch` sets any field (`status: 'lost'`, `reason`, `amount`).
	 */
	dispute(type: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
		if (type === 'charge.dispute.created' || this.disputes.length === 0) {
			const intent = [...this.intents.values()].at(-1);
			const now = Math.floor(Date.now() / 1000);
			this.disputes.push({
				id: `dp_${id(24)}`, object: 'dispute', amount: intent?.amount ?? 1000, balance_transactions: [], charge: intent?.latest_charge ?? `ch_${id(24)}`, created: now,
				currency: intent?.currency ?? 'usd', evidence: {}, evidence_details: { due_by: now + 7 * 86_400, has_evidence: false, past_due: false, submission_count: 0 },
				is_charge_refundable: false, livemode: false, metadata: {}, payment_intent: intent?.id ?? null, reason: 'fraudulent', status: 'needs_response',
			});
		}
		const dispute = this.disputes.at(-1)!;
		if (type === 'charge.dispute.updated') Object.assign(dispute, { status: 'under_review', evidence_details: { ...(dispute.evidence_details as object), has_evidence: true, submission_count: 1 } });
		if (type === 'charge.dispute.closed') Object.assign(dispute, { status: 'won' });
		// A copy: the event carries the dispute as it is now, not as later events leave it.
		return structuredClone(Object.assign(dispute, patch));
	}

	private found(object: Record<string, unknown> | undefined, what: string, objectId: string): SandboxResponse {
		return object ? { status: 200, body: object } : stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such ${what}: '${objectId}'` });
	}

	private createCustomer(params: Record<string, unknown>): SandboxResponse {
		const paymentMethod = (params.invoice_settings as { default_payment_method?: string } | undefined)?.default_payment_method ?? (params.payment_method as string | undefined);
		if (paymentMethod !== undefined && !this.paymentMethods.has(paymentMethod)) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${paymentMethod}'` });
		const customer = { id: `cus_${id(14)}`, object: 'customer', created: Math.floor(Date.now() / 1000), email: params.email ?? null, name: params.name ?? null, invoice_settings: { default_payment_method: paymentMethod ?? null }, livemode: false, metadata: params.metadata ?? {} };
		this.customers.set(customer.id, customer);
		return { status: 200, body: customer };
	}

	/** A subscription of a customer to one price: active at once when the customer has a payment method to charge. */
	private subscribe(params: Record<string, unknown>): SandboxResponse {
		if (typeof params.customer !== 'string') return missing('customer');
		const customer = this.customers.get(params.customer);
		if (!customer) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'customer', message: `No such customer: '${params.customer}'` });
		const items = params.items as Array<{ price?: string }> | undefined;
		if (!Array.isArray(items) || items.length === 0) return missing('items');
		const price = this.prices.get(items[0].price ?? '');
		if (!price) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'items[0][price]', message: `No such price: '${String(items[0].price)}'` });
		if (!price.active) return stripeError(400, { type: 'invalid_request_error', param: 'items[0][price]', message: 'The price specified is inactive. This field only accepts active prices.' });
		if (price.type !== 'recurring') return stripeError(400, { type: 'invalid_request_error', param: 'items[0][price]', message: 'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.' });
		const paymentMethod = (params.default_payment_method as string | undefined) ?? (customer.invoice_settings as { default_payment_method: string | null }).default_payment_method;
		if (!paymentMethod) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', message: 'This customer has no attached payment source or default payment method.' });
		const now = Math.floor(Date.now() / 1000);
		const subscriptionId = `sub_${id(24)}`;
		const subscription = {
			id: subscriptionId, object: 'subscription', customer: customer.id, status: 'active', created: now, start_date: now, current_period_start: now, current_period_end: now + 30 * 86_400,
			automatic_tax: { enabled: false }, billing_cycle_anchor: now, collection_method: 'charge_automatically', currency: price.currency,
			default_payment_method: paymentMethod, pause_collection: null, cancel_at_period_end: false, canceled_at: null, ended_at: null, livemode: false, metadata: params.metadata ?? {},
			items: { object: 'list', data: [{ id: `si_${id(14)}`, object: 'subscription_item', created: now, metadata: {}, price, quantity: 1, subscription: subscriptionId, tax_rates: [] }], has_more: false, url: `/v1/subscription_items?subscription=${subscriptionId}` },
		};
		this.subscriptions.set(subscription.id, subscription);
		return { status: 200, body: subscription };
	}

	/** Swap the item's price (`items[0][id]` + `items[0][price]`), pause (`pause_collection[behavior]`) or resume (`pause_collection=""`). */
	private updateSubscription(subscriptionId: string, params: Record<string, unknown>): SandboxResponse {
		const subscription = this.subscriptions.get(subscriptionId);
		if (!subscription) return this.found(undefined, 'subscription', subscriptionId);
		if (subscription.status === 'canceled') return stripeError(400, { type: 'invalid_request_error', message: 'A canceled subscription can only update its cancellation_details and metadata.' });
		const items = params.items as Array<{ id?: string; price?: string }> | undefined;
		if (Array.isArray(items) && items.length > 0) {
			const data = (subscription.items as { data: Array<Record<string, unknown>> }).data;
			const item = data.find((candidate) => candidate.id === items[0].id);
			if (!item) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'items[0][id]', message: `No such subscription item: '${String(items[0].id)}'` });
			const price = this.prices.get(items[0].price ?? '');
			if (!price) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'items[0][price]', message: `No such price: '${String(items[0].price)}'` });
			item.price = price;
		}
		if ('pause_collection' in params) subscription.pause_collection = params.pause_collection === '' ? null : { behavior: (params.pause_collection as { behavior?: string }).behavior ?? 'void', resumes_at: null };
		return { status: 200, body: subscription };
	}

	private cancelSubscription(subscriptionId: string): SandboxResponse {
		const subscription = this.subscriptions.get(subscriptionId);
		if (!subscription) return this.found(undefined, 'subscription', subscriptionId);
		if (subscription.status === 'canceled') return stripeError(400, { type: 'invalid_request_error', message: 'A canceled subscription can only update its cancellation_details and metadata.' });
		Object.assign(subscription, { status: 'canceled', canceled_at: Math.floor(Date.now() / 1000), ended_at: Math.floor(Date.now() / 1000) });
		return { status: 200, body: subscription };
	}

	/**
	 * List prices, newest first as Stripe lists them, filtered by `active`, `type`, `currency` and `product`, a page of
	 * `limit` (1 to 100, default 10) after `starting_after`.
	 */
	private listPrices(request: SandboxRequest): SandboxResponse {
		const limit = Number(request.query.get('limit') ?? 10);
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) return stripeError(400, { type: 'invalid_request_error', param: 'limit', message: 'This value must be greater than or equal to 1 and less than or equal to 100.' });
		const filters = (['active', 'type', 'currency', 'product'] as const).flatMap((name) => {
			const wanted = request.query.get(name);
			return wanted === null ? [] : [(price: Record<string, unknown>) => String(price[name]) === wanted];
		});
		const prices = [...this.prices.values()].filter((price) => filters.every((matches) => matches(price))).sort((a, b) => Number(b.created) - Number(a.created));
		const after = request.query.get('starting_after');
		const start = after ? prices.findIndex((price) => price.id === after) + 1 : 0;
		if (after && start === 0) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'starting_after', message: `No such price: '${after}'` });
		return { status: 200, body: { object: 'list', url: '/v1/prices', has_more: start + limit < prices.length, data: prices.slice(start, start + limit) } };
	}

	private listEndpoints(request: SandboxRequest): SandboxResponse {
		const limit = Math.min(100, Number(request.query.get('limit') ?? 10));
		const after = request.query.get('starting_after');
		const start = after ? this.endpoints.findIndex((endpoint) => endpoint.id === after) + 1 : 0;
		const data = this.endpoints.slice(start, start + limit).map(({ secret: _secret, ...listed }) => listed);
		return { status: 200, body: { object: 'list', url: '/v1/webhook_endpoints', has_more: start + limit < this.endpoints.length, data } };
	}

	private createEndpoint(request: SandboxRequest): SandboxResponse {
		const params = form(request);
		if (typeof params.url !== 'string') return missing('url');
		if (!/^https?:\/\//.test(params.url)) return stripeError(400, { type: 'invalid_request_error', param: 'url', message: 'Invalid URL: URL must be a valid http(s) URL.' });
		const events = params.enabled_events;
		if (!Array.isArray(events) || events.length === 0) return missing('enabled_events');
		const unknown = events.find((type) => typeof type !== 'string' || !ENDPOINT_EVENTS.has(type));
		if (unknown !== undefined) return stripeError(400, { type: 'invalid_request_error', param: 'enabled_events', message: `Invalid enabled_events: ${String(unknown)}` });
		const endpoint: WebhookEndpoint = {
			id: `we_${id(24)}`, object: 'webhook_endpoint', api_version: null, application: null, created: Math.floor(Date.now() / 1000),
			description: typeof params.description === 'string' ? params.description : null, enabled_events: events as string[], livemode: false,
			metadata: {}, status: 'enabled', url: params.url, secret: `whsec_${id(32)}`,
		};
		this.endpoints.push(endpoint);
		return { status: 200, body: endpoint };
	}

	private deleteEndpoint(endpointId: string): SandboxResponse {
		if (!this.endpoints.some((endpoint) => endpoint.id === endpointId)) {
			return stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such webhook endpoint: '${endpointId}'` });
		}
		this.endpoints = this.endpoints.filter((endpoint) => endpoint.id !== endpointId);
		return { status: 200, body: { id: endpointId, object: 'webhook_endpoint', deleted: true } };
	}

	reset(): void {
		this.intents.clear();
		this.charges = [];
		this.refunds = [];
		this.disputes = [];
		this.customers.clear();
		this.subscriptions.clear();
		this.billing.reset();
		this.prices = new Map(defaultPrices());
		this.returnUrls.clear();
		this.paymentMethods = new Map(Object.entries(testPaymentMethods));
		this.endpoints = [];
		this.idempotency.reset();
		this.processing.processingMs = 5;
	}

	/** `{ payment_methods: [{ id, number }] }`: more test PaymentMethods, by test card number. */
	seed(data: Record<string, unknown[]>): unknown {
		for (const [collection, records] of Object.entries(data)) {
			if (collection !== 'payment_methods') throw controlError(400, `unknown collection ${collection}; use payment_methods`);
			for (const record of records as Array<{ id?: string; number?: string }>) {
				if (!record.id || !record.number || !testCards[record.number]) throw controlError(400, 'each payment method needs an id and a known test card number');
				this.paymentMethods.set(record.id, record.number);
			}
		}
		return { payment_methods: [...this.paymentMethods.keys()] };
	}

	view(collection?: string): unknown {
		const all = { payment_intents: [...this.intents.values()], charges: this.charges, refunds: this.refunds, disputes: this.disputes, customers: [...this.customers.values()], subscriptions: [...this.subscriptions.values()], invoices: [...this.billing.invoices.values()], invoiceitems: this.billing.items, webhook_endpoints: this.endpoints.map(({ secret: _secret, ...listed }) => listed) };
		return collection === undefined ? all : all[collection as keyof typeof all];
	}

	private async idempotent(request: SandboxRequest, work: () => Promise<SandboxResponse> | SandboxResponse): Promise<SandboxResponse> {
		const key = request.headers['idempotency-key'];
		if (typeof key !== 'string' || key === '') return work();
		if (key.length > 255) return stripeError(400, { type: 'invalid_request_error', message: 'Idempotency-Key must be at most 255 characters long.' });
		return this.idempotency.run(key, `${request.method} ${request.path} ${JSON.stringify(request.body ?? {})}`, async () => work());
	}

	private async create(request: SandboxRequest): Promise<SandboxResponse> {
		const params = form(request);
		const amount = Number(params.amount);
		if (params.amount === undefined) return missing('amount');
		if (!Number.isInteger(amount) || amount < 1) return invalid('amount', 'Invalid integer: ' + String(params.amount));
		if (typeof params.currency !== 'string') return missing('currency');
		const intent: PaymentIntent = {
			id: `pi_${id(24)}`,
			object: 'payment_intent',
			amount,
			amount_received: 0,
			amount_capturable: 0,
			client_secret: '',
			cancellation_reason: null,
			canceled_at: null,
			currency: params.currency.toLowerCase(),
			status: 'requires_payment_method',
			next_action: null,
			capture_method: params.capture_method === 'manual' ? 'manual' : 'automatic',
			confirmation_method: params.confirmation_method === 'manual' ? 'manual' : 'automatic',
			payment_method_types: ['card'],
			payment_method: null,
			latest_charge: null,
			last_payment_error: null,
			metadata: (params.metadata as Record<string, string>) ?? {},
			description: (params.description as string) ?? null,
			created: Math.floor(Date.now() / 1000),
			livemode: false,
		};
		intent.client_secret = `${intent.id}_secret_${id(25)}`;
		const paymentMethod = params.payment_method as string | undefined;
		if (paymentMethod !== undefined && !this.paymentMethods.has(paymentMethod)) {
			return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${paymentMethod}'` });
		}
		this.intents.set(intent.id, intent);
		if (paymentMethod) {
			intent.payment_method = paymentMethod;
			intent.status = 'requires_confirmation';
		}
		if (typeof params.return_url === 'string') this.returnUrls.set(intent.id, params.return_url);
		if (params.confirm === 'true') return this.confirm(intent, undefined);
		return { status: 200, body: intent };
	}

	private async confirm(intent: PaymentIntent, paymentMethod: string | undefined): Promise<SandboxResponse> {
		if (paymentMethod) intent.payment_method = paymentMethod;
		if (!['requires_payment_method', 'requires_confirmation'].includes(intent.status)) {
			return stripeError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `This PaymentIntent's status is ${intent.status}.`, payment_intent: intent });
		}
		if (!intent.payment_method) return missing('payment_method');
		await this.processing.pause();
		const card = testCards[this.paymentMethods.get(intent.payment_method) ?? ''] ?? {};
		if (card.threeDSecure) return this.requireAction(intent);
		return this.authorizeCard(intent, card);
	}

	/**
	 * `requires_action`: the customer must authenticate on the issuer's page (here `GET /3ds/challenge`, which a test
	 * opens as the customer's browser would). With a return URL the next action is that page (`redirect_to_url`);
	 * without, Stripe.js handles it (`use_stripe_sdk`).
	 */
	private requireAction(intent: PaymentIntent): SandboxResponse {
		const url = `${this.services.baseUrl()}/3ds/challenge?payment_intent=${intent.id}`;
		const returnUrl = this.returnUrls.get(intent.id);
		intent.status = 'requires_action';
		intent.next_action = returnUrl
			? { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } }
			: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: `src_${id(24)}` } };
		this.publish(event('payment_intent.requires_action', intent));
		return { status: 200, body: intent };
	}

	/**
	 * The customer on the 3-D Secure page: `outcome=complete` authenticates (the card is then charged, or held for a
	 * manual capture), `outcome=fail` refuses (`payment_intent_authentication_failure`, back to requires_payment_method).
	 */
	private async challenge(request: SandboxRequest): Promise<SandboxResponse> {
		const intent = this.intents.get(request.query.get('payment_intent') ?? '');
		const page = (status: number, text: string): SandboxResponse => ({ status, body: text, headers: { 'content-type': 'text/plain; charset=utf-8' } });
		if (!intent) return page(404, 'This authentication session does not exist.');
		if (intent.status !== 'requires_action') return page(200, `PaymentIntent ${intent.id} is ${intent.status}.`);
		intent.next_action = null;
		if (request.query.get('outcome') === 'fail') {
			intent.status = 'requires_payment_method';
			intent.last_payment_error = { ...authenticationFailure, payment_method: this.paymentMethodObject(intent.payment_method!) };
			this.publish(event('payment_intent.payment_failed', intent));
			return page(200, `Authentication failed for ${intent.id}.`);
		}
		await this.authorizeCard(intent, {});
		return page(200, `Authenticated ${intent.id}: ${intent.status}.`);
	}

	private async authorizeCard(intent: PaymentIntent, card: { code?: string; declineCode?: string; message?: string }): Promise<SandboxResponse> {
		const chargeId = `ch_${id(24)}`;
		intent.latest_charge = chargeId;
		if (card.code) {
			intent.status = 'requires_payment_method';
			const error = { type: 'card_error', code: card.code, decline_code: card.declineCode, message: card.message, charge: chargeId, payment_method: this.paymentMethodObject(intent.payment_method ?? '') };
			intent.last_payment_error = error;
			this.publish(event('payment_intent.payment_failed', intent));
			return stripeError(402, { ...error, payment_intent: intent });
		}
		intent.last_payment_error = null;
		intent.status = intent.capture_method === 'manual' ? 'requires_capture' : 'succeeded';
		if (intent.status === 'requires_capture') {
			intent.amount_capturable = intent.amount;
			this.publish(event('payment_intent.amount_capturable_updated', intent));
		} else this.recordCharge(chargeId, intent, intent.amount);
		return { status: 200, body: intent };
	}

	/** The PaymentMethod object Stripe embeds in a decline (`last_payment_error.payment_method`). */
	private paymentMethodObject(paymentMethodId: string): Record<string, unknown> {
		const number = this.paymentMethods.get(paymentMethodId) ?? '';
		return {
			id: paymentMethodId, object: 'payment_method', type: 'card', created: Math.floor(Date.now() / 1000), livemode: false, customer: null, metadata: {},
			billing_details: { address: null, email: null, name: null, phone: null },
			card: { brand: 'visa', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: 'credit', last4: number.slice(-4), country: 'US' },
		};
	}

	/** POST /v1/payment_intents/{id}: metadata merges (an empty value removes the key); amount only before confirmation. */
	private update(intent: PaymentIntent, params: Record<string, unknown>): SandboxResponse {
		const unknown = Object.keys(params).find((name) => !['amount', 'description', 'metadata'].includes(name));
		if (unknown) return stripeError(400, { type: 'invalid_request_error', code: 'parameter_unknown', param: unknown, message: `Received unknown parameter: ${unknown}` });
		if (params.amount !== undefined) {
			const amount = Number(params.amount);
			if (!Number.isInteger(amount) || amount < 1) return invalid('amount', `Invalid integer: ${String(params.amount)}`);
			if (!['requires_payment_method', 'requires_confirmation'].includes(intent.status)) {
				return stripeError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `This PaymentIntent's amount could not be updated because it has a status of ${intent.status}.` });
			}
			intent.amount = amount;
		}
		if (typeof params.description === 'string') intent.description = params.description;
		for (const [key, value] of Object.entries((params.metadata ?? {}) as Record<string, string>)) {
			if (value === '') delete intent.metadata[key];
			else intent.metadata[key] = String(value);
		}
		return { status: 200, body: intent };
	}

	/** Captures `amount_to_capture` (all of `amount_capturable` when absent); the rest is released. */
	private capture(intent: PaymentIntent, params: Record<string, unknown>): SandboxResponse {
		if (intent.status !== 'requires_capture') {
			return stripeError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `This PaymentIntent could not be captured because it has a status of ${intent.status}.` });
		}
		const raw = params.amount_to_capture;
		const amount = raw === undefined ? intent.amount_capturable : Number(raw);
		if (!Number.isInteger(amount) || amount < 1) return invalid('amount_to_capture', `Invalid integer: ${String(raw)}`);
		if (amount > intent.amount_capturable) {
			return stripeError(400, { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount_to_capture', message: `The amount to capture (${amount}) must be less than or equal to the amount_capturable (${intent.amount_capturable}).` });
		}
		intent.status = 'succeeded';
		intent.amount_capturable = 0;
		this.recordCharge(intent.latest_charge!, intent, amount);
		return { status: 200, body: intent };
	}

	/** Stripe cancels only an intent still waiting for a payment method, confirmation, action or capture. */
	private cancel(intent: PaymentIntent, params: Record<string, unknown>): SandboxResponse {
		const reason = params.cancellation_reason;
		if (reason !== undefined && !CANCELLATION_REASONS.includes(String(reason))) {
			return stripeError(400, { type: 'invalid_request_error', param: 'cancellation_reason', message: `Invalid cancellation_reason: must be one of ${CANCELLATION_REASONS.slice(0, -1).join(', ')}, or ${CANCELLATION_REASONS.at(-1)}` });
		}
		if (!CANCELABLE.has(intent.status)) {
			return stripeError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.` });
		}
		Object.assign(intent, { status: 'canceled', amount_capturable: 0, cancellation_reason: reason === undefined ? null : String(reason), canceled_at: Math.floor(Date.now() / 1000) });
		return { status: 200, body: intent };
	}

	/**
	 * POST /v1/refunds: a refund of a succeeded PaymentIntent's charge, all that remains when `amount` is absent. Card
	 * refunds in test mode succeed at once; a refund over what remains is refused with `amount_too_large`.
	 */
	private refund(params: Record<string, unknown>): SandboxResponse {
		if (typeof params.payment_intent !== 'string') return missing('payment_intent');
		const intent = this.intent(params.payment_intent);
		if (intent.status !== 'succeeded') {
			return stripeError(400, { type: 'invalid_request_error', code: 'charge_not_refundable', message: `This PaymentIntent does not have a successful charge to refund (its status is ${intent.status}).` });
		}
		const refunded = this.refunds.filter((refund) => refund.payment_intent === intent.id && refund.status !== 'failed').reduce((sum, refund) => sum + refund.amount, 0);
		const remaining = intent.amount_received - refunded;
		if (remaining <= 0) return stripeError(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge ${String(intent.latest_charge)} has already been refunded.` });
		const amount = params.amount === undefined ? remaining : Number(params.amount);
		if (!Number.isInteger(amount) || amount < 1) return invalid('amount', `Invalid integer: ${String(params.amount)}`);
		if (amount > remaining) {
			return stripeError(400, { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})` });
		}
		const refund: StripeRefund = {
			id: `re_${id(24)}`, object: 'refund', amount, charge: intent.latest_charge, currency: intent.currency, payment_intent: intent.id, status: 'succeeded',
			reason: typeof params.reason === 'string' ? params.reason : null, metadata: (params.metadata as Record<string, string>) ?? {}, created: Math.floor(Date.now() / 1000),
		};
		this.refunds.push(refund);
		const charge = { id: intent.latest_charge, object: 'charge', payment_intent: intent.id, amount: intent.amount_received, amount_refunded: refunded + amount, refunded: refunded + amount === intent.amount_received, currency: intent.currency };
		this.publish(event('charge.refunded', charge));
		return { status: 200, body: refund };
	}

	private getRefund(refundId: string): SandboxResponse {
		const refund = this.refunds.find((candidate) => candidate.id === refundId);
		if (!refund) return stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such refund: '${refundId}'` });
		return { status: 200, body: refund };
	}

	private recordCharge(chargeId: string, intent: PaymentIntent, amount: number): void {
		intent.amount_received = amount;
		this.charges.push({ id: chargeId, payment_intent: intent.id, amount, currency: intent.currency, metadata: intent.metadata });
		this.publish(event('payment_intent.succeeded', intent));
	}

	/** To the control API's targets and to the endpoints enabled for the event. */
	private publish(stripeEvent: Record<string, unknown>): void {
		this.services.publishWebhook(stripeEvent);
		this.emit(stripeEvent);
	}

	private intent(intentId: string): PaymentIntent {
		const intent = this.intents.get(intentId);
		if (!intent) throw new SandboxError(stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'intent', message: `No such payment_intent: '${intentId}'` }));
		return intent;
	}

	private list(request: SandboxRequest): SandboxResponse {
		const limit = Math.min(100, Number(request.query.get('limit') ?? 10));
		const all = [...this.intents.values()].reverse();
		const after = request.query.get('starting_after');
		const start = after ? all.findIndex((intent) => intent.id === after) + 1 : 0;
		const data = all.slice(start, start + limit);
		return { status: 200, body: { object: 'list', url: '/v1/payment_intents', has_more: start + limit < all.length, data } };
	}

	/** GET /v1/payment_intents/search: Stripe's query language, newest first, `page` tokens from `next_page`. */
	private search(request: SandboxRequest): SandboxResponse {
		const query = request.query.get('query');
		if (!query) return missing('query');
		const matches = parseSearchQuery(query);
		if (typeof matches === 'string') return stripeError(400, { type: 'invalid_request_error', param: 'query', message: matches });
		const limit = Math.min(100, Number(request.query.get('limit') ?? 10));
		const page = request.query.get('page');
		const start = page ? Number(Buffer.from(page, 'base64url').toString()) : 0;
		if (!Number.isInteger(start) || start < 0) return stripeError(400, { type: 'invalid_request_error', param: 'page', message: 'Invalid page token.' });
		const found = [...this.intents.values()].reverse().filter(matches);
		const data = found.slice(start, start + limit);
		const hasMore = start + limit < found.length;
		return {
			status: 200,
			body: { object: 'search_result', url: '/v1/payment_intents/search', has_more: hasMore, next_page: hasMore ? Buffer.from(String(start + limit)).toString('base64url') : null, total_count: found.length, data },
		};
	}
}

const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'];
/** PaymentIntent fields Stripe's search takes; amount and created compare as numbers. */
const SEARCH_FIELDS = ['amount', 'created', 'currency', 'customer', 'status'];
const NUMERIC_SEARCH_FIELDS = new Set(['amount', 'created']);
/** One clause: `[-]field:value`, `field>value` (>, <, >=, <=), `metadata['key']:'value'`; strings quoted. */
const SEARCH_CLAUSE = /\s*(-)?(metadata\[(['"])(.+?)\3\]|[a-z_]+)(:|>=|<=|>|<)(?:(['"])(.*?)\6|(-?\d+))\s*(?:(AND|OR)\s+|$)/y;

/** Stripe's search query language for PaymentIntents, as a predicate, or the reason it is refused. */
function parseSearchQuery(query: string): ((intent: PaymentIntent) => boolean) | string {
	const clauses: Array<(intent: PaymentIntent) => boolean> = [];
	const joins = new Set<string>();
	SEARCH_CLAUSE.lastIndex = 0;
	while (SEARCH_CLAUSE.lastIndex < query.length) {
		const at = SEARCH_CLAUSE.lastIndex;
		const match = SEARCH_CLAUSE.exec(query);
		if (!match) return `Invalid query: could not parse the query at character ${at + 1}.`;
		const [, negated, field, , metadataKey, operator, , quoted, number, join] = match;
		if (join) joins.add(join);
		if (!metadataKey && !SEARCH_FIELDS.includes(field)) return `Invalid query: field ${field} is not supported for payment intents.`;
		const numeric = !metadataKey && NUMERIC_SEARCH_FIELDS.has(field);
		if (operator !== ':' && !numeric) return `Invalid query: ${field} does not support the ${operator} operator.`;
		const wanted = quoted ?? number;
		if (numeric === (quoted !== undefined)) return `Invalid query: ${field} takes ${numeric ? 'a number' : 'a quoted string'}.`;
		const valueOf = (intent: PaymentIntent): unknown => (metadataKey ? intent.metadata[metadataKey] : (intent as unknown as Record<string, unknown>)[field]);
		const test = (intent: PaymentIntent): boolean => {
			const have = valueOf(intent);
			if (!numeric) return have !== undefined && have !== null && String(have) === wanted;
			const [left, right] = [Number(have), Number(wanted)];
			return operator === ':' ? left === right : operator === '>' ? left > right : operator === '<' ? left < right : operator === '>=' ? left >= right : left <= right;
		};
		clauses.push(negated ? (intent) => !test(intent) : test);
	}
	if (clauses.length === 0) return 'Invalid query: the query is empty.';
	if (joins.size > 1) return 'Invalid query: AND and OR cannot be combined in one query.';
	if (clauses.length > 10) return 'Invalid query: at most 10 clauses.';
	return joins.has('OR') ? (intent) => clauses.some((clause) => clause(intent)) : (intent) => clauses.every((clause) => clause(intent));
}

const CANCELABLE = new Set(['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action']);

/**
 * The prices every sandbox starts with: two monthly ones subscriptions can be made to, `price_basic_monthly` (9.00 USD,
 * "Basic monthly") and `price_pro_monthly` (29.00 USD, "Pro monthly"); an archived one (`price_starter_legacy`, inactive)
 * and a one-time setup fee (`price_setup_fee`), which no subscription can bill.
 */
function defaultPrices(): Array<[string, Record<string, unknown>]> {
	const monthly = { aggregate_usage: null, interval: 'month', interval_count: 1, trial_period_days: null, usage_type: 'licensed' };
	const prices: Array<{ id: string; amount: number; nickname: string; created: number; active?: boolean; recurring?: Record<string, unknown> | null }> = [
		{ id: 'price_basic_monthly', amount: 900, nickname: 'Basic monthly', created: 1_700_000_000, recurring: monthly },
		{ id: 'price_pro_monthly', amount: 2900, nickname: 'Pro monthly', created: 1_700_000_100, recurring: monthly },
		{ id: 'price_starter_legacy', amount: 500, nickname: 'Starter (retired)', created: 1_690_000_000, recurring: monthly, active: false },
		{ id: 'price_setup_fee', amount: 4900, nickname: 'Setup fee', created: 1_690_000_100, recurring: null },
	];
	return prices.map((price) => [
		price.id,
		{
			id: price.id, object: 'price', active: price.active ?? true, billing_scheme: 'per_unit', created: price.created, currency: 'usd', custom_unit_amount: null, livemode: false, lookup_key: null, metadata: {},
			nickname: price.nickname, product: `prod_${price.id.replace('price_', '')}`, recurring: price.recurring ?? null, tax_behavior: 'unspecified', tiers_mode: null, transform_quantity: null,
			type: price.recurring ? 'recurring' : 'one_time', unit_amount: price.amount, unit_amount_decimal: String(price.amount),
		},
	]);
}

function form(request: SandboxRequest): Record<string, unknown> {
	return (request.body as Record<string, unknown> | undefined) ?? {};
}

function missing(param: string): SandboxResponse {
	return stripeError(400, { type: 'invalid_request_error', code: 'parameter_missing', param, message: `Missing required param: ${param}.` });
}

function invalid(param: string, message: string): SandboxResponse {
	return stripeError(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param, message });
}

/** A Stripe Event as webhooks deliver it (spec3's `event`: api_version, pending_webhooks and request included). */
function event(type: string, intent: PaymentIntent | Record<string, unknown>): Record<string, unknown> {
	return {
		id: `evt_${id(24)}`, object: 'event', api_version: stripeApiVersion, type, created: Math.floor(Date.now() / 1000), livemode: false,
		pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: intent },
	};
}
