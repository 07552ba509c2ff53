/** The Zendesk sandbox answers as Zendesk does: token Basic auth, bulk jobs, the export's one-minute delay, 429 + Retry-After. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const auth = (token?: string) => `Basic ${Buffer.from(`${sandbox.credentials.email}/token:${token ?? sandbox.credentials.apiToken}`).toString('base64')}`;
async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
	const response = await fetch(`${sandbox.baseUrl}${path}`, {
		method: init.method ?? 'GET', headers: { authorization: auth(init.token), 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
	sandbox = await startSandbox('zendesk');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('rejects a wrong API token with 401', async () => {
	expect((await call('/api/v2/users/me.json', { token: 'wrong' })).status).toBe(401);
	expect((await call('/api/v2/users/me.json')).status).toBe(200);
});

test('bulk writes run as jobs whose results report each record, invalid ones as Failed', async () => {
	const started = await call('/api/v2/users/create_or_update_many.json', { method: 'POST', body: { users: [{ name: 'Ann', email: 'ann@example.com' }, { name: '', email: 'bad' }] } });
	expect(started.body.job_status.status).toBe('queued');
	const job = await call(`/api/v2/job_statuses/${started.body.job_status.id}.json`);
	expect(job.body.job_status).toMatchObject({ status: 'completed', results: [{ index: 0, status: 'Created' }, { index: 1, status: 'Failed', error: 'RecordInvalid' }] });
	const again = await call('/api/v2/users/create_or_update_many.json', { method: 'POST', body: { users: [{ name: 'Ann L', email: 'ANN@example.com' }] } });
	expect((await call(`/api/v2/job_statuses/${again.body.job_status.id}.json`)).body.job_status.results[0].status).toBe('Updated');
	const tooMany = await call('/api/v2/users/create_or_update_many.json', { method: 'POST', body: { users: Array.from({ length: 101 }, (_, i) => ({ name: `U${i}`, email: `u${i}@x.test` })) } });
	expect(tooMany.status).toBe(400);
});

test('the incremental export leaves out the last minute and resumes from its cursor', async () => {
	await control.seed({ users: [{ name: 'Ann', email: 'ann@example.com' }] });
	const fresh = await call('/api/v2/incremental/users/cursor.json?start_time=0');
	expect(fresh.body).toMatchObject({ users: [], end_of_stream: true });
	await control.updateSettings({ incrementalDelayMs: 0 });
	const first = await call('/api/v2/incremental/users/cursor.json?start_time=0');
	expect(first.body.users.map((user: { email: string }) => user.email)).toEqual(['ann@example.com']);
	const next = await call(`/api/v2/incremental/users/cursor.json?cursor=${first.body.after_cursor}`);
	expect(next.body.users).toEqual([]);
});

test('past the per-minute limit: 429 with Retry-After in seconds and X-Rate-Limit headers', async () => {
	await fetch(`${sandbox.baseUrl}/__control/rate-limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ windows: [{ name: 'account', limit: 1 }] }) });
	const first = await call('/api/v2/users/me.json');
	expect(first.headers.get('x-rate-limit-remaining')).toBe('0');
	const refused = await call('/api/v2/users/me.json');
	expect(refused.status).toBe(429);
	expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
});

test('show_many returns the statuses of several jobs at once, leaving out unknown ids', async () => {
	const first = await call('/api/v2/users/create_or_update_many.json', { method: 'POST', body: { users: [{ name: 'Ann', email: 'ann@example.com' }] } });
	const second = await call('/api/v2/organizations/create_many.json', { method: 'POST', body: { organizations: [{ name: 'Acme' }] } });
	const ids = [first.body.job_status.id, 'unknown', second.body.job_status.id];
	const reply = await call(`/api/v2/job_statuses/show_many.json?ids=${ids.join(',')}`);
	expect(reply.status).toBe(200);
	expect(reply.body.job_statuses.map((job: { id: string; status: string }) => [job.id, job.status])).toEqual([[ids[0], 'completed'], [ids[2], 'completed']]);
	expect((await call('/api/v2/job_statuses/show_many.json')).status).toBe(400);
});

test('job_status.url and the export\'s after_url and next_page are absolute URLs on the sandbox, as Zendesk sends them', async () => {
	const started = await call('/api/v2/organizations/create_many.json', { method: 'POST', body: { organizations: [{ name: 'Acme' }] } });
	expect(started.body.job_status.url).toBe(`${sandbox.baseUrl}/api/v2/job_statuses/${started.body.job_status.id}.json`);
	const polled = await fetch(started.body.job_status.url, { headers: { authorization: auth() } });
	expect(((await polled.json()) as { job_status: { status: string } }).job_status.status).toBe('completed');
	await control.updateSettings({ incrementalDelayMs: 0 });
	const exported = await call('/api/v2/incremental/users/cursor.json?start_time=0');
	expect(exported.body.after_url).toBe(`${sandbox.baseUrl}/api/v2/incremental/users/cursor.json?cursor=${exported.body.after_cursor}`);
	await control.seed({ users: [{ name: 'Ann', email: 'ann@example.com' }, { name: 'Bob', email: 'bob@example.com' }] });
	expect((await call('/api/v2/users.json?per_page=1')).body).toMatchObject({ count: 2, next_page: `${sandbox.baseUrl}/api/v2/users.json?page=2&per_page=1`, previous_page: null });
	const organizations = await call('/api/v2/incremental/organizations.json?start_time=0');
	expect(organizations.body.next_page).toBe(`${sandbox.baseUrl}/api/v2/incremental/organizations.json?start_time=${organizations.body.end_time}`);
});

test('time-based user export: users updated at or after start_time, oldest first, with end_time, count and end_of_stream; start_time required', async () => {
	const seeded = await control.seed({ users: [{ name: 'Ann', email: 'ann@example.com' }, { name: 'Bob', email: 'bob@example.com' }] }) as { users: Array<{ id: number; updated_at: string }> };
	expect((await call('/api/v2/incremental/users.json?start_time=0')).body).toMatchObject({ users: [], count: 0, end_of_stream: true });
	await control.updateSettings({ incrementalDelayMs: 0 });
	const all = await call('/api/v2/incremental/users.json?start_time=0');
	expect(all.status).toBe(200);
	expect(all.body).toMatchObject({ count: 2, end_of_stream: true, end_time: Math.floor(Date.parse(seeded.users[1].updated_at) / 1000) });
	expect(all.body.users.map((user: { email: string }) => user.email)).toEqual(['ann@example.com', 'bob@example.com']);
	const later = await call(`/api/v2/incremental/users?start_time=${Math.floor(Date.parse(seeded.users[1].updated_at) / 1000) + 1}`);
	expect(later.body).toMatchObject({ users: [], count: 0 });
	const missing = await call('/api/v2/incremental/users.json');
	expect(missing.status).toBe(400);
	expect(missing.body.error).toBe('InvalidPaginationParameter');
});

test('a ticket\'s description is its first comment; later comments are appended by updates; requester and assignee by email', async () => {
	await control.seed({ users: [{ name: 'Sam', email: 'sam@support.example', role: 'agent' }] });
	const created = await call('/api/v2/tickets.json', { method: 'POST', body: { ticket: { subject: 'S', comment: { body: 'First words' }, requester: { email: 'req@example.com' }, assignee_email: 'sam@support.example' } } });
	expect(created.status).toBe(201);
	const ticket = created.body.ticket;
	expect(ticket.description).toBe('First words');
	await call(`/api/v2/tickets/${ticket.id}.json`, { method: 'PUT', body: { ticket: { comment: { body: 'Internal', public: false }, description: 'ignored' } } });
	const comments = await call(`/api/v2/tickets/${ticket.id}/comments.json`);
	expect(comments.body.comments.map((comment: { body: string; public: boolean }) => [comment.body, comment.public])).toEqual([['First words', true], ['Internal', false]]);
	expect((await call(`/api/v2/tickets/${ticket.id}.json`)).body.ticket.description).toBe('First words');
	const users = await call(`/api/v2/users/show_many.json?ids=${ticket.requester_id},${ticket.assignee_id}`);
	expect(users.body.users.map((user: { email: string }) => user.email)).toEqual(['req@example.com', 'sam@support.example']);
	const notAgent = await call('/api/v2/tickets.json', { method: 'POST', body: { ticket: { subject: 'S', comment: { body: 'x' }, assignee_email: 'req@example.com' } } });
	expect(notAgent.status).toBe(422);
});
