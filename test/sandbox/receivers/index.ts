/**
 * Webhook receivers for the event router's destinations (analytics, marketing, data warehouse, fulfillment,
 * accounting, inventory), one sandbox serving `POST /<receiver>/events`. A delivery must carry a valid Standard
 * Webhooks signature made with that receiver's secret, or the shared bearer token (HTTP API destinations). Receivers
 * record each delivery once per idempotency key (`webhook-id`, else `idempotency-key`) and count the duplicates.
 * Faults (a slow or failing receiver) through the control API, matched on the path prefix `/<receiver>/`. It also
 * stands in for a content calendar's queue: `GET /social/queue/due` lists the posts seeded as `{ posts: [...] }`; and
 * for a customer database: `GET /customers/last-activity` lists the customers seeded as `{ customers: [...] }`.
 */
import { createHash } from 'node:crypto';

import { verify } from '../../../lib/routing/standardWebhooks';
import { controlError } from '../framework/control';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory } from '../framework/types';

export const receiverNames = ['analytics', 'marketing', 'data-warehouse', 'fulfillment', 'accounting', 'inventory'] as const;
export type ReceiverName = (typeof receiverNames)[number];

export const receiverBearerToken = 'sandbox-receivers-token';

/** Each receiver's own `whsec_` secret, derived from its name so tests, templates and the demo agree. */
export function receiverSecret(name: string): string {
	return `whsec_${createHash('sha256').update(`sandbox receiver ${name}`).digest().subarray(0, 24).toString('base64')}`;
}

export interface ReceivedDelivery {
	receiver: string;
	idempotencyKey: string;
	/** How the sender proved itself. */
	auth: 'signature' | 'bearer';
	body: unknown;
	receivedAt: string;
	/** Requests that carried this key (1 + duplicates). */
	requests: number;
}

const json = (status: number, body: unknown): SandboxResponse => ({ status, body });

export const createReceiversSandbox: VendorSandboxFactory = () => {
	let deliveries = new Map<string, ReceivedDelivery>();
	let duplicates = 0;
	let rejected: Array<{ receiver: string; reason: string; at: string }> = [];
	let duePosts: unknown[] = [];
	let customers: unknown[] = [];
	const reject = (receiver: string, status: number, reason: string): SandboxResponse => {
		rejected.push({ receiver, reason, at: new Date().toISOString() });
		return json(status, { error: reason });
	};

	const receive = (request: SandboxRequest): SandboxResponse => {
		const receiver = request.params.receiver;
		if (!(receiverNames as readonly string[]).includes(receiver)) return json(404, { error: `no receiver ${receiver}` });
		let auth: ReceivedDelivery['auth'];
		if (request.headers['webhook-signature']) {
			const verdict = verify(receiverSecret(receiver), request.headers, request.rawBody);
			if (!verdict.ok) return reject(receiver, 401, `signature rejected: ${verdict.reason}`);
			auth = 'signature';
		} else if (request.headers.authorization === `Bearer ${receiverBearerToken}`) {
			auth = 'bearer';
		} else {
			return reject(receiver, 401, 'no Standard Webhooks signature and no valid bearer token');
		}
		const key = String(request.headers['webhook-id'] ?? request.headers['idempotency-key'] ?? '');
		if (key === '') return reject(receiver, 400, 'no webhook-id or idempotency-key header');
		const seen = deliveries.get(`${receiver}\u0000${key}`);
		if (seen) {
			seen.requests++;
			duplicates++;
			return json(200, { received: true, duplicate: true });
		}
		deliveries.set(`${receiver}\u0000${key}`, { receiver, idempotencyKey: key, auth, body: request.body, receivedAt: new Date().toISOString(), requests: 1 });
		return json(202, { received: true });
	};

	const list = (receiver?: string) => [...deliveries.values()].filter((delivery) => !receiver || delivery.receiver === receiver);

	return {
		credentials: {
			bearerToken: receiverBearerToken,
			secrets: JSON.stringify(Object.fromEntries(receiverNames.map((name) => [name, receiverSecret(name)]))),
		},
		// Each route checks its own receiver's signature.
		authenticate: () => undefined,
		rateLimits: { defaults: [], headers: () => ({}), rejection: (_blocked, retryAfterMs) => ({ status: 429, headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) }, body: { error: 'too many requests' } }) },
		errors: {
			serverError: (status) => json(status, { error: status >= 500 ? 'receiver unavailable' : 'request failed' }),
			notFound: (request) => json(404, { error: `no route ${request.method} ${request.path}` }),
			badRequest: (message) => json(400, { error: `invalid JSON: ${message}` }),
		},
		routes: (router) => router.post('/:receiver/events', receive).get('/social/queue/due', () => json(200, duePosts)).get('/customers/last-activity', () => json(200, customers)),
		data: {
			reset: () => {
				deliveries = new Map();
				duplicates = 0;
				rejected = [];
				duePosts = [];
				customers = [];
			},
			seed: (data) => {
				const seeded = data as { posts?: unknown; customers?: unknown };
				if (!Array.isArray(seeded.posts) && !Array.isArray(seeded.customers)) {
					throw controlError(400, "receivers take only { posts: [...] } (the content queue's due posts) and { customers: [...] } (customers' last activity)");
				}
				if (Array.isArray(seeded.posts)) duePosts = [...duePosts, ...seeded.posts];
				if (Array.isArray(seeded.customers)) customers = [...customers, ...seeded.customers];
			},
			state: (collection) => {
				if (collection === undefined) return { deliveries: list(), duplicates, rejected };
				if (collection === 'deliveries') return list();
				if (collection === 'duplicates') return { duplicates };
				if (collection === 'rejected') return rejected;
				if (collection === 'posts') return duePosts;
				if (collection === 'customers') return customers;
				if ((receiverNames as readonly string[]).includes(collection)) return list(collection);
				return undefined;
			},
		},
		// Receivers only receive: they publish no webhooks of their own.
		signWebhook: () => ({}),
	};
};
