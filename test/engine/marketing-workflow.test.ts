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
	expect(run.outputs['Count Campaign Executions'][0]).toHaveLength(2);

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

/**
 * The contact template on Marketo alone, with Marketo down: no platform takes the contact. Under "Continue" the
 * template's branches are cut (they are wired for the error output): the node's own outputs are what is checked.
 */
async function contactNoPlatformTakes(onError: string | undefined) {
	const workflow = configured('marketing-contact-created.json');
	const fanOut = workflow.nodes.find((node: { name: string }) => node.name === 'Marketing Fan-out');
	fanOut.parameters.platforms = ['marketo'];
	if (onError) fanOut.onError = onError;
	else delete fanOut.onError;
	if (onError === 'continueRegularOutput') delete workflow.connections['Marketing Fan-out'];
	await platforms.controls.marketo.fault({ kind: 'error', status: 503, times: -1, match: { path: '/rest/' } });
	try {
		return await contactsCreated([contact(7, { email: 'nobody-took@example.com' }), contact(8, { email: 'no-consent@example.com', consent: false })], workflow);
	} finally {
		await platforms.controls.marketo.clearFaults();
	}
}

test('a contact no platform takes goes to the error output under "Continue (using error output)", with its reason; the template answers 202', async () => {
	const run = await contactNoPlatformTakes('continueErrorOutput');
	expect(run.error).toBeUndefined();
	const [sent, skipped, errors] = run.outputs['Marketing Fan-out'];
	expect(sent).toEqual([]);
	expect(skipped.map((item) => item.json.email)).toEqual(['no-consent@example.com']);
	expect(errors.map((item) => [item.pairedItem, (item.json.details as { email: string; status: string }).email, (item.json.details as { status: string }).status])).toEqual([[{ item: 0 }, 'nobody-took@example.com', 'failed']]);
	expect(String(errors[0].json.error)).toMatch(/^contact nobody-took@example\.com: marketo: /);
	expect(run.outputs['Answer Retried Later'][0]).toHaveLength(1);
	expect(run.outputs['Refuse Invalid Contact']).toBeUndefined();
});

test('by default (On Error: Stop Workflow) a contact no platform takes stops the workflow naming it', async () => {
	const run = await contactNoPlatformTakes(undefined);
	expect(String((run.error as Error | undefined)?.message)).toMatch(/^contact nobody-took@example\.com: marketo: /);
	expect((run.error as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex).toBe(0);
});

test('under On Error "Continue" the contact is an error item on Sent, beside the others', async () => {
	const run = await contactNoPlatformTakes('continueRegularOutput');
	expect(run.error).toBeUndefined();
	const [sent, skipped, errors] = run.outputs['Marketing Fan-out'];
	expect(errors ?? []).toEqual([]);
	expect(sent.map((item) => Object.keys(item.json).sort())).toEqual([['details', 'error']]);
	expect(skipped).toHaveLength(1);
});
