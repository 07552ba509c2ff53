/** node-zendesk (the standard Zendesk Node client) against the Zendesk sandbox: calls parse, paging is followed, errors carry the status. */
import { createClient } from 'node-zendesk';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const client = (token = sandbox.credentials.apiToken) => createClient({ username: sandbox.credentials.email, token, endpointUri: `${sandbox.baseUrl}/api/v2` });
/** node-zendesk rethrows the error it builds, keeping the status only in the message ("Zendesk Error (404): …"). */
const statusOf = (promise: Promise<unknown>) => promise.then(() => 0, (error: Error) => Number(/Zendesk Error \((\d{3})\)/.exec(error.message)?.[1]));

beforeAll(async () => {
	sandbox = await startSandbox('zendesk');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('me, create, show, update a user; list follows cursor pages; bulk job and its status; time-based export', async () => {
	const zendesk = client();
	expect((await zendesk.users.me()).result).toMatchObject({ role: 'admin' });
	const created = (await zendesk.users.create({ user: { name: 'Ann', email: 'ann@example.com' } })).result as { id: number; name: string };
	expect(created).toMatchObject({ name: 'Ann', email: 'ann@example.com' });
	expect(((await zendesk.users.show(created.id)).result as { email: string }).email).toBe('ann@example.com');
	expect(((await zendesk.users.update(created.id, { user: { name: 'Ann B' } })).result as { name: string }).name).toBe('Ann B');
	await control.seed({ users: Array.from({ length: 150 }, (_, index) => ({ name: `U${index}`, email: `u${index}@example.com` })) });
	const everyone = await zendesk.users.list();
	expect(everyone).toHaveLength(151);
	expect((await control.requests()).filter((entry) => entry.method === 'GET' && entry.path === '/api/v2/users.json')).toHaveLength(2);
	const job = ((await zendesk.users.createOrUpdateMany({ users: [{ name: 'Bob', email: 'bob@example.com' }] } as never)).result as unknown as { job_status: { id: string } }).job_status;
	expect((await zendesk.jobstatuses.show(job.id)).result).toMatchObject({ job_status: { status: 'completed', results: [{ status: 'Created' }] } });
	await control.updateSettings({ incrementalDelayMs: 0 });
	const exported = await zendesk.users.incremental(0);
	expect(exported.length).toBe(152);
});

test('errors carry the status: 401 bad token, 404 unknown user, 422 invalid record, 429 with Retry-After', async () => {
	expect(await statusOf(client('wrong').users.me())).toBe(401);
	expect(await statusOf(client().users.show(424242))).toBe(404);
	expect(await statusOf(client().users.create({ user: { name: '', email: 'not-an-email' } }))).toBe(422);
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/api/v2/users' } });
	// On a 429 with Retry-After node-zendesk resolves (not rejects) with the error as the result.
	const limited = (await client().users.me()) as unknown as { response: { status: number; headers: { get(name: string): string | null } }; result: { statusCode: number } };
	expect(limited.response.status).toBe(429);
	expect(Number(limited.response.headers.get('retry-after'))).toBeGreaterThan(0);
	expect(limited.result).toMatchObject({ statusCode: 429, result: { error: 'TooManyRequests' } });
});
