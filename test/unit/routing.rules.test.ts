import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { CircuitOpenError, DestinationChannel, DestinationCircuit, compileRoutes, compileTransform, parseEvent, RoutingConfigError, signHeaders, verify, generateSecret, renderTemplate, type RouterConfig, type RoutingEvent } from '../../lib/routing';
import { CircuitBreakers, closeAllStores, openStore } from '../../lib/store';
import { exampleDestinations, exampleRules } from '../../nodes/EventRouter/actions/exampleRoutes';

const event = (type: string, source: string, data: Record<string, unknown> = {}): RoutingEvent => ({ id: `${source}-${type}`, type, source, data });
const seedConfig = (): RouterConfig => ({ rules: exampleRules, destinations: exampleDestinations() });

describe('rule matching', () => {
	const routes = compileRoutes(seedConfig());
	const ruleIds = (e: RoutingEvent) => routes.match(e).map((rule) => rule.id);

	it('routes the seed example: customer events from crm/support/billing, order events from ecommerce', () => {
		expect(ruleIds(event('customer.created', 'crm'))).toEqual(['customer-events']);
		expect(ruleIds(event('customer.updated', 'billing'))).toEqual(['customer-events']);
		expect(ruleIds(event('order.cancelled', 'ecommerce'))).toEqual(['order-events']);
		expect(ruleIds(event('customer.created', 'ecommerce'))).toEqual([]);
		expect(ruleIds(event('order.created', 'crm'))).toEqual([]);
		expect(ruleIds(event('customers.created', 'crm'))).toEqual([]);
	});

	it('matches exact, prefix, suffix and catch-all patterns in rule order', () => {
		const compiled = compileRoutes({
			destinations: [{ id: 'd', kind: 'webhook', url: 'http://x/' }],
			rules: [
				{ id: 'all', eventTypes: ['*'], destinations: ['d'] },
				{ id: 'cancelled', eventTypes: ['*.cancelled'], destinations: ['d'] },
				{ id: 'exact', eventTypes: ['order.created'], destinations: ['d'] },
				{ id: 'orders', eventTypes: ['order.*'], sources: ['shop'], destinations: ['d'] },
				{ id: 'off', eventTypes: ['*'], destinations: ['d'], enabled: false },
			],
		});
		const ids = (e: RoutingEvent) => compiled.match(e).map((rule) => rule.id);
		expect(ids(event('order.created', 'shop'))).toEqual(['all', 'exact', 'orders']);
		expect(ids(event('order.cancelled', 'shop'))).toEqual(['all', 'cancelled', 'orders']);
		expect(ids(event('subscription.cancelled', 'billing'))).toEqual(['all', 'cancelled']);
		expect(ids(event('order.created', 'crm'))).toEqual(['all', 'exact']);
	});

	it('applies content filters: equals, prefix, numeric range, exists, anything-but', () => {
		const compiled = compileRoutes({
			destinations: [{ id: 'd', kind: 'webhook', url: 'http://x/' }],
			rules: [
				{ id: 'eq', eventTypes: ['*'], filters: [{ path: 'data.plan', equals: ['pro', 'enterprise'] }], destinations: ['d'] },
				{ id: 'prefix', eventTypes: ['*'], filters: [{ path: 'data.email', prefix: 'vip-' }], destinations: ['d'] },
				{ id: 'range', eventTypes: ['*'], filters: [{ path: 'data.total', range: { gte: 100, lt: 1000 } }], destinations: ['d'] },
				{ id: 'exists', eventTypes: ['*'], filters: [{ path: 'data.address.city', exists: true }], destinations: ['d'] },
				{ id: 'missing', eventTypes: ['*'], filters: [{ path: 'data.address', exists: false }], destinations: ['d'] },
				{ id: 'but', eventTypes: ['*'], filters: [{ path: 'data.country', anythingBut: ['US', 'CA'] }], destinations: ['d'] },
			],
		});
		const ids = (data: Record<string, unknown>) => compiled.match(event('x.y', 's', data)).map((rule) => rule.id);
		expect(ids({ plan: 'pro' })).toEqual(['eq', 'missing']);
		expect(ids({ plan: 'free', email: 'vip-ann@example.com' })).toEqual(['prefix', 'missing']);
		expect(ids({ total: 100 })).toEqual(['range', 'missing']);
		expect(ids({ total: 1000 })).toEqual(['missing']);
		expect(ids({ total: '500' })).toEqual(['missing']);
		expect(ids({ address: { city: 'Oslo' } })).toEqual(['exists']);
		expect(ids({ address: {}, country: 'DE' })).toEqual(['but']);
		expect(ids({ address: {}, country: 'US' })).toEqual([]);
	});
});

describe('rule validation', () => {
	const base = (): RouterConfig => ({ destinations: [{ id: 'd', kind: 'webhook', url: 'http://x/' }], rules: [] });
	const expectError = (config: RouterConfig, message: RegExp) => {
		expect(() => compileRoutes(config)).toThrow(RoutingConfigError);
		expect(() => compileRoutes(config)).toThrow(message);
	};

	it('names the rule with a bad pattern, an unknown destination, a bad filter or transform', () => {
		expectError({ ...base(), rules: [{ id: 'r1', eventTypes: ['order created'], destinations: ['d'] }] }, /Rule "r1": "order created" is not an event-type pattern/);
		expectError({ ...base(), rules: [{ id: 'r2', eventTypes: ['order..x'], destinations: ['d'] }] }, /Rule "r2"/);
		expectError({ ...base(), rules: [{ id: 'r3', eventTypes: ['a'], destinations: ['nowhere'] }] }, /Rule "r3": destination "nowhere" is not defined/);
		expectError({ ...base(), rules: [{ id: 'r4', eventTypes: ['a'], destinations: ['d'], filters: [{ path: 'data.x', range: { above: 3 } } as never] }] }, /Rule "r4": filter on "data.x": range/);
		expectError({ ...base(), rules: [{ id: 'r5', eventTypes: ['a'], destinations: ['d'], transform: [{ rename: {}, pick: ['a'] } as never] }] }, /Rule "r5": transform step 1/);
		expectError({ ...base(), rules: [{ id: 'r6', eventTypes: [], destinations: ['d'] }] }, /Rule "r6": at least one event-type pattern/);
		expectError({ ...base(), rules: [{ id: 'r7', eventTypes: ['a'], destinations: ['d'] }, { id: 'r7', eventTypes: ['b'], destinations: ['d'] }] }, /Rule "r7": the id is used twice/);
	});

	it('names the destination at fault', () => {
		expectError({ rules: [], destinations: [{ id: 'w', kind: 'webhook', url: '/relative' }] }, /Destination "w": url "\/relative" must be an absolute/);
		expectError({ rules: [], destinations: [{ id: 'o', kind: 'output', output: 'kafka' }], outputs: ['queue'] }, /Destination "o": output "kafka" is not one of the node outputs \(queue\)/);
		expectError({ rules: [], destinations: [{ id: 'h', kind: 'http', url: '/x', timeoutMs: -1 }] }, /Destination "h": timeoutMs/);
		expectError({ rules: [], destinations: [{ id: 'r', kind: 'webhook', url: 'http://x/', retry: { maxAttempts: 0 } }] }, /Destination "r": retry.maxAttempts must be a positive number/);
		expectError({ rules: [], destinations: [{ id: 'h2', kind: 'http', url: '/x', headers: { 'x-n': 3 } as never }] }, /Destination "h2": headers must be/);
	});
});

describe('transforms', () => {
	it('renames, picks, drops and sets nested fields on a copy', () => {
		const data = { customer: { email: 'a@example.com', phone: '1', internal: { score: 3 } }, plan: 'pro' };
		const transform = compileTransform([
			{ rename: { 'customer.email': 'contact.email' } },
			{ drop: ['customer.internal'] },
			{ set: { 'meta.router': 'n8n', 'meta.version': 2 } },
			{ pick: ['contact', 'customer.phone', 'meta', 'absent.field'] },
		]);
		expect(transform(data)).toEqual({ contact: { email: 'a@example.com' }, customer: { phone: '1' }, meta: { router: 'n8n', version: 2 } });
		expect(data.customer.internal).toEqual({ score: 3 });
	});

	it('fails with a reason when a required field is missing or a set crosses a value', () => {
		expect(() => compileTransform([{ require: ['email'] }])({})).toThrow('transform step 1 failed: required field(s) missing: email');
		expect(() => compileTransform([{ set: { 'plan.tier': 'x' } }])({ plan: 'pro' })).toThrow('"plan" is not an object');
	});

	it('fills HTTP body templates from the envelope', () => {
		const envelope = { id: 'e1', type: 'order.created', source: 'ecommerce', time: 't', data: { total: 12.5, lines: [1, 2] } };
		expect(renderTemplate({ order: '{{id}}', total: '{{data.total}}', note: '{{type}} from {{source}}', lines: '{{data.lines}}' }, envelope)).toEqual({
			order: 'e1',
			total: 12.5,
			note: 'order.created from ecommerce',
			lines: [1, 2],
		});
	});
});

describe('incoming events', () => {
	it('accepts events and webhook bodies, derives a stable id when none is given', () => {
		const parsed = parseEvent({ body: '{"type":"customer.created","source":"crm","data":{"email":"a@b.c"}}' });
		expect(parsed).toMatchObject({ ok: true, event: { type: 'customer.created', source: 'crm', data: { email: 'a@b.c' } } });
		const again = parseEvent({ body: '{"type":"customer.created","source":"crm","data":{"email":"a@b.c"}}' });
		expect(parsed.ok && again.ok && parsed.event.id === again.event.id).toBe(true);
		expect(parseEvent({ id: 7, type: 'order.created', total: 3 })).toMatchObject({ ok: true, event: { id: '7', source: '', data: { total: 3 } } });
	});

	it('rejects malformed events with a clear reason', () => {
		expect(parseEvent({ id: 'x', data: {} })).toEqual({ ok: false, reason: 'event has no type', eventId: 'x' });
		expect(parseEvent({ body: 'not json {' })).toEqual({ ok: false, reason: 'body is not JSON' });
		expect(parseEvent({ id: 'big', type: 'a', data: { blob: 'x'.repeat(2000) } }, { maxEventBytes: 1000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/over the 1000-byte limit/) });
		expect(parseEvent({ body: '[1,2]' })).toEqual({ ok: false, reason: 'event is not a JSON object' });
	});
});

describe('ingest signature check', () => {
	const secret = generateSecret();
	const body = '{"id":"e1","type":"order.placed","source":"ecommerce"}';
	const now = () => 1_800_000_000_000;
	const signed = (headers: Record<string, string>, raw = body) => ({ headers, body: JSON.parse(raw) });

	it('accepts events signed with the ingest secret, over the raw body or the compact JSON', () => {
		const headers = signHeaders(secret, 'msg_1', 1_800_000_000, body);
		expect(parseEvent(signed(headers), { ingestSecret: secret, now }, body)).toMatchObject({ ok: true, event: { id: 'e1' } });
		expect(parseEvent(signed(headers), { ingestSecret: secret, now })).toMatchObject({ ok: true });
	});

	it('rejects unsigned, forged and stale events, each marked forged (a business outcome, unlike input that is no event)', () => {
		expect(parseEvent({ id: 'e1', type: 'x' }, { ingestSecret: secret, now })).toEqual({ ok: false, reason: 'signature rejected: not a webhook request (no headers)', forged: true });
		expect(parseEvent(signed({}), { ingestSecret: secret, now })).toMatchObject({ reason: 'signature rejected: missing webhook-id, webhook-timestamp or webhook-signature', forged: true });
		const forged = signHeaders(generateSecret(), 'msg_1', 1_800_000_000, body);
		expect(parseEvent(signed(forged), { ingestSecret: secret, now })).toMatchObject({ reason: 'signature rejected: no matching v1 signature', forged: true });
		const unsignedOk = signHeaders(secret, 'msg_1', 1_800_000_000, '{"id":"e2"}');
		expect(parseEvent(signed(unsignedOk, '{"id":"e2"}'), { ingestSecret: secret, now }, '{"id":"e2"}')).toEqual({ ok: false, reason: 'event has no type', eventId: 'e2' });
		const stale = signHeaders(secret, 'msg_1', 1_800_000_000 - 600, body);
		expect(parseEvent(signed(stale), { ingestSecret: secret, now })).toMatchObject({ reason: 'signature rejected: webhook-timestamp is outside the tolerance' });
		const tampered = signHeaders(secret, 'msg_1', 1_800_000_000, body);
		expect(parseEvent(signed(tampered, body.replace('ecommerce', 'crm')), { ingestSecret: secret, now }, body.replace('ecommerce', 'crm'))).toMatchObject({ ok: false });
	});
});

describe('Standard Webhooks signatures', () => {
	it('signs per the spec and verifies, rejecting tampering, wrong secrets and stale timestamps', () => {
		// The example from the Standard Webhooks specification.
		const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const body = '{"test": 2432232314}';
		const headers = signHeaders(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body);
		expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
		expect(verify(secret, headers, body, 1614265330)).toEqual({ ok: true });
		expect(verify(secret, headers, body.replace('2', '3'), 1614265330)).toEqual({ ok: false, reason: 'no matching v1 signature' });
		expect(verify(generateSecret(), headers, body, 1614265330).ok).toBe(false);
		expect(verify(secret, headers, body, 1614265330 + 301)).toEqual({ ok: false, reason: 'webhook-timestamp is outside the tolerance' });
		expect(verify(secret, { ...headers, 'webhook-signature': `v1,bogus ${headers['webhook-signature']}` }, body, 1614265330)).toEqual({ ok: true });
	});
});

describe('circuit breaker', () => {
	afterAll(async () => await closeAllStores());

	it('opens after the threshold, lets one probe through after the cool-down, and closes on its success', async () => {
		let now = 0;
		const store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'routing-circuit-')), 'state.sqlite') }, allMigrations);
		const breaker = new DestinationCircuit(new CircuitBreakers(store.db, () => now), { id: 'd', kind: 'webhook', url: 'http://d.invalid/' }, { failureThreshold: 2, cooldownMs: 1000 }, 60_000);
		await breaker.admit();
		await breaker.failure();
		await breaker.admit();
		await breaker.failure();
		expect((await breaker.state()).state).toBe('open');
		await expect(breaker.admit()).rejects.toThrow(CircuitOpenError);
		now = 1000;
		await breaker.admit(); // the probe
		await expect(breaker.admit()).rejects.toThrow(/circuit open for destination "d"/);
		await breaker.failure();
		expect((await breaker.state()).state).toBe('open');
		now = 2000;
		await breaker.admit();
		await breaker.success();
		expect((await breaker.state()).state).toBe('closed');
		await breaker.admit();
	});
});

describe('webhook delivery', () => {
	it('signs every attempt afresh: the same webhook-id, a new timestamp, a signature that verifies', async () => {
		const secret = generateSecret();
		const envelope = { id: 'e1', type: 'order.placed', source: 'ecommerce', time: 't', data: { total: 1 } };
		let now = 1_800_000_000_000;
		const sent: Array<Record<string, string>> = [];
		const client = {
			send: async (request: { headers?: Record<string, string> }) => {
				sent.push(request.headers ?? {});
				return { status: sent.length === 1 ? 503 : 200, headers: {}, body: '' };
			},
		};
		const channel = new DestinationChannel(
			{ id: 'd', kind: 'webhook', url: 'http://receiver.invalid/events', retry: { maxAttempts: 2, baseDelayMs: 1000 } },
			{ clientFor: () => client, secrets: { signingSecret: () => secret }, now: () => now, random: () => 0.5, sleep: async () => void (now += 60_000) },
		);
		expect(await channel.deliver(envelope, 'msg_x')).toEqual({ attempts: 2, httpStatus: 200 });
		expect(sent.map((headers) => [headers['webhook-id'], headers['idempotency-key']])).toEqual([['msg_x', 'msg_x'], ['msg_x', 'msg_x']]);
		expect(Number(sent[1]['webhook-timestamp']) - Number(sent[0]['webhook-timestamp'])).toBe(60);
		expect(verify(secret, sent[1], JSON.stringify(envelope), Number(sent[1]['webhook-timestamp']))).toEqual({ ok: true });
		expect(verify(secret, sent[0], JSON.stringify(envelope), Number(sent[1]['webhook-timestamp']))).toEqual({ ok: true });
	});
});
