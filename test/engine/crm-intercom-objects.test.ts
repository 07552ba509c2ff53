/** Intercom companies and tickets through the connector: push (create, then update through the ID map) and pull by updated_at. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { intercomDefaultMappings } from '../../lib/platforms/intercom';
import type { CrmEntity } from '../../lib/platforms/crm';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { pullChanges } from '../../lib/sync/pull';
import { pushRecords, type InternalRecord } from '../../lib/sync/push';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

type Stored = Record<string, unknown> & { id: string; updated_at: number };

let server: RunningSandbox;
let dir: string;
let store: StateStore;
let intercom: CrmSandbox;
let run = 0;

beforeAll(async () => {
	server = await startCrmSandbox('intercom');
});
afterAll(() => server.close());
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-intercom-objects-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	intercom = crmClient('intercom', server, store);
	await intercom.control.reset();
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const push = (entity: CrmEntity, records: InternalRecord[]) => pushRecords({
	store, connector: intercom.connector, integration: 'ico', entity, mappings: intercomDefaultMappings[entity]!, records, runId: `ico-${++run}`,
});
const pull = async (entity: CrmEntity) => {
	const seen: Array<Record<string, unknown>> = [];
	await pullChanges({
		store, connector: intercom.connector, integration: 'ico', entity, mappings: intercomDefaultMappings[entity]!, deletes: 'ignore',
		onPage: async (changes) => void seen.push(...changes.map((change) => change.fields)),
	});
	return seen;
};

test('companies are created with our id as company_id, updated through the ID map, and a lost link cannot duplicate them', async () => {
	const first = await push('companies', [{ id: 'co-1', name: 'Acme ', domain: 'ACME.example' }, { id: 'co-2', name: 'Globex', domain: 'globex.example' }]);
	expect(first.outcomes.map((outcome) => outcome.status)).toEqual(['created', 'created']);
	const second = await push('companies', [{ id: 'co-1', name: 'Acme Corp', domain: 'acme.example' }]);
	expect(second.outcomes[0]).toMatchObject({ status: 'updated', externalId: first.outcomes[0].externalId });
	// A create repeated without the link (as after a lost response) upserts on company_id.
	const [again] = await intercom.connector.write('companies', [{ fields: { name: 'Acme Corp' }, internalId: 'co-1' }]);
	expect(again).toMatchObject({ ok: true, externalId: first.outcomes[0].externalId });
	const companies = await intercom.control.state<Stored[]>('companies');
	expect(companies.map((company) => [company.company_id, company.name, company.website]).sort()).toEqual([['co-1', 'Acme Corp', 'acme.example'], ['co-2', 'Globex', 'globex.example']]);
});

test('a companies pull scrolls every page, keeps those updated after the cursor, and the next pull sees only new changes', async () => {
	const noon = Math.floor(Date.parse('2026-11-27T12:00:00Z') / 1000);
	await intercom.control.seed({ companies: Array.from({ length: 70 }, (_, i) => ({ company_id: `c${i}`, name: `Company ${i}`, website: `c${i}.example`, updated_at: noon + i })) });
	expect(new Set((await pull('companies')).map((fields) => fields.website)).size).toBe(70);
	expect(await pull('companies')).toEqual([]);
	await intercom.connector.write('companies', [{ fields: { name: 'Company 5', website: 'c5.example', industry: 'Rail' }, internalId: 'c5' }]);
	expect(await pull('companies')).toEqual([expect.objectContaining({ website: 'c5.example', industry: 'Rail' })]);
	const scrolls = (await intercom.control.requests()).filter((request) => request.path.startsWith('/companies/scroll'));
	expect(scrolls.length).toBeGreaterThanOrEqual(3 * 2);
});

test('tickets are created for their requester, updated through the ID map, and pulled exactly although search matches the whole day', async () => {
	const created = await push('tickets', [{ id: 't-1', subject: ' Printer on fire ', description: 'Smoke', ticketTypeId: '7', requesterEmail: 'Ann@Example.com' }]);
	expect(created.outcomes[0].status).toBe('created');
	const updated = await push('tickets', [{ id: 't-1', subject: 'Printer fixed', description: 'Smoke', ticketTypeId: '7', requesterEmail: 'ann@example.com' }]);
	expect(updated.outcomes[0]).toMatchObject({ status: 'updated', externalId: created.outcomes[0].externalId });
	const [ticket] = await intercom.control.state<Stored[]>('tickets');
	expect(ticket.ticket_attributes).toEqual({ _default_title_: 'Printer fixed', _default_description_: 'Smoke' });
	const [contact] = await intercom.control.state<Stored[]>('contacts');
	expect(contact.email).toBe('ann@example.com');

	const noon = Math.floor(Date.parse('2026-11-27T12:00:00Z') / 1000);
	await intercom.control.seed({ tickets: [{ ticket_type_id: '7', contacts: [{ email: 'bob@example.com' }], ticket_attributes: { _default_title_: 'Old' }, updated_at: noon - 3600 }] });
	expect((await pull('tickets')).map((fields) => fields._default_title_).sort()).toEqual(['Old', 'Printer fixed']);
	expect(await pull('tickets')).toEqual([]);
	const searches = (await intercom.control.requests()).filter((request) => request.path === '/tickets/search');
	expect(searches.length).toBe(2);
});
