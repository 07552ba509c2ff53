/** The ActiveCampaign sandbox's fidelity: Api-Token, 5 requests/s with Retry-After, sync by email, bulk import limits, tag-started automations. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	sandbox = await startSandbox('activecampaign');
	control = new SandboxControl(sandbox.baseUrl);
});
beforeEach(async () => {
	await control.reset();
	await control.seed({ lists: [{ id: 3 }], automations: [{ id: 11, startTag: 'welcome' }] });
});
afterAll(async () => sandbox.close());

function call(method: string, path: string, body?: unknown, token = sandbox.credentials.apiToken) {
	return fetch(`${sandbox.baseUrl}/api/3${path}`, {
		method,
		headers: { 'api-token': token, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

test('a wrong token is refused with 403; the sixth request in a second gets 429 with Retry-After', async () => {
	expect((await call('GET', '/users/me', undefined, 'wrong')).status).toBe(403);
	await control.reset();
	const responses = await Promise.all(Array.from({ length: 6 }, () => call('GET', '/users/me')));
	const limited = responses.filter((response) => response.status === 429);
	expect(limited).toHaveLength(1);
	expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
});

test('contact/sync upserts by email: 201 then 200, one contact', async () => {
	expect((await call('POST', '/contact/sync', { contact: { email: 'Ada@example.com', firstName: 'Ada' } })).status).toBe(201);
	expect((await call('POST', '/contact/sync', { contact: { email: 'ada@example.com', lastName: 'L' } })).status).toBe(200);
	expect(await control.state('contacts')).toEqual([expect.objectContaining({ email: 'ada@example.com', firstName: 'Ada', lastName: 'L' })]);
	expect((await call('POST', '/contact/sync', { contact: { email: 'nope' } })).status).toBe(422);
});

test('bulk import: at most 250, refused whole when a contact is invalid, tags start their automation once', async () => {
	expect((await call('POST', '/import/bulk_import', { contacts: Array.from({ length: 251 }, (_, index) => ({ email: `p${index}@example.com` })) })).status).toBe(400);
	const invalid = await call('POST', '/import/bulk_import', { contacts: [{ email: 'ok@example.com' }, { email: 'bad' }] });
	expect(invalid.status).toBe(400);
	expect(await control.state('contacts')).toHaveLength(0);
	const contact = { email: 'ok@example.com', tags: ['welcome', 'vip'], subscribe: [{ listid: 3 }] };
	expect(await (await call('POST', '/import/bulk_import', { contacts: [contact] })).json()).toMatchObject({ success: 1, queued_contacts: 1 });
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await call('POST', '/import/bulk_import', { contacts: [contact] });
	expect(await control.state('automationRuns')).toHaveLength(1);
	expect(await control.state('contacts')).toEqual([expect.objectContaining({ lists: { 3: 1 }, tags: ['welcome', 'vip'] })]);
});
