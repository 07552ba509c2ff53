/** The Freshdesk sandbox answers as Freshdesk API v2 does: key Basic auth, page/per_page with Link, updated_since, 429 + Retry-After. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const auth = (key?: string) => `Basic ${Buffer.from(`${key ?? sandbox.credentials.apiKey}:X`).toString('base64')}`;
async function call(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
	const response = await fetch(`${sandbox.baseUrl}${path}`, {
		method: init.method ?? 'GET', headers: { authorization: auth(init.key), 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
	sandbox = await startSandbox('freshdesk');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('the API key is the user name (any password); another key is refused with 401', async () => {
	expect((await call('/api/v2/agents/me')).status).toBe(200);
	expect((await call('/api/v2/agents/me', { key: 'wrong' })).body).toEqual({ code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
});

test('a taken email answers 409 naming the contact that holds it', async () => {
	const first = await call('/api/v2/contacts', { method: 'POST', body: { name: 'Ann', email: 'ann@example.com' } });
	expect(first.status).toBe(201);
	const again = await call('/api/v2/contacts', { method: 'POST', body: { name: 'Ann 2', email: 'ANN@example.com' } });
	expect(again.status).toBe(409);
	expect(again.body.errors[0]).toMatchObject({ field: 'email', code: 'duplicate_value', additional_info: { user_id: first.body.id } });
	expect((await call('/api/v2/contacts', { method: 'POST', body: { name: 'X', email: 'x@example.com', nosuch: 1 } })).body.errors[0]).toMatchObject({ field: 'nosuch', code: 'invalid_field' });
});

test('ticket status and priority are integers among Freshdesk\'s codes; a text code is a datatype mismatch', async () => {
	const text = await call('/api/v2/tickets', { method: 'POST', body: { email: 'req@example.com', subject: 'S', description: 'D', status: '2' } });
	expect(text.status).toBe(400);
	expect(text.body.errors[0]).toMatchObject({ field: 'status', code: 'datatype_mismatch' });
	expect((await call('/api/v2/tickets', { method: 'POST', body: { email: 'req@example.com', subject: 'S', description: 'D', priority: 9 } })).body.errors[0]).toMatchObject({ field: 'priority', code: 'invalid_value' });
	const created = await call('/api/v2/tickets', { method: 'POST', body: { email: 'req@example.com', subject: 'S', description: 'Line <1>', status: 3, priority: 4 } });
	expect(created.body).toMatchObject({ status: 3, priority: 4, description_text: 'Line <1>', description: '<div>Line &lt;1&gt;</div>' });
	// The requester Freshdesk did not know became a contact.
	expect((await control.state<Array<{ email: string }>>('contacts')).map((contact) => contact.email)).toEqual(['req@example.com']);
});

test('updated_since lists tickets sorted by change, 100 a page at most, with Link rel="next" while more follow', async () => {
	await control.seed({ tickets: Array.from({ length: 5 }, (_, i) => ({ email: `r${i}@example.com`, subject: `T${i}`, description: `D${i}` })) });
	const first = await call('/api/v2/tickets?updated_since=2000-01-01T00:00:00Z&order_by=updated_at&order_type=asc&per_page=2&page=1&include=requester,description');
	expect(first.body.map((ticket: { subject: string }) => ticket.subject)).toEqual(['T0', 'T1']);
	expect(first.body[0]).toMatchObject({ description_text: 'D0', requester: { email: 'r0@example.com' } });
	expect(first.headers.get('link')).toMatch(/page=2.*rel="next"/);
	const last = await call('/api/v2/tickets?updated_since=2000-01-01T00:00:00Z&per_page=2&page=3');
	expect(last.body).toHaveLength(1);
	expect(last.body[0].description).toBeUndefined();
	expect(last.headers.get('link')).toBeNull();
	expect((await call('/api/v2/tickets?per_page=101')).status).toBe(400);
	expect((await call('/api/v2/tickets?updated_since=2000-01-01T00:00:00Z&page=301')).body.errors[0]).toMatchObject({ field: 'page' });
	expect((await call('/api/v2/tickets?updated_since=2999-01-01T00:00:00Z')).body).toEqual([]);
});

test('replies and notes become conversations, public and private, and bump the ticket', async () => {
	const [ticket] = (await control.seed<{ tickets: Array<{ id: number; updated_at: string }> }>({ tickets: [{ email: 'r@example.com', subject: 'S', description: 'D' }] })).tickets;
	await call(`/api/v2/tickets/${ticket.id}/reply`, { method: 'POST', body: { body: 'Hello' } });
	await call(`/api/v2/tickets/${ticket.id}/notes`, { method: 'POST', body: { body: 'Internal', private: true } });
	const conversations = await call(`/api/v2/tickets/${ticket.id}/conversations`);
	expect(conversations.body.map((entry: { body_text: string; private: boolean }) => [entry.body_text, entry.private])).toEqual([['Hello', false], ['Internal', true]]);
	expect((await call(`/api/v2/tickets/${ticket.id}/notes`, { method: 'POST', body: { body: '' } })).status).toBe(400);
});

test('past the plan\'s limit: 429 with Retry-After in seconds, and X-RateLimit headers on every answer', async () => {
	await control.setRateLimits({ windows: [{ name: 'account', limit: 2 }] });
	const ok = await call('/api/v2/agents/me');
	expect([ok.headers.get('x-ratelimit-total'), ok.headers.get('x-ratelimit-remaining'), ok.headers.get('x-ratelimit-used-currentrequest')]).toEqual(['2', '1', '1']);
	await call('/api/v2/agents/me');
	const refused = await call('/api/v2/agents/me');
	expect(refused.status).toBe(429);
	expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
});

test('every ticket created or updated is posted to the automation webhook with the secret header', async () => {
	const received: Array<{ headers: Record<string, string>; body: unknown }> = [];
	const { createServer } = await import('node:http');
	const server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			received.push({ headers: request.headers as Record<string, string>, body: JSON.parse(body) });
			response.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const port = (server.address() as { port: number }).port;
		await control.registerWebhook(`http://127.0.0.1:${port}/hook`, 'shared-secret');
		const created = await call('/api/v2/tickets', { method: 'POST', body: { email: 'r@example.com', subject: 'S', description: 'D' } });
		await call(`/api/v2/tickets/${created.body.id}`, { method: 'PUT', body: { status: 4 } });
		await control.webhooks();
		expect(received.map((delivery) => [delivery.headers['x-freshdesk-webhook-secret'], (delivery.body as { event: string }).event])).toEqual([['shared-secret', 'ticket.created'], ['shared-secret', 'ticket.updated']]);
	} finally {
		server.close();
	}
});
