/**
 * Enumerated fields between Salesforce and HubSpot through the default value maps, over real HTTP: stages and case
 * statuses arrive as HubSpot's stage ids; a value no map or pipeline knows is refused for its record alone, named,
 * with no HubSpot write for it, and is not tried again on the next run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { hubSpotDefaultMappings } from '../../lib/platforms/hubspot';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce';
import type { CrmEntity } from '../../lib/platforms/crm';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { pushRecords } from '../../lib/sync/push';
import { syncPlatforms } from '../../lib/sync/sync';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface HubSpotObject {
	id: string;
	properties: Record<string, string | null>;
	archived?: boolean;
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
	dir = mkdtempSync(join(tmpdir(), 'crm-valuemaps-'));
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

function sync(entity: 'deals' | 'tickets') {
	return syncPlatforms({
		store, integration: 'it', entity, strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: `run-${++run}`,
		platforms: [
			{ connector: hubspot.connector, mappings: hubSpotDefaultMappings[entity] },
			{ connector: salesforce.connector, mappings: salesforceDefaultMappings[entity] },
		],
	});
}

const hubspotRecords = async (entity: CrmEntity) => (await hubspot.control.state<HubSpotObject[]>(entity)).filter((record) => !record.archived);

async function hubspotWrites(entity: CrmEntity) {
	return (await hubspot.control.requests()).filter((entry) => entry.method !== 'GET' && entry.path.startsWith(`/crm/v3/objects/${entity}`) && !entry.path.endsWith('/search'));
}

async function errorsFor(recordKey: string) {
	// Sync's dead letters name the platform record; push's errors name the internal record (`salesforce:<Id>`).
	return (await store.logs.errors('it')).filter((entry) => entry.recordKey === recordKey || entry.recordKey === `salesforce:${recordKey}`);
}

test('Salesforce opportunity stages arrive as HubSpot stage ids; an unmapped stage is refused for its record only, once', async () => {
	const seeded = await salesforce.control.seed<{ Opportunity: Array<{ Id: string }> }>({
		Opportunity: [
			{ Name: 'Alpha', Amount: 1000, StageName: 'Prospecting', CloseDate: '2026-12-31' },
			{ Name: 'Beta', Amount: 2000, StageName: 'Closed Won', CloseDate: '2026-11-30' },
			{ Name: 'Gamma', Amount: 3000, StageName: 'Imaginary Stage', CloseDate: '2026-10-31' },
			{ Name: 'Delta', Amount: 4000, StageName: 'Negotiation/Review', CloseDate: '2026-09-30' },
		],
	});
	const gamma = seeded.Opportunity[2].Id;

	const first = await sync('deals');
	const stages = Object.fromEntries((await hubspotRecords('deals')).map((deal) => [deal.properties.dealname, deal.properties.dealstage]));
	expect(stages).toEqual({ Alpha: 'appointmentscheduled', Beta: 'closedwon', Delta: 'contractsent' });
	expect(first.failures).toHaveLength(1);
	expect(first.failures[0]).toMatchObject({ platform: 'hubspot', status: 'failed', error: { code: 'UNMAPPED_VALUE' } });
	expect(first.failures[0].error?.message).toContain('"dealstage"');
	expect(first.failures[0].error?.message).toContain('"Imaginary Stage"');
	// HubSpot never saw the refused record: no write carried it, and nothing was refused by HubSpot itself.
	const writes = await hubspotWrites('deals');
	expect(writes.length).toBeGreaterThan(0);
	expect(JSON.stringify(writes.map((entry) => entry.body))).not.toContain('Gamma');
	expect(writes.every((entry) => entry.status !== null && entry.status < 300)).toBe(true);
	expect(first.pending).toBe(0);
	const reported = await errorsFor(gamma);
	expect(reported.map((entry) => entry.code).sort()).toEqual(['SYNC_REFUSED', 'UNMAPPED_VALUE']);
	expect(reported.every((entry) => entry.message.includes('"dealstage"') && entry.message.includes('Imaginary Stage'))).toBe(true);

	await hubspot.control.clearRequests();
	const second = await sync('deals');
	expect(await hubspotWrites('deals')).toEqual([]);
	expect(second.failures).toEqual([]);
	expect(second.pending).toBe(0);
	// Still reported, once: the next run neither retried nor dropped the report.
	expect((await errorsFor(gamma)).map((entry) => entry.code).sort()).toEqual(['SYNC_REFUSED', 'UNMAPPED_VALUE']);
	expect((await hubspotRecords('deals')).map((deal) => deal.properties.dealname).sort()).toEqual(['Alpha', 'Beta', 'Delta']);
});

test('Salesforce case statuses and priorities arrive as HubSpot ticket statuses; an unmapped status is refused, named', async () => {
	await salesforce.control.seed({
		Case: [
			{ Subject: 'Printer on fire', Status: 'New', Priority: 'High' },
			{ Subject: 'Escalated refund', Status: 'Escalated', Priority: 'Low' },
			{ Subject: 'Closed question', Status: 'Closed', Priority: 'Medium' },
			{ Subject: 'Odd one', Status: 'Awaiting Parts', Priority: 'Medium' },
		],
	});
	const first = await sync('tickets');
	const tickets = Object.fromEntries((await hubspotRecords('tickets')).map((ticket) => [ticket.properties.subject, [ticket.properties.hs_pipeline_stage, ticket.properties.hs_ticket_priority]]));
	expect(tickets).toEqual({ 'Printer on fire': ['1', 'HIGH'], 'Escalated refund': ['1', 'LOW'], 'Closed question': ['4', 'MEDIUM'] });
	expect(first.failures).toHaveLength(1);
	expect(first.failures[0].error?.message).toContain('"hs_pipeline_stage"');
	expect(first.failures[0].error?.message).toContain('"Awaiting Parts"');
	expect(JSON.stringify((await hubspotWrites('tickets')).map((entry) => entry.body))).not.toContain('Odd one');

	await hubspot.control.clearRequests();
	const second = await sync('tickets');
	expect(await hubspotWrites('tickets')).toEqual([]);
	expect(second.failures).toEqual([]);
});

test('a HubSpot stage comes back to Salesforce as its stage name, and our own writes do not echo', async () => {
	await hubspot.control.seed({ deals: [{ properties: { dealname: 'From HubSpot', amount: '500', dealstage: 'contractsent', closedate: '2026-12-01T00:00:00.000Z' } }] });
	await sync('deals');
	const opportunities = await salesforce.control.state<Array<{ Name: string; StageName: string }>>('Opportunity');
	expect(opportunities.map(({ Name, StageName }) => ({ Name, StageName }))).toEqual([{ Name: 'From HubSpot', StageName: 'Proposal/Price Quote' }]);
	const quiet = await sync('deals');
	expect(quiet.platforms.hubspot.pulled + quiet.platforms.salesforce.pulled).toBe(0);
});

test('a HubSpot edit to another field does not coarsen a stage two Salesforce stages share', async () => {
	await salesforce.control.seed({ Opportunity: [{ Name: 'Fine', Amount: 100, StageName: 'Needs Analysis', CloseDate: '2026-12-31' }] });
	await sync('deals');
	const [deal] = await hubspotRecords('deals');
	expect(deal.properties.dealstage).toBe('qualifiedtobuy');
	// HubSpot's "Qualified To Buy" also stands for Salesforce's "Qualification": an amount edit must not send that back.
	const edited = await fetch(`${hubspotServer.baseUrl}/crm/v3/objects/deals/${deal.id}`, {
		method: 'PATCH',
		headers: { authorization: `Bearer ${hubspotServer.credentials.accessToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ properties: { amount: '250' } }),
	});
	expect(edited.status).toBe(200);
	const second = await sync('deals');
	expect(second.platforms.hubspot.pulled).toBe(1);
	const opportunities = await salesforce.control.state<Array<{ Name: string; StageName: string; Amount: number }>>('Opportunity');
	expect(opportunities.map(({ StageName, Amount }) => ({ StageName, Amount: Number(Amount) }))).toEqual([{ StageName: 'Needs Analysis', Amount: 250 }]);

	// A stage really changed in HubSpot still goes to Salesforce.
	await fetch(`${hubspotServer.baseUrl}/crm/v3/objects/deals/${deal.id}`, {
		method: 'PATCH',
		headers: { authorization: `Bearer ${hubspotServer.credentials.accessToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ properties: { dealstage: 'closedwon' } }),
	});
	await sync('deals');
	expect((await salesforce.control.state<Array<{ StageName: string }>>('Opportunity'))[0].StageName).toBe('Closed Won');
});

test('a Salesforce restricted picklist is read from describe: values it lacks are refused per record, before the write', async () => {
	const mappings = [...salesforceDefaultMappings.tickets, { internal: 'level', external: 'Escalation_Level__c' }];
	const result = await pushRecords({
		store, connector: salesforce.connector, integration: 'it', entity: 'tickets', mappings, runId: 'push-1',
		records: [
			{ id: 't1', subject: 'Known level', status: 'NEW', level: 'tier 2' },
			{ id: 't2', subject: 'Unknown level', status: 'NEW', level: 'Tier 3' },
		],
	});
	expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['created', 'failed']);
	expect(result.outcomes[1].error?.code).toBe('UNMAPPED_VALUE');
	expect(result.outcomes[1].error?.message).toMatch(/"Escalation_Level__c".*"Tier 3".*Tier 1, Tier 2/);
	const cases = await salesforce.control.state<Array<{ Subject: string; Escalation_Level__c: string; Status: string }>>('Case');
	expect(cases.map(({ Subject, Escalation_Level__c, Status }) => ({ Subject, Escalation_Level__c, Status }))).toEqual([{ Subject: 'Known level', Escalation_Level__c: 'Tier 2', Status: 'New' }]);
	const writes = (await salesforce.control.requests()).filter((entry) => entry.method !== 'GET');
	expect(JSON.stringify(writes.map((entry) => entry.body))).not.toContain('Tier 3');
});

test("a deal's close date reads the same on both (HubSpot's midnight-UTC date-time, Salesforce's date): a second run writes nothing back", async () => {
	await salesforce.control.seed({ Opportunity: [{ Name: 'Difference Engine No. 2', Amount: 12000, StageName: 'Prospecting', CloseDate: '2027-01-31' }] });
	await sync('deals');
	expect((await hubspotRecords('deals')).map((deal) => deal.properties.closedate)).toEqual(['2027-01-31T00:00:00.000Z']);
	const writesBefore = (await salesforce.control.requests()).filter((entry) => entry.method !== 'GET').length;

	const second = await sync('deals');
	expect(Object.entries(second.platforms).map(([platform, counts]) => [platform, counts.created + counts.updated])).toEqual([['hubspot', 0], ['salesforce', 0]]);
	expect((await salesforce.control.requests()).filter((entry) => entry.method !== 'GET')).toHaveLength(writesBefore);
	expect(await hubspotWrites('deals')).toHaveLength(1);
});
