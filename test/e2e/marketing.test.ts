/**
 * Marketing fan-out in the real n8n against the HubSpot, Mailchimp, Marketo and ActiveCampaign sandboxes: the
 * contact-created template as a published webhook (every platform, segments, welcome once despite a duplicate
 * delivery, no consent subscribed nowhere, Usage Meter counting), the unsubscribes template propagating an
 * unsubscribe, one platform down, and n8n's own credential test for the three new credential types.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, withCallerKey, type TemplateServices } from '../harness/templateServices';
import type { WorkflowJson } from '../harness/workflowJson';
import { contact, marketingPicks, MARKETO_CAMPAIGN, seedMarketingSandboxes, startMarketingSandboxes, type MarketingSandboxes } from '../engine/marketingPlatforms';

jest.setTimeout(600_000);

let n8n: N8nServer;
let services: TemplateServices;
let platforms: MarketingSandboxes;
let contactWorkflowId: string;
let unsubscribeWorkflowId: string;
const credentialIds: Record<string, string> = {};
const credentialData: Record<string, Record<string, unknown>> = {};

function configured(name: string): WorkflowJson {
	const workflow = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
	workflow.nodes = workflow.nodes.map((node) =>
		node.type === 'n8n-nodes-integration-automation.marketingFanOut'
			? {
					...node,
					parameters: {
						...node.parameters,
						...marketingPicks(),
					},
				}
			: node,
	);
	return workflow;
}

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
	await seedMarketingSandboxes(platforms.controls);
	n8n = await startN8n();
	const { hubspot, mailchimp, marketo, activecampaign } = platforms.sandboxes;
	Object.assign(credentialData, {
		integrationHubSpotApi: { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl },
		integrationMailchimpApi: { apiKey: mailchimp.credentials.apiKey, baseUrl: `${mailchimp.baseUrl}/3.0` },
		integrationMarketoApi: { clientId: marketo.credentials.clientId, clientSecret: marketo.credentials.clientSecret, baseUrl: marketo.baseUrl },
		integrationActiveCampaignApi: { apiToken: activecampaign.credentials.apiToken, baseUrl: `${activecampaign.baseUrl}/api/3` },
	});
	for (const [type, data] of Object.entries(credentialData)) credentialIds[type] = await n8n.createCredential(type, type, data);
	services = await startTemplateServices(n8n);
	Object.assign(credentialIds, services.credentialIds);
	contactWorkflowId = await n8n.importWorkflow(configured('marketing-contact-created.json'), { credentials: credentialIds });
	await n8n.activate(contactWorkflowId);
	unsubscribeWorkflowId = await n8n.importWorkflow(configured('marketing-unsubscribes.json'), { credentials: credentialIds });
	await n8n.activate(unsubscribeWorkflowId);
});

afterAll(async () => {
	await n8n?.stop();
	await services?.close();
	await platforms?.close();
});

/** Posts to a template's webhook, expects the answer's status (200 done, 202 retried later, 422 invalid) and waits for the run. */
async function deliver(workflowId: string, webhookPath: string, body: object, status = 200): Promise<ExecutionSummary & { answer: unknown }> {
	const earlier = new Set((await n8n.executions(workflowId)).map((run) => run.id));
	const reply = await n8n.callWebhook(webhookPath, withCallerKey({ body }));
	expect({ status: reply.status, body: reply.body }).toMatchObject({ status });
	// 120 s: the run ends late on a loaded machine (in queue mode it waits for a worker).
	// The delivery's run, not one the template's published schedule fired meanwhile.
	return { ...(await n8n.waitForExecution(workflowId, (run) => !earlier.has(run.id) && run.mode === 'webhook', 120_000)), answer: reply.body };
}

const sentOf = (run: ExecutionSummary) => run.outputs['Marketing Fan-out']?.[0]?.[0]?.json;

test('a created contact reaches every platform with its segments and one welcome, even when delivered twice', async () => {
	const body = contact(1, { email: 'ada@example.com', accountId: 'acme', country: 'DE' });
	const first = await deliver(contactWorkflowId, 'marketing/contact-created', body);
	expect(first.status).toBe('success');
	// contact(1): plan starter, lifecycle stage lead; country DE puts it in europe only.
	expect(sentOf(first)).toMatchObject({ email: 'ada@example.com', status: 'fanned_out', segments: ['europe'] });
	expect((sentOf(first).welcomedOn as string[]).sort()).toEqual(['activecampaign', 'hubspot', 'mailchimp', 'marketo']);
	expect(first.outputs['Count Campaign Executions']?.[0]?.[0]?.json).toBeDefined();
	expect(first.outputs['Count Campaign Executions']?.[0]).toHaveLength(1);
	expect(first.answer).toMatchObject({ email: 'ada@example.com', status: 'fanned_out' });

	const second = await deliver(contactWorkflowId, 'marketing/contact-created', body);
	expect(sentOf(second)).toMatchObject({ email: 'ada@example.com', welcomedOn: [] });

	const { controls } = platforms;
	const members = await controls.mailchimp.state<Array<{ email_address: string; status: string; tags: Array<{ name: string }> }>>('members');
	expect(members).toHaveLength(1);
	expect(members[0].tags.map((tag) => tag.name)).toContain('europe');
	expect(await controls.mailchimp.state('triggers')).toHaveLength(1);
	expect(await controls.marketo.state('leads')).toHaveLength(1);
	expect(await controls.marketo.state('campaignRuns')).toHaveLength(1);
	expect(await controls.marketo.state<{ issued: number }>('tokens')).toEqual({ issued: 1 });
	expect(await controls.activecampaign.state('automationRuns')).toHaveLength(1);
	expect(await controls.hubspot.state('contacts')).toHaveLength(1);
});

test('a contact without consent is answered not subscribed and goes to no platform', async () => {
	const run = await deliver(contactWorkflowId, 'marketing/contact-created', contact(2, { email: 'nobody@example.com', consent: false }));
	expect(run.outputs['Marketing Fan-out']?.[1]?.[0]?.json).toMatchObject({ email: 'nobody@example.com', status: 'no_consent' });
	expect(run.answer).toEqual({ email: 'nobody@example.com', status: 'no_consent' });
	const members = await platforms.controls.mailchimp.state<Array<{ email_address: string }>>('members');
	expect(members.map((member) => member.email_address)).not.toContain('nobody@example.com');
});

test('an unsubscribe reported to the webhook reaches the other platforms, and a later contact event does not resubscribe', async () => {
	const run = await deliver(unsubscribeWorkflowId, 'marketing/unsubscribe', { email: 'ADA@example.com', source: 'hubspot' });
	expect(run.status).toBe('success');
	const done = run.outputs['Record Unsubscribe']?.[0]?.[0]?.json;
	expect(done).toMatchObject({ email: 'ada@example.com', recorded: true });
	expect(run.answer).toMatchObject({ email: 'ada@example.com', recorded: true });
	expect((done.propagatedTo as string[]).sort()).toEqual(['activecampaign', 'mailchimp', 'marketo']);
	const { controls } = platforms;
	expect((await controls.mailchimp.state<Array<{ email_address: string; status: string }>>('members')).find((member) => member.email_address === 'ada@example.com')?.status).toBe('unsubscribed');
	expect((await controls.marketo.state<Array<{ email: string; unsubscribed: boolean }>>('leads')).find((lead) => lead.email === 'ada@example.com')?.unsubscribed).toBe(true);

	const later = await deliver(contactWorkflowId, 'marketing/contact-created', contact(1, { email: 'ada@example.com' }));
	expect(later.outputs['Marketing Fan-out']?.[1]?.[0]?.json).toMatchObject({ status: 'unsubscribed' });
	expect((await controls.mailchimp.state<Array<{ email_address: string; status: string }>>('members')).find((member) => member.email_address === 'ada@example.com')?.status).toBe('unsubscribed');
});

test('with Marketo down the others still get the contact; the next event retries Marketo', async () => {
	const { controls } = platforms;
	await controls.marketo.fault({ kind: 'error', status: 503, times: -1, match: { path: '/rest/' } });
	let run: ExecutionSummary;
	try {
		// Accepted for later: Marketo is retried on the next event.
		run = await deliver(contactWorkflowId, 'marketing/contact-created', contact(3, { email: 'grace@example.com' }), 202);
	} finally {
		await controls.marketo.clearFaults();
	}
	expect(sentOf(run)).toMatchObject({ email: 'grace@example.com', status: 'partial', failedOn: ['marketo'] });
	expect((await controls.marketo.state<Array<{ email: string }>>('leads')).map((lead) => lead.email)).not.toContain('grace@example.com');

	await deliver(contactWorkflowId, 'marketing/contact-created', contact(4, { email: 'alan@example.com' }));
	const leads = (await controls.marketo.state<Array<{ email: string }>>('leads')).map((lead) => lead.email);
	expect(leads).toEqual(expect.arrayContaining(['grace@example.com', 'alan@example.com']));
	const runs = (await controls.marketo.state<Array<{ email: string }>>('campaignRuns')).filter((entry) => entry.email === 'grace@example.com');
	expect(runs).toHaveLength(1);
});

test('when Marketo refuses the token n8n stored (601/602 in an HTTP 200), the node fetches its own and carries on', async () => {
	const { controls } = platforms;
	// A reset forgets every token Marketo issued, as an expiry would: the credential's stored token is now refused.
	await controls.marketo.reset();
	await controls.marketo.seed({ lists: ['enterprise', 'europe', 'customers'].map((name) => ({ name })), campaigns: [{ id: MARKETO_CAMPAIGN, name: 'Welcome' }] });
	const run = await deliver(contactWorkflowId, 'marketing/contact-created', contact(5, { email: 'token@example.com' }));
	expect(sentOf(run)).toMatchObject({ email: 'token@example.com', status: 'fanned_out' });
	expect((await controls.marketo.state<Array<{ email: string }>>('leads')).map((lead) => lead.email)).toEqual(['token@example.com']);
	expect(await controls.marketo.state('tokens')).toEqual({ issued: 1 });
});

test('a contact or an unsubscribe without a usable email is answered 422 with the reason; no platform is written', async () => {
	const { controls } = platforms;
	const members = (await controls.mailchimp.state<unknown[]>('members')).length;
	const contactRun = await deliver(contactWorkflowId, 'marketing/contact-created', { ...contact(6, {}), email: undefined }, 422);
	expect(contactRun.answer).toEqual(expect.objectContaining({ error: expect.stringMatching(/email/i) }));
	const unsubscribeRun = await deliver(unsubscribeWorkflowId, 'marketing/unsubscribe', { email: { address: 'x@example.com' }, source: 'hubspot' }, 422);
	expect(unsubscribeRun.answer).toEqual(expect.objectContaining({ error: expect.stringMatching(/email/i) }));
	expect(await controls.mailchimp.state('members')).toHaveLength(members);
});

async function testCredential(id: string, type: string, data: Record<string, unknown>): Promise<{ status: string; message: string }> {
	const response = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
		method: 'POST',
		headers: { cookie: n8n.cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ credentials: { id, name: type, type, data } }),
	});
	return ((await response.json()) as { data: { status: string; message: string } }).data;
}

test('the Mailchimp, Marketo and ActiveCampaign credentials pass n8n’s credential test; wrong secrets fail it', async () => {
	for (const type of ['integrationMailchimpApi', 'integrationMarketoApi', 'integrationActiveCampaignApi']) {
		expect({ type, ...(await testCredential(credentialIds[type], type, credentialData[type])) }).toMatchObject({ type, status: 'OK' });
	}
	const wrong: Record<string, Record<string, unknown>> = {
		integrationMailchimpApi: { ...credentialData.integrationMailchimpApi, apiKey: 'wrongwrongwrong-us21' },
		integrationMarketoApi: { ...credentialData.integrationMarketoApi, clientSecret: 'wrong-secret' },
		integrationActiveCampaignApi: { ...credentialData.integrationActiveCampaignApi, apiToken: 'wrong-token' },
	};
	for (const [type, data] of Object.entries(wrong)) {
		const id = await n8n.createCredential(type, `${type} (wrong)`, data);
		expect({ type, status: (await testCredential(id, type, data)).status }).toEqual({ type, status: 'Error' });
	}
});
