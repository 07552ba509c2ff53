/**
 * The marketing templates in-process: the Marketing Fan-out node inside n8n-core's engine talks to the four sandboxes
 * through httpRequestWithAuthentication (Mailchimp Basic key, Marketo token from preAuthentication, ActiveCampaign
 * Api-Token, HubSpot Bearer), and the Usage Meter counts contacts and campaign executions once.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { repoRoot } from '../harness/paths';
import { contact, marketingPicks, seedMarketingSandboxes, startMarketingSandboxes, type MarketingSandboxes } from './marketingPlatforms';

const load = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8'));

let platforms: MarketingSandboxes;
let stateFile: string;

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
});

beforeEach(async () => {
	await seedMarketingSandboxes(platforms.controls);
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'marketing-workflow-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await platforms.close();
});

/** The template with the sandboxes' audience, journey, campaign and list in place of its placeholders. */
function configured(name: string) {
	const workflow = load(name);
	for (const node of workflow.nodes) {
		if (node.type !== 'n8n-nodes-integration-automation.marketingFanOut') continue;
		Object.assign(node.parameters, marketingPicks());
	}
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

async function contactsCreated(bodies: object[], workflow = configured('marketing-contact-created.json')) {
	return runWorkflow(workflow, {
		inputItems: bodies.map((body) => ({ json: { headers: {}, body } })),
		credentials: credentials(),
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

async function usage(meter: string): Promise<number> {
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	const rows = await store.db.query<{ total: number }>('SELECT COALESCE(SUM(quantity), 0) AS total FROM usage_events WHERE meter = ?', [meter]);
	return Number(rows[0].total);
}

test('contact created → every platform with segments and welcome → contacts and campaign executions metered once, duplicates included', async () => {
	const bodies = [contact(1, { accountId: 'acme' }), contact(2, { accountId: 'acme', consent: false }), contact(1, { accountId: 'acme' })];
	const run = await contactsCreated(bodies);
	expect(run.error).toBeUndefined();
	const sent = run.outputs['Marketing Fan-out'][0].map((item) => item.json);
	expect(sent.map((json) => [json.email, json.status, json.duplicateOf ?? null])).toEqual([
		['person1@example.com', 'fanned_out', 2],
		['person1@example.com', 'fanned_out', null],
	]);
	expect((sent[1].welcomedOn as string[]).sort()).toEqual(['activecampaign', 'hubspot', 'mailchimp', 'marketo']);
	expect(run.outputs['Marketing Fan-out'][1].map((item) => [item.json.email, item.json.status])).toEqual([['person2@example.com', 'no_consent']]);
	expect(run.outputs['Welcome Started'][0]).toHaveLength(2);

	const again = await contactsCreated([bodies[0]]);
	expect(again.outputs['Marketing Fan-out'][0][0].json.welcomedOn).toEqual([]);

	const { controls } = platforms;
	expect(await controls.mailchimp.state('members')).toHaveLength(1);
	expect(await controls.mailchimp.state('triggers')).toHaveLength(1);
	expect(await controls.marketo.state('campaignRuns')).toHaveLength(1);
	expect(await controls.activecampaign.state('automationRuns')).toHaveLength(1);
	expect(await controls.hubspot.state('contacts')).toHaveLength(1);
	expect(await usage('contacts')).toBe(1);
	expect(await usage('campaigns')).toBe(4);
});

test('the unsubscribe template records an unsubscribe once and applies it on the other platforms', async () => {
	await contactsCreated([contact(4, { email: 'ada@example.com' })]);
	const run = await runWorkflow(configured('marketing-unsubscribes.json'), {
		startNode: 'Unsubscribe Reported',
		inputItems: [{ json: { headers: {}, body: { email: 'ADA@example.com', source: 'marketo' } } }],
		credentials: credentials(),
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
	expect(run.error).toBeUndefined();
	const [done] = run.outputs['Record Unsubscribe'][0].map((item) => item.json);
	expect(done).toMatchObject({ email: 'ada@example.com', source: 'marketo', recorded: true });
	expect((done.propagatedTo as string[]).sort()).toEqual(['activecampaign', 'hubspot', 'mailchimp']);
	const members = await platforms.controls.mailchimp.state<Array<{ status: string }>>('members');
	expect(members[0].status).toBe('unsubscribed');
	const later = await contactsCreated([contact(4, { email: 'ada@example.com' })]);
	expect(later.outputs['Marketing Fan-out'][1].map((item) => item.json.status)).toEqual(['unsubscribed']);
});
