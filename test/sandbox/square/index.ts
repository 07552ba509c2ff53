/**
 * The Square sandbox: `POST /v2/payments` with the required `idempotency_key` (replay of the first payment,
 * `IDEMPOTENCY_KEY_REUSED` for other data), Square's sandbox card nonces and decline codes, `GET /v2/payments/:id`,
 * bearer auth, and webhooks signed with `x-square-hmacsha256-signature` over notification URL + body.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import { IdempotencyCache, ProcessingSettings } from '../framework/idempotency';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type SandboxServices, type VendorSandboxFactory } from '../framework/types';
import type { WebhookSigner } from '../framework/webhooks';

export const squareAccessToken = 'EAAAsandbox-square-token';

const signSquareWebhook: WebhookSigner = ({ url, body, secret }) => ({ 'x-square-hmacsha256-signature': createHmac('sha256', secret).update(url + body).digest('base64') });

/** The event types the sandbox's webhook subscriptions can take. */
const SUBSCRIPTION_EVENTS = new Set(['payment.created', 'payment.updated', 'refund.created', 'refund.updated', 'dispute.created']);

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
		/** `{ type, status?, payload?, times? }`: one event (one event_id) to every subscription to `type`; `status` sets the payment's. */
		emitEvent: ({ type, status, payload, times }) => {
			if (typeof type !== 'string' || !SUBSCRIPTION_EVENTS.has(type)) throw controlError(400, `type must be one of ${[...SUBSCRIPTION_EVENTS].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			const event = (payload as Record<string, unknown> | undefined) ?? state.defaultEvent(type, typeof status === 'string' ? status : undefined);
			return state.emit(event, (times as number | undefined) ?? 1);
		},
		settings: { get: () => state.processing.get(), update: (patch) => state.processing.update(patch, (message) => controlError(400, message)) },
	};
};

class SquareState {
	payments = new Map<string, Record<string, unknown>>();
	subscriptions: Subscription[] = [];
	readonly processing = new ProcessingSettings();
	readonly idempotency = new IdempotencyCache({
		mismatch: () =>
			squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'IDEMPOTENCY_KEY_REUSED', detail: 'The idempotency key can only be retried with the same request data.', field: 'idempotency_key' }]),
	});

	constructor(private readonly services: SandboxServices) {}

	routes(router: Router): void {
		router
			.post('/v2/payments', (request) => this.create(request))
			.get('/v2/payments/:id', (request) => {
				const payment = this.payments.get(request.params.id);
				if (!payment) throw new SandboxError(squareErrors(404, [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `Could not find payment with id: ${request.params.id}` }]));
				return { status: 200, body: { payment } };
			})
			.get('/v2/payments', () => ({ status: 200, body: { payments: [...this.payments.values()].reverse() } }))
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

	/** Delivers one event to every enabled subscription to its type. */
	emit(event: Record<string, unknown>, times = 1): unknown {
		const targets = this.subscriptions.filter((entry) => entry.enabled && entry.event_types.includes(String(event.type)));
		for (let time = 0; time < times; time++) for (const entry of targets) this.services.deliverWebhook({ url: entry.notification_url, secret: entry.signature_key }, event, signSquareWebhook);
		return { event, deliveries: targets.length * times };
	}

	/** An event about the latest payment (or a made-up one), its status set to `status` when given. */
	defaultEvent(type: string, status?: string): Record<string, unknown> {
		const latest: Record<string, unknown> = [...this.payments.values()].at(-1) ?? { id: randomBytes(12).toString('hex'), status: 'COMPLETED', amount_money: { amount: 1000, currency: 'USD' } };
		const payment: Record<string, unknown> = { ...latest, ...(status ? { status } : {}) };
		const [kind] = type.split('.');
		const object = kind === 'payment' ? { payment } : kind === 'refund' ? { refund: { id: randomBytes(12).toString('hex'), payment_id: payment.id, status: 'PENDING' } } : { dispute: { id: randomBytes(12).toString('hex'), disputed_payment: { payment_id: payment.id }, state: 'EVIDENCE_REQUIRED' } };
		const subjectId = String((Object.values(object)[0] as { id: unknown }).id);
		return { merchant_id: 'MSANDBOX', type, event_id: randomBytes(16).toString('hex'), created_at: new Date().toISOString(), data: { type: kind, id: subjectId, object } };
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
		this.subscriptions = [];
		this.idempotency.reset();
		this.processing.processingMs = 5;
	}

	view(collection?: string): unknown {
		const payments = [...this.payments.values()];
		const all = { payments, completed: payments.filter((payment) => payment.status === 'COMPLETED'), subscriptions: this.subscriptions.map(listed) };
		return collection === undefined ? all : all[collection as keyof typeof all];
	}

	private async create(request: SandboxRequest): Promise<SandboxResponse> {
		const body = (request.body ?? {}) as { source_id?: string; idempotency_key?: string; amount_money?: { amount?: number; currency?: string }; reference_id?: string; note?: string; autocomplete?: boolean };
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
		const fingerprint = JSON.stringify({ ...body, idempotency_key: undefined });
		return this.idempotency.run(body.idempotency_key!, fingerprint, () => this.charge(body.source_id!, amount as number, currency, body));
	}

	private async charge(sourceId: string, amount: number, currency: string, body: { reference_id?: string; note?: string; autocomplete?: boolean }): Promise<SandboxResponse> {
		if (!(sourceId in nonces)) {
			return squareErrors(400, [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CARD_DATA', detail: 'Invalid card data.', field: 'source_id' }]);
		}
		await this.processing.pause();
		const declineCode = nonces[sourceId];
		const now = new Date().toISOString();
		const payment: Record<string, unknown> = {
			id: randomBytes(16).toString('hex').toUpperCase().slice(0, 29),
			created_at: now,
			updated_at: now,
			amount_money: { amount, currency },
			total_money: { amount, currency },
			status: declineCode ? 'FAILED' : body.autocomplete === false ? 'APPROVED' : 'COMPLETED',
			source_type: 'CARD',
			card_details: { status: declineCode ? 'FAILED' : 'CAPTURED', card: { card_brand: 'VISA', last_4: '1111', exp_month: 11, exp_year: 2030 }, entry_method: 'KEYED' },
			location_id: 'LSANDBOX',
			reference_id: body.reference_id,
			note: body.note,
		};
		this.payments.set(payment.id as string, payment);
		this.services.publishWebhook({ merchant_id: 'MSANDBOX', type: 'payment.created', event_id: randomBytes(16).toString('hex'), created_at: now, data: { type: 'payment', id: payment.id, object: { payment } } });
		if (declineCode) {
			return squareErrors(402, [{ category: 'PAYMENT_METHOD_ERROR', code: declineCode, detail: `Authorization error: '${declineCode}'` }], { payment });
		}
		return { status: 200, body: { payment } };
	}
}

/** A subscription as listed: the signature key is shown only when it is created. */
function listed(subscription: Subscription): Omit<Subscription, 'signature_key'> {
	const { signature_key: _key, ...rest } = subscription;
	return rest;
}
