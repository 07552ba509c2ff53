/** Intercom's own Node client (intercom-client) against the Intercom sandbox: calls parse, errors come out typed, 429s are retried. */
import { Intercom, IntercomClient, IntercomError } from 'intercom-client';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const client = (token = sandbox.credentials.accessToken, maxRetries = 0) => new IntercomClient({ token, baseUrl: sandbox.baseUrl, version: '2.14', maxRetries });

beforeAll(async () => {
	sandbox = await startSandbox('intercom');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('create, find, update a contact; list and search page through starting_after with the client\'s pager', async () => {
	const intercom = client();
	const created = await intercom.contacts.create({ email: 'ann@acme.test', external_id: 'crm-1', name: 'Ann' });
	expect(created).toMatchObject({ type: 'contact', email: 'ann@acme.test', external_id: 'crm-1' });
	expect((await intercom.contacts.find({ contact_id: created.id })).id).toBe(created.id);
	expect(await intercom.contacts.update({ contact_id: created.id, name: 'Ann B' })).toMatchObject({ name: 'Ann B' });
	for (let index = 0; index < 4; index++) await intercom.contacts.create({ email: `u${index}@${index % 2 ? 'acme' : 'other'}.test`, role: 'user' });
	const listed: string[] = [];
	for await (const contact of await intercom.contacts.list({ per_page: 2 })) listed.push(String(contact.email));
	expect(listed.sort()).toEqual(['ann@acme.test', 'u0@other.test', 'u1@acme.test', 'u2@other.test', 'u3@acme.test']);
	const found: string[] = [];
	const query = { operator: 'AND' as const, value: [{ field: 'email', operator: '~' as const, value: 'acme' }, { field: 'role', operator: '=' as const, value: 'user' }] };
	for await (const contact of await intercom.contacts.search({ query, pagination: { per_page: 1 } })) found.push(String(contact.email));
	expect(found.sort()).toEqual(['ann@acme.test', 'u1@acme.test', 'u3@acme.test']);
	expect((await control.requests()).filter((entry) => entry.path === '/contacts/search')).toHaveLength(3);
});

test('errors come out typed: unauthorized, not found, conflict on a taken external_id, bad search', async () => {
	const unauthorized = await client('wrong').contacts.find({ contact_id: 'x' }).catch((error: unknown) => error);
	expect(unauthorized).toBeInstanceOf(Intercom.UnauthorizedError);
	expect(unauthorized).toMatchObject({ statusCode: 401 });
	const missing = await client().contacts.find({ contact_id: 'nope' }).catch((error: unknown) => error);
	// The client types only the errors Intercom's document lists for an endpoint; the rest are IntercomError.
	expect(missing).toBeInstanceOf(IntercomError);
	expect(missing).toMatchObject({ statusCode: 404, body: { type: 'error.list', errors: [{ code: 'not_found' }] } });
	await client().contacts.create({ external_id: 'crm-1', email: 'a@x.test' });
	const conflict = await client().contacts.create({ external_id: 'crm-1', email: 'b@x.test' }).catch((error: unknown) => error);
	expect(conflict).toBeInstanceOf(IntercomError);
	expect(conflict).toMatchObject({ statusCode: 409, body: { type: 'error.list', errors: [{ code: 'conflict' }] } });
	const invalid = client().contacts.search({ query: { field: 'created_at', operator: 'IN', value: ['1'] } });
	await expect(invalid).rejects.toMatchObject({ statusCode: 400 });
});

test('a 429 is retried by the client after the reset Intercom reports, then succeeds', async () => {
	await control.fault({ kind: 'rate_limit_storm', ms: 1000, match: { path: '/me' } });
	const me = await client(undefined, 2).admins.identify();
	expect(me).toMatchObject({ type: 'admin' });
	expect((await control.requests()).map((entry) => entry.status)).toEqual([429, 200]);
	await control.fault({ kind: 'rate_limit_storm', ms: 1000, match: { path: '/me' } });
	const refused = await client().admins.identify().catch((error: unknown) => error);
	expect(refused).toBeInstanceOf(IntercomError);
	expect(refused).toMatchObject({ statusCode: 429, body: { errors: [{ code: 'rate_limit_exceeded' }] } });
});
