/** The Intercom sandbox answers as Intercom does: bearer auth, versions, 409 on a taken email, day-precision date search. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

async function call(path: string, init: { method?: string; body?: unknown; token?: string; version?: string } = {}) {
	const response = await fetch(`${sandbox.baseUrl}${path}`, {
		method: init.method ?? 'GET',
		headers: { authorization: `Bearer ${init.token ?? sandbox.credentials.accessToken}`, 'content-type': 'application/json', 'intercom-version': init.version ?? '2.14' },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
	sandbox = await startSandbox('intercom');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('401 error.list for a bad token, 400 for an unknown Intercom-Version, rate headers on every answer', async () => {
	const denied = await call('/me', { token: 'nope' });
	expect(denied.status).toBe(401);
	expect(denied.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized' }] });
	expect((await call('/contacts', { method: 'POST', body: { email: 'a@x.test' }, version: '9.9' })).body.errors[0].code).toBe('intercom_version_invalid');
	const me = await call('/me');
	expect(me.headers.get('x-ratelimit-limit')).toBe('1666');
	expect(Number(me.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
});

test('a second contact with the same email is a 409 naming the first', async () => {
	const first = await call('/contacts', { method: 'POST', body: { email: 'ann@example.com', name: 'Ann' } });
	const second = await call('/contacts', { method: 'POST', body: { email: 'ANN@example.com' } });
	expect(second.status).toBe(409);
	expect(second.body.errors[0].message).toContain(`id=${first.body.id}`);
});

test('date search matches from the start of the value\'s day and pages with starting_after', async () => {
	const noon = Math.floor(Date.parse('2026-11-27T12:00:00Z') / 1000);
	await control.seed({ contacts: [{ email: 'a@x.test', updated_at: noon - 7200 }, { email: 'b@x.test', updated_at: noon + 60 }, { email: 'c@x.test', updated_at: noon - 90_000 }] });
	const page1 = await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>', value: noon }, pagination: { per_page: 1 } } });
	expect(page1.body.total_count).toBe(2);
	const page2 = await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>', value: noon }, pagination: { per_page: 1, starting_after: page1.body.pages.next.starting_after } } });
	expect([page1.body.data[0].email, page2.body.data[0].email]).toEqual(['a@x.test', 'b@x.test']);
	expect((await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>=', value: noon } } })).status).toBe(400);
});
