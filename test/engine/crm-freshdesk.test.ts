/** Sync with the Freshdesk sandbox: contacts linked by email (409), paging by updated_since, companies, 429 + Retry-After. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { freshdeskDefaultMappings } from '../../lib/platforms/freshdesk';
import { hubSpotDefaultMappings } from '../../lib/platforms/hubspot';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface FreshdeskContact {
	id: number;
	name: string;
	email?: string;
	phone?: string;
	deleted: boolean;
}

let servers: RunningSandbox[];
let dir: string;
let store: StateStore;
let hubspot: CrmSandbox;
let freshdesk: CrmSandbox;
let run = 0;

beforeAll(async () => {
	servers = [await startCrmSandbox('hubspot'), await startCrmSandbox('freshdesk')];
});
afterAll(async () => {
	for (const server of servers) await server.close();
});
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-freshdesk-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	hubspot = crmClient('hubspot', servers[0], store);
	freshdesk = crmClient('freshdesk', servers[1], store);
	await hubspot.control.reset();
	await freshdesk.control.reset();
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sync = (entity: 'contacts' | 'companies' = 'contacts') => syncPlatforms({
	store, integration: 'fd', entity, strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `fd-${++run}`,
	platforms: [
		{ connector: hubspot.connector, mappings: hubSpotDefaultMappings[entity] },
		{ connector: freshdesk.connector, mappings: freshdeskDefaultMappings[entity]! },
	],
});
const contacts = async () => (await freshdesk.control.state<FreshdeskContact[]>('contacts')).filter((contact) => !contact.deleted);
const auth = () => `Basic ${Buffer.from(`${servers[1].credentials.apiKey}:X`).toString('base64')}`;

test('contacts reach Freshdesk one call each, a contact Freshdesk already holds is linked by its 409, and Freshdesk\'s pages are all read', async () => {
	await hubspot.control.seed({ contacts: Array.from({ length: 120 }, (_, i) => ({ properties: { firstname: `Ada${i}`, lastname: 'Lovelace', email: `ada${i}@example.com` } })) });
	await freshdesk.control.seed({ contacts: [{ name: 'Ada Zero', email: 'ada0@example.com', phone: '+15550100' }] });
	const first = await sync();
	expect(first.failures).toEqual([]);
	expect(first.pending).toBe(0);
	const all = await contacts();
	expect(all).toHaveLength(120);
	expect(new Set(all.map((contact) => contact.email)).size).toBe(120);
	expect(all.find((contact) => contact.email === 'ada7@example.com')?.name).toBe('Ada7 Lovelace');
	const hubspotAda0 = (await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('contacts')).find((contact) => contact.properties.email === 'ada0@example.com');
	expect(hubspotAda0?.properties.phone).toBe('+15550100');
	// Freshdesk's 120 contacts come back on the next run over two pages of 100, all recognised as our own writes.
	await freshdesk.control.clearRequests();
	const quiet = await sync();
	expect(quiet.platforms.freshdesk.pulled).toBe(0);
	expect(quiet.platforms.freshdesk.created + quiet.platforms.freshdesk.updated + quiet.platforms.hubspot.created + quiet.platforms.hubspot.updated).toBe(0);
	const lists = (await freshdesk.control.requests()).filter((entry) => entry.method === 'GET' && entry.path === '/api/v2/contacts');
	expect(lists.map((entry) => [entry.query._updated_since !== undefined, entry.query.per_page, entry.query.page])).toEqual([[true, '100', '1'], [true, '100', '2']]);
});

test('an edit in Freshdesk reaches HubSpot split into first and last name, and does not loop', async () => {
	await hubspot.control.seed({ contacts: [{ properties: { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' } }] });
	await sync();
	const [contact] = await contacts();
	const edited = await fetch(`${servers[1].baseUrl}/api/v2/contacts/${contact.id}`, {
		method: 'PUT', headers: { authorization: auth(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Grace Brewster Hopper' }),
	});
	expect(edited.status).toBe(200);
	const edit = await sync();
	expect(edit.platforms.hubspot.updated).toBe(1);
	const [hubspotContact] = await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('contacts');
	expect(hubspotContact.properties).toMatchObject({ firstname: 'Grace', lastname: 'Brewster Hopper' });
	const quiet = await sync();
	expect(quiet.platforms.hubspot.updated + quiet.platforms.freshdesk.updated).toBe(0);
});

test('a 429 with Retry-After from Freshdesk is waited out, never reaching the sync', async () => {
	await hubspot.control.seed({ contacts: [{ properties: { firstname: 'Ann', lastname: 'Lee', email: 'ann@example.com' } }] });
	await freshdesk.control.fault({ kind: 'rate_limit_storm', ms: 1000, times: 2 });
	const result = await sync();
	expect(result.failures).toEqual([]);
	expect(await contacts()).toHaveLength(1);
	expect((await freshdesk.control.requests()).filter((entry) => entry.status === 429)).toHaveLength(2);
});

test('companies meet in one sync both ways; Freshdesk\'s unfiltered company list is cut to the changes', async () => {
	await hubspot.control.seed({ companies: [{ properties: { name: 'Acme', domain: 'acme.example', industry: 'Tools' } }] });
	await freshdesk.control.seed({ companies: [{ name: 'Globex', industry: 'Energy' }] });
	const result = await sync('companies');
	expect(result.failures).toEqual([]);
	const companies = await freshdesk.control.state<Array<{ name: string; industry: string | null }>>('companies');
	expect(companies.map((company) => [company.name, company.industry]).sort()).toEqual([['Acme', 'Tools'], ['Globex', 'Energy']]);
	expect((await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('companies')).map((company) => company.properties.name).sort()).toEqual(['Acme', 'Globex']);
	const again = await sync('companies');
	expect(again.platforms.hubspot.created + again.platforms.freshdesk.created + again.platforms.hubspot.updated + again.platforms.freshdesk.updated).toBe(0);
});
