/**
 * The Intercom sandbox answers as Intercom's 2.14 OpenAPI description says, for every request the Intercom CRM
 * connector makes and every endpoint the sandbox serves.
 */
import { crmClient, type CrmSandbox } from '../../engine/crmSandboxes';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults } from '../support/conformance';
import { apiClient } from '../support/http';
import { OpenApiValidator } from '../support/openapi';

const spec = new OpenApiValidator('intercom/api.intercom.io-2.14.yaml');
const conformance = new SpecConformance([{ spec, base: '', errors: 'components/schemas/error' }]);
let sandbox: RunningSandbox;
let intercom: CrmSandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('intercom', conformance);
	intercom = crmClient('intercom', sandbox);
	api = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await intercom.control.reset();
	conformance.clear();
});

async function pullAll(entity: 'contacts' | 'companies' | 'tickets'): Promise<number> {
	let cursor: string | undefined;
	let pulled = 0;
	for (;;) {
		const page = await intercom.connector.pullChanges(entity, cursor);
		pulled += page.records.length;
		cursor = page.cursor;
		if (page.done) return pulled;
	}
}

test('the connector writes, pulls and archives contacts, companies and tickets with answers that match the spec', async () => {
	const { connector } = intercom;
	const [contact] = await connector.write('contacts', [{ fields: { email: 'ada@example.com', name: 'Ada' }, internalId: 'c-1' }]);
	expect(contact.ok).toBe(true);
	// The 409 of a taken email, then the update of the contact it names.
	const [linked] = await connector.write('contacts', [{ fields: { email: 'ada@example.com', phone: '+15550100' }, internalId: 'c-2' }]);
	expect(linked).toMatchObject({ ok: true, created: false });
	await connector.write('contacts', [{ fields: { name: 'Ada L.' }, externalId: contact.ok ? contact.externalId : '' }]);

	const [company] = await connector.write('companies', [{ fields: { name: 'Acme', website: 'acme.example', industry: 'Software' }, internalId: 'co-1' }]);
	await connector.write('companies', [{ fields: { name: 'Globex' }, internalId: 'co-2' }]);
	await connector.write('companies', [{ fields: { name: 'Acme Corp' }, externalId: company.ok ? company.externalId : '' }]);

	const [ticket] = await connector.write('tickets', [{ fields: { _default_title_: 'Printer on fire', ticket_type_id: '1', contact_email: 'ada@example.com', open: true } }]);
	expect(ticket.ok).toBe(true);
	await connector.write('tickets', [{ fields: { _default_title_: 'Printer still on fire' }, externalId: ticket.ok ? ticket.externalId : '' }]);

	expect(await pullAll('contacts')).toBe(1);
	expect(await pullAll('companies')).toBe(2);
	expect(await pullAll('tickets')).toBe(1);

	await connector.archive!('tickets', [ticket.ok ? ticket.externalId : '']);
	await connector.archive!('contacts', [contact.ok ? contact.externalId : '']);
	await connector.archive!('companies', [company.ok ? company.externalId : '']);
	// Archive is a soft delete where Intercom has one: the ticket is closed, the contact archived (out of search).
	expect((await intercom.control.state<Array<{ open: boolean }>>('tickets')).map((entry) => entry.open)).toEqual([false]);
	expect(await pullAll('contacts')).toBe(0);
	expect(await intercom.control.state<unknown[]>('companies')).toHaveLength(1);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.requestProblems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'post /contacts 200', 'post /contacts 409', 'put /contacts/{contact_id} 200', 'post /contacts/search 200',
		'post /companies 200', 'put /companies/{company_id} 200', 'get /companies/scroll 200', 'delete /companies/{company_id} 200',
		'post /tickets 200', 'put /tickets/{ticket_id} 200', 'post /tickets/search 200',
		'post /contacts/{contact_id}/archive 200',
	]));
});

test('every other endpoint the sandbox serves, and its errors, match the spec', async () => {
	const contact = (await api('/contacts', { method: 'POST', body: { email: 'grace@example.com', external_id: 'g-1' } })).body;
	await api('/me');
	await api(`/contacts/${contact.id}`);
	await api('/contacts/find_by_external_id/g-1');
	await api('/contacts/find_by_external_id/nobody');
	await api('/contacts/search', { method: 'POST', body: { query: { field: 'email', operator: '=', value: 'grace@example.com' } } });
	await api('/contacts/search', { method: 'POST', body: { query: { field: 'role', operator: '~', value: 'x' } } });
	await api('/contacts', { method: 'POST', body: { nickname: 'no such field' } });
	await api(`/contacts/${contact.id}/archive`, { method: 'POST' });
	await api(`/contacts/${contact.id}/unarchive`, { method: 'POST' });
	await api('/contacts/missing', { method: 'PUT', body: { name: 'x' } });

	const company = (await api('/companies', { method: 'POST', body: { name: 'Initech', company_id: 'ini-1', plan: 'Pro' } })).body;
	await api(`/companies/${company.id}`);
	await api('/companies/missing');
	await api('/companies/scroll?scroll_param=expired');

	const ticket = (await api('/tickets', { method: 'POST', body: { ticket_type_id: '1', contacts: [{ id: contact.id }] } })).body;
	await api(`/tickets/${ticket.id}`);
	await api('/tickets/missing');
	await api('/tickets', { method: 'POST', body: { contacts: [{ id: contact.id }] } });
	await api(`/tickets/${ticket.id}`, { method: 'DELETE' });
	await api('/ticket_types');
	await api(`/contacts/${contact.id}`, { method: 'DELETE' });
	await api('/contacts/missing', { method: 'DELETE' });
	await apiClient(sandbox.baseUrl, 'wrong-token')('/me');
	await underFaults(intercom.control, () => api('/me'));

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'get /me 200', 'get /me 401', 'get /contacts/{contact_id} 200', 'get /contacts/find_by_external_id/{external_id} 200',
		'get /companies/{company_id} 200', 'get /companies/{company_id} 404', 'get /tickets/{ticket_id} 200', 'get /tickets/{ticket_id} 404',
		'delete /tickets/{ticket_id} 200', 'delete /contacts/{contact_id} 200', 'post /contacts/{contact_id}/unarchive 200', 'get /ticket_types 200',
	]));
});

test('the check fails on a body that breaks the spec (ticket search answered as a plain list, a request off its schema)', () => {
	const drifted = new SpecConformance([{ spec, base: '' }]);
	drifted.record({ method: 'POST', path: '/tickets/search', query: new URLSearchParams(), requestBody: { query: { field: 'updated_at', operator: '>', value: 1 } }, status: 200, body: { type: 'list', tickets: [], total_count: 0 } });
	drifted.record({ method: 'DELETE', path: '/tickets/abc/everything', query: new URLSearchParams(), requestBody: undefined, status: 200, body: {} });
	expect(drifted.problems()).toEqual([
		expect.stringContaining('/type must be equal to one of the allowed values'),
		expect.stringContaining('no such operation in the spec'),
	]);
	drifted.record({ method: 'PUT', path: '/tickets/abc', query: new URLSearchParams(), requestBody: { open: 'no' }, status: 200, body: {} });
	expect(drifted.requestProblems()).toEqual([expect.stringContaining('PUT /tickets/abc request: /open must be boolean')]);
});
