/**
 * Campaigns past the welcome in the real n8n against the HubSpot, Mailchimp, Marketo and ActiveCampaign sandboxes,
 * through the published templates: a contact leaving a segment is removed from it on every platform (and a platform's
 * webhook echoing the removal, delivered to the same URL, removes nothing again); a lead becoming a customer has its
 * nurture started then stopped on every platform, a duplicate delivery changing nothing and each nurture started
 * metered once as a campaign execution; the retention check starting the win-back once per inactivity spell, and
 * the template's daily schedule doing the same from the customer list it reads (the receivers sandbox, as in the demo).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { contact, marketingPicks, seedMarketingSandboxes, startMarketingSandboxes, type MarketingSandboxes } from '../engine/marketingPlatforms';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, withCallerKey, type TemplateServices } from '../harness/templateServices';
import type { WorkflowJson } from '../harness/workflowJson';

jest.setTimeout(600_000);

let n8n: N8nServer;
let services: TemplateServices;
let platforms: MarketingSandboxes;
let receivers: RunningSandbox;
const workflows: Record<string, string> = {};

function configured(name: string): WorkflowJson {
	const text = readFileSync(path.join(repoRoot, 'workflows', name), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl);
	const workflow = JSON.parse(text) as WorkflowJson;
	workflow.nodes = workflow.nodes.map((node) => (node.type === 'n8n-nodes-integration-automation.marketingFanOut' ? { ...node, parameters: { ...node.parameters, ...marketingPicks() } } : node));
	return workflow;
}

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
	receivers = await startSandbox('receivers');
	await seedMarketingSandboxes(platforms.controls);
	n8n = await startN8n();
	const { hubspot, mailchimp, marketo, activecampaign } = platforms.sandboxes;
	const credentialIds: Record<string, string> = {
		integrationHubSpotApi: await n8n.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl }),
		integrationMailchimpApi: await n8n.createCredential('integrationMailchimpApi', 'Mailchimp', { apiKey: mailchimp.credentials.apiKey, baseUrl: `${mailchimp.baseUrl}/3.0` }),
		integrationMarketoApi: await n8n.createCredential('integrationMarketoApi', 'Marketo', { clientId: marketo.credentials.clientId, clientSecret: marketo.credentials.clientSecret, baseUrl: marketo.baseUrl }),
		integrationActiveCampaignApi: await n8n.createCredential('integrationActiveCampaignApi', 'ActiveCampaign', { apiToken: activecampaign.credentials.apiToken, baseUrl: `${activecampaign.baseUrl}/api/3` }),
	};
	services = await startTemplateServices(n8n);
	Object.assign(credentialIds, services.credentialIds);
	for (const name of ['marketing-contact-created.json', 'marketing-segments-lifecycle.json', 'marketing-retention.json']) {
		workflows[name] = await n8n.importWorkflow(configured(name), { credentials: credentialIds });
		await n8n.activate(workflows[name]);
	}
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await platforms?.close();
	await receivers?.close();
});

function usageStore() {
	return openStore(n8n.stateStore, allMigrations);
}

/** Posts to a template's webhook, expects the answer's status and waits for the run to finish. */
async function deliver(template: string, webhookPath: string, body: object, status = 200): Promise<ExecutionSummary & { answer: Record<string, unknown> }> {
	const workflowId = workflows[template];
	const earlier = new Set((await n8n.executions(workflowId)).map((run) => run.id));
	const reply = await n8n.callWebhook(webhookPath, withCallerKey({ body }));
	expect({ status: reply.status, body: reply.body }).toMatchObject({ status });
	// 120 s: the run ends late on a loaded machine (in queue mode it waits for a worker).
	// The delivery's run, not one the template's published schedule fired meanwhile.
	return { ...(await n8n.waitForExecution(workflowId, (run) => !earlier.has(run.id) && run.mode === 'webhook', 120_000)), answer: reply.body as Record<string, unknown> };
}

const ALL = ['activecampaign', 'hubspot', 'mailchimp', 'marketo'];

/** Where the contact is tagged or listed as `segment`, read from each sandbox. */
async function platformsWith(email: string, segment: string): Promise<string[]> {
	const { controls, sandboxes } = platforms;
	const where: string[] = [];
	const acContact = (await controls.activecampaign.state<Array<{ email: string; tags: string[] }>>('contacts')).find((entry) => entry.email === email);
	if (acContact?.tags.includes(segment)) where.push('activecampaign');
	const headers = { authorization: `Bearer ${sandboxes.hubspot.credentials.accessToken}` };
	const list = (await (await fetch(`${sandboxes.hubspot.baseUrl}/crm/v3/lists/object-type-id/0-1/name/${segment}`, { headers })).json()) as { list?: { listId: string } };
	const hubspotContact = (await controls.hubspot.state<Array<{ id: string; properties: { email: string } }>>('contacts')).find((entry) => entry.properties.email === email);
	if (list.list && hubspotContact) {
		const members = (await (await fetch(`${sandboxes.hubspot.baseUrl}/crm/v3/lists/${list.list.listId}/memberships`, { headers })).json()) as { results: Array<{ recordId: string }> };
		if (members.results.some((member) => member.recordId === hubspotContact.id)) where.push('hubspot');
	}
	const segments = await controls.mailchimp.state<Array<{ name: string; emails: string[] }>>('segments');
	if (segments.find((entry) => entry.name === segment)?.emails.includes(email)) where.push('mailchimp');
	const lists = await controls.marketo.state<Array<{ name: string; emails: string[] }>>('lists');
	if (lists.find((entry) => entry.name === segment)?.emails.includes(email)) where.push('marketo');
	return where;
}

test('a contact leaving a segment is removed from it on every platform; the platform echoing it back removes nothing again', async () => {
	// contact(0): plan enterprise, lifecycle stage customer: segments customers and enterprise.
	await deliver('marketing-contact-created.json', 'marketing/contact-created', contact(0, { email: 'ada@example.com' }));
	expect(await platformsWith('ada@example.com', 'enterprise')).toEqual(ALL);

	const left = await deliver('marketing-segments-lifecycle.json', 'marketing/segment-left', { email: 'ada@example.com', segment: 'enterprise', source: 'crm' });
	expect(left.status).toBe('success');
	expect(left.answer).toMatchObject({ email: 'ada@example.com', segment: 'enterprise', recorded: true });
	expect((left.answer.removedFrom as string[]).sort()).toEqual(ALL);
	expect(await platformsWith('ada@example.com', 'enterprise')).toEqual([]);
	expect(await platformsWith('ada@example.com', 'customers')).toEqual(ALL);

	const { controls } = platforms;
	const removalsBefore = (await controls.activecampaign.state<unknown[]>('tagRemovals')).length;
	const marketoBefore = (await controls.marketo.requests()).filter((entry) => entry.method === 'DELETE').length;
	// ActiveCampaign's "contact_tag_removed" webhook for our own removal, pointed at the same URL.
	const echo = await deliver('marketing-segments-lifecycle.json', 'marketing/segment-left', { email: 'ada@example.com', segment: 'enterprise', source: 'activecampaign' });
	expect(echo.answer).toMatchObject({ recorded: false });
	expect((await controls.activecampaign.state<unknown[]>('tagRemovals')).length).toBe(removalsBefore);
	expect((await controls.marketo.requests()).filter((entry) => entry.method === 'DELETE').length).toBe(marketoBefore);

	await deliver('marketing-segments-lifecycle.json', 'marketing/segment-left', { email: 'ada', segment: 'enterprise' }, 422);
});

test('a lead becoming a customer has its nurture started, then stopped, on every platform; each start is metered once', async () => {
	await deliver('marketing-contact-created.json', 'marketing/contact-created', contact(1, { email: 'grace@example.com' }));
	const lead = await deliver('marketing-segments-lifecycle.json', 'marketing/lifecycle-stage', { email: 'grace@example.com', lifecycleStage: 'lead', accountId: 'acme' });
	expect(lead.status).toBe('success');
	expect(lead.answer).toMatchObject({ email: 'grace@example.com', action: 'nurture_started' });
	expect((lead.answer.startedOn as string[]).sort()).toEqual(ALL);
	const duplicate = await deliver('marketing-segments-lifecycle.json', 'marketing/lifecycle-stage', { email: 'grace@example.com', lifecycleStage: 'lead', accountId: 'acme' });
	expect(duplicate.status).toBe('success');

	const { controls } = platforms;
	expect((await controls.mailchimp.state<Array<{ journey_id: string; email_address: string }>>('triggers')).filter((entry) => entry.journey_id === '601')).toHaveLength(1);
	expect(await controls.hubspot.state('enrollments')).toEqual([expect.objectContaining({ workflowId: '8101', email: 'grace@example.com', action: 'enrolled' })]);
	expect((await controls.marketo.state<Array<{ campaignId: number }>>('campaignRuns')).filter((entry) => entry.campaignId === 7200)).toHaveLength(1);
	expect((await controls.activecampaign.state<Array<{ automation: string }>>('automationRuns')).filter((entry) => entry.automation === '12')).toHaveLength(1);

	const customer = await deliver('marketing-segments-lifecycle.json', 'marketing/lifecycle-stage', { email: 'grace@example.com', lifecycleStage: 'customer', accountId: 'acme' });
	expect(customer.answer).toMatchObject({ email: 'grace@example.com', action: 'nurture_stopped' });
	expect((customer.answer.stoppedOn as string[]).sort()).toEqual(ALL);
	expect((await controls.mailchimp.state<Array<{ journey_id: string; email_address: string }>>('exits')).map((entry) => [entry.journey_id, entry.email_address])).toEqual([['601', 'grace@example.com']]);
	expect((await controls.hubspot.state<Array<{ action: string }>>('enrollments')).map((entry) => entry.action)).toEqual(['enrolled', 'unenrolled']);
	expect((await controls.marketo.state<Array<{ campaignId: number }>>('campaignRuns')).filter((entry) => entry.campaignId === 7201)).toHaveLength(1);
	expect((await controls.activecampaign.state<Array<{ automation: string; removedAt?: string }>>('automationRuns')).filter((entry) => entry.automation === '12').map((entry) => Boolean(entry.removedAt))).toEqual([true]);

	const late = await deliver('marketing-segments-lifecycle.json', 'marketing/lifecycle-stage', { email: 'grace@example.com', lifecycleStage: 'lead' });
	expect(late.answer).toMatchObject({ action: 'none', status: 'unchanged' });

	const store = await usageStore();
	const usage = await store.db.query<{ event_id: string; quantity: number; customer_id: string }>(
		"SELECT event_id, quantity, customer_id FROM usage_events WHERE meter = 'campaigns' AND event_id LIKE 'nurture:%' ORDER BY event_id",
	);
	expect(usage).toEqual(ALL.map((platform) => ({ event_id: `nurture:${platform}:grace@example.com:1`, quantity: 1, customer_id: 'acme' })));
});

test('the retention check starts the win-back on every platform for a customer inactive past 60 days, once per inactivity spell', async () => {
	await deliver('marketing-contact-created.json', 'marketing/contact-created', contact(2, { email: 'idle@example.com' }));
	const customers = { customers: [{ email: 'idle@example.com', lastActivityAt: '2025-01-15T08:00:00Z' }, { email: 'busy@example.com', lastActivityAt: new Date().toISOString() }] };
	const first = await deliver('marketing-retention.json', 'marketing/retention-check', customers);
	expect(first.status).toBe('success');
	expect(first.outputs['Start Retention Campaign']?.[1]?.map((item) => item.json.email)).toEqual(['busy@example.com']);
	await deliver('marketing-retention.json', 'marketing/retention-check', customers);

	const { controls } = platforms;
	expect((await controls.mailchimp.state<Array<{ journey_id: string; email_address: string }>>('triggers')).filter((entry) => entry.journey_id === '701').map((entry) => entry.email_address)).toEqual(['idle@example.com']);
	expect((await controls.hubspot.state<Array<{ workflowId: string; email: string }>>('enrollments')).filter((entry) => entry.workflowId === '8102').map((entry) => entry.email)).toEqual(['idle@example.com']);
	expect((await controls.marketo.state<Array<{ campaignId: number; email: string }>>('campaignRuns')).filter((entry) => entry.campaignId === 7300).map((entry) => entry.email)).toEqual(['idle@example.com']);
	expect((await controls.activecampaign.state<Array<{ automation: string; email: string }>>('automationRuns')).filter((entry) => entry.automation === '13').map((entry) => entry.email)).toEqual(['idle@example.com']);
	const usage = await (await usageStore()).db.query<{ event_id: string }>("SELECT event_id FROM usage_events WHERE meter = 'campaigns' AND event_id LIKE 'retention:%' ORDER BY event_id");
	expect(usage.map((row) => row.event_id)).toEqual(ALL.map((platform) => `retention:${platform}:idle@example.com:2025-01-15T08:00:00.000Z`));
});

test('a customer whose last activity is no date starts nothing and is emailed for a person to fix', async () => {
	const run = await deliver('marketing-retention.json', 'marketing/retention-check', { customers: [{ email: 'undated@example.com', lastActivityAt: 'last tuesday' }] });
	expect(run.outputs['Start Retention Campaign']?.[0] ?? []).toEqual([]);
	const email = await services.smtp.waitFor((message) => message.subject.includes('undated@example.com'));
	expect(email).toMatchObject({ to: ['marketing@example.com'], subject: 'Retention campaign not started for undated@example.com' });
	expect(email.text).toContain('lastActivityAt');
	const triggered = await platforms.controls.mailchimp.state<Array<{ email_address: string }>>('triggers');
	expect(triggered.map((entry) => entry.email_address)).not.toContain('undated@example.com');
});

test("the daily schedule reads the customers' last activity and starts the win-back once for the idle one", async () => {
	await deliver('marketing-contact-created.json', 'marketing/contact-created', contact(3, { email: 'lapsed@example.com' }));
	await new SandboxControl(receivers.baseUrl).seed({
		customers: [{ email: 'lapsed@example.com', lastActivityAt: '2025-03-01T10:00:00Z' }, { email: 'daily@example.com', lastActivityAt: new Date().toISOString() }],
	});
	const first = await n8n.runManual(workflows['marketing-retention.json'], 'Every Day at 9');
	expect(first.error).toBeUndefined();
	expect(first.outputs['Start Retention Campaign']?.[0]?.map((item) => item.json.email)).toEqual(['lapsed@example.com']);
	expect(first.outputs['Start Retention Campaign']?.[1]?.map((item) => item.json.email)).toEqual(['daily@example.com']);
	const second = await n8n.runManual(workflows['marketing-retention.json'], 'Every Day at 9');
	expect(second.error).toBeUndefined();

	const triggered = await platforms.controls.mailchimp.state<Array<{ journey_id: string; email_address: string }>>('triggers');
	expect(triggered.filter((entry) => entry.journey_id === '701' && entry.email_address === 'lapsed@example.com')).toHaveLength(1);
	const usage = await (await usageStore()).db.query<{ event_id: string }>("SELECT event_id FROM usage_events WHERE meter = 'campaigns' AND event_id LIKE 'retention:%lapsed%' ORDER BY event_id");
	expect(usage.map((row) => row.event_id)).toEqual(ALL.map((platform) => `retention:${platform}:lapsed@example.com:2025-03-01T10:00:00.000Z`));
});
