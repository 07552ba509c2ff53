/**
 * The Square sandbox: `POST /v2/payments` with the required `idempotency_key` (replay of the first payment,
 * `IDEMPOTENCY_KEY_REUSED` for other data), Square's sandbox card nonces and decline codes, `GET /v2/payments/:id`,
 * `GET /v2/payments` (newest first, `limit` up to 100, an opaque `cursor`, `begin_time` / `end_time`, `sort_order`),
 * delayed capture (`autocomplete: false`: APPROVED until `delayed_until`, 7 days; UpdatePayment lowers `amount_money`
 * for a partial capture; complete and cancel), refunds (`POST /v2/refunds`, of COMPLETED payments only and never
 * more than remains, `GET /v2/refunds/:id`), bearer auth, and webhooks signed with `x-square-hmacsha256-signature`
 * over notification URL + body. Billing is reported as Square reports it: an invoice paid, canceled or its scheduled
 * charge failed (invoice.payment_made, invoice.canceled, invoice.scheduled_charge_failed), a subscription's change
 * (subscription.updated: its cancel scheduled, then CANCELED when its paid period ends). The control API's events run
 * a subscription's billing cycle, end its period, or have a buyer pay an invoice.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import { IdempotencyCache, ProcessingSettings } from '../framework/idempotency';
import type { Router } from '../framework/router';
import { SquareInvoices } from './invoices';
import { SandboxError, type SandboxRequest, type SandboxResponse, type SandboxServices, type VendorSandboxFactory } from '../framework/types';
import type { WebhookSigner } from '../framework/webhooks';

export const squareAccessToken = 'EAAAsandbox-square-token';

const signSquareWebhook: WebhookSigner = ({ url, body, secret }) => ({ 'x-square-hmacsha256-signature': createHmac('sha256', secret).update(url + body).digest('base64') });

/** The event types the sandbox's webhook subscriptions can take. */
const SUBSCRIPTION_EVENTS = new Set(['payment.created', 'payment.updated', 'refund.created', 'refund.updated', 'dispute.created', 'dispute.state.updated', 'invoice.payment_made', 'invoice.scheduled_charge_failed', 'invoice.canceled', 'subscription.updated']);
/** A subscription's billing cycle, its card charged or declined. */
const CYCLE_EVENTS = new Set(['invoice.payment_made', 'invoice.scheduled_charge_failed']);

/** A webhook subscription; Square issues its signature key, shown in the create's answer only. */
interface Subscription {
	id: string;
	name: string;
	enabled: boolean;
	event_types: string[];
	notification_url: string;
	api_version: string;
	signature_key: string;
	created_at: string;
	updated_at: string;
}

/** Square's sandbox nonces; the last two are this sandbox's own, for codes Square's sandbox reaches by other means. */
const nonces: Record<string, string | undefined> = {
	'cnon:card-nonce-ok': undefined,
	'cnon:card-nonce-declined': 'GENERIC_DECLINE',
	'cnon:card-nonce-rejected-cvv': 'CVV_FAILURE',
	'cnon:card-nonce-rejected-postalcode': 'ADDRESS_VERIFICATION_FAILURE',
	'cnon:card-nonce-rejected-expiration': 'INVALID_EXPIRATION',
	'cnon:card-nonce-insufficient-funds': 'INSUFFICIENT_FUNDS',
	'cnon:card-nonce-expired': 'CARD_EXPIRED',
};

interface SquareError {
	category: string;
	code: string;
	detail: string;
	field?: string;
}

function squareErrors(status: number, errors: SquareError[], extra: Record<string, unknown> = {}): SandboxResponse {
	return { status, body: { errors, ...extra } };
}

export const createSquareSandbox: VendorSandboxFactory = (services) => {
	const state = new SquareState(services);
	return {
		credentials: { accessToken: squareAccessToken },
		authenticate: bearerAuth(squareAccessToken, () =>
			squareErrors(401, [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'This request could not be authorized.' }]),
		),
		rateLimits: {
			defaults: [{ name: 'per_second', kind: 'sliding', limit: 20, intervalMs: 1000 }],
			headers: () => ({}),
			rejection: () => squareErrors(429, [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'Rate limit exceeded.' }]),
		},
		errors: {
			serverError: (status) =>
				squareErrors(status, [{ category: 'API_ERROR', code: status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR', detail: 'An internal error occurred.' }]),
			notFound: (request) => squareErrors(404, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `API endpoint for URL path \`${request.path}\` and HTTP method \`${request.method}\` is not found.` }]),
			badRequest: (message) => squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_REQUEST_ERROR', detail: `Invalid JSON: ${message}` }]),
		},
		routes: (router) => state.routes(router),
		data: { reset: () => state.reset(), seed: () => { throw controlError(400, 'Square payments are created through the API'); }, state: (collection) => state.view(collection) },
		signWebhook: signSquareWebhook,
		/**
		 * `{ type, status?, payload?, times? }`: one event (one event_id) to every subscription to `type`; `status` sets the
		 * payment's (a dispute's state for `dispute.state.updated`). Billing happens first, then is reported: with
		 * `subscription`, `invoice.payment_made` / `invoice.scheduled_charge_failed` run its next billing cycle (charged or
		 * declined) and `subscription.updated` ends the paid period of one whose cancel is pending (CANCELED); with
		 * `invoice`, `invoice.payment_made` is its buyer paying it.
		 */
		emitEvent: ({ type, status, payload, subscription, invoice, times }) => {
			if (typeof type !== 'string' || !SUBSCRIPTION_EVENTS.has(type)) throw controlError(400, `type must be one of ${[...SUBSCRIPTION_EVENTS].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			if (subscription !== undefined || invoice !== undefined) return state.billingEvent(type, { subscription, invoice }, (times as number | undefined) ?? 1);
			const event = (payload as Record<string, unknown> | undefined) ?? state.defaultEvent(type, typeof status === 'string' ? status : undefined);
			return state.emit(event, (times as number | undefined) ?? 1);
		},
		settings: { get: () => state.processing.get(), update: (patch) => state.processing.update(patch, (message) => controlError(400, message)) },
	};
};

const squareError = (status: number, error: SquareError) => new SandboxError(squareErrors(status, [error]));
const notFound = (what: string, id: string) => squareError(404, { category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Could not find ${what} with id: ${id}` });

/**
 * The seller's locations as `GET /v2/locations` lists them (every status, by name): the main one takes payments that
 * name none; an inactive one stays listed.
 */
const locations = [
	{ id: 'LSANDBOX', name: 'Sandbox Main Location', status: 'ACTIVE', type: 'PHYSICAL', merchant_id: 'MSANDBOX', country: 'US', currency: 'USD', capabilities: ['CREDIT_CARD_PROCESSING'] },
	{ id: 'LONLINE', name: 'Sandbox Online Store', status: 'ACTIVE', type: 'MOBILE', merchant_id: 'MSANDBOX', country: 'US', currency: 'USD', capabilities: ['CREDIT_CARD_PROCESSING'] },
	{ id: 'LCLOSED', name: 'Sandbox Closed Kiosk', status: 'INACTIVE', type: 'PHYSICAL', merchant_id: 'MSANDBOX', country: 'US', currency: 'USD', capabilities: [] },
].map((location) => ({ ...location, created_at: '2020-01-01T00:00:00.000Z', timezone: 'America/New_York', language_code: 'en-US', business_name: 'Sandbox Seller' }));

/** Subscriptions, orders and invoices belong to one of the seller's active locations. */
const isActiveLocation = (id: unknown): boolean => locations.some((location) => location.id === id && location.status === 'ACTIVE');

class SquareState {
	payments = new Map<string, Record<string, unknown>>();
	refunds = new Map<string, Record<string, unknown>>();
	subscriptions: Subscription[] = [];
	/** Disputes of the sandbox's payments, newest last. */
	disputes: Array<Record<string, unknown>> = [];
	readonly processing = new ProcessingSettings();
	readonly idempotency = new IdempotencyCache(idempotencyRules);
	/** Refunds keep their own keys: Square scopes an idempotency key to the endpoint. */
	readonly refundIdempotency = new IdempotencyCache(idempotencyRules);
	readonly updateIdempotency = new IdempotencyCache(idempotencyRules);
	readonly subscriptionIdempotency = new IdempotencyCache(idempotencyRules);
	/** Billing subscriptions (Square Subscriptions), by id; plan variations SQ-PLAN-BASIC-MONTHLY, SQ-PLAN-PRO-MONTHLY and SQ-PLAN-PRO-ANNUAL exist. */
	billingSubscriptions = new Map<string, Record<string, unknown>>();
	/** Orders and the invoices made of them (see invoices.ts). */
	readonly invoicing = new SquareInvoices(squareErrors, idempotencyRules, isActiveLocation, (type, invoice, times) => this.report(type, 'invoice', invoice, times));

	constructor(private readonly services: SandboxServices) {}

	routes(router: Router): void {
		router
			.get('/v2/catalog/list', (request) => this.listCatalog(request))
			.get('/v2/locations', () => ({ status: 200, body: { locations: [...locations].sort((a, b) => a.name.localeCompare(b.name)) } }))
			.post('/v2/orders', (request) => this.invoicing.createOrder((request.body ?? {}) as Record<string, unknown>))
			.post('/v2/invoices', (request) => this.invoicing.createInvoice((request.body ?? {}) as Record<string, unknown>))
			.get('/v2/invoices/:id', (request) => this.invoicing.get(request.params.id))
			.post('/v2/invoices/:id/publish', (request) => this.invoicing.publish(request.params.id, (request.body ?? {}) as Record<string, unknown>))
			.post('/v2/invoices/:id/cancel', (request) => this.invoicing.cancel(request.params.id, (request.body ?? {}) as Record<string, unknown>))
			.post('/v2/subscriptions', (request) => this.billingSubscribe(request))
			.get('/v2/subscriptions/:id', (request) => ({ status: 200, body: { subscription: this.billing(request.params.id) } }))
			.post('/v2/subscriptions/:id/swap-plan', (request) => this.swapPlan(request))
			.post('/v2/subscriptions/:id/pause', (request) => this.pauseSubscription(request.params.id))
			.post('/v2/subscriptions/:id/cancel', (request) => this.cancelSubscription(request.params.id))
			.post('/v2/payments', (request) => this.create(request))
			.get('/v2/payments/:id', (request) => ({ status: 200, body: { payment: this.payment(request.params.id) } }))
			.get('/v2/payments', (request) => this.list(request))
			.put('/v2/payments/:id', (request) => this.update(request))
			.post('/v2/payments/:id/complete', (request) => this.finish(request.params.id, 'COMPLETED'))
			.post('/v2/payments/:id/cancel', (request) => this.finish(request.params.id, 'CANCELED'))
			.post('/v2/refunds', (request) => this.refund(request))
			.get('/v2/refunds/:id', (request) => {
				const refund = this.refunds.get(request.params.id);
				if (!refund) throw notFound('refund', request.params.id);
				// Square secures the funds shortly after the refund is made; the sandbox has them by the first read.
				if (refund.status === 'PENDING') Object.assign(refund, { status: 'COMPLETED', updated_at: new Date().toISOString() });
				return { status: 200, body: { refund } };
			})
			.get('/v2/webhooks/subscriptions', () => ({ status: 200, body: { subscriptions: this.subscriptions.map(listed) } }))
			.post('/v2/webhooks/subscriptions', (request) => this.subscribe(request))
			.delete('/v2/webhooks/subscriptions/:id', (request) => {
				if (!this.subscriptions.some((entry) => entry.id === request.params.id)) {
					return squareErrors(404, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Webhook subscription not found: ${request.params.id}` }]);
				}
				this.subscriptions = this.subscriptions.filter((entry) => entry.id !== request.params.id);
				return { status: 200, body: {} };
			});
	}

	/** One event (a new event_id) about an object as it now is, `{ data: { type, id, object: { <type>: … } } }`, delivered `times` times. */
	report(type: string, kind: 'invoice' | 'subscription', object: Record<string, unknown>, times = 1): unknown {
		const event = { merchant_id: 'MSANDBOX', type, event_id: randomUUID(), created_at: new Date().toISOString(), data: { type: kind, id: object.id, object: { [kind]: structuredClone(object) } } };
		return this.emit(event, times);
	}

	/** The control API's billing: a subscription's cycle run or its paid period ended, or an invoice paid by its buyer (see emitEvent). */
	billingEvent(type: string, { subscription, invoice }: { subscription?: unknown; invoice?: unknown }, times: number): unknown {
		if (invoice !== undefined) {
			if (type !== 'invoice.payment_made') throw controlError(400, `${type} is not a buyer's payment: leave invoice out (an invoice is canceled through /v2/invoices/:id/cancel)`);
			try {
				return { invoice: this.invoicing.buyerPays(String(invoice), times) };
			} catch (error) {
				throw controlError(400, (error as Error).message);
			}
		}
		const billed = this.billingSubscriptions.get(String(subscription));
		if (!billed) throw controlError(400, `no subscription ${String(subscription)}`);
		if (type === 'subscription.updated') {
			if (!billed.canceled_date || billed.status === 'CANCELED') throw controlError(400, `subscription ${String(billed.id)} has no cancel pending: its paid period goes on`);
			Object.assign(billed, { status: 'CANCELED', charged_through_date: billed.canceled_date, version: Number(billed.version) + 1 });
			return this.report('subscription.updated', 'subscription', billed, times);
		}
		if (!CYCLE_EVENTS.has(type)) throw controlError(400, `${type} is no billing cycle: leave subscription out`);
		if (billed.status !== 'ACTIVE' || billed.canceled_date) throw controlError(400, `subscription ${String(billed.id)} is ${String(billed.status)}${billed.canceled_date ? ', cancel pending' : ''}: it is not billed again`);
		const charged = type === 'invoice.payment_made';
		if (charged) Object.assign(billed, { charged_through_date: new Date(Date.parse(String(billed.charged_through_date)) + 30 * 86_400_000).toISOString().slice(0, 10) });
		return { invoice: this.invoicing.billSubscription(billed, planPrice(String(billed.plan_variation_id)), charged, times) };
	}

	/** Delivers one event to every enabled subscription to its type. */
	emit(event: Record<string, unknown>, times = 1): unknown {
		const targets = this.subscriptions.filter((entry) => entry.enabled && entry.event_types.includes(String(event.type)));
		for (let time = 0; time < times; time++) for (const entry of targets) this.services.deliverWebhook({ url: entry.notification_url, secret: entry.signature_key }, event, signSquareWebhook);
		return { event, deliveries: targets.length * times };
	}

	/**
	 * The dispute a `dispute.*` event carries, as the Disputes API shows it: `dispute.created` opens one on the latest
	 * payment (EVIDENCE_REQUIRED, due in 7 days); `dispute.state.updated` moves the latest dispute to `state` (default
	 * PROCESSING: evidence submitted; WON, LOST, ACCEPTED end it).
	 */
	private dispute(type: string, payment: Record<string, unknown>, state?: string): Record<string, unknown> {
		const now = new Date().toISOString();
		if (type === 'dispute.created' || this.disputes.length === 0) {
			const id = randomBytes(11).toString('base64url');
			this.disputes.push({
				id, dispute_id: id, amount_money: payment.amount_money, reason: 'NOT_RECEIVED', state: 'EVIDENCE_REQUIRED', due_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
				disputed_payment: { payment_id: payment.id }, card_brand: 'VISA', created_at: now, updated_at: now, brand_dispute_id: randomBytes(6).toString('hex'), location_id: 'LSANDBOX', version: 1,
			});
		}
		const dispute = this.disputes.at(-1)!;
		if (type === 'dispute.state.updated') Object.assign(dispute, { state: state ?? 'PROCESSING', updated_at: now, version: Number(dispute.version) + 1 });
		return structuredClone(dispute);
	}

	/** An event about the latest payment (or a made-up one), its status set to `status` when given. */
	defaultEvent(type: string, status?: string): Record<string, unknown> {
		const latest: Record<string, unknown> = [...this.payments.values()].at(-1) ?? { id: randomBytes(12).toString('hex'), status: 'COMPLETED', amount_money: { amount: 1000, currency: 'USD' } };
		const payment: Record<string, unknown> = { ...latest, ...(status ? { status } : {}) };
		const [kind] = type.split('.');
		const object = kind === 'payment' ? { payment } : kind === 'refund' ? { refund: { id: randomBytes(12).toString('hex'), payment_id: payment.id, status: 'PENDING' } } : { dispute: this.dispute(type, payment, status) };
		const subjectId = String((Object.values(object)[0] as { id: unknown }).id);
		return { merchant_id: 'MSANDBOX', type, event_id: randomBytes(16).toString('hex'), created_at: new Date().toISOString(), data: { type: kind, id: subjectId, object } };
	}

	private billing(subscriptionId: string): Record<string, unknown> {
		const subscription = this.billingSubscriptions.get(subscriptionId);
		if (!subscription) throw notFound('subscription', subscriptionId);
		return subscription;
	}

	/** CreateSubscription under its `idempotency_key`: ACTIVE at once (the sandbox's customers all have a card on file). */
	private async billingSubscribe(request: SandboxRequest): Promise<SandboxResponse> {
		const body = (request.body ?? {}) as { idempotency_key?: unknown; location_id?: unknown; plan_variation_id?: unknown; customer_id?: unknown; card_id?: unknown };
		for (const field of ['idempotency_key', 'location_id', 'plan_variation_id', 'customer_id'] as const) {
			if (typeof body[field] !== 'string' || body[field] === '') return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'MISSING_REQUIRED_PARAMETER', detail: 'Missing required parameter.', field }]);
		}
		if (!isActiveLocation(body.location_id)) return squareErrors(404, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Location \`${String(body.location_id)}\` not found.`, field: 'location_id' }]);
		if (!PLAN_VARIATIONS.has(String(body.plan_variation_id))) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Plan variation \`${String(body.plan_variation_id)}\` not found.`, field: 'plan_variation_id' }]);
		return this.subscriptionIdempotency.run(String(body.idempotency_key), JSON.stringify({ ...body, idempotency_key: undefined }), async () => {
			const now = new Date().toISOString();
			const subscription = {
				id: randomBytes(16).toString('hex'), location_id: body.location_id, plan_variation_id: body.plan_variation_id, customer_id: body.customer_id, ...(body.card_id ? { card_id: body.card_id } : {}),
				status: 'ACTIVE', start_date: now.slice(0, 10), charged_through_date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), timezone: 'UTC', source: { name: 'n8n' }, version: 1, created_at: now,
			};
			this.billingSubscriptions.set(subscription.id, subscription);
			return { status: 200, body: { subscription } };
		});
	}

	/** ListCatalog: the objects of the `types` asked for (case-insensitive, comma-separated), 100 a page after `cursor`. */
	private listCatalog(request: SandboxRequest): SandboxResponse {
		const asked = request.query.get('types');
		const types = asked ? asked.split(',').map((type) => type.trim().toUpperCase()) : TOP_LEVEL_CATALOG_TYPES;
		const objects = CATALOG.filter((object) => types.includes(object.type));
		const cursor = request.query.get('cursor');
		const filters = JSON.stringify(types);
		const start = cursor === null ? 0 : decodeCursor(cursor, filters);
		const next = start + CATALOG_PAGE_SIZE < objects.length ? { cursor: encodeCursor(start + CATALOG_PAGE_SIZE, filters) } : {};
		return { status: 200, body: { objects: objects.slice(start, start + CATALOG_PAGE_SIZE), ...next } };
	}

	/** SwapPlan: the new plan variation applies from the next billing date; the sandbox applies it at once. */
	private swapPlan(request: SandboxRequest): SandboxResponse {
		const subscription = this.billing(request.params.id);
		const planId = ((request.body ?? {}) as { new_plan_variation_id?: unknown }).new_plan_variation_id;
		if (typeof planId !== 'string' || !PLAN_VARIATIONS.has(planId)) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Plan variation \`${String(planId)}\` not found.`, field: 'new_plan_variation_id' }]);
		if (subscription.canceled_date) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: 'The subscription is canceled.' }]);
		Object.assign(subscription, { plan_variation_id: planId, version: Number(subscription.version) + 1 });
		return { status: 200, body: { subscription, actions: [{ id: randomBytes(8).toString('hex'), type: 'SWAP_PLAN', effective_date: String(subscription.charged_through_date), new_plan_variation_id: planId }] } };
	}

	/** PauseSubscription: refused for one paused or canceled already (a pause pending is not scheduled twice). */
	private pauseSubscription(subscriptionId: string): SandboxResponse {
		const subscription = this.billing(subscriptionId);
		if (subscription.status !== 'ACTIVE' || subscription.canceled_date) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: `Cannot pause a subscription with status ${String(subscription.status)}.` }]);
		Object.assign(subscription, { status: 'PAUSED', version: Number(subscription.version) + 1 });
		return { status: 200, body: { subscription, actions: [{ id: randomBytes(8).toString('hex'), type: 'PAUSE', effective_date: new Date().toISOString().slice(0, 10) }] } };
	}

	/** CancelSubscription: effective at the end of the paid period (`canceled_date`); refused when already canceled. */
	private cancelSubscription(subscriptionId: string): SandboxResponse {
		const subscription = this.billing(subscriptionId);
		if (subscription.canceled_date) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: 'The subscription already has a pending CANCEL action.' }]);
		Object.assign(subscription, { canceled_date: subscription.charged_through_date, version: Number(subscription.version) + 1 });
		// Still ACTIVE until its paid period ends: the update reports the cancel scheduled.
		this.report('subscription.updated', 'subscription', subscription);
		return { status: 200, body: { subscription, actions: [{ id: randomBytes(8).toString('hex'), type: 'CANCEL', effective_date: String(subscription.charged_through_date) }] } };
	}

	private subscribe(request: SandboxRequest): SandboxResponse {
		const subscription = ((request.body ?? {}) as { subscription?: { name?: unknown; event_types?: unknown; notification_url?: unknown; api_version?: unknown } }).subscription;
		const invalid = (field: string, detail: string) => squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail, field }]);
		if (!subscription) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'MISSING_REQUIRED_PARAMETER', detail: 'Missing required parameter.', field: 'subscription' }]);
		if (typeof subscription.notification_url !== 'string' || !/^https?:\/\//.test(subscription.notification_url)) return invalid('subscription.notification_url', 'The notification URL must be a valid URL.');
		const types = subscription.event_types;
		if (!Array.isArray(types) || types.length === 0 || types.some((type) => !SUBSCRIPTION_EVENTS.has(type as string))) return invalid('subscription.event_types', 'The event types are invalid.');
		const now = new Date().toISOString();
		const created: Subscription = {
			id: `wbhk_${randomBytes(16).toString('hex')}`, name: typeof subscription.name === 'string' ? subscription.name : '', enabled: true,
			event_types: types as string[], notification_url: subscription.notification_url, api_version: typeof subscription.api_version === 'string' ? subscription.api_version : '2025-08-20',
			signature_key: randomBytes(16).toString('base64url'), created_at: now, updated_at: now,
		};
		this.subscriptions.push(created);
		return { status: 200, body: { subscription: created } };
	}

	reset(): void {
		this.payments.clear();
		this.refunds.clear();
		this.subscriptions = [];
		this.disputes = [];
		this.invoicing.reset();
		this.idempotency.reset();
		this.refundIdempotency.reset();
		this.subscriptionIdempotency.reset();
		this.billingSubscriptions.clear();
		this.updateIdempotency.reset();
		this.processing.processingMs = 5;
	}

	view(collection?: string): unknown {
		const payments = [...this.payments.values()];
		const all = { payments, completed: payments.filter((payment) => payment.status === 'COMPLETED'), refunds: [...this.refunds.values()], disputes: this.disputes, subscriptions: this.subscriptions.map(listed), billing_subscriptions: [...this.billingSubscriptions.values()], orders: [...this.invoicing.orders.values()], invoices: [...this.invoicing.invoices.values()] };
		return collection === undefined ? all : all[collection as keyof typeof all];
	}

	private payment(id: string): Record<string, unknown> {
		const payment = this.payments.get(id);
		if (!payment) throw notFound('payment', id);
		return payment;
	}

	/** Newest first by default; `limit` above 100 is ignored, as Square ignores it; the cursor keeps the filters. */
	private list(request: SandboxRequest): SandboxResponse {
		const query = request.query;
		const sortOrder = query.get('sort_order') ?? 'DESC';
		if (sortOrder !== 'ASC' && sortOrder !== 'DESC') throw squareError(400, { category: 'INVALID_REQUEST_ERROR', code: 'INVALID_SORT_ORDER', detail: 'Invalid sort order. Must be one of ASC or DESC.', field: 'sort_order' });
		const time = (name: string) => {
			const value = query.get(name);
			if (value === null) return undefined;
			const parsed = Date.parse(value);
			if (Number.isNaN(parsed)) throw squareError(400, { category: 'INVALID_REQUEST_ERROR', code: 'INVALID_TIME', detail: `Invalid RFC 3339 timestamp for ${name}.`, field: name });
			return parsed;
		};
		const begin = time('begin_time') ?? Date.now() - 365 * 24 * 3600_000;
		const end = time('end_time') ?? Number.POSITIVE_INFINITY;
		const rawLimit = query.get('limit');
		const limit = rawLimit === null ? listLimit : Number(rawLimit);
		if (!Number.isInteger(limit) || limit < 1) throw squareError(400, { category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'limit must be a positive integer.', field: 'limit' });
		const pageSize = limit > listLimit ? listLimit : limit;
		const locationId = query.get('location_id');
		const filters = JSON.stringify(['sort_order', 'begin_time', 'end_time', 'location_id'].map((name) => query.get(name)));
		const matching = [...this.payments.values()].filter((payment) => {
			const created = Date.parse(String(payment.created_at));
			return created >= begin && created < end && (locationId === null || payment.location_id === locationId);
		});
		if (sortOrder === 'DESC') matching.reverse();
		const cursor = query.get('cursor');
		const offset = cursor === null ? 0 : decodeCursor(cursor, filters);
		const page = matching.slice(offset, offset + pageSize);
		const next = offset + pageSize < matching.length ? encodeCursor(offset + pageSize, filters) : undefined;
		return { status: 200, body: { ...(page.length > 0 ? { payments: page } : {}), ...(next ? { cursor: next } : {}) } };
	}

	/**
	 * UpdatePayment of an APPROVED payment, under its own `idempotency_key`: `amount_money` may be lowered (a partial
	 * capture), never raised above what was approved.
	 */
	private async update(request: SandboxRequest): Promise<SandboxResponse> {
		const body = (request.body ?? {}) as { idempotency_key?: string; payment?: { amount_money?: { amount?: unknown; currency?: unknown } } };
		if (typeof body.idempotency_key !== 'string' || body.idempotency_key === '') return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'MISSING_REQUIRED_PARAMETER', detail: 'Missing required parameter.', field: 'idempotency_key' }]);
		if (body.idempotency_key.length > 45) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'VALUE_TOO_LONG', detail: 'Field must not be greater than 45 length', field: 'idempotency_key' }]);
		return this.updateIdempotency.run(body.idempotency_key, JSON.stringify({ id: request.params.id, payment: body.payment }), async () => {
			const payment = this.payment(request.params.id);
			if (payment.status !== 'APPROVED') throw squareError(400, { category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: `Payment ${request.params.id} is ${String(payment.status)}; only an APPROVED payment can be updated.` });
			const money = body.payment?.amount_money;
			if (money !== undefined) {
				const approved = payment.approved_money as { amount: number; currency: string };
				if (!Number.isInteger(money.amount) || (money.amount as number) < 1 || money.currency !== approved.currency) {
					return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'amount_money must have a positive integer amount in the payment currency', field: 'payment.amount_money' }]);
				}
				if ((money.amount as number) > approved.amount) {
					return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'amount_money cannot exceed the approved amount.', field: 'payment.amount_money' }]);
				}
				Object.assign(payment, { amount_money: { amount: money.amount, currency: approved.currency }, total_money: { amount: money.amount, currency: approved.currency } });
			}
			Object.assign(payment, { updated_at: new Date().toISOString(), version_token: randomBytes(12).toString('base64url') });
			return { status: 200, body: { payment } };
		});
	}

	/** Complete (capture) or cancel (void) a payment made with `autocomplete: false`. */
	private finish(id: string, status: 'COMPLETED' | 'CANCELED'): SandboxResponse {
		const payment = this.payment(id);
		if (payment.status !== 'APPROVED') {
			throw squareError(400, { category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail: `Payment ${id} is ${String(payment.status)}; only an APPROVED payment can be ${status === 'COMPLETED' ? 'completed' : 'canceled'}.` });
		}
		const cardDetails = payment.card_details as Record<string, unknown>;
		const { delay_duration: _duration, delay_action: _action, delayed_until: _until, ...rest } = payment;
		const finished = { ...rest, status, updated_at: new Date().toISOString(), card_details: { ...cardDetails, status: status === 'COMPLETED' ? 'CAPTURED' : 'VOIDED' }, version_token: randomBytes(12).toString('base64url') };
		this.payments.set(id, finished);
		this.services.publishWebhook({ merchant_id: 'MSANDBOX', type: 'payment.updated', event_id: randomBytes(16).toString('hex'), created_at: finished.updated_at, data: { type: 'payment', id, object: { payment: finished } } });
		return { status: 200, body: { payment: finished } };
	}

	/** A refund of a COMPLETED payment, at most what remains unrefunded, in the payment's currency. */
	private async refund(request: SandboxRequest): Promise<SandboxResponse> {
		const body = (request.body ?? {}) as { idempotency_key?: string; amount_money?: { amount?: unknown; currency?: unknown }; payment_id?: string; reason?: string };
		for (const field of ['idempotency_key', 'amount_money', 'payment_id'] as const) {
			if (body[field] === undefined) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'MISSING_REQUIRED_PARAMETER', detail: 'Missing required parameter.', field }]);
		}
		const { amount, currency } = body.amount_money!;
		if (!Number.isInteger(amount) || (amount as number) < 1 || typeof currency !== 'string') {
			return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'amount_money must have a positive integer amount and a currency', field: 'amount_money' }]);
		}
		const fingerprint = JSON.stringify({ ...body, idempotency_key: undefined });
		return this.refundIdempotency.run(body.idempotency_key!, fingerprint, async () => {
			const payment = this.payment(body.payment_id!);
			const paid = payment.amount_money as { amount: number; currency: string };
			if (payment.status !== 'COMPLETED') {
				return squareErrors(400, [{ category: 'REFUND_ERROR', code: 'PAYMENT_NOT_REFUNDABLE', detail: `Payment ${String(payment.id)} is ${String(payment.status)}; only a COMPLETED payment can be refunded.` }]);
			}
			if (currency !== paid.currency) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'CURRENCY_MISMATCH', detail: 'The refund currency does not match the payment currency.', field: 'amount_money.currency' }]);
			const refunded = ((payment.refunded_money as { amount: number } | undefined)?.amount ?? 0);
			if ((amount as number) > paid.amount - refunded) {
				return squareErrors(400, [{ category: 'REFUND_ERROR', code: 'REFUND_AMOUNT_INVALID', detail: 'The requested refund amount exceeds the amount available to refund.' }]);
			}
			await this.processing.pause();
			const now = new Date().toISOString();
			const refund = {
				id: `${String(payment.id)}_${randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22)}`,
				status: 'PENDING', amount_money: { amount, currency }, payment_id: payment.id, location_id: payment.location_id,
				...(body.reason === undefined ? {} : { reason: body.reason }), created_at: now, updated_at: now,
			};
			this.refunds.set(refund.id, refund);
			this.payments.set(String(payment.id), {
				...payment, refunded_money: { amount: refunded + (amount as number), currency }, refund_ids: [...((payment.refund_ids as string[] | undefined) ?? []), refund.id], updated_at: now,
			});
			this.services.publishWebhook({ merchant_id: 'MSANDBOX', type: 'refund.created', event_id: randomBytes(16).toString('hex'), created_at: now, data: { type: 'refund', id: refund.id, object: { refund } } });
			return { status: 200, body: { refund } };
		});
	}

	private async create(request: SandboxRequest): Promise<SandboxResponse> {
		const body = (request.body ?? {}) as { source_id?: string; idempotency_key?: string; amount_money?: { amount?: number; currency?: string }; reference_id?: string; note?: string; autocomplete?: boolean; location_id?: string };
		for (const field of ['source_id', 'idempotency_key', 'amount_money'] as const) {
			if (body[field] === undefined) return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'MISSING_REQUIRED_PARAMETER', detail: `Missing required parameter.`, field }]);
		}
		if (body.idempotency_key!.length > 45) {
			return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'VALUE_TOO_LONG', detail: 'Field must not be greater than 45 length', field: 'idempotency_key' }]);
		}
		const { amount, currency } = body.amount_money!;
		if (!Number.isInteger(amount) || (amount as number) < 1 || typeof currency !== 'string') {
			return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'amount_money must have a positive integer amount and a currency', field: 'amount_money' }]);
		}
		const location = body.location_id;
		if (location !== undefined && !locations.some((candidate) => candidate.id === location && candidate.status === 'ACTIVE')) {
			// (unverified) Square's answer to a payment at a location the seller lacks or has deactivated.
			return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Location \`${String(location)}\` not found.`, field: 'location_id' }]);
		}
		const fingerprint = JSON.stringify({ ...body, idempotency_key: undefined });
		return this.idempotency.run(body.idempotency_key!, fingerprint, () => this.charge(body.source_id!, amount as number, currency, body));
	}

	private async charge(sourceId: string, amount: number, currency: string, body: { reference_id?: string; note?: string; autocomplete?: boolean; location_id?: string }): Promise<SandboxResponse> {
		if (!(sourceId in nonces)) {
			return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CARD_DATA', detail: 'Invalid card data.', field: 'source_id' }]);
		}
		await this.processing.pause();
		const declineCode = nonces[sourceId];
		const now = new Date().toISOString();
		const status = declineCode ? 'FAILED' : body.autocomplete === false ? 'APPROVED' : 'COMPLETED';
		const id = randomBytes(21).toString('base64url').replace(/[-_]/g, 'x').slice(0, 27);
		const payment: Record<string, unknown> = {
			id,
			created_at: now,
			updated_at: now,
			amount_money: { amount, currency },
			total_money: { amount, currency },
			approved_money: { amount: declineCode ? 0 : amount, currency },
			status,
			...(status === 'APPROVED' ? { delay_duration: 'P7D', delay_action: 'CANCEL', delayed_until: new Date(Date.now() + 168 * 3600_000).toISOString() } : {}),
			source_type: 'CARD',
			card_details: { status: declineCode ? 'FAILED' : status === 'APPROVED' ? 'AUTHORIZED' : 'CAPTURED', card: { card_brand: 'VISA', last_4: '1111', exp_month: 11, exp_year: 2030 }, entry_method: 'KEYED' },
			location_id: body.location_id ?? 'LSANDBOX',
			reference_id: body.reference_id,
			note: body.note,
			receipt_number: id.slice(0, 4),
			receipt_url: `${this.services.baseUrl()}/receipt/preview/${id}`,
			version_token: randomBytes(12).toString('base64url'),
		};
		this.payments.set(payment.id as string, payment);
		this.services.publishWebhook({ merchant_id: 'MSANDBOX', type: 'payment.created', event_id: randomBytes(16).toString('hex'), created_at: now, data: { type: 'payment', id: payment.id, object: { payment } } });
		if (declineCode) {
			return squareErrors(402, [{ category: 'PAYMENT_METHOD_ERROR', code: declineCode, detail: `Authorization error: '${declineCode}'` }], { payment });
		}
		return { status: 200, body: { payment } };
	}
}

/** The subscription plan variations the seller sells. */
const PLAN_VARIATIONS = new Set(['SQ-PLAN-BASIC-MONTHLY', 'SQ-PLAN-PRO-MONTHLY', 'SQ-PLAN-PRO-ANNUAL']);

/**
 * The seller's catalog of subscription plans, as ListCatalog returns it: a SUBSCRIPTION_PLAN per product, each with its
 * SUBSCRIPTION_PLAN_VARIATIONs (how it is sold: one static-priced phase billed at a cadence), the objects subscriptions name.
 */
const catalogObject = (type: string, id: string, data: Record<string, unknown>) => ({
	type, id, updated_at: '2024-01-10T09:00:00.000Z', created_at: '2024-01-10T09:00:00.000Z', version: 1704877200000, is_deleted: false, present_at_all_locations: true,
	[type === 'SUBSCRIPTION_PLAN' ? 'subscription_plan_data' : 'subscription_plan_variation_data']: data,
});
const planVariation = (id: string, name: string, planId: string, cadence: string, cents: number) =>
	catalogObject('SUBSCRIPTION_PLAN_VARIATION', id, { name, subscription_plan_id: planId, phases: [{ uid: `${id}-PHASE`, cadence, ordinal: 0, pricing: { type: 'STATIC', price_money: { amount: cents, currency: 'USD' } } }] });
const CATALOG_VARIATIONS = [
	planVariation('SQ-PLAN-BASIC-MONTHLY', 'Basic monthly', 'SQ-PLAN-BASIC', 'MONTHLY', 900),
	planVariation('SQ-PLAN-PRO-MONTHLY', 'Pro monthly', 'SQ-PLAN-PRO', 'MONTHLY', 2900),
	planVariation('SQ-PLAN-PRO-ANNUAL', 'Pro annual', 'SQ-PLAN-PRO', 'ANNUAL', 29000),
];
/** What a plan variation's (only) phase charges each cycle. */
const planPrice = (variationId: string) => {
	const variation = CATALOG_VARIATIONS.find((candidate) => candidate.id === variationId)!;
	return structuredClone((variation.subscription_plan_variation_data as { phases: Array<{ pricing: { price_money: { amount: number; currency: string } } }> }).phases[0].pricing.price_money);
};
const CATALOG = [
	catalogObject('SUBSCRIPTION_PLAN', 'SQ-PLAN-BASIC', { name: 'Basic', all_items: false, subscription_plan_variations: CATALOG_VARIATIONS.slice(0, 1) }),
	catalogObject('SUBSCRIPTION_PLAN', 'SQ-PLAN-PRO', { name: 'Pro', all_items: false, subscription_plan_variations: CATALOG_VARIATIONS.slice(1) }),
	...CATALOG_VARIATIONS,
];
/** ListCatalog's types when none are asked for: the top-level ones (a variation is nested in its plan). */
const TOP_LEVEL_CATALOG_TYPES = ['SUBSCRIPTION_PLAN'];
const CATALOG_PAGE_SIZE = 100;

const idempotencyRules = {
	mismatch: () =>
		squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'IDEMPOTENCY_KEY_REUSED', detail: 'The idempotency key can only be retried with the same request data.', field: 'idempotency_key' }]),
};

const listLimit = 100;

/** A list cursor: the position after the last payment sent, bound to the filters it was issued for. */
function encodeCursor(offset: number, filters: string): string {
	return Buffer.from(JSON.stringify({ offset, filters })).toString('base64url');
}

function decodeCursor(cursor: string, filters: string): number {
	try {
		const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown; filters?: unknown };
		if (Number.isInteger(decoded.offset) && decoded.filters === filters) return decoded.offset as number;
	} catch {
		// falls through to Square's error
	}
	throw squareError(400, { category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CURSOR', detail: 'The pagination cursor is invalid.', field: 'cursor' });
}

/** A subscription as listed: the signature key is shown only when it is created. */
function listed(subscription: Subscription): Omit<Subscription, 'signature_key'> {
	const { signature_key: _key, ...rest } = subscription;
	return rest;
}
