/** The Mailchimp sandbox's fidelity: problem details, batch subscribe semantics, status_if_new, the 10-connection limit. */
import { execFileSync } from 'node:child_process';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { memberHash } from '.';

let sandbox: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	sandbox = await startSandbox('mailchimp');
	control = new SandboxControl(sandbox.baseUrl);
});
beforeEach(async () => {
	await control.reset();
	await control.seed({ lists: [{ id: 'L1' }] });
});
afterAll(async () => sandbox.close());

function call(method: string, path: string, body?: unknown, key = sandbox.credentials.apiKey) {
	return fetch(`${sandbox.baseUrl}/3.0${path}`, {
		method,
		headers: { authorization: `Basic ${Buffer.from(`any:${key}`).toString('base64')}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

test('a wrong key gets an RFC 7807 problem', async () => {
	const response = await call('GET', '/ping', undefined, 'nope-us21');
	expect(response.status).toBe(401);
	expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
	expect(await response.json()).toMatchObject({ title: 'API Key Invalid', status: 401, type: expect.any(String), detail: expect.any(String), instance: expect.any(String) });
});

test('batch subscribe answers 200 with per-member errors and refuses more than 500 members', async () => {
	await control.seed({ members: [{ list_id: 'L1', email_address: 'old@example.com', status: 'unsubscribed' }] });
	const response = await call('POST', '/lists/L1', {
		members: [{ email_address: 'new@example.com', status_if_new: 'subscribed' }, { email_address: 'not-an-email', status_if_new: 'subscribed' }, { email_address: 'old@example.com', status_if_new: 'subscribed' }],
		update_existing: false,
	});
	expect(response.status).toBe(200);
	const body = (await response.json()) as { new_members: unknown[]; errors: Array<{ email_address: string; error_code: string }> };
	expect(body.new_members).toHaveLength(1);
	expect(body.errors.map((error) => [error.email_address, error.error_code])).toEqual([['not-an-email', 'ERROR_GENERIC'], ['old@example.com', 'ERROR_CONTACT_EXISTS']]);
	const tooMany = await call('POST', '/lists/L1', { members: Array.from({ length: 501 }, (_, index) => ({ email_address: `p${index}@example.com`, status: 'subscribed' })) });
	expect(tooMany.status).toBe(400);
});

test('PUT by hash creates with status_if_new and leaves an existing member\'s status alone', async () => {
	const hash = memberHash('Ada@Example.com');
	const created = await call('PUT', `/lists/L1/members/${hash}`, { email_address: 'Ada@Example.com', status_if_new: 'subscribed' });
	expect(await created.json()).toMatchObject({ id: hash, status: 'subscribed' });
	await control.seed({ members: [{ list_id: 'L1', email_address: 'ada@example.com', status: 'unsubscribed' }] });
	const again = await call('PUT', `/lists/L1/members/${hash}`, { email_address: 'ada@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Ada' } });
	expect(await again.json()).toMatchObject({ status: 'unsubscribed', merge_fields: { FNAME: 'Ada' } });
	expect((await call('PUT', `/lists/L1/members/${hash}`, { email_address: 'other@example.com', status_if_new: 'subscribed' })).status).toBe(400);
});

test('an 11th simultaneous connection is refused with 429', async () => {
	// Held open long enough that all twelve arrive while the first ten are open, however loaded the machine.
	await control.updateSettings({ responseDelayMs: 1000 });
	const statuses = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/ping').then((response) => response.status)));
	expect(statuses.filter((status) => status === 200)).toHaveLength(10);
	expect(statuses.filter((status) => status === 429)).toHaveLength(2);
});

test('since_last_changed returns members changed after the given time', async () => {
	await control.seed({ members: [{ list_id: 'L1', email_address: 'a@example.com', status: 'unsubscribed' }] });
	const body = (await (await call('GET', '/lists/L1/members?status=unsubscribed&since_last_changed=2000-01-01T00:00:00%2B00:00')).json()) as { members: unknown[] };
	expect(body.members).toHaveLength(1);
	const future = (await (await call('GET', '/lists/L1/members?status=unsubscribed&since_last_changed=2999-01-01T00:00:00%2B00:00')).json()) as { members: unknown[] };
	expect(future.members).toHaveLength(0);
});

test('POST /batches runs each operation; the batch finishes with its counts and a results archive fetched without the key', async () => {
	const hash = memberHash('ann@example.com');
	const submitted = await call('POST', '/batches', { operations: [
		{ method: 'PUT', path: `/lists/L1/members/${hash}`, operation_id: 'put-ann', body: JSON.stringify({ email_address: 'ann@example.com', status_if_new: 'subscribed' }) },
		{ method: 'GET', path: `/lists/L1/members/${hash}`, operation_id: 'get-ann', params: { fields: 'email_address' } },
		{ method: 'POST', path: '/lists/L1/members', operation_id: 'dup-ann', body: JSON.stringify({ email_address: 'ann@example.com', status: 'subscribed' }) },
	] });
	expect(submitted.status).toBe(200);
	const pending = await submitted.json() as { id: string; status: string; total_operations: number };
	expect(pending).toMatchObject({ status: 'pending', total_operations: 3 });
	const batch = await (await call('GET', `/batches/${pending.id}`)).json() as { status: string; finished_operations: number; errored_operations: number; response_body_url: string };
	expect(batch).toMatchObject({ status: 'finished', finished_operations: 3, errored_operations: 1 });
	const archive = Buffer.from(await (await fetch(batch.response_body_url)).arrayBuffer());
	const results = JSON.parse(execFileSync('tar', ['-xzO'], { input: archive }).toString()) as Array<{ status_code: number; operation_id: string; response: string }>;
	expect(results.map((result) => [result.operation_id, result.status_code])).toEqual([['put-ann', 200], ['get-ann', 200], ['dup-ann', 400]]);
	expect(JSON.parse(results[2].response)).toMatchObject({ title: 'Member Exists' });
	expect((await (await call('GET', '/batches')).json() as { total_items: number }).total_items).toBe(1);
	expect((await call('POST', '/batches', { operations: [{ method: 'FETCH', path: '/ping' }] })).status).toBe(400);
	expect((await call('GET', '/batches/nope')).status).toBe(404);
});
