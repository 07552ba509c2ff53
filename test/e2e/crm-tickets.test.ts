/**
 * The ticket template in the real n8n (the package installed as a community package) against the Zendesk and
 * Freshdesk sandboxes: a Freshdesk ticket created in the sandbox, its automation rule posting to the Freshdesk
 * trigger with the shared secret, reaches Zendesk once through CRM Sync, with its comments; a delivery without the
 * secret gets 401 and starts nothing; the tickets synced are metered by the usage sub-workflow. And a second pair,
 * Intercom and HubSpot, through a CRM Sync node started by a webhook: an Intercom ticket's reply reaches HubSpot as a
 * note, a HubSpot note reaches Intercom as a note, each once, and a further run pulls and writes nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { importEventHub, startTemplateServices, type EventHub, type TemplateServices } from '../harness/templateServices';
import { withSubWorkflowIds } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8'));
const triggerUrl = (node: string) => `${n8n.webhookBaseUrl}/webhook/${(template('crm-ticket-sync.json').nodes as Array<{ name: string; webhookId: string }>).find((entry) => entry.name === node)!.webhookId}/webhook`;
const webhookSecret = 'freshdesk-rule-secret';

let n8n: N8nServer;
let services: TemplateServices;
let zendesk: RunningSandbox;
let freshdesk: RunningSandbox;
let zendeskControl: SandboxControl;
let freshdeskControl: SandboxControl;
let userFolder: string;
let packageTarball: string;
let ticketWorkflow: string;
let intercom: RunningSandbox;
let hubspot: RunningSandbox;
let pairWorkflow: string;

/** CRM Sync between Intercom and HubSpot tickets, run by a webhook that answers with the sync's summary. */
const pairFlow = {
	name: 'Tickets between Intercom and HubSpot',
	nodes: [
		{ name: 'Sync Requested', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607', parameters: { path: 'desks/intercom-hubspot', httpMethod: 'POST', responseMode: 'lastNode' } },
		{
			name: 'Sync Intercom And HubSpot Tickets',
			type: 'n8n-nodes-integration-automation.crmSync',
			typeVersion: 1,
			position: [220, 0],
			executeOnce: true,
			credentials: { integrationIntercomApi: { id: '', name: 'Intercom' }, integrationHubSpotApi: { id: '', name: 'HubSpot' } },
			parameters: { operation: 'sync', entity: 'tickets', integration: 'pair', platforms: ['intercom', 'hubspot'], strategy: 'lastWriteWins', deletes: 'ignore' },
		},
	],
	connections: { 'Sync Requested': { main: [[{ node: 'Sync Intercom And HubSpot Tickets', type: 'main', index: 0 }]] } },
	settings: {},
};
let hub: EventHub;

beforeAll(async () => {
	zendesk = await startSandbox('zendesk');
	freshdesk = await startSandbox('freshdesk');
	intercom = await startSandbox('intercom');
	hubspot = await startSandbox('hubspot');
	zendeskControl = new SandboxControl(zendesk.baseUrl);
	freshdeskControl = new SandboxControl(freshdesk.baseUrl);
	await zendeskControl.updateSettings({ incrementalDelayMs: 0 });
	userFolder = mkdtempSync(path.join(tmpdir(), 'crm-tickets-e2e-n8n-'));
	packageTarball = await packPackage();
	n8n = await startN8n({ userFolder, packageTarball });
	const credentials = {
		integrationZendeskApi: await n8n.createCredential('integrationZendeskApi', 'Zendesk', { baseUrl: zendesk.baseUrl, email: zendesk.credentials.email, apiToken: zendesk.credentials.apiToken }),
		integrationFreshdeskApi: await n8n.createCredential('integrationFreshdeskApi', 'Freshdesk', { baseUrl: freshdesk.baseUrl, apiKey: freshdesk.credentials.apiKey, plan: 'growth', webhookSecret }),
		integrationIntercomApi: await n8n.createCredential('integrationIntercomApi', 'Intercom', { baseUrl: intercom.baseUrl, accessToken: intercom.credentials.accessToken, clientSecret: 'intercom-app-secret' }),
		integrationHubSpotApi: await n8n.createCredential('integrationHubSpotApi', 'HubSpot', { baseUrl: hubspot.baseUrl, accessToken: hubspot.credentials.accessToken, clientSecret: 'hubspot-app-secret' }),
	};
	services = await startTemplateServices(n8n);
	const ids = { ...credentials, ...services.credentialIds };
	// Each sync run is published to the Event Router template (on receivers of its own).
	hub = await importEventHub(n8n, ids);
	const usageTemplate = template('crm-record-sync-usage.json');
	const usageId = await n8n.importWorkflow(withSubWorkflowIds(usageTemplate, hub.ids), { credentials: ids });
	await n8n.activate(usageId);
	ticketWorkflow = await n8n.importWorkflow(withSubWorkflowIds(template('crm-ticket-sync.json'), { [usageTemplate.name]: usageId }), { credentials: ids });
	await n8n.activate(ticketWorkflow);
	pairWorkflow = await n8n.importWorkflow(pairFlow, { credentials: ids });
	await n8n.activate(pairWorkflow);
	// Freshdesk's automation rules: every ticket created or updated is posted to both Freshdesk triggers with the secret.
	await freshdeskControl.registerWebhook(triggerUrl('Freshdesk Ticket Created'), webhookSecret);
	await freshdeskControl.registerWebhook(triggerUrl('Freshdesk Ticket Updated'), webhookSecret);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await hub?.close();
	await zendesk?.close();
	await freshdesk?.close();
	await intercom?.close();
	await hubspot?.close();
	rmSync(userFolder, { recursive: true, force: true });
	rmSync(path.dirname(packageTarball), { recursive: true, force: true });
});

const freshdeskCall = (pathname: string, body: unknown) => fetch(`${freshdesk.baseUrl}${pathname}`, {
	method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${freshdesk.credentials.apiKey}:X`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

/**
 * Waits until the Freshdesk sandbox has sent `count` deliveries and the `runs` webhook runs they started have ended,
 * and returns the deliveries, none refused. A delivery is listed once answered (when its run ends), or once the sandbox
 * stopped waiting after its 10 s (no status: n8n busy on a loaded machine, not a refusal): the runs are what say the
 * sync is done.
 */
async function settledDeliveries(count: number, runs: number) {
	for (const deadline = Date.now() + 150_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
		const deliveries = (await freshdeskControl.webhooks()).deliveries;
		const webhookRuns = (await n8n.executions(ticketWorkflow)).filter((run) => run.mode === 'webhook');
		if (deliveries.length >= count && webhookRuns.length >= runs && webhookRuns.every((run) => run.status !== 'new' && run.status !== 'running')) {
			const answered = deliveries.filter((delivery) => delivery.status !== null);
			expect(answered.map((delivery) => delivery.status)).toEqual(answered.map(() => 200));
			return deliveries;
		}
	}
	throw new Error(`fewer than ${count} Freshdesk deliveries, or fewer than ${runs} finished runs`);
}

test('Zendesk ticket webhooks were registered on publishing; a Freshdesk delivery without the secret gets 401 and starts nothing', async () => {
	const hooks = await zendeskControl.state<Array<{ endpoint: string; subscriptions: string[] }>>('webhooks');
	expect(hooks.map((hook) => hook.endpoint).sort()).toEqual([triggerUrl('Zendesk Ticket Created'), triggerUrl('Zendesk Ticket Updated')].sort());
	expect(hooks.find((hook) => hook.endpoint === triggerUrl('Zendesk Ticket Created'))?.subscriptions).toEqual(['zen:event-type:ticket.created']);
	const body = JSON.stringify({ event: 'ticket.created', ticket_id: 1 });
	for (const headers of [{}, { 'X-Freshdesk-Webhook-Secret': 'guessed' }]) {
		const forged = await fetch(triggerUrl('Freshdesk Ticket Created'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
		expect(forged.status).toBe(401);
	}
	expect((await n8n.executions(ticketWorkflow)).filter((run) => run.mode === 'webhook')).toEqual([]);
});

test('a Freshdesk ticket created in the sandbox reaches Zendesk once through CRM Sync, comments included, and is metered', async () => {
	const created = await freshdeskCall('/api/v2/tickets', { email: 'ann@example.com', subject: 'Printer on fire', description: 'Smoke from tray 2', status: 2, priority: 3 });
	expect(created.status).toBe(201);
	const ticket = (await created.json()) as { id: number };
	// The creation posts ticket.created to both Freshdesk triggers: the Created one syncs, the Updated one skips it.
	expect(await settledDeliveries(2, 1)).toHaveLength(2);
	const zendeskTickets = async () => zendeskControl.state<Array<{ id: number; subject: string; description: string; status: string; priority: string }>>('tickets');
	expect((await zendeskTickets()).map(({ subject, description, status, priority }) => ({ subject, description, status, priority }))).toEqual([
		{ subject: 'Printer on fire', description: 'Smoke from tray 2', status: 'open', priority: 'high' },
	]);

	// A reply in Freshdesk updates the ticket: its update rule fires, and the reply reaches Zendesk once.
	await freshdeskCall(`/api/v2/tickets/${ticket.id}/reply`, { body: 'We are on it.' });
	await settledDeliveries(4, 2);
	const [copy] = await zendeskTickets();
	const comments = await fetch(`${zendesk.baseUrl}/api/v2/tickets/${copy.id}/comments.json`, {
		headers: { authorization: `Basic ${Buffer.from(`${zendesk.credentials.email}/token:${zendesk.credentials.apiToken}`).toString('base64')}` },
	});
	expect(((await comments.json()) as { comments: Array<{ body: string }> }).comments.map((comment) => comment.body)).toEqual(['Smoke from tray 2', 'We are on it.']);
	expect(await zendeskTickets()).toHaveLength(1);

	// One execution per delivery that was the trigger's event (the schedule's runs, if one fell in the test, are left out).
	const runs = (await n8n.executions(ticketWorkflow)).filter((run) => run.mode === 'webhook');
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	const store = await openStore(n8n.stateStore, allMigrations);
	const usage = await new UsageMeter({ db: store.db, namespace: 'demo' }).usage('demo');
	await closeAllStores();
	// Zendesk: the ticket created, then updated with the reply: two tickets synced, $0.10 each on the Support price.
	expect(usage.meters.tickets).toMatchObject({ quantity: 2 });
});

/** The sync's summary item (a record a desk refused would stop the node: the webhook would not answer 200). */
interface PairSummary { platforms: Record<'intercom' | 'hubspot', { pulled: number; created: number; updated: number; failed: number }> }

const vendorCall = (sandbox: RunningSandbox, pathname: string, body: unknown, method = 'POST') => fetch(`${sandbox.baseUrl}${pathname}`, {
	method, headers: { authorization: `Bearer ${sandbox.credentials.accessToken}`, 'content-type': 'application/json', 'intercom-version': '2.14' }, body: JSON.stringify(body),
});

async function runPair(): Promise<PairSummary> {
	const response = await fetch(`${n8n.webhookBaseUrl}/webhook/desks/intercom-hubspot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	expect(response.status).toBe(200);
	return (await response.json()) as PairSummary;
}

/** Each desk's one ticket's comments as [text, public]: Intercom's ticket parts, HubSpot's associated notes. */
async function pairThreads(): Promise<{ intercom: Array<[string, boolean]>; hubspot: Array<[string, boolean]> }> {
	const intercomControl = new SandboxControl(intercom.baseUrl);
	const hubspotControl = new SandboxControl(hubspot.baseUrl);
	const [intercomTicket] = await intercomControl.state<Array<{ ticket_parts: { ticket_parts: Array<{ part_type: string; body: string }> } }>>('tickets');
	const [hubspotTicket] = await hubspotControl.state<Array<{ id: string }>>('tickets');
	const linked = (await (await vendorCall(hubspot, '/crm/v4/associations/tickets/notes/batch/read', { inputs: [{ id: hubspotTicket.id }] })).json()) as { results: Array<{ to: Array<{ toObjectId: number }> }> };
	const noteIds = new Set((linked.results[0]?.to ?? []).map((target) => String(target.toObjectId)));
	const notes = (await hubspotControl.state<Array<{ id: string; properties: { hs_note_body: string } }>>('notes')).filter((note) => noteIds.has(note.id));
	return {
		intercom: intercomTicket.ticket_parts.ticket_parts.map((part) => [part.body.replace(/<\/?p>/g, ''), part.part_type === 'comment'] as [string, boolean]),
		hubspot: notes.map((note) => [note.properties.hs_note_body.replace(/<\/?p>/g, ''), false] as [string, boolean]),
	};
}

test('Intercom and HubSpot through CRM Sync in n8n: a reply and a note cross once each way, and a further run moves nothing', async () => {
	const created = await vendorCall(intercom, '/tickets', { ticket_type_id: '1', contacts: [{ email: 'ivy@example.com' }], ticket_attributes: { _default_title_: 'Sync stalled', _default_description_: 'No data since Monday' } });
	expect(created.status).toBe(200);
	const ticket = (await created.json()) as { id: string };
	await vendorCall(intercom, `/tickets/${ticket.id}/reply`, { message_type: 'comment', type: 'admin', admin_id: '1', body: 'Which connector?' });

	const first = await runPair();
	expect([first.platforms.hubspot.created, first.platforms.hubspot.failed]).toEqual([1, 0]);
	const [copy] = await new SandboxControl(hubspot.baseUrl).state<Array<{ id: string; properties: Record<string, string> }>>('tickets');
	expect(copy.properties).toMatchObject({ subject: 'Sync stalled', content: 'No data since Monday', hs_pipeline_stage: '1' });
	expect(await pairThreads()).toEqual({ intercom: [['Which connector?', true]], hubspot: [['Which connector?', false]] });

	// An agent leaves a note on the HubSpot copy: it reaches Intercom once, as a note.
	await vendorCall(hubspot, '/crm/v3/objects/notes', { properties: { hs_note_body: 'Customer is on the legacy plan', hs_timestamp: new Date().toISOString() }, associations: [{ to: { id: copy.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 228 }] }] });
	const second = await runPair();
	expect([second.platforms.intercom.updated, second.platforms.intercom.failed]).toEqual([1, 0]);
	const both = { intercom: [['Which connector?', true], ['Customer is on the legacy plan', false]], hubspot: [['Which connector?', false], ['Customer is on the legacy plan', false]] };
	expect(await pairThreads()).toEqual(both);

	const quiet = await runPair();
	expect([quiet.platforms.intercom.pulled, quiet.platforms.hubspot.pulled]).toEqual([0, 0]);
	expect(await pairThreads()).toEqual(both);
	expect(await new SandboxControl(intercom.baseUrl).state<unknown[]>('tickets')).toHaveLength(1);
	expect(await new SandboxControl(hubspot.baseUrl).state<unknown[]>('tickets')).toHaveLength(1);
});
