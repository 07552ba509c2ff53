/**
 * The transport against a real loopback HTTP server whose replies each test scripts, the real fetch client and a
 * real SQLite store for the rate windows. Time is a fake clock: `sleep` records the delay asked for and moves the
 * clock on at once, so a test of a one-second window or a Retry-After of minutes runs in milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { RateBucketRepository } from '../../lib/store/rateBuckets';
import { SqliteDatabase } from '../../lib/store/sqlite';
import {
	FetchHttpClient,
	PlatformApiError,
	Transport,
	encodeForm,
	redactDeep,
	redactSecrets,
	type Authenticate,
	type HttpRequest,
	type PlatformProfile,
	type TransportOptions,
} from '../../lib/transport';

/** What the scripted server does with one request. */
type Reply =
	| { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number }
	| { resetConnection: true };

interface ReceivedRequest {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
	/** The fake clock's time when the request reached the server. */
	at: number;
}

/** A loopback server answering with the replies queued by the test, then `200 {ok:true}` once the queue is empty. */
class ScriptedServer {
	readonly received: ReceivedRequest[] = [];
	private readonly replies: Reply[] = [];
	private readonly pendingTimers = new Set<NodeJS.Timeout>();
	private server!: Server;
	baseUrl = '';

	constructor(private readonly clock: () => number) {}

	async start(): Promise<void> {
		this.server = createServer((request, response) => void this.handle(request, response));
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	reply(...replies: Reply[]): void {
		this.replies.push(...replies);
	}

	reset(): void {
		this.replies.length = 0;
		this.received.length = 0;
	}

	async close(): Promise<void> {
		for (const timer of this.pendingTimers) clearTimeout(timer);
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		this.received.push({
			method: request.method ?? '',
			url: request.url ?? '',
			headers: request.headers,
			body: Buffer.concat(chunks).toString('utf8'),
			at: this.clock(),
		});
		const reply = this.replies.shift() ?? { status: 200, body: { ok: true } };
		if ('resetConnection' in reply) {
			request.socket.destroy();
			return;
		}
		const send = () => {
			if (response.destroyed) return;
			const isText = typeof reply.body === 'string';
			const text = reply.body === undefined ? '' : isText ? String(reply.body) : JSON.stringify(reply.body);
			const contentType = isText ? 'text/plain' : 'application/json';
			response.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
			response.end(text);
		};
		if (!reply.delayMs) return send();
		const timer = setTimeout(() => {
			this.pendingTimers.delete(timer);
			send();
		}, reply.delayMs);
		this.pendingTimers.add(timer);
	}
}

/** Time that moves only when the transport sleeps; every requested delay is recorded. */
class FakeClock {
	/** A whole second, so rate-window slots start exactly here. */
	static readonly START = Date.UTC(2030, 0, 1);
	time = FakeClock.START;
	readonly sleeps: number[] = [];
	readonly now = () => this.time;
	readonly sleep = async (ms: number) => {
		this.sleeps.push(ms);
		this.time += ms;
	};
	elapsed(): number {
		return this.time - FakeClock.START;
	}
}

const BURST_WINDOW_MS = 1_000;
const BURST_CAPACITY = 5;
/** The store counts a window in 20 slots: a request is forgotten at most one slot after the window has passed. */
const SLOT_MS = BURST_WINDOW_MS / 20;
const REMAINING_HEADER = 'X-Test-RateLimit-Remaining';

/** A made-up vendor: a 5-per-second burst window plus a daily quota, errors read as `{error:{code,message}}`. */
const testProfile: PlatformProfile = {
	platform: 'testvendor',
	rateWindows: [
		{ name: 'burst', capacity: BURST_CAPACITY, windowMs: BURST_WINDOW_MS },
		{ name: 'daily', capacity: 10_000, windowMs: 86_400_000 },
	],
	rateHeaders: [{ window: 'burst', remaining: REMAINING_HEADER }],
	retryableCodes: ['LOCK_CONTENTION'],
	parseError(response) {
		const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
		if (!error) return undefined;
		return { message: error.message ?? `HTTP ${response.status}`, code: error.code };
	},
};

const BEARER_TOKEN = 'sk_test_51Hq8ZsEcReT0kEn';

const withBearer: Authenticate = (request) => ({
	...request,
	headers: { ...request.headers, authorization: `Bearer ${BEARER_TOKEN}` },
});

/** The test vendor's error body. */
function vendorError(code: string | undefined, message: string): { error: { code?: string; message: string } } {
	return { error: { code, message } };
}

let server: ScriptedServer;
let clock: FakeClock;
let storeFolder: string;
let store: StateStore;
let accountCounter = 0;

/** Each test draws on rate windows of its own account, so no test inherits another's spent budget. */
function freshAccount(): string {
	return `account-${++accountCounter}`;
}

function makeTransport(
	overrides: Partial<TransportOptions> & { authenticate?: Authenticate } = {},
): Transport {
	const { authenticate, ...options } = overrides;
	return new Transport({
		profile: testProfile,
		client: new FetchHttpClient(authenticate),
		baseUrl: server.baseUrl,
		accountKey: freshAccount(),
		rateBuckets: store.rateBuckets,
		retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300, maxTotalMs: 60_000 },
		sleep: clock.sleep,
		now: clock.now,
		random: () => 0,
		...options,
	});
}

async function failureOf(promise: Promise<unknown>): Promise<PlatformApiError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(PlatformApiError);
		return error as PlatformApiError;
	}
	throw new Error('expected the request to fail');
}

const get = (url = '/things'): HttpRequest => ({ method: 'GET', url });

beforeAll(async () => {
	storeFolder = mkdtempSync(join(tmpdir(), 'iaut-transport-'));
	store = await openStore({ kind: 'sqlite', file: join(storeFolder, 'state.sqlite') }, allMigrations);
	clock = new FakeClock();
	server = new ScriptedServer(() => clock.now());
	await server.start();
});

beforeEach(() => {
	clock = new FakeClock();
	server.reset();
});

afterAll(async () => {
	await server.close();
	await closeAllStores();
	rmSync(storeFolder, { recursive: true, force: true });
});

describe('success', () => {
	test('returns the parsed body and sends method, path, query, JSON body and the authentication', async () => {
		server.reply({ status: 201, body: { id: 'c_1', name: 'Ada' } });
		const transport = makeTransport({ authenticate: withBearer });

		const body = await transport.request({
			method: 'POST',
			url: '/contacts',
			qs: { limit: 10, archived: false, skipped: undefined },
			body: { name: 'Ada' },
		});

		expect(body).toEqual({ id: 'c_1', name: 'Ada' });
		expect(server.received).toHaveLength(1);
		const [received] = server.received;
		expect(received.method).toBe('POST');
		expect(received.url).toBe('/contacts?limit=10&archived=false');
		expect(received.headers['content-type']).toBe('application/json');
		expect(received.headers.authorization).toBe(`Bearer ${BEARER_TOKEN}`);
		expect(JSON.parse(received.body)).toEqual({ name: 'Ada' });
		expect(transport.stats).toEqual({ requests: 1, retries: 0, rateLimited: 0, waitedMs: 0 });
	});

	test('send() exposes status and lower-cased headers; a non-JSON body comes back as text', async () => {
		server.reply({ status: 200, headers: { 'X-Request-Id': 'req_9' }, body: 'plain words' });
		const response = await makeTransport().send(get());
		expect(response.status).toBe(200);
		expect(response.headers['x-request-id']).toBe('req_9');
		expect(response.body).toBe('plain words');
	});

	test("a caller's Content-Type header is sent as given, not merged with the default", async () => {
		const transport = makeTransport();
		await transport.request({
			method: 'PATCH',
			url: '/contacts/1',
			headers: { 'Content-Type': 'application/merge-patch+json', Accept: 'application/hal+json' },
			body: { name: 'Ada' },
		});
		expect(server.received[0].headers['content-type']).toBe('application/merge-patch+json');
		expect(server.received[0].headers.accept).toBe('application/hal+json');
	});
});

describe('retries', () => {
	test('429 with Retry-After in seconds: waits at least that long, then returns the next answer', async () => {
		server.reply(
			{ status: 429, headers: { 'Retry-After': '3' }, body: vendorError('RATE_LIMITED', 'Slow down') },
			{ status: 200, body: { done: true } },
		);
		const transport = makeTransport({ random: () => 0.99 });

		await expect(transport.request(get())).resolves.toEqual({ done: true });

		expect(server.received).toHaveLength(2);
		expect(server.received[1].at - server.received[0].at).toBeGreaterThanOrEqual(3_000);
		expect(clock.sleeps).toEqual([3_000]);
		expect(transport.stats).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
	});

	test('429 with Retry-After as an HTTP date: waits until that date', async () => {
		const retryAt = new Date(FakeClock.START + 7_000).toUTCString();
		server.reply({ status: 429, headers: { 'Retry-After': retryAt } }, { status: 200, body: { done: true } });

		await expect(makeTransport().request(get())).resolves.toEqual({ done: true });

		expect(server.received[1].at - server.received[0].at).toBeGreaterThanOrEqual(7_000);
		expect(clock.sleeps).toEqual([7_000]);
	});

	test('429 saying nothing of when: waits out the shortest declared window that counts the request, every time', async () => {
		server.reply({ status: 429 }, { status: 429 }, { status: 200, body: { done: true } });
		const transport = makeTransport({ random: () => 0.5 });

		await expect(transport.request(get())).resolves.toEqual({ done: true });

		// A backoff (100, then 150 here) would be refused again: the 1 s burst window is the least that can help.
		expect(clock.sleeps).toEqual([BURST_WINDOW_MS, BURST_WINDOW_MS]);
		expect(server.received[2].at - server.received[1].at).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
		expect(transport.stats.rateLimited).toBe(2);
	});

	test('429 from a vendor that declares no window: backs off with full jitter', async () => {
		server.reply({ status: 429 }, { status: 429 }, { status: 200, body: { done: true } });
		const transport = makeTransport({ profile: { ...testProfile, rateWindows: [] }, random: () => 0.5 });

		await expect(transport.request(get())).resolves.toEqual({ done: true });

		// Ceilings 100·2¹ = 200, then min(300, 100·2²) = 300; jitter takes half of each.
		expect(clock.sleeps).toEqual([100, 150]);
		expect(transport.stats.rateLimited).toBe(2);
	});

	test('a 429 blocks the shared window: another transport of the same account waits out Retry-After', async () => {
		const account = freshAccount();
		const first = makeTransport({ accountKey: account, retry: { maxAttempts: 1 } });
		const second = makeTransport({ accountKey: account });
		server.reply({ status: 429, headers: { 'Retry-After': '4' } });

		await failureOf(first.request(get()));
		await second.request(get('/other'));

		expect(server.received.map((request) => request.url)).toEqual(['/things', '/other']);
		expect(server.received[1].at - FakeClock.START).toBeGreaterThanOrEqual(4_000);
		expect(second.stats.waitedMs).toBe(4_000);
	});

	test("5xx: full-jitter backoff up to maxDelayMs, then after maxAttempts the vendor's details", async () => {
		const unavailable = vendorError('BACKEND_DOWN', 'The contacts service is unavailable');
		server.reply(
			{ status: 500, body: unavailable },
			{ status: 502, body: unavailable },
			{ status: 503, body: unavailable },
			{ status: 503, body: unavailable },
			{ status: 200, body: { tooLate: true } },
		);
		const jitter = [0.25, 0.5, 0.75, 0.9];
		const transport = makeTransport({ random: () => jitter.shift() ?? 0 });

		const error = await failureOf(transport.request(get()));

		expect(server.received).toHaveLength(4);
		// Ceilings: min(300, 100·2¹) = 200, then 300, 300 (capped).
		expect(clock.sleeps).toEqual([50, 150, 225]);
		expect(error).toMatchObject({
			platform: 'testvendor',
			status: 503,
			code: 'BACKEND_DOWN',
			message: 'The contacts service is unavailable',
			retryable: true,
			attempts: 4,
			responseBody: unavailable,
		});
		expect(transport.stats).toMatchObject({ requests: 4, retries: 3 });
	});

	test('backoff never exceeds maxDelayMs even with the largest jitter', async () => {
		server.reply(...Array.from({ length: 6 }, () => ({ status: 503 })));
		const transport = makeTransport({
			random: () => 0.999999,
			retry: { maxAttempts: 7, baseDelayMs: 100, maxDelayMs: 450, maxTotalMs: 60_000 },
		});

		await expect(transport.request(get())).resolves.toEqual({ ok: true });

		expect(clock.sleeps).toEqual([199, 399, 449, 449, 449, 449]);
	});

	test('a 500 without a vendor body fails with the status as its message', async () => {
		server.reply({ status: 500 });
		const error = await failureOf(makeTransport({ retry: { maxAttempts: 1 } }).request(get()));
		expect(error).toMatchObject({ status: 500, message: 'HTTP 500', retryable: true, attempts: 1 });
	});

	test("a non-retryable 400 fails at once with the vendor's message and code", async () => {
		server.reply({ status: 400, body: vendorError('INVALID_EMAIL', 'Email "x@" is malformed') });
		const transport = makeTransport();

		const error = await failureOf(transport.request({ method: 'POST', url: '/contacts', body: { email: 'x@' } }));

		expect(server.received).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
		expect(error).toMatchObject({
			status: 400,
			code: 'INVALID_EMAIL',
			message: 'Email "x@" is malformed',
			retryable: false,
			attempts: 1,
		});
	});

	test("the connector's retryable code is retried; another code with the same status is not", async () => {
		server.reply(
			{ status: 409, body: vendorError('LOCK_CONTENTION', 'Record is locked') },
			{ status: 200, body: { saved: true } },
		);
		await expect(makeTransport().request(get())).resolves.toEqual({ saved: true });
		expect(server.received).toHaveLength(2);

		server.reset();
		server.reply({ status: 409, body: vendorError('DUPLICATE', 'Record exists') });
		const error = await failureOf(makeTransport().request(get()));
		expect(server.received).toHaveLength(1);
		expect(error).toMatchObject({ status: 409, code: 'DUPLICATE', retryable: false, attempts: 1 });
	});

	test('a 200 whose body reports a retryable vendor error is retried', async () => {
		server.reply(
			{ status: 200, body: vendorError('LOCK_CONTENTION', 'Record is locked') },
			{ status: 200, body: { saved: true } },
		);
		await expect(makeTransport().request(get())).resolves.toEqual({ saved: true });
		expect(server.received).toHaveLength(2);
	});

	test('408 Request Timeout is retried', async () => {
		server.reply({ status: 408 }, { status: 200, body: { done: true } });
		await expect(makeTransport().request(get())).resolves.toEqual({ done: true });
		expect(server.received).toHaveLength(2);
	});

	test("the connector's reading beats the status: a 403 rate limit with its wait, a final 503", async () => {
		const salesforceLike: PlatformProfile = {
			...testProfile,
			parseError(response) {
				const read = testProfile.parseError(response);
				if (read?.code === 'REQUEST_LIMIT_EXCEEDED') return { ...read, rateLimited: true, retryAfterMs: 2_500 };
				if (read?.code === 'MAINTENANCE') return { ...read, retryable: false };
				return read;
			},
		};
		server.reply(
			{ status: 403, body: vendorError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.') },
			{ status: 200, body: { done: true } },
		);
		const limited = makeTransport({ profile: salesforceLike });
		await expect(limited.request(get())).resolves.toEqual({ done: true });
		expect(clock.sleeps).toEqual([2_500]);
		expect(limited.stats.rateLimited).toBe(1);

		server.reset();
		server.reply({ status: 503, body: vendorError('MAINTENANCE', 'Down for maintenance until Monday') });
		const error = await failureOf(makeTransport({ profile: salesforceLike }).request(get()));
		expect(server.received).toHaveLength(1);
		expect(error).toMatchObject({ status: 503, code: 'MAINTENANCE', retryable: false, attempts: 1 });
	});

	test('a reset connection is retried when the request is replay-safe', async () => {
		server.reply({ resetConnection: true }, { status: 200, body: { created: 'c_2' } });
		const transport = makeTransport();

		const body = await transport.request({ method: 'PUT', url: '/contacts/c_2', body: { name: 'Ada' } });

		expect(body).toEqual({ created: 'c_2' });

		expect(server.received).toHaveLength(2);
		expect(transport.stats.retries).toBe(1);
	});

	test('a reset connection fails at once when the request is not replay-safe', async () => {
		server.reply({ resetConnection: true }, { status: 200, body: { created: 'c_3' } });

		const create: HttpRequest = { method: 'POST', url: '/contacts?token=abc', body: { name: 'Ada' } };
		const error = await failureOf(makeTransport().request(create, { replaySafe: false }));

		expect(server.received).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
		expect(error.status).toBeUndefined();
		expect(error).toMatchObject({ retryable: false, attempts: 1 });
		expect(error.code).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
		expect(error.message).toBe(`POST /contacts failed: no response (${error.code})`);
	});

	test('a 5xx after a write that is not replay-safe is not retried: the write may have been committed', async () => {
		server.reply({ status: 502 }, { status: 200, body: { created: 'c_4' } });

		const create: HttpRequest = { method: 'POST', url: '/contacts', body: { name: 'Ada' } };
		const error = await failureOf(makeTransport().request(create, { replaySafe: false }));

		expect(server.received).toHaveLength(1);
		expect(error).toMatchObject({ status: 502, retryable: false, attempts: 1 });
	});

	test('a response slower than timeoutMs is abandoned and retried', async () => {
		server.reply({ status: 200, body: { slow: true }, delayMs: 5_000 }, { status: 200, body: { fast: true } });

		// The retry's answer comes at once: the timeout leaves it a second, ample on a loaded machine.
		await expect(makeTransport().request({ ...get(), timeoutMs: 1_000 })).resolves.toEqual({ fast: true });

		// The slow answer would have been `{slow: true}`: the first attempt was abandoned, not waited out.
		expect(server.received).toHaveLength(2);
	});

	test('a timeout on a write that is not replay-safe fails at once as a network failure', async () => {
		server.reply({ status: 200, body: { slow: true }, delayMs: 5_000 });

		const charge: HttpRequest = { method: 'POST', url: '/charges', body: {}, timeoutMs: 150 };
		const error = await failureOf(makeTransport().request(charge, { replaySafe: false }));

		expect(server.received).toHaveLength(1);
		expect(error).toMatchObject({ code: 'TimeoutError', retryable: false, attempts: 1, status: undefined });
	});

	test('maxTotalMs: no retry starts once it would end past the total budget', async () => {
		server.reply(...Array.from({ length: 9 }, () => ({ status: 503 })));
		const transport = makeTransport({
			random: () => 0.99,
			retry: { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 10_000, maxTotalMs: 1_500 },
		});

		const error = await failureOf(transport.request(get()));

		// 990 ms fits in 1.5 s; the next backoff (1980 ms) would not.
		expect(clock.sleeps).toEqual([990]);
		expect(server.received).toHaveLength(2);
		expect(error).toMatchObject({ status: 503, attempts: 2 });
	});

	test('maxTotalMs: a Retry-After longer than the budget fails at once', async () => {
		const quotaUsed = vendorError(undefined, 'Daily quota used');
		server.reply({ status: 429, headers: { 'Retry-After': '120' }, body: quotaUsed });
		const transport = makeTransport({ retry: { maxTotalMs: 60_000 } });

		const error = await failureOf(transport.request(get()));

		expect(server.received).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
		expect(error).toMatchObject({ status: 429, message: 'Daily quota used', retryable: true, attempts: 1 });
	});
});

describe('rate windows', () => {
	async function sendSequentially(transport: Transport, count: number): Promise<void> {
		for (let i = 0; i < count; i++) await transport.request(get(`/r${i}`));
	}

	test('capacity 5 per window: the 6th request waits about one window', async () => {
		const transport = makeTransport();

		await sendSequentially(transport, 6);

		const arrivals = server.received.map((request) => request.at - FakeClock.START);
		expect(arrivals.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
		expect(arrivals[5]).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
		expect(arrivals[5]).toBeLessThanOrEqual(BURST_WINDOW_MS + SLOT_MS);
		expect(clock.sleeps).toHaveLength(1);
		expect(transport.stats.waitedMs).toBe(arrivals[5]);
	});

	test('never more than capacity requests in any rolling window', async () => {
		const transport = makeTransport();
		for (let i = 0; i < 17; i++) {
			await transport.request(get(`/r${i}`));
			clock.time += 130; // a steady caller that would send 7.7 requests a second if allowed
		}
		const arrivals = server.received.map((request) => request.at);
		for (let i = BURST_CAPACITY; i < arrivals.length; i++) {
			expect(arrivals[i] - arrivals[i - BURST_CAPACITY]).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
		}
	});

	test('two transports of the same account share one budget, even on separate connections to the store', async () => {
		const account = freshAccount();
		const otherWorkerDb = new SqliteDatabase(join(storeFolder, 'state.sqlite'));
		try {
			const first = makeTransport({ accountKey: account });
			const second = makeTransport({ accountKey: account, rateBuckets: new RateBucketRepository(otherWorkerDb) });

			await sendSequentially(first, 3);
			await sendSequentially(second, 2);
			expect(clock.sleeps).toEqual([]);
			await second.request(get('/sixth'));

			expect(second.stats.waitedMs).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
			expect(server.received[5].at - FakeClock.START).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
		} finally {
			await otherWorkerDb.close();
		}
	});

	test('different accounts do not share a budget', async () => {
		const first = makeTransport();
		const second = makeTransport();

		await sendSequentially(first, 5);
		await sendSequentially(second, 5);

		expect(clock.sleeps).toEqual([]);
		expect(server.received.map((request) => request.at)).toEqual(Array(10).fill(FakeClock.START));
	});

	test('a transport without rate buckets does not pace', async () => {
		const transport = makeTransport({ rateBuckets: undefined });
		await sendSequentially(transport, 8);
		expect(clock.sleeps).toEqual([]);
	});

	test("the vendor's remaining header 0 makes the next request wait", async () => {
		server.reply({ status: 200, headers: { [REMAINING_HEADER]: '0' }, body: { ok: true } });
		const transport = makeTransport();

		await sendSequentially(transport, 2);

		expect(server.received[1].at - FakeClock.START).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
		expect(transport.stats.waitedMs).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
	});

	test("the vendor's remaining header lowers the budget to what it reports", async () => {
		server.reply(
			{ status: 200, headers: { [REMAINING_HEADER]: '2' }, body: { ok: true } },
			{ status: 200, headers: { [REMAINING_HEADER]: '1' }, body: { ok: true } },
			{ status: 200, headers: { [REMAINING_HEADER]: '0' }, body: { ok: true } },
		);
		const transport = makeTransport();

		await sendSequentially(transport, 4);

		const arrivals = server.received.map((request) => request.at - FakeClock.START);
		expect(arrivals.slice(0, 3)).toEqual([0, 0, 0]);
		expect(arrivals[3]).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
	});

	test('a rate header that is not a plain number is read through its parse hook (Salesforce api-usage=used/max)', async () => {
		const usage = 'X-Usage';
		const profile: PlatformProfile = {
			...testProfile,
			rateHeaders: [{ window: 'burst', remaining: usage, parse: (value) => { const [used, max] = value.split('/').map(Number); return max - used; } }],
		};
		server.reply({ status: 200, headers: { [usage]: '5/5' }, body: { ok: true } });
		const transport = makeTransport({ profile });

		await sendSequentially(transport, 2);

		expect(server.received[1].at - FakeClock.START).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
	});

	test('a request counts from when its answer came: one the vendor received late keeps the next one out a whole window', async () => {
		const slowMs = 400;
		const oneAtATime: PlatformProfile = { ...testProfile, rateWindows: [{ name: 'one', capacity: 1, windowMs: BURST_WINDOW_MS }] };
		const fetchClient = new FetchHttpClient();
		// The answer to the first request comes 400 ms after it was let through: the vendor may have counted it that late.
		const slowFirst = { send: async (request: HttpRequest) => { const response = await fetchClient.send(request); if (server.received.length === 1) clock.time += slowMs; return response; } };
		const transport = makeTransport({ profile: oneAtATime, client: slowFirst });

		await sendSequentially(transport, 2);

		expect(server.received[1].at - FakeClock.START).toBeGreaterThanOrEqual(slowMs + BURST_WINDOW_MS);
	});

	test("a 429's Retry-After, not the remaining 0 it reports, says when to send again (Freshdesk: a minute window, Retry-After 2 s)", async () => {
		const minute: PlatformProfile = { ...testProfile, rateWindows: [{ name: 'burst', capacity: 100, windowMs: 60_000 }] };
		server.reply(
			{ status: 429, headers: { 'Retry-After': '2', [REMAINING_HEADER]: '0' }, body: vendorError('RATE_LIMITED', 'Slow down') },
			{ status: 200, headers: { [REMAINING_HEADER]: '99' }, body: { done: true } },
			{ status: 200, headers: { [REMAINING_HEADER]: '98' }, body: { done: true } },
		);
		const transport = makeTransport({ profile: minute, random: () => 0 });

		await sendSequentially(transport, 2);

		const arrivals = server.received.map((request) => request.at - FakeClock.START);
		expect(arrivals[1]).toBeGreaterThanOrEqual(2_000);
		expect(arrivals[2]).toBeLessThan(60_000);
	});

	test("a rate header lowers only a window that counts the request: one endpoint's remaining 0 does not hold another endpoint back (X)", async () => {
		// Like X: each endpoint's answers report that endpoint's own window in the same header.
		const perEndpoint: PlatformProfile = {
			...testProfile,
			endpointClasses: [{ name: 'post', method: 'POST', path: /\/post$/ }],
			rateWindows: [{ name: 'posts', capacity: BURST_CAPACITY, windowMs: BURST_WINDOW_MS, endpointClasses: ['post'] }],
			rateHeaders: [{ window: 'posts', remaining: REMAINING_HEADER }],
		};
		const spent = { status: 200, headers: { [REMAINING_HEADER]: '0' }, body: { ok: true } };
		server.reply(spent, spent, spent);
		const transport = makeTransport({ profile: perEndpoint });
		// A read whose own window is spent says nothing about posting: the post goes at once.
		await transport.request(get('/timeline'));
		await transport.request({ method: 'POST', url: '/post', body: {} });
		expect(server.received.map((request) => request.at - FakeClock.START)).toEqual([0, 0]);
		// A post's answer reporting 0 holds the next post a window.
		await transport.request({ method: 'POST', url: '/post', body: {} });
		expect(server.received[2].at - FakeClock.START).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
	});

	test('a remaining header above our own count changes nothing', async () => {
		const plenty = { status: 200, headers: { [REMAINING_HEADER]: '100' }, body: {} };
		server.reply(plenty, plenty, plenty, plenty, plenty);
		const transport = makeTransport();
		await sendSequentially(transport, 6);
		expect(clock.sleeps).toHaveLength(1);
		expect(server.received[5].at - FakeClock.START).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
	});
});

describe('endpoint classes and refusals', () => {
	const SEARCH_WINDOW_MS = 1_000;
	const SEARCHES_PER_WINDOW = 2;
	/** Like HubSpot: account-wide windows, and searches limited on their own besides; a 429 names the window it hit. */
	const classedProfile: PlatformProfile = {
		...testProfile,
		endpointClasses: [{ name: 'search', method: 'POST', path: /\/search$/ }],
		rateWindows: [
			{ name: 'ten_seconds', capacity: 100, windowMs: 10_000 },
			{ name: 'searches', capacity: SEARCHES_PER_WINDOW, windowMs: SEARCH_WINDOW_MS, endpointClasses: ['search'] },
		],
		resetHeaders: [{ header: 'X-Test-Reset', unit: 'epochSeconds' }],
		parseError(response) {
			const policy = (response.body as { policy?: string } | undefined)?.policy;
			return response.status === 429 ? { message: 'limited', rateLimited: true, window: policy } : testProfile.parseError(response);
		},
	};
	const search = (): HttpRequest => ({ method: 'POST', url: '/objects/search', body: {} });

	test("a class's window paces only that class: the third search waits a window, a plain read does not", async () => {
		const transport = makeTransport({ profile: classedProfile });

		await transport.request(search());
		await transport.request(search());
		await transport.request(get('/read'));
		await transport.request(search());

		const arrivals = server.received.map((request) => [request.url, request.at - FakeClock.START]);
		expect(arrivals.slice(0, 3)).toEqual([['/objects/search', 0], ['/objects/search', 0], ['/read', 0]]);
		expect(arrivals[3][1]).toBeGreaterThanOrEqual(SEARCH_WINDOW_MS);
		expect(transport.stats.rateLimited).toBe(0);
	});

	test('the class can be named on the request when the path does not tell it', async () => {
		const transport = makeTransport({ profile: classedProfile });

		for (let i = 0; i < 3; i++) await transport.request({ ...get('/query'), endpointClass: 'search' });

		expect(server.received[2].at - FakeClock.START).toBeGreaterThanOrEqual(SEARCH_WINDOW_MS);
	});

	test('a 429 naming a window with no Retry-After is retried no earlier than that window allows, and blocks only it', async () => {
		const account = freshAccount();
		server.reply({ status: 429, body: { policy: 'searches' } }, { status: 200, body: { found: true } });
		const searching = makeTransport({ profile: classedProfile, accountKey: account, random: () => 0 });
		const reading = makeTransport({ profile: classedProfile, accountKey: account });

		await expect(searching.request(search())).resolves.toEqual({ found: true });
		clock.time = FakeClock.START;
		await reading.request(get('/read'));

		expect(server.received[1].at - server.received[0].at).toBeGreaterThanOrEqual(SEARCH_WINDOW_MS);
		expect(clock.sleeps).toEqual([SEARCH_WINDOW_MS]);
		// The read shares the account but not the refused window: it goes at once.
		expect(server.received[2]).toMatchObject({ url: '/read', at: FakeClock.START });
	});

	test('a 429 whose reset header names a moment N ms ahead is retried no earlier than that moment', async () => {
		const resetInMs = 4_000;
		server.reply({ status: 429, headers: { 'X-Test-Reset': String((FakeClock.START + resetInMs) / 1000) } }, { status: 200, body: { ok: 1 } });
		const transport = makeTransport({ profile: classedProfile });

		await expect(transport.request(get())).resolves.toEqual({ ok: 1 });

		expect(server.received[1].at - server.received[0].at).toBeGreaterThanOrEqual(resetInMs);
		expect(clock.sleeps).toEqual([resetInMs]);
	});

	test("Retry-After beats the reset header and the window: it is the vendor's own word for this request", async () => {
		server.reply({ status: 429, headers: { 'Retry-After': '2', 'X-Test-Reset': String((FakeClock.START + 9_000) / 1000) }, body: { policy: 'searches' } });
		const transport = makeTransport({ profile: classedProfile });

		await transport.request(search());

		expect(clock.sleeps).toEqual([2_000]);
	});
});

describe('secrets', () => {
	test('a token the vendor echoes in its error never reaches the error message or responseBody', async () => {
		server.reply({
			status: 401,
			body: {
				...vendorError('INVALID_TOKEN', `Token ${BEARER_TOKEN} is expired`),
				request: { headers: { authorization: `Bearer ${BEARER_TOKEN}` } },
			},
		});
		const transport = makeTransport({ authenticate: withBearer, secrets: [BEARER_TOKEN] });

		const error = await failureOf(transport.request(get()));

		expect(server.received[0].headers.authorization).toBe(`Bearer ${BEARER_TOKEN}`);
		expect(error.message).toBe('Token [redacted] is expired');
		expect(error.code).toBe('INVALID_TOKEN');
		expect(JSON.stringify(error.responseBody)).not.toContain(BEARER_TOKEN);
		expect(error.responseBody).toMatchObject({ request: { headers: { authorization: 'Bearer [redacted]' } } });
		expect(error.stack).not.toContain(BEARER_TOKEN);
	});

	test('a secret echoed in a plain-text error body is redacted', async () => {
		server.reply({ status: 403, body: `forbidden for key ${BEARER_TOKEN}` });
		const transport = makeTransport({ authenticate: withBearer, secrets: [BEARER_TOKEN] });
		const error = await failureOf(transport.request(get()));
		expect(error.responseBody).toBe('forbidden for key [redacted]');
		expect(error.message).toBe('HTTP 403');
	});

	test('a secret with characters JSON escapes (quotes, backslashes) is redacted from the body too', async () => {
		const password = 'p@ss"wo\\rd!';
		const badLogin = { ...vendorError('BAD_LOGIN', `Wrong password ${password}`), echo: password };
		server.reply({ status: 401, body: badLogin });

		const error = await failureOf(makeTransport({ secrets: [password] }).request(get()));

		expect(error.message).toBe('Wrong password [redacted]');
		const redacted = { ...vendorError('BAD_LOGIN', 'Wrong password [redacted]'), echo: '[redacted]' };
		expect(error.responseBody).toEqual(redacted);
	});

	test('a token in the URL path never appears in a network error', async () => {
		server.reply({ resetConnection: true });
		const pathToken = '123456:AAbbCCddEEffGG';
		const transport = makeTransport({ secrets: [pathToken], retry: { maxAttempts: 1 } });

		const error = await failureOf(transport.request(get(`/bot${pathToken}/sendMessage`)));

		expect(server.received[0].url).toBe(`/bot${pathToken}/sendMessage`);
		expect(error.message).not.toContain(pathToken);
		expect(error.message).toContain('/bot[redacted]/sendMessage');
	});

	test('a request that cannot even be sent rethrows its own error, with secrets redacted', async () => {
		const transport = makeTransport({ baseUrl: 'not a url', secrets: [BEARER_TOKEN] });
		let thrown: unknown;
		try {
			await transport.request(get(`/keys/${BEARER_TOKEN}`));
		} catch (error) {
			thrown = error;
		}
		// fetch's TypeError comes from Node's own realm, so `toBeInstanceOf(TypeError)` would not hold under jest.
		expect((thrown as Error).name).toBe('TypeError');
		expect((thrown as Error).message).toContain('/keys/[redacted]');
		expect(server.received).toHaveLength(0);
		expect(String((thrown as Error).stack)).not.toContain(BEARER_TOKEN);
		expect(JSON.stringify(thrown, Object.getOwnPropertyNames(thrown))).not.toContain(BEARER_TOKEN);
		expect(String(((thrown as Error).cause as Error | undefined)?.stack)).not.toContain(BEARER_TOKEN);
	});

	test('redactSecrets replaces every occurrence and the longest secret first; short values are left alone', () => {
		expect(redactSecrets('a=abcdef b=abcdef', ['abcdef'])).toBe('a=[redacted] b=[redacted]');
		expect(redactSecrets('key abcd1234', ['abcd', 'abcd1234'])).toBe('key [redacted]');
		expect(redactSecrets('id 42 ok', ['42', ''])).toBe('id 42 ok');
	});

	test('redactDeep keeps the structure of a body whatever the secret looks like', () => {
		const body = { amount: 424242, note: 'pin 4242', nested: [{ '4242': true }] };
		expect(redactDeep(body, ['4242'])).toEqual({
			amount: '[redacted]42',
			note: 'pin [redacted]',
			nested: [{ '[redacted]': true }],
		});
		expect(redactDeep(body, [])).toBe(body);
		expect(redactDeep(undefined, ['4242'])).toBeUndefined();
	});
});

describe('form bodies', () => {
	test('nested objects and arrays are encoded the Stripe way (a[b]=c, items[0][price]=…)', async () => {
		const transport = makeTransport();
		await transport.request({
			method: 'POST',
			url: '/v1/payment_intents',
			bodyType: 'form',
			body: {
				amount: 2000,
				currency: 'usd',
				confirm: true,
				metadata: { order_id: 'A&B=1', note: 'café ü' },
				expand: ['customer', 'latest_charge'],
				items: [{ price: 'price_1', quantity: 2 }],
				description: undefined,
				statement_descriptor: null,
			},
		});

		const [received] = server.received;
		expect(received.headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect([...new URLSearchParams(received.body).entries()]).toEqual([
			['amount', '2000'],
			['currency', 'usd'],
			['confirm', 'true'],
			['metadata[order_id]', 'A&B=1'],
			['metadata[note]', 'café ü'],
			['expand[0]', 'customer'],
			['expand[1]', 'latest_charge'],
			['items[0][price]', 'price_1'],
			['items[0][quantity]', '2'],
		]);
	});

	test('encodeForm escapes keys and values so a value cannot inject a field', () => {
		expect(encodeForm({ a: { b: 'c' } })).toEqual(['a%5Bb%5D=c']);
		expect(encodeForm({ q: 'x&admin=1' })).toEqual(['q=x%26admin%3D1']);
		expect(encodeForm(undefined)).toEqual([]);
	});
});

describe('concurrency limit', () => {
	const limited: PlatformProfile = { ...testProfile, concurrencyLimit: 2 };

	test("a profile that limits open requests needs the store's slots: without them the transport is refused, naming the platform", () => {
		expect(() => makeTransport({ profile: limited })).toThrow(/^testvendor allows 2 requests open at once per account: its transport needs the store's concurrency slots/);
		expect(() => makeTransport({ profile: limited, concurrency: store.concurrency })).not.toThrow();
	});

	test("two transports on one account share the store's slots: never more than the limit open at once", async () => {
		let open = 0;
		let peak = 0;
		const client = {
			async send(): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
				peak = Math.max(peak, ++open);
				await new Promise((resolve) => setTimeout(resolve, 15));
				open--;
				return { status: 200, headers: {}, body: { ok: true } };
			},
		};
		const accountKey = freshAccount();
		const transports = [1, 2].map(() => makeTransport({ profile: limited, client, accountKey, concurrency: store.concurrency }));
		const results = await Promise.all(transports.flatMap((transport) => Array.from({ length: 4 }, async () => await transport.request(get()))));
		expect(results).toHaveLength(8);
		expect(peak).toBeLessThanOrEqual(2);
		expect(await store.concurrency.inUse(`testvendor:${accountKey}`, 2)).toBe(0);
	});
});
