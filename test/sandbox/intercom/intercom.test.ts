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

test('date search truncates the value to its day: `>` matches from the start of the next day, `<` before that day; pages with starting_after', async () => {
	const noon = Math.floor(Date.parse('2026-11-27T12:00:00Z') / 1000);
	const dayBefore = noon - 86_400;
	await control.seed({ contacts: [{ email: 'a@x.test', updated_at: noon - 7200 }, { email: 'b@x.test', updated_at: noon + 60 }, { email: 'c@x.test', updated_at: noon - 90_000 }, { email: 'd@x.test', updated_at: noon + 46_800 }] });
	const search = async (operator: string, value: number) => (await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator, value } } })).body.data.map((contact: { email: string }) => contact.email).sort();
	// Intercom's own example: `>` 9:00 on a day finds nothing of that day, only from the next midnight.
	expect(await search('>', noon)).toEqual(['d@x.test']);
	expect(await search('<', noon)).toEqual(['c@x.test']);
	const page1 = await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>', value: dayBefore }, pagination: { per_page: 1 } } });
	expect(page1.body.total_count).toBe(3);
	const page2 = await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>', value: dayBefore }, pagination: { per_page: 1, starting_after: page1.body.pages.next.starting_after } } });
	expect([page1.body.data[0].email, page2.body.data[0].email]).toEqual(['a@x.test', 'b@x.test']);
	expect((await call('/contacts/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>=', value: noon } } })).status).toBe(400);
});

test('POST /companies creates, then updates the company with the same company_id; company_id cannot change', async () => {
	const created = await call('/companies', { method: 'POST', body: { company_id: 'acme-1', name: 'Acme', website: 'acme.example' } });
	expect(created.body).toMatchObject({ type: 'company', company_id: 'acme-1', name: 'Acme', website: 'acme.example' });
	const again = await call('/companies', { method: 'POST', body: { company_id: 'acme-1', industry: 'Tools' } });
	expect(again.body).toMatchObject({ id: created.body.id, name: 'Acme', industry: 'Tools' });
	expect(await control.state('companies')).toHaveLength(1);
	expect((await call(`/companies/${created.body.id}`, { method: 'PUT', body: { company_id: 'other' } })).status).toBe(400);
	expect((await call('/companies', { method: 'POST', body: { domain: 'x' } })).body).toMatchObject({ type: 'error.list', errors: [{ code: 'parameter_invalid', field: 'domain' }] });
	expect((await call('/companies/nope')).body.errors[0].code).toBe('company_not_found');
});

test('the company scroll pages with one scroll_param, ends with an empty page, and then the param has expired', async () => {
	await control.seed({ companies: Array.from({ length: 60 }, (_, i) => ({ company_id: `c${i}`, name: `C${i}` })) });
	const first = await call('/companies/scroll');
	expect(first.body.data).toHaveLength(50);
	const second = await call(`/companies/scroll?scroll_param=${first.body.scroll_param}`);
	expect(second.body.data).toHaveLength(10);
	const end = await call(`/companies/scroll?scroll_param=${first.body.scroll_param}`);
	expect(end.body.data).toEqual([]);
	expect((await call(`/companies/scroll?scroll_param=${first.body.scroll_param}`)).status).toBe(400);
});

test('tickets need a type and one contact (an unknown email creates the contact), update merges ticket_attributes, search is day-precise', async () => {
	expect((await call('/tickets', { method: 'POST', body: { contacts: [{ email: 'a@x.test' }] } })).body.errors[0]).toMatchObject({ code: 'parameter_not_found', field: 'ticket_type_id' });
	const ticket = await call('/tickets', { method: 'POST', body: { ticket_type_id: '7', contacts: [{ email: 'new@x.test' }], ticket_attributes: { _default_title_: 'Broken', _default_description_: 'It broke' } } });
	expect(ticket.body).toMatchObject({ type: 'ticket', ticket_type: { id: '7' }, open: true });
	const [contact] = await control.state<Array<{ id: string; email: string }>>('contacts');
	expect(ticket.body.contacts.contacts[0].id).toBe(contact.id);
	const updated = await call(`/tickets/${ticket.body.id}`, { method: 'PUT', body: { ticket_attributes: { _default_title_: 'Fixed' }, open: false } });
	expect(updated.body).toMatchObject({ open: false, ticket_attributes: { _default_title_: 'Fixed', _default_description_: 'It broke' } });
	const noon = Math.floor(Date.parse('2026-11-27T12:00:00Z') / 1000);
	await control.seed({ tickets: [{ ticket_type_id: '7', contacts: [{ email: 'new@x.test' }], updated_at: noon - 7200 }, { ticket_type_id: '7', contacts: [{ email: 'new@x.test' }], updated_at: noon - 90_000 }] });
	// `>` the day before matches from the start of noon's day: the ticket two hours before noon and the one just
	// updated match; the one from the day before does not.
	const found = await call('/tickets/search', { method: 'POST', body: { query: { field: 'updated_at', operator: '>', value: noon - 86_400 }, pagination: { per_page: 1 } } });
	expect(found.body.total_count).toBe(2);
	expect(found.body.pages.next.starting_after).toEqual(expect.any(String));
});

test('a second contact with an existing external_id is a 409 naming the first, on create and on update', async () => {
	const first = await call('/contacts', { method: 'POST', body: { external_id: 'crm-1', email: 'one@example.com' } });
	const second = await call('/contacts', { method: 'POST', body: { external_id: 'crm-1', email: 'two@example.com' } });
	expect(second.status).toBe(409);
	expect(second.body).toMatchObject({ type: 'error.list', errors: [{ code: 'conflict' }] });
	expect(second.body.errors[0].message).toContain(`id=${first.body.id}`);
	const other = await call('/contacts', { method: 'POST', body: { external_id: 'crm-2' } });
	expect((await call(`/contacts/${other.body.id}`, { method: 'PUT', body: { external_id: 'crm-1' } })).status).toBe(409);
	expect((await call(`/contacts/${first.body.id}`, { method: 'PUT', body: { external_id: 'crm-1', name: 'Same' } })).status).toBe(200);
});

test('search by role, external_id and string operators, in nested AND/OR groups; too deep or a date operator Intercom refuses is a 400', async () => {
	await control.seed({ contacts: [
		{ email: 'ann@acme.test', external_id: 'a-1', role: 'user', name: 'Ann' },
		{ email: 'bob@acme.test', external_id: 'b-2', role: 'lead', name: 'Bob' },
		{ email: 'cy@other.test', external_id: 'c-3', role: 'user', name: 'Cy' },
	] });
	const emails = async (query: unknown) => {
		const found = await call('/contacts/search', { method: 'POST', body: { query } });
		expect(found.status).toBe(200);
		return (found.body.data as Array<{ email: string }>).map((contact) => contact.email).sort();
	};
	expect(await emails({ field: 'role', operator: '=', value: 'lead' })).toEqual(['bob@acme.test']);
	expect(await emails({ field: 'external_id', operator: 'IN', value: ['a-1', 'c-3'] })).toEqual(['ann@acme.test', 'cy@other.test']);
	expect(await emails({ field: 'email', operator: '$', value: '@acme.test' })).toEqual(['ann@acme.test', 'bob@acme.test']);
	expect(await emails({ operator: 'AND', value: [{ field: 'role', operator: '=', value: 'user' }, { field: 'email', operator: '~', value: 'acme' }] })).toEqual(['ann@acme.test']);
	expect(await emails({ operator: 'OR', value: [
		{ operator: 'AND', value: [{ field: 'role', operator: '=', value: 'lead' }, { field: 'name', operator: '^', value: 'B' }] },
		{ operator: 'AND', value: [{ field: 'external_id', operator: '!=', value: 'a-1' }, { field: 'role', operator: '=', value: 'user' }] },
	] })).toEqual(['bob@acme.test', 'cy@other.test']);
	const leaf = { field: 'role', operator: '=', value: 'user' };
	const tooDeep = await call('/contacts/search', { method: 'POST', body: { query: { operator: 'AND', value: [{ operator: 'OR', value: [{ operator: 'AND', value: [leaf] }] }] } } });
	expect(tooDeep.status).toBe(400);
	expect((await call('/contacts/search', { method: 'POST', body: { query: { field: 'created_at', operator: 'IN', value: [1] } } })).status).toBe(400);
	expect((await call('/contacts/search', { method: 'POST', body: { query: { field: 'email', operator: '>', value: 'a' } } })).status).toBe(400);
});
