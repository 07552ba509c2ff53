/**
 * Plan quotas enforced in the real n8n, both ways, with the support contacts template (four platforms: HubSpot,
 * Salesforce, Zendesk, Intercom) and its Check Plan (Platforms) node set to CRM Basic (two platforms): refusing, an
 * Intercom event syncs nothing, counts nothing and the refusal naming the plan is emailed; billing the overage, the same
 * kind of event syncs every platform and the month's invoice preview bills the two platforms over the plan at $25.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { importEventHub, startTemplateServices, type EventHub, type TemplateServices } from '../harness/templateServices';
import { withSubWorkflowIds, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const supportSecret = 'support-webhook-secret';
const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;

let n8n: N8nServer;
let services: TemplateServices;
let hub: EventHub;
let sandboxes: Record<'hubspot' | 'salesforce' | 'zendesk' | 'intercom', RunningSandbox>;
let ids: Record<string, string>;
let usageTemplateName: string;
let usageId: string;
let previewId: string;

/** The support template with its plan check on CRM Basic, refusing or billing what is over the plan. */
function onBasic(aboveQuota: 'refuse' | 'bill'): WorkflowJson {
	const workflow = withSubWorkflowIds(template('crm-support-sync.json'), { [usageTemplateName]: usageId });
	const check = workflow.nodes.find((node) => node.name === 'Check Plan (Platforms)')!;
	check.parameters = { ...check.parameters, planPreset: 'crm_basic', aboveQuota };
	return workflow;
}

/** What a user opens to see the month so far: the invoice preview under CRM Basic. */
const previewWorkflow = {
	name: 'Preview CRM Basic',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'Preview',
			type: `${pkg}.usageMeter`,
			typeVersion: 1,
			position: [220, 0],
			parameters: { operation: 'previewInvoice', namespace: 'demo', allCustomers: false, customerId: 'demo', period: 'current', planSource: 'preset', planPreset: 'crm_basic' },
		},
	],
	connections: { Start: { main: [[{ node: 'Preview', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

beforeAll(async () => {
	sandboxes = {
		hubspot: await startSandbox('hubspot'),
		salesforce: await startSandbox('salesforce'),
		zendesk: await startSandbox('zendesk'),
		intercom: await startSandbox('intercom'),
	};
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	const { hubspot, salesforce, zendesk, intercom } = sandboxes;
	ids = {
		...services.credentialIds,
		integrationHubSpotApi: await n8n.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl, clientSecret: supportSecret }),
		integrationSalesforceApi: await n8n.createCredential('integrationSalesforceApi', 'Salesforce', { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl }),
		integrationZendeskApi: await n8n.createCredential('integrationZendeskApi', 'Zendesk', { baseUrl: zendesk.baseUrl, email: zendesk.credentials.email, apiToken: zendesk.credentials.apiToken, webhookSecret: supportSecret }),
		integrationIntercomApi: await n8n.createCredential('integrationIntercomApi', 'Intercom', { accessToken: intercom.credentials.accessToken, clientSecret: supportSecret, baseUrl: intercom.baseUrl }),
	};
	hub = await importEventHub(n8n, ids);
	const usage = template('crm-record-sync-usage.json');
	usageTemplateName = String(usage.name);
	usageId = await n8n.importWorkflow(withSubWorkflowIds(usage, hub.ids), { credentials: ids });
	await n8n.activate(usageId);
	previewId = await n8n.importWorkflow(previewWorkflow);
});

afterAll(async () => {
	await n8n?.stop();
	await services?.close();
	await hub?.close();
	await Promise.allSettled(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

const intercomControl = () => new SandboxControl(sandboxes.intercom.baseUrl);
const hubspotEmails = async () =>
	(await new SandboxControl(sandboxes.hubspot.baseUrl).state<Array<{ properties: { email: string }; archived?: boolean }>>('contacts')).filter((contact) => !contact.archived).map((contact) => contact.properties.email);
const salesforceEmails = async () => (await new SandboxControl(sandboxes.salesforce.baseUrl).state<Array<{ Email: string; IsDeleted: boolean }>>('Contact')).filter((contact) => !contact.IsDeleted).map((contact) => contact.Email);

/** Publishes the template, has Intercom send a contact.user.created for `contactId`, and returns the finished execution. */
async function intercomContactCreated(workflowId: string, contactId: string) {
	const before = new Set((await n8n.executions(workflowId)).map((run) => run.id));
	await intercomControl().emitEvent({ topic: 'contact.user.created', item: { type: 'contact', id: contactId } });
	return await n8n.waitForExecution(workflowId, (run) => !before.has(run.id) && run.status !== 'running' && run.status !== 'new', 120_000);
}

async function preview() {
	const run = await n8n.runManual(previewId);
	return run.outputs.Preview[0][0].json as { total: { amount: string }; lines: Array<{ meter?: string; quantity?: number; billable?: number; amount: { amount: string } }> };
}

test('on CRM Basic, refusing: a sync of four platforms does not run, counts nothing, and the refusal naming the plan is emailed', async () => {
	await intercomControl().seed({ contacts: [{ name: 'Dorothy Vaughan', email: 'dorothy@example.com' }] });
	const workflowId = await n8n.importWorkflow(onBasic('refuse'), { credentials: ids });
	await n8n.activate(workflowId);
	const url = `${n8n.webhookBaseUrl}/webhook/${template('crm-support-sync.json').nodes.find((node) => node.name === 'Intercom Contact Created')!.webhookId as string}/webhook`;
	await intercomControl().registerWebhook(url, supportSecret);

	const run = await intercomContactCreated(workflowId, '1');
	expect(run.status).toBe('success');
	expect(run.outputs['Sync Contacts Everywhere']).toBeUndefined();
	const [refused] = run.outputs['Check Plan (Platforms)'][3];
	expect(refused.json.error).toMatch(/^Over the platforms quota of plan "CRM Basic": it includes 2 platforms a period, customer "demo" has 0 in the period starting \d{4}-\d{2}-01 and this would make 4; nothing was counted/);
	const email = await services.smtp.waitFor((message) => message.subject === 'CRM sync refused: over the plan');
	expect(email.text).toContain('Over the platforms quota of plan "CRM Basic"');
	expect(await hubspotEmails()).toEqual([]);
	expect(await salesforceEmails()).toEqual([]);
	const nothing = await preview();
	expect(nothing.lines.find((line) => line.meter === 'platforms')).toMatchObject({ quantity: 0, billable: 0, amount: { amount: '0.00' } });
	expect(nothing.total.amount).toBe('99.00');
	await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
});

test('on CRM Basic, billing the overage: the sync runs on all four platforms and the invoice bills two platforms over the plan', async () => {
	const workflowId = await n8n.importWorkflow(onBasic('bill'), { credentials: ids, replace: true });
	await n8n.activate(workflowId);
	const run = await intercomContactCreated(workflowId, '1');
	expect(run.status).toBe('success');
	expect(run.outputs['Check Plan (Platforms)'][3] ?? []).toEqual([]);
	expect(run.outputs['Sync Contacts Everywhere'][0]).toHaveLength(1);
	expect(await hubspotEmails()).toEqual(['dorothy@example.com']);
	expect((await salesforceEmails()).map((email) => email.toLowerCase())).toEqual(['dorothy@example.com']);
	// $99 + 2 platforms over the 2 included × $25; the few records synced are within the 10,000 included.
	const invoice = await preview();
	expect(invoice.lines.find((line) => line.meter === 'platforms')).toMatchObject({ quantity: 4, billable: 2, amount: { amount: '50.00' } });
	expect(invoice.lines.find((line) => line.meter === 'syncs')).toMatchObject({ billable: 0 });
	expect(invoice.total.amount).toBe('149.00');
});
