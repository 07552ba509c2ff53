/**
 * Calls per record, every call counted at the sandbox: a push of N contacts costs the vendor's batch bound plus at
 * most the fixed reads (Salesforce's describe, one composite look-up; Zendesk's one show_many poll), not one
 * look-up or status poll per batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { pushRecords, type InternalRecord } from '../../lib/sync/push';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

const N = 1_000;
let dir: string;
let store: StateStore;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-calls-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const contacts = (count: number): InternalRecord[] => Array.from({ length: count }, (_, i) => ({
	id: `c-${i}`, firstName: `First${i}`, lastName: `Last${i}`, email: `c${i}@calls.example`, phone: `+1555${String(i).padStart(7, '0')}`,
}));

async function push(client: CrmSandbox, records: InternalRecord[]) {
	return pushRecords({ store, connector: client.connector, integration: 'calls', entity: 'contacts', mappings: client.platform.mappings, records, runId: 'calls' });
}

async function callsOf(client: CrmSandbox): Promise<Array<{ method: string; path: string }>> {
	return (await client.control.requests()).map(({ method, path }) => ({ method, path }));
}

describe('Salesforce push with first-time matching', () => {
	let server: RunningSandbox;
	beforeAll(async () => (server = await startCrmSandbox('salesforce')));
	afterAll(() => server.close());

	test(`${N} contacts: ${N / 200} collection writes, one describe and one composite look-up for all of them`, async () => {
		const client = crmClient('salesforce', server, store);
		await client.control.reset();
		// Two exist already and are matched by email, whichever batch they fall in.
		await client.control.seed({ Contact: [{ LastName: 'Early', Email: 'C7@calls.example' }, { LastName: 'Late', Email: 'c993@calls.example' }] });
		await client.control.clearRequests();
		const result = await push(client, contacts(N));
		expect(result.counts).toMatchObject({ created: N - 2, updated: 2, failed: 0 });
		const calls = await callsOf(client);
		const writes = calls.filter((call) => call.path.includes('/composite/sobjects'));
		const lookUps = calls.filter((call) => call.path.endsWith('/composite') || call.path.includes('/query'));
		expect(writes).toHaveLength(N / 200 + 2); // five batches, two of them split into an update and an upsert
		expect(lookUps).toEqual([{ method: 'POST', path: '/services/data/v60.0/composite' }]);
		expect(calls).toHaveLength(writes.length + lookUps.length + 1); // + describe
		expect((await client.control.state<unknown[]>('Contact')).length).toBe(N);
	});
});

describe('Salesforce look-ups past one composite call', () => {
	let server: RunningSandbox;
	beforeAll(async () => (server = await startCrmSandbox('salesforce')));
	afterAll(() => server.close());

	test('2,500 long emails need seven SOQL statements under 100,000 characters: two composite calls, nothing refused', async () => {
		const client = crmClient('salesforce', server, store);
		await client.control.reset();
		const long = (i: number) => `${'x'.repeat(230)}${i}@calls.example`;
		await client.control.seed({ Contact: [{ LastName: 'Existing', Email: long(2_499) }] });
		await client.control.clearRequests();
		const records = contacts(2_500).map((record, i) => ({ ...record, email: long(i) }));
		const result = await push(client, records);
		expect(result.counts).toMatchObject({ created: 2_499, updated: 1, failed: 0 });
		const lookUps = (await callsOf(client)).filter((call) => call.path.endsWith('/composite'));
		expect(lookUps).toHaveLength(2);
	});
});

describe('Zendesk push', () => {
	let server: RunningSandbox;
	beforeAll(async () => (server = await startCrmSandbox('zendesk')));
	afterAll(() => server.close());

	test(`${N} contacts: ${N / 100} jobs and their statuses in one show_many poll`, async () => {
		const client = crmClient('zendesk', server, store);
		await client.control.reset();
		await client.control.clearRequests();
		const result = await push(client, contacts(N));
		expect(result.counts).toMatchObject({ created: N, failed: 0 });
		const calls = await callsOf(client);
		expect(calls.filter((call) => call.method === 'POST')).toHaveLength(N / 100);
		expect(calls.filter((call) => call.method === 'GET')).toEqual([{ method: 'GET', path: '/api/v2/job_statuses/show_many.json' }]);
		expect(calls).toHaveLength(N / 100 + 1);
		expect((await client.control.state<unknown[]>('users')).length).toBe(N);
	});

	test('a batch whose job cannot be started fails alone; the rest of the round is written, linked and polled once', async () => {
		const client = crmClient('zendesk', server, store);
		await client.control.reset();
		await client.control.fault({ kind: 'error', status: 400, match: { method: 'POST', path: '/api/v2/users/create_or_update_many' }, times: 1 });
		const result = await push(client, contacts(300));
		expect(result.counts).toMatchObject({ created: 200, failed: 100 });
		expect(result.outcomes.slice(0, 100).every((outcome) => outcome.status === 'failed')).toBe(true);
		expect(result.outcomes.slice(100).every((outcome) => outcome.status === 'created')).toBe(true);
		expect(await store.idMap.externalIds({ integration: 'calls', platform: 'zendesk', entity: 'contacts' }, ['c-0', 'c-100', 'c-299'])).toEqual(new Map([
			['c-100', expect.any(String)], ['c-299', expect.any(String)],
		]));
		expect((await callsOf(client)).filter((call) => call.path.includes('/job_statuses/'))).toHaveLength(1);
	});

	test('an invalid record fails alone; the rest of the round is linked', async () => {
		const client = crmClient('zendesk', server, store);
		await client.control.reset();
		const records = contacts(300);
		records[150] = { ...records[150], email: 'not an email' };
		const result = await push(client, records);
		expect(result.counts).toMatchObject({ created: 299, failed: 1 });
		expect(result.outcomes[150]).toMatchObject({ status: 'failed', error: { code: 'RecordInvalid' } });
	});
});
