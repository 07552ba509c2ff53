/**
 * The Event Router in the real n8n: the package installed as a community package, both templates imported with
 * credentials pointing at the receivers sandbox. Events posted to the ingest webhook (signed by the sender) are
 * routed, signed, to the receivers; a failing receiver's events are dead-lettered and replayed by the replay
 * template. Last, the same split done by the Event Router and by n8n's own Switch node, timed side by side.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { generateSecret, signHeaders } from '../../lib/routing';
import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { importMarketingTemplate, startTemplateServices, type ImportedTemplate, type TemplateServices } from '../harness/templateServices';
import { withSubWorkflowIds, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import type { ReceivedDelivery } from '../sandbox/receivers';

jest.setTimeout(600_000);

const ingestSecret = generateSecret();
let n8n: N8nServer;
let receivers: RunningSandbox;
let control: SandboxControl;
let ingestId: string;
let replayId: string;
let credentials: Record<string, string>;
let services: TemplateServices;
let marketing: ImportedTemplate;

interface TemplateNode {
	name: string;
	parameters: Record<string, unknown>;
}

function template(name: string): { nodes: TemplateNode[]; [key: string]: unknown } {
	const workflow = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl));
	// Short retries, so a receiver that is down dead-letters in well under a second.
	for (const node of workflow.nodes as TemplateNode[]) {
		if (typeof node.parameters.destinations !== 'string') continue;
		const destinations = JSON.parse(node.parameters.destinations) as Array<Record<string, unknown>>;
		node.parameters.destinations = JSON.stringify(destinations.map((destination) => ({ ...destination, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } })));
	}
	return workflow;
}

const received = (receiver: string) => control.state<ReceivedDelivery[]>(receiver);

let messages = 0;

/**
 * Posts an event signed the way a sender does (Standard Webhooks over the exact body sent), expects the answer's status
 * (200 routed or unmatched, 202 dead-lettered for replay, 401 forged, 422 malformed) and waits for its run.
 */
async function ingest(event: unknown, secret = ingestSecret, status = 200): Promise<ExecutionSummary & { answer: unknown }> {
	const before = new Set((await n8n.executions(ingestId)).map((execution) => execution.id));
	const body = JSON.stringify(event, null, 1);
	const headers = { 'content-type': 'application/json', ...signHeaders(secret, `msg_e2e_${++messages}`, Math.floor(Date.now() / 1000), body) };
	const response = await n8n.callWebhook('events', { body, headers });
	expect({ status: response.status, body: response.body }).toMatchObject({ status });
	return { ...(await n8n.waitForExecution(ingestId, (execution) => !before.has(execution.id))), answer: response.body };
}

beforeAll(async () => {
	receivers = await startSandbox('receivers');
	control = new SandboxControl(receivers.baseUrl);
	n8n = await startN8n();
	// The replay template emails what still fails through its Send Email node: the SMTP sink's credential.
	services = await startTemplateServices(n8n);
	credentials = {
		...services.credentialIds,
		integrationWebhookDestinationApi: await n8n.createCredential('integrationWebhookDestinationApi', 'Webhook Destinations', {
			signingSecret: '',
			destinationSecrets: receivers.credentials.secrets,
			bearerToken: '',
		}),
		integrationEventIngestApi: await n8n.createCredential('integrationEventIngestApi', 'Event Ingest Signing Secret', { signingSecret: ingestSecret }),
	};
	// The hub's marketing destination is the marketing template (published, on marketing sandboxes of its own).
	marketing = await importMarketingTemplate(n8n, credentials);
	ingestId = await n8n.importWorkflow(withSubWorkflowIds(template('event-router-ingest.json') as WorkflowJson, marketing.ids), { credentials });
	await n8n.activate(ingestId);
	replayId = await n8n.importWorkflow(template('event-router-replay.json'), { credentials });
});

afterAll(async () => {
	await n8n?.stop();
	await services?.close();
	await marketing?.close();
	await receivers?.close();
});

beforeEach(async () => control.reset());

test('the templates import with no missing node types', async () => {
	const available = new Set(await n8n.nodeTypes());
	for (const name of ['event-router-ingest.json', 'event-router-replay.json']) {
		const types = (JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')).nodes as Array<{ type: string }>).map((node) => node.type);
		expect(types.filter((type) => !available.has(type))).toEqual([]);
	}
});

test('signed events are routed by the seed rules, signed again, to their receivers; forged ones are rejected', async () => {
	const forged = await ingest({ id: 'e2e-forged', type: 'customer.created', source: 'crm' }, generateSecret(), 401);
	expect(forged.outputs['Answer Forged'][0].map((item) => item.json.reason)).toEqual(['signature rejected: no matching v1 signature']);
	expect(forged.answer).toEqual({ error: 'signature rejected: no matching v1 signature' });
	// A forged event is answered and nothing more: mailing each would let anyone fill the inbox.
	expect(Object.keys(forged.outputs)).not.toContain('Email Event Not Delivered');

	const customer = await ingest({ id: 'e2e-c1', type: 'customer.created', source: 'crm', data: { email: 'ada@example.com' } });
	expect(customer.status).toBe('success');
	expect(customer.outputs['Route Events'][0].map((item) => [item.json.eventId, item.json.status])).toEqual([['e2e-c1', 'delivered']]);
	expect(customer.answer).toEqual({ eventId: 'e2e-c1', status: 'delivered' });
	const order = await ingest({ id: 'e2e-o1', type: 'order.placed', source: 'ecommerce', data: { total: 10 } });
	expect(order.outputs['Route Events'][0]).toHaveLength(1);
	// Each routed event is metered once it is answered.
	expect(order.outputs['Meter Routed Event'][0].map((item) => item.json.eventId)).toEqual(['e2e-o1']);

	for (const receiver of ['analytics', 'data-warehouse']) {
		expect((await received(receiver)).map((delivery) => [delivery.auth, (delivery.body as { id: string }).id])).toEqual([['signature', 'e2e-c1']]);
	}
	// Marketing is the marketing template: the customer leaves on the marketing output and starts it (no consent here:
	// it subscribes nobody).
	expect(await received('marketing')).toEqual([]);
	expect(customer.outputs['Contact for Marketing'][0].map((item) => item.json.body)).toEqual([{ email: 'ada@example.com', eventId: 'e2e-c1', eventType: 'customer.created' }]);
	expect(customer.outputs['Marketing Fan-out Flow'][1] ?? []).toEqual([]);
	for (const receiver of ['fulfillment', 'accounting', 'inventory']) expect((await received(receiver)).map((d) => (d.body as { id: string }).id)).toEqual(['e2e-o1']);

	const unmatched = await ingest({ id: 'e2e-t1', type: 'ticket.opened', source: 'support' });
	expect(unmatched.outputs['Answer Unmatched'][0].map((item) => item.json.id)).toEqual(['e2e-t1']);
	expect(unmatched.answer).toEqual({ eventId: 'e2e-t1', status: 'unmatched' });
	const malformed = await ingest({ id: 'e2e-bad', source: 'crm', data: {} }, ingestSecret, 422);
	// Input that is no event is an error: Route Events' error output (the template's On Error), the outcome in details.
	expect(malformed.outputs['Answer Not Delivered'][0].map((item) => [item.json.details.status, item.json.details.reason])).toEqual([['rejected', 'event has no type']]);
	expect(malformed.answer).toEqual({ error: 'event has no type' });
	// Signed but malformed: the sender must fix it, so it is emailed.
	const refusal = await services.smtp.waitFor((message) => message.subject.startsWith('Event e2e-bad refused'));
	expect(refusal).toMatchObject({ to: ['ops@example.com'], subject: 'Event e2e-bad refused: event has no type' });
	expect(refusal.text).toContain('A correctly signed event was refused as malformed');
	const again = await ingest({ id: 'e2e-c1', type: 'customer.created', source: 'crm', data: { email: 'ada@example.com' } });
	expect(again.outputs['Route Events'][0].map((item) => item.json.status)).toEqual(['duplicate']);
	expect(again.answer).toEqual({ eventId: 'e2e-c1', status: 'duplicate' });
	expect(await received('analytics')).toHaveLength(1);
});

test('a receiver that is down gets its events from the replay template once it is back, exactly once', async () => {
	await control.fault({ kind: 'error', status: 503, times: -1, match: { path: '/accounting/' } });
	// Accepted for later: the failed delivery is dead-lettered and replayed.
	const routed = await ingest({ id: 'e2e-o2', type: 'order.cancelled', source: 'ecommerce', data: { total: 3 } }, ingestSecret, 202);
	expect(routed.answer).toMatchObject({ eventId: 'e2e-o2', status: 'partially_failed' });
	// Dead-lettered: on Route Events' error output, the summary in details.
	const [failure] = routed.outputs['Answer Not Delivered'][0];
	expect(String(failure.json.error)).toMatch(/^event e2e-o2: not delivered to accounting/);
	const summary = { json: failure.json.details as Record<string, unknown> };
	expect(summary.json).toMatchObject({ eventId: 'e2e-o2', status: 'partially_failed' });
	const accounting = (summary.json.deliveries as Array<Record<string, unknown>>).find((delivery) => delivery.destination === 'accounting');
	expect(accounting).toMatchObject({ status: 'failed', attempts: 2, httpStatus: 503 });
	expect(await received('fulfillment')).toHaveLength(1);

	// Emailed, naming the dead letter the replay template will deliver.
	const notDelivered = await services.smtp.waitFor((message) => message.subject.startsWith('Event e2e-o2 '));
	expect(notDelivered).toMatchObject({ to: ['ops@example.com'], subject: 'Event e2e-o2 not delivered (partially_failed)' });
	expect(notDelivered.text).toContain(String(accounting!.deadLetterId));

	await control.clearFaults();
	const replay = await n8n.runManual(replayId);
	expect(replay.status).toBe('success');
	expect(replay.outputs['Replay Dead Letters'][0].map((item) => [item.json.deadLetterId, item.json.status])).toEqual([[accounting!.deadLetterId, 'replayed']]);
	expect((await received('accounting')).map((delivery) => (delivery.body as { id: string }).id)).toEqual(['e2e-o2']);

	const nothingLeft = await n8n.runManual(replayId);
	expect(nothingLeft.outputs['Replay Dead Letters']?.[0] ?? []).toHaveLength(0);
	expect(await received('accounting')).toHaveLength(1);
	expect(await received('fulfillment')).toHaveLength(1);
});

test('with On Error left at its default, an event a receiver does not take stops the execution naming it; it waits as a dead letter', async () => {
	const stopping = withSubWorkflowIds(template('event-router-ingest.json') as WorkflowJson, marketing.ids) as { name?: string; nodes: Array<TemplateNode & { onError?: string; webhookId?: string }> };
	stopping.name = 'Event Router ingest, stopping on an undelivered event';
	for (const node of stopping.nodes) {
		if (node.name === 'Route Events') delete node.onError;
		if (node.name === 'Event Ingest') {
			node.parameters.path = 'events-stop';
			node.webhookId = 'events-stop';
		}
	}
	const id = await n8n.importWorkflow(stopping, { credentials });
	await n8n.activate(id);
	await control.fault({ kind: 'error', status: 503, times: -1, match: { path: '/accounting/' } });
	try {
		const body = JSON.stringify({ id: 'e2e-stop-1', type: 'order.placed', source: 'ecommerce', data: { total: 4 } });
		const headers = { 'content-type': 'application/json', ...signHeaders(ingestSecret, 'msg_e2e_stop', Math.floor(Date.now() / 1000), body) };
		const answer = await n8n.callWebhook('events-stop', { body, headers });
		expect(answer.status).toBeGreaterThanOrEqual(500);
		const execution = await n8n.waitForExecution(id);
		expect(execution.status).toBe('error');
		expect(JSON.stringify(execution.error)).toMatch(/event e2e-stop-1: not delivered to accounting/);
	} finally {
		await control.clearFaults();
	}
	// Nothing lost: the other receivers have the event, and accounting's delivery is a dead letter for the replay.
	expect((await received('fulfillment')).map((delivery) => (delivery.body as { id: string }).id)).toEqual(['e2e-stop-1']);
	const replay = await n8n.runManual(replayId);
	expect(replay.outputs['Replay Dead Letters'][0].map((item) => item.json.eventId)).toEqual(['e2e-stop-1']);
	expect((await received('accounting')).map((delivery) => (delivery.body as { id: string }).id)).toEqual(['e2e-stop-1']);
});

const eventCount = 2_000;
const generateEvents = `const sources = ['crm', 'support', 'billing', 'ecommerce', 'marketing'];
const types = ['customer.created', 'customer.updated', 'order.placed', 'order.cancelled', 'ticket.opened'];
return Array.from({ length: ${eventCount} }, (_, i) => ({ json: { id: 'cmp-' + $execution.id + '-' + i, type: types[i % 5], source: sources[Math.floor(i / 5) % 5], data: { n: i } } }));`;

function comparisonWorkflow(name: string, splitter: Record<string, unknown>) {
	return {
		name,
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{ parameters: { jsCode: generateEvents }, name: 'Generate Events', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0] },
			{ name: 'Split', position: [400, 0], ...splitter },
		],
		connections: {
			Start: { main: [[{ node: 'Generate Events', type: 'main', index: 0 }]] },
			'Generate Events': { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const condition = (leftValue: string, operation: string, rightValue: unknown) => ({
	leftValue,
	rightValue,
	operator: operation === 'true' ? { type: 'boolean', operation, singleValue: true } : { type: 'string', operation },
});

function switchRule(key: string, typePrefix: string, sourceTest: string) {
	return {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [condition('={{ $json.type }}', 'startsWith', typePrefix), condition(sourceTest, 'true', '')],
			combinator: 'and',
		},
		renameOutput: true,
		outputKey: key,
	};
}

const droppedConnection = (error: unknown) => /fetch failed/.test(String(error));

/**
 * Runs a workflow by hand and waits for it. While n8n evaluates thousands of Switch expressions its event loop is busy
 * and a status poll's connection can be dropped; the run itself goes on, so wait for its execution instead.
 */
async function runToCompletion(workflowId: string): Promise<ExecutionSummary> {
	try {
		return await n8n.runManual(workflowId);
	} catch (error) {
		if (!droppedConnection(error)) throw error;
	}
	for (let attempt = 1; ; attempt++) {
		try {
			return await n8n.waitForExecution(workflowId, () => true, 120_000);
		} catch (error) {
			if (!droppedConnection(error) || attempt >= 20) throw error;
		}
	}
}

/** n8n's own account of a failure (e.g. a dropped connection) is in its log. */
async function withLogOnFailure<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		console.error(`n8n log tail:\n${n8n.logTail()}`);
		throw error;
	}
}

async function executionTimeMs(execution: ExecutionSummary, node: string): Promise<number> {
	const raw = await n8n.api<{ data: { resultData: { runData: Record<string, Array<{ executionTime: number }>> } } }>('GET', `/executions/${execution.id}?includeData=true`);
	return raw.data.resultData.runData[node][0].executionTime;
}

test('the same split by the Event Router and by n8n\'s Switch node: same result, both timed', async () => {
	const router = comparisonWorkflow('Compare: Event Router', {
		type: 'n8n-nodes-integration-automation.eventRouter',
		typeVersion: 1,
		parameters: {
			operation: 'route',
			rulesMode: 'json',
			rulesJson: JSON.stringify([
				{ id: 'customer-events', sources: ['crm', 'support', 'billing'], eventTypes: ['customer.*'], destinations: ['customers'] },
				{ id: 'order-events', sources: ['ecommerce'], eventTypes: ['order.*'], destinations: ['orders'] },
			]),
			destinations: JSON.stringify([
				{ id: 'customers', kind: 'output', output: 'customers' },
				{ id: 'orders', kind: 'output', output: 'orders' },
			]),
			nodeOutputs: 'customers, orders',
			options: { dedupWindowSeconds: 0 },
		},
	});
	const switchNode = comparisonWorkflow('Compare: Switch', {
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		parameters: {
			rules: {
				values: [
					switchRule('customers', 'customer.', "={{ ['crm', 'support', 'billing'].includes($json.source) }}"),
					switchRule('orders', 'order.', "={{ $json.source === 'ecommerce' }}"),
				],
			},
			options: { fallbackOutput: 'extra' },
		},
	});
	const routerRun = await withLogOnFailure(async () => runToCompletion(await n8n.importWorkflow(router)));
	const switchRun = await withLogOnFailure(async () => runToCompletion(await n8n.importWorkflow(switchNode)));
	expect(routerRun.status).toBe('success');
	expect(switchRun.status).toBe('success');

	const [, , unmatched, customers, orders] = routerRun.outputs.Split;
	const [switchCustomers, switchOrders, switchRest] = switchRun.outputs.Split;
	expect(customers.length).toBeGreaterThan(0);
	expect(orders.length).toBeGreaterThan(0);
	expect([customers.length, orders.length, unmatched.length]).toEqual([switchCustomers.length, switchOrders.length, switchRest.length]);
	expect(customers.length + orders.length + unmatched.length).toBe(eventCount);

	const routerMs = await executionTimeMs(routerRun, 'Split');
	const switchMs = await executionTimeMs(switchRun, 'Split');
	console.log(
		`in n8n, ${eventCount} events, seed rules: Event Router ${routerMs} ms (${Math.round(eventCount / (routerMs / 1000))} events/s, route log and dedup window in the store), ` +
			`Switch ${switchMs} ms (${Math.round(eventCount / (switchMs / 1000))} events/s); Event Router / Switch time = ${(routerMs / switchMs).toFixed(3)} (Switch takes ${(switchMs / Math.max(routerMs, 1)).toFixed(0)}× as long)`,
	);
});
