/** Sync with the Zendesk sandbox: users joined to HubSpot contacts by email, bulk jobs, incremental export, 429 + Retry-After. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { hubSpotDefaultMappings } from '../../lib/platforms/hubspot';
import { zendeskDefaultMappings } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface ZendeskUser {
	id: number;
	name: string;
	email: string;
	phone?: string;
	external_id?: string;
	active: boolean;
}

let servers: RunningSandbox[];
let dir: string;
let store: StateStore;
let hubspot: CrmSandbox;
let zendesk: CrmSandbox;
let run = 0;

beforeAll(async () => {
	servers = [await startCrmSandbox('hubspot'), await startCrmSandbox('zendesk')];
});
afterAll(async () => {
	for (const server of servers) await server.close();
});
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-zendesk-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	hubspot = crmClient('hubspot', servers[0], store);
	zendesk = crmClient('zendesk', servers[1], store);
	await hubspot.control.reset();
	await zendesk.control.reset();
	// Zendesk leaves the last minute out of incremental exports; the tests do not wait a minute.
	await zendesk.control.updateSettings({ incrementalDelayMs: 0 });
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sync = () => syncPlatforms({
	store, integration: 'zd', entity: 'contacts', platforms: [hubspot.platform, zendesk.platform], strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `zd-${++run}`,
});
const users = async () => (await zendesk.control.state<ZendeskUser[]>('users')).filter((user) => user.active);

test('contacts reach Zendesk as users (name joined, our id as external_id), existing users are linked by email', async () => {
	await hubspot.control.seed({ contacts: Array.from({ length: 150 }, (_, i) => ({ properties: { firstname: `Ada${i}`, lastname: 'Lovelace', email: `ada${i}@example.com` } })) });
	await zendesk.control.seed({ users: [{ name: 'Ada Zero', email: 'ADA0@example.com', phone: '+15550100' }] });
	const result = await sync();
	expect(result.pending).toBe(0);
	const all = await users();
	expect(all).toHaveLength(150);
	expect(new Set(all.map((user) => user.email.toLowerCase())).size).toBe(150);
	expect(all.find((user) => user.email === 'ada7@example.com')).toMatchObject({ name: 'Ada7 Lovelace', external_id: expect.any(String) });
	const requests = await zendesk.control.requests();
	expect(requests.filter((entry) => entry.path.endsWith('create_or_update_many.json'))).toHaveLength(2);
	const hubspotAda0 = (await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('contacts')).find((contact) => contact.properties.email === 'ada0@example.com');
	expect(hubspotAda0?.properties.phone).toBe('+15550100');
});

test('an edit in Zendesk comes back to HubSpot, split into first and last name, and does not loop', async () => {
	await hubspot.control.seed({ contacts: [{ properties: { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' } }] });
	await sync();
	const [user] = await users();
	const auth = `Basic ${Buffer.from(`${servers[1].credentials.email}/token:${servers[1].credentials.apiToken}`).toString('base64')}`;
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await fetch(`${servers[1].baseUrl}/api/v2/users/update_many.json`, {
		method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ users: [{ id: user.id, name: 'Grace Brewster Hopper' }] }),
	});
	const edit = await sync();
	expect(edit.platforms.hubspot.updated).toBe(1);
	const [contact] = await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('contacts');
	expect(contact.properties).toMatchObject({ firstname: 'Grace', lastname: 'Brewster Hopper' });
	const quiet = await sync();
	expect(quiet.platforms.hubspot.updated + quiet.platforms.zendesk.updated).toBe(0);
});

test('a 429 with Retry-After from Zendesk is waited out, never reaching the sync', async () => {
	await hubspot.control.seed({ contacts: [{ properties: { firstname: 'Ann', lastname: 'Lee', email: 'ann@example.com' } }] });
	await zendesk.control.fault({ kind: 'rate_limit_storm', ms: 1000, times: 2 });
	const result = await sync();
	expect(result.failures).toEqual([]);
	expect(await users()).toHaveLength(1);
	const refused = (await zendesk.control.requests()).filter((entry) => entry.status === 429);
	expect(refused).toHaveLength(2);
});

test('companies: Zendesk organizations (time-based export) and HubSpot companies meet in one sync', async () => {
	await hubspot.control.seed({ companies: [{ properties: { name: 'Acme', domain: 'acme.example', industry: 'Tools' } }] });
	await zendesk.control.seed({ organizations: [{ name: 'Globex', details: 'Energy' }] });
	const platforms = [
		{ connector: hubspot.connector, mappings: hubSpotDefaultMappings.companies },
		{ connector: zendesk.connector, mappings: zendeskDefaultMappings.companies! },
	];
	const result = await syncPlatforms({ store, integration: 'zd', entity: 'companies', platforms, strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: 'companies' });
	expect(result.failures).toEqual([]);
	const organizations = await zendesk.control.state<Array<{ name: string; details: string | null }>>('organizations');
	expect(organizations.map((organization) => [organization.name, organization.details]).sort()).toEqual([['Acme', 'Tools'], ['Globex', 'Energy']]);
	const companies = await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('companies');
	expect(companies.map((company) => company.properties.name).sort()).toEqual(['Acme', 'Globex']);
	const again = await syncPlatforms({ store, integration: 'zd', entity: 'companies', platforms, strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: 'companies-2' });
	expect(again.platforms.hubspot.created + again.platforms.zendesk.created + again.platforms.hubspot.updated + again.platforms.zendesk.updated).toBe(0);
});
