/**
 * The scheduled CRM template in the real n8n against the HubSpot and Salesforce sandboxes, with the usage sub-workflow
 * and the Event Router it publishes to: a case opened in Salesforce after publishing is picked up by the next poll of
 * its CRM Sync Trigger and synced to HubSpot as a ticket, metered (tickets, records synced) and published as the run's
 * outcome; the 15-minute schedule (run from the REST API, as the editor's button does) syncs companies and deals both
 * ways, and a second run writes nothing more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { importEventHub, startTemplateServices, type EventHub, type TemplateServices } from '../harness/templateServices';
import { meteredUsage, usageWorkflow } from '../harness/usage';
import { withSubWorkflowIds, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import type { ReceivedDelivery } from '../sandbox/receivers';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;

let n8n: N8nServer;
let services: TemplateServices;
let hub: EventHub;
let hubspot: RunningSandbox;
let salesforce: RunningSandbox;
let workflowId: string;
let usageWorkflowId: string;
let usageSubWorkflowId: string;

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	salesforce = await startSandbox('salesforce');
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	const ids = {
		...services.credentialIds,
		integrationHubSpotApi: await n8n.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl }),
		integrationSalesforceApi: await n8n.createCredential('integrationSalesforceApi', 'Salesforce', { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl }),
	};
	hub = await importEventHub(n8n, ids);
	const usage = template('crm-record-sync-usage.json');
	usageSubWorkflowId = await n8n.importWorkflow(withSubWorkflowIds(usage, hub.ids), { credentials: ids });
	await n8n.activate(usageSubWorkflowId);
	workflowId = await n8n.importWorkflow(withSubWorkflowIds(template('crm-scheduled-sync.json'), { [String(usage.name)]: usageSubWorkflowId }), { credentials: ids });
	await n8n.activate(workflowId);
	// The support and CRM usage the templates recorded for the demo customer this month.
	usageWorkflowId = await n8n.importWorkflow(usageWorkflow('demo', 'demo', 'support'));
});

afterAll(async () => {
	await n8n?.stop();
	await services?.close();
	await hub?.close();
	await hubspot?.close();
	await salesforce?.close();
});

const hubspotControl = () => new SandboxControl(hubspot.baseUrl);
const salesforceControl = () => new SandboxControl(salesforce.baseUrl);
const live = async <T extends { archived?: boolean }>(collection: string) => (await hubspotControl().state<T[]>(collection)).filter((record) => !record.archived);

const usage = () => meteredUsage(n8n, usageWorkflowId);

/** The sync.completed events the Event Router delivered to the data warehouse (waiting up to 120 s: a loaded machine). */
async function publishedRuns(count: number, entities?: string[]): Promise<Array<{ source: string; data: { entity: string } }>> {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const events = (await new SandboxControl(hub.receivers.baseUrl).state<ReceivedDelivery[]>('data-warehouse')).map((delivery) => delivery.body as { type: string; source: string; data: { entity: string } }).filter((event) => event.type === 'sync.completed' && (!entities || entities.includes(event.data.entity)));
		if (events.length >= count || Date.now() > deadline) return events;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Every execution of the template, once none is still running (a schedule run the clock fired may be under way). */
async function finishedRuns(): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const runs = await n8n.executions(workflowId);
		if (runs.every((run) => run.status !== 'new' && run.status !== 'running')) return runs;
		if (Date.now() > deadline) throw new Error(`runs still unfinished: ${JSON.stringify(runs.map((run) => [run.id, run.status]))}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

test('a case opened in Salesforce after publishing reaches HubSpot as a ticket on the next poll, metered and published', async () => {
	await salesforceControl().seed({ Case: [{ Subject: 'Printer on fire', Description: 'Smoke from tray 2', Status: 'New', Priority: 'High' }] });
	// Polls run on the minute.
	// The poll's run: not one of the 15-minute schedule's, which may fire while a loaded machine runs this test.
	const run: ExecutionSummary = await n8n.waitForExecution(workflowId, (execution) => execution.status !== 'running' && execution.status !== 'new' && execution.outputs['Salesforce Case Changed'] !== undefined, 150_000);
	expect(run.status).toBe('success');
	expect(run.outputs['Salesforce Case Changed'][0].map((item) => item.json.subject)).toEqual(['Printer on fire']);
	expect(run.outputs['Sync Tickets'][0][0].json).toMatchObject({ platforms: { hubspot: expect.objectContaining({ created: 1 }) } });
	const tickets = await live<{ properties: Record<string, string>; archived?: boolean }>('tickets');
	expect(tickets.map((ticket) => [ticket.properties.subject, ticket.properties.hs_ticket_priority])).toEqual([['Printer on fire', 'HIGH']]);
	// Metered by the usage sub-workflow: the ticket synced ($0.10 on the Support price) and the records synced.
	const meters = await usage();
	expect(meters.tickets.quantity).toBe(1);
	expect(meters.syncs.quantity).toBe(1);
	// The tickets run's event (the 15-minute schedule, if it fired meanwhile, publishes its companies and deals beside it).
	expect((await publishedRuns(1, ['tickets'])).map((event) => [event.source, event.data.entity])).toEqual([['support', 'tickets']]);
});

test('the 15-minute schedule syncs companies and deals both ways; run again, it writes nothing and duplicates nothing', async () => {
	await hubspotControl().seed({ companies: [{ properties: { name: 'Analytical Engines', domain: 'analytical.example', industry: 'Computer Hardware' } }] });
	await salesforceControl().seed({ Opportunity: [{ Name: 'Difference Engine No. 2', Amount: 12000, StageName: 'Prospecting', CloseDate: '2027-01-31' }] });
	const first = await n8n.runManual(workflowId, 'Every 15 Minutes');
	expect(first.status).toBe('success');
	const accounts = (await salesforceControl().state<Array<{ Name: string; IsDeleted: boolean }>>('Account')).filter((account) => !account.IsDeleted);
	expect(accounts.map((account) => account.Name)).toEqual(['Analytical Engines']);
	const deals = await live<{ properties: Record<string, string>; archived?: boolean }>('deals');
	expect(deals.map((deal) => [deal.properties.dealname, Number(deal.properties.amount)])).toEqual([['Difference Engine No. 2', 12000]]);
	// One sync.completed per entity and run: the poll's tickets run, this schedule run, and any the clock fired while this
	// file ran (the schedule is published: every 15 minutes, it ran during this test on a slow machine).
	const runs = await finishedRuns();
	const byTrigger = (trigger: string) => runs.filter((run) => run.outputs[trigger] !== undefined).length;
	const scheduled = byTrigger('Every 15 Minutes');
	expect(scheduled).toBeGreaterThanOrEqual(1);
	const expected = [...Array(byTrigger('Salesforce Case Changed')).fill('tickets'), ...Array(scheduled).fill('companies'), ...Array(scheduled).fill('deals')].sort();
	expect((await publishedRuns(expected.length)).map((event) => event.data.entity).sort()).toEqual(expected);

	const again = await n8n.runManual(workflowId, 'Every 15 Minutes');
	expect(again.status).toBe('success');
	const written = (node: string) => {
		const summary = again.outputs[node][0][0].json as { platforms: Record<string, { created: number; updated: number }> };
		return Object.entries(summary.platforms).map(([platform, counts]) => [platform, counts.created + counts.updated]);
	};
	expect(written('Sync Companies')).toEqual([['hubspot', 0], ['salesforce', 0]]);
	// The deal's close date comes back from HubSpot as a date-time at midnight UTC: the same date, not an edit.
	expect(written('Sync Deals')).toEqual([['hubspot', 0], ['salesforce', 0]]);
	expect((await salesforceControl().state<unknown[]>('Account')).length).toBe(1);
	expect((await salesforceControl().state<unknown[]>('Opportunity')).length).toBe(1);
	expect(await live('deals')).toHaveLength(1);
});
