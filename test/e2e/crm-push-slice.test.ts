/**
 * The foundation's vertical slice in the real n8n: this package installed as a community package, the push template
 * imported and published, a HubSpot credential pointing at the sandbox, contacts posted to the webhook. The sandbox's
 * state and the store (SQLite in the n8n user folder) are checked afterwards; a re-run creates no duplicates. The
 * template answers with each contact's outcome: 200 when all went through, 207 when some failed, 422 when every one
 * failed or the body has no contacts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, withCallerKey, type TemplateServices } from '../harness/templateServices';
import { meteredQuantities, usageWorkflow } from '../harness/usage';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

let n8n: N8nServer;
let services: TemplateServices;
let hubspot: RunningSandbox;
let control: SandboxControl;
let workflowId: string;
let usageWorkflowId: string;

const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows/crm-push-contacts-to-hubspot.json'), 'utf8'));
const contacts = [
	{ id: 'e2e-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0001', company: 'Analytical' },
	{ id: 'e2e-2', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', company: 'Navy' },
];

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	control = new SandboxControl(hubspot.baseUrl);
	n8n = await startN8n();
	const credentialId = await n8n.createCredential('integrationHubSpotApi', 'HubSpot sandbox', {
		accessToken: hubspot.credentials.accessToken,
		baseUrl: hubspot.baseUrl,
	});
	services = await startTemplateServices(n8n);
	workflowId = await n8n.importWorkflow(template, { credentials: { integrationHubSpotApi: credentialId, ...services.credentialIds } });
	await n8n.activate(workflowId);
	usageWorkflowId = await n8n.importWorkflow(usageWorkflow('demo', 'demo', 'crm_sync_per_record'));
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await hubspot?.close();
});

test('a push without the caller key is refused and writes nothing to HubSpot', async () => {
	expect((await n8n.callWebhook('crm/push-contacts', { body: { contacts } })).status).toBe(403);
	expect(await control.state('contacts')).toEqual([]);
});

test('the template pushes contacts to HubSpot through the real n8n, records the ID map, and a re-run creates no duplicates', async () => {
	const first = await n8n.callWebhook('crm/push-contacts', withCallerKey({ body: { contacts } }));
	expect(first.status).toBe(200);
	expect((first.body as Array<{ status: string }>).map((outcome) => outcome.status)).toEqual(['created', 'created']);

	const stored = await control.state<Array<{ id: string; properties: Record<string, string> }>>('contacts');
	expect(stored.map((record) => record.properties.email).sort()).toEqual(['ada@example.com', 'grace@example.com']);
	expect(stored.find((record) => record.properties.email === 'ada@example.com')?.properties.phone).toBe('+442079460001');

	// Metered as the CRM per-record price counts: one record synced per contact created.
	expect((await meteredQuantities(n8n, usageWorkflowId)).syncs).toBe(2);

	const second = await n8n.callWebhook('crm/push-contacts', withCallerKey({ body: { contacts } }));
	expect((second.body as Array<{ status: string }>).map((outcome) => outcome.status)).toEqual(['skipped', 'skipped']);
	expect(await control.state('contacts')).toHaveLength(2);
	// The quiet re-run wrote nothing, so it meters nothing.
	expect((await meteredQuantities(n8n, usageWorkflowId)).syncs).toBe(2);

	const store = await openStore(n8n.stateStore, allMigrations);
	const ids = await store.idMap.externalIds({ integration: 'demo', platform: 'hubspot', entity: 'contacts' }, ['e2e-1', 'e2e-2']);
	expect([...ids.values()].sort()).toEqual(stored.map((record) => record.id).sort());

	// Up to 120 s: the runs end late on a loaded machine (in queue mode they wait for a worker).
	let executions = await n8n.executions(workflowId);
	for (const deadline = Date.now() + 120_000; executions.filter((execution) => execution.finished).length < 2 && Date.now() < deadline; ) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		executions = await n8n.executions(workflowId);
	}
	expect(executions.filter((execution) => execution.status === 'success')).toHaveLength(2);
});

test('contacts that all fail are answered 422 with each failure; some failing, 207; no contacts, 422 naming the field', async () => {
	const before = await control.state<unknown[]>('contacts');
	const allFailed = await n8n.callWebhook('crm/push-contacts', withCallerKey({ body: { contacts: [{ firstName: 'No', lastName: 'Id' }, { id: 'e2e-no-email', firstName: 'No Email' }] } }));
	expect(allFailed.status).toBe(422);
	// Refused contacts reach n8n's error output (the template's On Error), each the contact with its reason.
	const failures = allFailed.body as Array<{ error: string; details: { status: string; code: string } }>;
	expect(failures.map((outcome) => [outcome.details.status, outcome.details.code])).toEqual([
		['failed', 'MISSING_ID'],
		['failed', 'MISSING_MATCH_KEY'],
	]);
	const mixed = await n8n.callWebhook('crm/push-contacts', withCallerKey({ body: { contacts: [{ id: 'e2e-3', firstName: 'Katherine', email: 'katherine@example.com' }, { firstName: 'No', lastName: 'Id' }] } }));
	expect(mixed.status).toBe(207);
	expect((mixed.body as Array<{ status?: string; details?: { status: string } }>).map((outcome) => outcome.status ?? outcome.details?.status).sort()).toEqual(['created', 'failed']);
	expect(await control.state('contacts')).toHaveLength(before.length + 1);
	// Only the contact written is metered; the refused ones count nothing.
	expect((await meteredQuantities(n8n, usageWorkflowId)).syncs).toBe(3);
	for (const body of [{}, { contacts: [] }, { contacts: 'ada@example.com' }]) {
		expect(await n8n.callWebhook('crm/push-contacts', withCallerKey({ body }))).toEqual({ status: 422, body: { error: expect.stringContaining('contacts'), fields: ['contacts'] } });
	}
});

test('with On Error left at its default, a refused contact stops the execution naming it; the valid one is still written', async () => {
	const stopping = JSON.parse(JSON.stringify(template)) as { name: string; nodes: Array<{ name: string; onError?: string; webhookId?: string; parameters: Record<string, unknown> }> };
	stopping.name = 'CRM push, stopping on a failed record';
	for (const node of stopping.nodes) {
		if (node.name === 'Push to HubSpot') delete node.onError;
		if (node.name === 'Contacts Received') {
			node.parameters.path = 'crm/push-contacts-stop';
			node.webhookId = 'crm-push-contacts-stop';
		}
	}
	const id = await n8n.importWorkflow(stopping, { credentials: { integrationHubSpotApi: (await n8n.api<{ data: Array<{ id: string; name: string }> }>('GET', '/credentials')).data.find((credential) => credential.name === 'HubSpot sandbox')!.id, ...services.credentialIds } });
	await n8n.activate(id);
	const answer = await n8n.callWebhook('crm/push-contacts-stop', withCallerKey({ body: { contacts: [{ id: 'e2e-stop-ok', email: 'stop-ok@example.com' }, { id: 'e2e-stop-bad', firstName: 'No Email' }] } }));
	expect(answer.status).toBeGreaterThanOrEqual(500);
	const execution = await n8n.waitForExecution(id);
	expect(execution.status).toBe('error');
	expect(JSON.stringify(execution.error)).toMatch(/hubspot contacts e2e-stop-bad/);
	expect((await control.state<Array<{ properties: { email?: string } }>>('contacts')).map((record) => record.properties.email)).toContain('stop-ok@example.com');
});

test('every template in workflows/ imports into n8n and uses only node types this n8n knows', async () => {
	const known = new Set(await n8n.nodeTypes());
	const files = readdirSync(path.join(repoRoot, 'workflows')).filter((file) => file.endsWith('.json'));
	expect(files.length).toBeGreaterThan(5);
	for (const file of files) {
		const workflow = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', file), 'utf8')) as { nodes: Array<{ type: string }> };
		const missing = workflow.nodes.map((node) => node.type).filter((type) => !known.has(type));
		expect({ file, missing }).toEqual({ file, missing: [] });
		await expect(n8n.importWorkflow(workflow)).resolves.toEqual(expect.any(String));
	}
});
