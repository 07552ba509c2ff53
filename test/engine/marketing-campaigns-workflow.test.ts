/**
 * The campaign templates in-process (n8n-core's engine, the package's nodes, the four sandboxes): a segment leave
 * answered and removed everywhere, its echo changing nothing; lead → customer starting then stopping the nurture with
 * each campaign execution metered once at the Usage Meter (duplicate deliveries included); the retention check
 * starting the win-back once per inactivity spell; invalid input answered 422 through the error output.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openMetering, presetPlan } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { repoRoot } from '../harness/paths';
import { contact, marketingPicks, seedMarketingSandboxes, startMarketingSandboxes, type MarketingSandboxes } from './marketingPlatforms';

let platforms: MarketingSandboxes;
let stateFile: string;

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
});

beforeEach(async () => {
	await seedMarketingSandboxes(platforms.controls);
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'campaigns-workflow-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await platforms.close();
});

function configured(name: string) {
	const workflow = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8'));
	for (const node of workflow.nodes) if (node.type === 'n8n-nodes-integration-automation.marketingFanOut') Object.assign(node.parameters, marketingPicks());
	return workflow;
}

function credentials(): Record<string, Record<string, unknown>> {
	const { hubspot, mailchimp, marketo, activecampaign } = platforms.sandboxes;
	return {
		integrationHubSpotApi: { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl },
		integrationMailchimpApi: { apiKey: mailchimp.credentials.apiKey, baseUrl: `${mailchimp.baseUrl}/3.0` },
		integrationMarketoApi: { clientId: marketo.credentials.clientId, clientSecret: marketo.credentials.clientSecret, baseUrl: marketo.baseUrl },
		integrationActiveCampaignApi: { apiToken: activecampaign.credentials.apiToken, baseUrl: `${activecampaign.baseUrl}/api/3` },
	};
}

async function post(template: string, startNode: string, body: object) {
	return runWorkflow(configured(template), { startNode, inputItems: [{ json: { headers: {}, body } }], credentials: credentials(), env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });
}

async function campaignUsage(): Promise<Array<{ event_id: string; quantity: number }>> {
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	// The welcome the contact-created template meters is left out: these are the nurture's and retention's executions.
	return store.db.query<{ event_id: string; quantity: number }>("SELECT event_id, quantity FROM usage_events WHERE meter = 'campaigns' AND event_id NOT LIKE 'welcome:%' ORDER BY event_id");
}

const ALL = ['activecampaign', 'hubspot', 'mailchimp', 'marketo'];
const LIFECYCLE = 'marketing-segments-lifecycle.json';

test('a segment leave reaches every platform once; its echo from a platform and a bad request change nothing', async () => {
	await post('marketing-contact-created.json', 'Contact Created', contact(0, { email: 'ada@example.com' }));
	const left = await post(LIFECYCLE, 'Segment Left', { email: 'ada@example.com', segment: 'enterprise', source: 'crm' });
	expect(left.error).toBeUndefined();
	const answer = left.outputs['Answer Removed'][0][0].json;
	expect(answer).toMatchObject({ email: 'ada@example.com', segment: 'enterprise', recorded: true });
	expect((answer.removedFrom as string[]).sort()).toEqual(ALL);

	const echo = await post(LIFECYCLE, 'Segment Left', { email: 'ada@example.com', segment: 'enterprise', source: 'activecampaign' });
	expect(echo.outputs['Answer Removed'][0][0].json).toMatchObject({ recorded: false });
	const acRemovals = await platforms.controls.activecampaign.state<unknown[]>('tagRemovals');
	expect(acRemovals).toHaveLength(1);

	const invalid = await post(LIFECYCLE, 'Segment Left', { email: 'nobody', segment: 'enterprise' });
	// In-process, Respond to Webhook passes its item on: the error item whose fields the 422 names.
	expect(invalid.outputs['Refuse Invalid Leave'][0][0].json).toMatchObject({ details: { fields: ['email'] } });
});

test('lead → customer starts then stops the nurture; each campaign execution is metered once, duplicates included', async () => {
	await post('marketing-contact-created.json', 'Contact Created', contact(1, { email: 'grace@example.com' }));
	const lead = await post(LIFECYCLE, 'Lifecycle Stage Changed', { email: 'grace@example.com', lifecycleStage: 'lead', accountId: 'acme' });
	expect(lead.error).toBeUndefined();
	expect(lead.outputs['Answer Nurture Started'][0][0].json).toMatchObject({ email: 'grace@example.com', action: 'nurture_started' });
	expect(lead.outputs['Count Campaign Executions'][0]).toHaveLength(4);
	await post(LIFECYCLE, 'Lifecycle Stage Changed', { email: 'grace@example.com', lifecycleStage: 'lead', accountId: 'acme' });
	expect(await campaignUsage()).toEqual(ALL.map((platform) => ({ event_id: `nurture:${platform}:grace@example.com:1`, quantity: 1 })));

	const customer = await post(LIFECYCLE, 'Lifecycle Stage Changed', { email: 'grace@example.com', lifecycleStage: 'customer', accountId: 'acme' });
	expect(customer.outputs['Answer Nurture Stopped'][0][0].json).toMatchObject({ action: 'nurture_stopped' });
	expect(((customer.outputs['Answer Nurture Stopped'][0][0].json.stoppedOn as string[]) ?? []).sort()).toEqual(ALL);
	const runs = await platforms.controls.activecampaign.state<Array<{ automation: string; email: string; removedAt?: string }>>('automationRuns');
	expect(runs.filter((run) => run.automation === '12').map((run) => Boolean(run.removedAt))).toEqual([true]);

	const late = await post(LIFECYCLE, 'Lifecycle Stage Changed', { email: 'grace@example.com', lifecycleStage: 'lead' });
	expect(late.outputs['Answer Unchanged'][0][0].json).toMatchObject({ action: 'none' });
	expect(await campaignUsage()).toHaveLength(4);
	// At the marketing price list: 4 campaign executions × $0.10.
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	const invoice = await openMetering({ store }).meter({ namespace: 'marketing' }).preview('acme', presetPlan('marketing'));
	expect(invoice.lines.map((line) => [line.meter ?? line.kind, line.amount.amount])).toEqual([['contacts', '0.00'], ['campaigns', '0.40']]);
	expect(invoice.total.amount).toBe('0.40');
});

test('the retention check starts the win-back for inactive customers once per inactivity spell, metered once', async () => {
	await post('marketing-contact-created.json', 'Contact Created', contact(2, { email: 'idle@example.com' }));
	const body = { customers: [{ email: 'idle@example.com', lastActivityAt: '2020-01-01T00:00:00Z' }, { email: 'busy@example.com', lastActivityAt: new Date().toISOString() }] };
	const run = await post('marketing-retention.json', 'Check Customers Now', body);
	expect(run.error).toBeUndefined();
	expect(run.outputs['Start Retention Campaign'][0].map((item) => item.json.email)).toEqual(['idle@example.com']);
	expect(run.outputs['Start Retention Campaign'][1].map((item) => item.json.email)).toEqual(['busy@example.com']);
	await post('marketing-retention.json', 'Check Customers Now', body);
	expect((await campaignUsage()).map((row) => row.event_id)).toEqual(ALL.map((platform) => `retention:${platform}:idle@example.com:2020-01-01T00:00:00.000Z`));
	const bad = await post('marketing-retention.json', 'Check Customers Now', { customers: [{ email: 'idle@example.com', lastActivityAt: 'last tuesday' }] });
	expect(bad.outputs['Email Needs Attention'][0][0].json).toMatchObject({ details: { fields: ['lastActivityAt'] } });
});
