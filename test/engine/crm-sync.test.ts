/**
 * The sync engine against the HubSpot and Salesforce sandboxes over real HTTP, with the sandboxes' fault injection:
 * lost responses, 429 storms, 5xx bursts, a crash mid-sync, concurrent edits and echoes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { pullChanges } from '../../lib/sync/pull';
import { pushRecords } from '../../lib/sync/push';
import { syncPlatforms, type SyncOptions, type SyncPlatform } from '../../lib/sync/sync';
import { repoRoot } from '../harness/paths';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface HubSpotContact {
	id: string;
	properties: Record<string, string | null>;
	archived?: boolean;
}
interface SalesforceContact {
	Id: string;
	IsDeleted: boolean;
	[field: string]: unknown;
}

let hubspotServer: RunningSandbox;
let salesforceServer: RunningSandbox;
let dir: string;
let store: StateStore;
let hubspot: CrmSandbox;
let salesforce: CrmSandbox;
let run = 0;

beforeAll(async () => {
	hubspotServer = await startCrmSandbox('hubspot');
	salesforceServer = await startCrmSandbox('salesforce');
});
afterAll(async () => {
	await hubspotServer.close();
	await salesforceServer.close();
});

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-engine-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	hubspot = crmClient('hubspot', hubspotServer, store);
	salesforce = crmClient('salesforce', salesforceServer, store);
	await hubspot.control.reset();
	await salesforce.control.reset();
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

function sync(extra: Partial<SyncOptions> = {}, platforms: SyncPlatform[] = [hubspot.platform, salesforce.platform]) {
	return syncPlatforms({
		store, integration: 'it', entity: 'contacts', platforms, strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `run-${++run}`, ...extra,
	});
}

const hubspotContacts = async () => (await hubspot.control.state<HubSpotContact[]>('contacts')).filter((contact) => !contact.archived);
const salesforceContacts = async () => (await salesforce.control.state<SalesforceContact[]>('Contact')).filter((contact) => !contact.IsDeleted);

function seedHubSpot(count: number, from = 0) {
	return hubspot.control.seed({
		contacts: Array.from({ length: count }, (_, i) => ({ properties: { firstname: `First${from + i}`, lastname: `Last${from + i}`, email: `p${from + i}@example.test`, phone: '+15550100' } })),
	});
}

async function writeRequests(sandbox: CrmSandbox): Promise<number> {
	return (await sandbox.control.requests()).filter((entry) => entry.method !== 'GET' && !entry.path.endsWith('/search')).length;
}

test('pull pages HubSpot changes since the cursor and does not return our own writes', async () => {
	await seedHubSpot(250);
	const pulled: string[] = [];
	const pull = () => pullChanges({
		store, connector: hubspot.connector, integration: 'it', entity: 'contacts', mappings: hubspot.platform.mappings, deletes: 'ignore',
		onPage: async (changes) => void pulled.push(...changes.map((change) => change.externalId)),
	});
	const first = await pull();
	expect(new Set(pulled).size).toBe(250);
	expect(first.pages).toBe(2);
	pulled.length = 0;
	await pushRecords({ store, connector: hubspot.connector, integration: 'it', entity: 'contacts', mappings: hubspot.platform.mappings, records: [{ id: 'x1', email: 'p1@example.test', firstName: 'Renamed', lastName: 'Last1' }], runId: 'r' });
	const second = await pull();
	expect(pulled).toEqual([]);
	expect(second.unchanged).toBeGreaterThanOrEqual(1);
});

test('syncs HubSpot and Salesforce both ways without duplicates or loops', async () => {
	await seedHubSpot(30);
	await salesforce.control.seed({ Contact: [{ FirstName: 'Only', LastName: 'InSalesforce', Email: 'sf@example.test' }, { FirstName: 'First3', LastName: 'Last3', Email: 'P3@example.test', Phone: '+4420' }] });
	const first = await sync();
	expect(first.pending).toBe(0);
	expect(await hubspotContacts()).toHaveLength(31);
	expect(await salesforceContacts()).toHaveLength(31);
	expect((await hubspotContacts()).find((contact) => contact.properties.email === 'p3@example.test')?.properties.phone).toBe('+4420');

	const sfRecord = (await salesforceContacts()).find((contact) => contact.Email === 'p7@example.test')!;
	await fetch(`${salesforceServer.baseUrl}/services/data/v60.0/composite/sobjects`, {
		method: 'PATCH',
		headers: { authorization: `Bearer ${salesforceServer.credentials.accessToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ records: [{ attributes: { type: 'Contact' }, Id: sfRecord.Id, Title: 'unsynced', LastName: 'Changed' }] }),
	});
	const edit = await sync();
	expect(edit.platforms.hubspot.updated).toBe(1);
	expect((await hubspotContacts()).find((contact) => contact.properties.email === 'p7@example.test')?.properties.lastname).toBe('Changed');

	await hubspot.control.clearRequests();
	await salesforce.control.clearRequests();
	const quiet = await sync();
	expect(quiet.platforms.hubspot.pulled + quiet.platforms.salesforce.pulled).toBe(0);
	expect(await writeRequests(hubspot)).toBe(0);
	expect(await writeRequests(salesforce)).toBe(0);
});

test('a response lost after Salesforce committed the write does not create a duplicate', async () => {
	await seedHubSpot(5);
	await salesforce.control.fault({ kind: 'lost_response', match: { method: 'PATCH', path: '/composite/sobjects/Contact' } });
	await sync();
	const contacts = await salesforceContacts();
	expect(contacts).toHaveLength(5);
	expect(new Set(contacts.map((contact) => contact.Email)).size).toBe(5);
	const second = await sync();
	expect(second.pending).toBe(0);
	expect(await salesforceContacts()).toHaveLength(5);
});

test('429 storms and 5xx bursts mid-sync: every record arrives exactly once and the cursor skips none', async () => {
	await seedHubSpot(450);
	await hubspot.control.fault({ kind: 'rate_limit_storm', times: 3, ms: 200, match: { path: '/search' } });
	await hubspot.control.fault({ kind: 'error', status: 502, times: 2 });
	await salesforce.control.fault({ kind: 'error', status: 503, times: 2, match: { method: 'PATCH' } });
	let result = await sync();
	for (let attempt = 0; attempt < 3 && result.pending > 0; attempt++) result = await sync();
	expect(result.pending).toBe(0);
	const emails = (await salesforceContacts()).map((contact) => contact.Email);
	expect(emails).toHaveLength(450);
	expect(new Set(emails).size).toBe(450);
	expect(await hubspotContacts()).toHaveLength(450);
});

test('the sync process killed mid-sync, then run again: nothing lost or doubled', async () => {
	await seedHubSpot(600);
	// Slow Salesforce writes down so the kill lands between batches, however slowly a loaded machine notices the first.
	await salesforce.control.fault({ kind: 'latency', ms: 2_000, times: -1, match: { method: 'PATCH' } });
	const worker = spawn(process.execPath, [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), join(__dirname, 'crmSyncWorker.ts'), join(dir, 'state.db'), hubspotServer.baseUrl, salesforceServer.baseUrl], {
		env: { ...process.env, HUBSPOT_TOKEN: hubspotServer.credentials.accessToken, SALESFORCE_TOKEN: salesforceServer.credentials.accessToken },
		stdio: 'ignore',
	});
	const exited = new Promise((resolve) => worker.on('exit', resolve));
	// Up to 120 s: the worker (a forked process) starts and writes slowly on a loaded machine.
	for (let waited = 0; (await salesforceContacts()).length < 100 && waited < 120_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
	worker.kill('SIGKILL');
	await exited;
	const partial = (await salesforceContacts()).length;
	expect(partial).toBeGreaterThan(0);
	expect(partial).toBeLessThan(600);
	await salesforce.control.clearFaults();
	const resumed = await sync();
	expect(resumed.pending).toBe(0);
	const emails = (await salesforceContacts()).map((contact) => contact.Email);
	expect(emails).toHaveLength(600);
	expect(new Set(emails).size).toBe(600);
	expect(await hubspotContacts()).toHaveLength(600);
}, 300_000); // a forked worker, two syncs of 600 contacts and Salesforce's 2 s latency, on a loaded machine

test('concurrent edits to one contact on both platforms end identical everywhere (last write wins)', async () => {
	await seedHubSpot(1);
	await sync();
	const [hs] = await hubspotContacts();
	const [sf] = await salesforceContacts();
	const auth = { authorization: `Bearer ${hubspotServer.credentials.accessToken}`, 'content-type': 'application/json' };
	await fetch(`${hubspotServer.baseUrl}/crm/v3/objects/contacts/${hs.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ properties: { firstname: 'FromHubSpot', phone: '+15559999' } }) });
	await new Promise((resolve) => setTimeout(resolve, 20));
	await fetch(`${salesforceServer.baseUrl}/services/data/v60.0/composite/sobjects`, {
		method: 'PATCH',
		headers: { authorization: `Bearer ${salesforceServer.credentials.accessToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ records: [{ attributes: { type: 'Contact' }, Id: sf.Id, FirstName: 'FromSalesforce' }] }),
	});
	const result = await sync();
	expect(result.conflicts).toBe(1);
	const [hsAfter] = await hubspotContacts();
	const [sfAfter] = await salesforceContacts();
	expect(hsAfter.properties.firstname).toBe('FromSalesforce');
	expect(sfAfter.FirstName).toBe('FromSalesforce');
	expect(hsAfter.properties.phone).toBe('+15559999');
	expect(sfAfter.Phone).toBe('+15559999');
});

test('a deletion in Salesforce is propagated to HubSpot as an archive', async () => {
	await seedHubSpot(2);
	await sync();
	const [gone] = await salesforceContacts();
	await fetch(`${salesforceServer.baseUrl}/services/data/v60.0/composite/sobjects?ids=${gone.Id}`, { method: 'DELETE', headers: { authorization: `Bearer ${salesforceServer.credentials.accessToken}` } });
	const result = await sync();
	expect(result.platforms.hubspot.archived).toBe(1);
	expect((await hubspotContacts()).map((contact) => contact.properties.email)).toEqual([expect.not.stringMatching(gone.Email as string)]);
});
