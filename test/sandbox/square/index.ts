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

export const squareAccessToken = 'EAAAsandbox-square-token';

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
		signWebhook: ({ url, body, secret }) => ({ 'x-square-hmacsha256-signature': createHmac('sha256', secret).update(url + body).digest('base64') }),
		settings: { get: () => state.processing.get(), update: (patch) => state.processing.update(patch, (message) => controlError(400, message)) },
	};
};

class SquareState {
	payments = new Map<string, Record<string, unknown>>();
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
			.get('/v2/payments', () => ({ status: 200, body: { payments: [...this.payments.values()].reverse() } }));
	}

	reset(): void {
		this.payments.clear();
		this.idempotency.reset();
		this.processing.processingMs = 5;
	}

	view(collection?: string): unknown {
		const payments = [...this.payments.values()];
		const all = { payments, completed: payments.filter((payment) => payment.status === 'COMPLETED') };
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
