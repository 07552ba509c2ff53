/**
 * The Event Router templates in-process: the ingest template routes webhook items through the Event Router node
 * (inside n8n-core's engine, HTTP through n8n's helpers) to the receivers sandbox; the replay template lists the
 * dead letters and replays them once the failing receiver is back.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generateSecret, signHeaders } from '../../lib/routing';
import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { repoRoot } from '../harness/paths';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import type { ReceivedDelivery } from '../sandbox/receivers';

let receivers: RunningSandbox;
let control: SandboxControl;
let stateFile: string;

function template(name: string, edit: (workflow: { nodes: Array<{ name: string; parameters: Record<string, unknown> }> }) => void = () => undefined) {
	const text = readFileSync(path.join(repoRoot, 'workflows', name), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl);
	const workflow = JSON.parse(text);
	edit(workflow);
	return workflow;
}

const ingestSecret = generateSecret();
const credentials = () => ({
	integrationWebhookDestinationApi: { signingSecret: '', destinationSecrets: receivers.credentials.secrets, bearerToken: '' },
	integrationEventIngestApi: { signingSecret: ingestSecret },
});

const run = (workflow: object, items?: object[], startNode?: string) =>
	runWorkflow(workflow, {
		startNode,
		inputItems: items?.map((json) => ({ json })),
		credentials: credentials(),
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});

let messages = 0;
/** A webhook item as n8n's Webhook node emits it, signed by the sender over the body it sent. */
const webhookItem = (body: unknown, secret = ingestSecret) => {
	const sent = typeof body === 'string' ? body : JSON.stringify(body);
	const signed = signHeaders(secret, `msg_${++messages}`, Math.floor(Date.now() / 1000), sent);
	return { headers: { 'content-type': 'application/json', ...signed }, params: {}, query: {}, body };
};

beforeAll(async () => {
	receivers = await startSandbox('receivers');
	control = new SandboxControl(receivers.baseUrl);
});

beforeEach(async () => {
	await control.reset();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'routing-engine-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await receivers.close();
});

test('the ingest template verifies signatures, routes customer and order events to their receivers, signed, and sorts out the rest', async () => {
	const result = await run(template('event-router-ingest.json'), [
		webhookItem({ id: 'c-1', type: 'customer.created', source: 'crm', data: { email: 'ada@example.com' } }),
		webhookItem({ id: 'o-1', type: 'order.placed', source: 'ecommerce', data: { total: 99 } }),
		webhookItem({ id: 'x-1', type: 'ticket.opened', source: 'support', data: {} }),
		webhookItem('{not json'),
		webhookItem({ id: 'c-1', type: 'customer.created', source: 'crm', data: { email: 'ada@example.com' } }),
		webhookItem({ id: 'forged', type: 'order.placed', source: 'ecommerce', data: { total: 1 } }, generateSecret()),
	]);
	expect(result.error).toBeUndefined();
	const [delivered, rejected, unmatched, marketing, errors] = result.outputs['Route Events'];
	expect(delivered.map((item) => [item.json.eventId, item.json.status])).toEqual([['c-1', 'delivered'], ['o-1', 'delivered'], ['c-1', 'duplicate']]);
	expect(delivered[0].json.deliveries.map((d: { destination: string; status: string }) => [d.destination, d.status])).toEqual([
		['analytics', 'delivered'],
		['marketing', 'handed_off'],
		['data-warehouse', 'delivered'],
	]);
	// Marketing is the marketing fan-out template: the customer event leaves on the marketing output, as its contact.
	expect(marketing.map((item) => [item.json.id, item.json.data, item.pairedItem])).toEqual([['c-1', { email: 'ada@example.com' }, { item: 0 }]]);
	expect(result.outputs['Contact for Marketing'][0].map((item) => item.json)).toEqual([{ body: { email: 'ada@example.com', eventId: 'c-1', eventType: 'customer.created' } }]);
	// A forged event is a business outcome (Rejected); input that is no event an error (the template's error output).
	expect(rejected.map((item) => [item.json.status, item.json.reason, item.pairedItem])).toEqual([['rejected', 'signature rejected: no matching v1 signature', { item: 5 }]]);
	expect(errors.map((item) => [item.json.details.status, item.json.details.reason, item.pairedItem])).toEqual([['rejected', 'body is not JSON', { item: 3 }]]);
	expect(String(errors[0].json.error)).toMatch(/^event \(no id\): body is not JSON/);
	expect(unmatched.map((item) => [item.json.id, item.pairedItem])).toEqual([['x-1', { item: 2 }]]);
	expect(result.outputs['Answer Routed'][0]).toHaveLength(3);
	// Forged events are answered 401 and go no further; malformed ones are answered and emailed.
	expect(result.outputs['Answer Forged'][0].map((item) => item.json.reason)).toEqual(['signature rejected: no matching v1 signature']);
	expect(result.outputs['Email Event Not Delivered'][0].map((item) => item.json.details.reason)).toEqual(['body is not JSON']);
	// The Usage Meter meters delivered events and passes them on unchanged.
	expect(result.outputs['Meter Routed Event'][0].map((item) => item.json)).toEqual(delivered.map((item) => item.json));

	for (const receiver of ['analytics', 'data-warehouse']) {
		expect(await control.state<ReceivedDelivery[]>(receiver)).toEqual([expect.objectContaining({ auth: 'signature', body: expect.objectContaining({ id: 'c-1' }) })]);
	}
	expect(await control.state<ReceivedDelivery[]>('marketing')).toEqual([]);
	for (const receiver of ['fulfillment', 'accounting', 'inventory']) {
		expect(await control.state<ReceivedDelivery[]>(receiver)).toEqual([expect.objectContaining({ body: expect.objectContaining({ id: 'o-1', data: { total: 99 } }) })]);
	}
});

test('events the package\'s own templates publish (Execute Workflow) are routed unsigned; the same event posted to the webhook unsigned is refused', async () => {
	const payment = { id: 'payment:p-1', type: 'payment.succeeded', source: 'billing', data: { paymentId: 'p-1', amount: '40.00', currency: 'USD' } };
	const published = await run(template('event-router-ingest.json'), [payment], 'Event Published');
	expect(published.error).toBeUndefined();
	expect(published.outputs['Route Events'][0].map((item) => [item.json.eventId, item.json.status, item.json.rules])).toEqual([['payment:p-1', 'delivered', ['payment-events']]]);
	for (const receiver of ['accounting', 'data-warehouse']) expect((await control.state<ReceivedDelivery[]>(receiver)).map((delivery) => (delivery.body as { id: string }).id)).toEqual(['payment:p-1']);

	const { headers, ...unsigned } = webhookItem({ ...payment, id: 'payment:p-2' });
	const posted = await run(template('event-router-ingest.json'), [{ ...unsigned, headers: { 'content-type': headers['content-type'] } }]);
	expect(posted.outputs['Route Events'][1].map((item) => item.json.reason)).toEqual([expect.stringMatching(/^signature rejected/)]);
	expect(await control.state<ReceivedDelivery[]>('accounting')).toHaveLength(1);
});

test('by default (On Error: Stop Workflow) an event a receiver does not take stops the workflow naming it, after it is dead-lettered', async () => {
	await control.fault({ kind: 'error', status: 503, times: -1, match: { path: '/inventory/' } });
	try {
		const stopping = template('event-router-ingest.json', (flow) => {
			const node = flow.nodes.find((candidate) => candidate.name === 'Route Events')! as { onError?: string; parameters: Record<string, unknown> };
			delete node.onError;
			const destinations = JSON.parse(String(node.parameters.destinations)) as Array<Record<string, unknown>>;
			node.parameters.destinations = JSON.stringify(destinations.map((destination) => ({ ...destination, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } })));
		});
		const result = await run(stopping, [
			webhookItem({ id: 'c-stop', type: 'customer.created', source: 'crm', data: {} }),
			webhookItem({ id: 'o-stop', type: 'order.placed', source: 'ecommerce', data: { total: 5 } }),
		]);
		expect(String((result.error as Error | undefined)?.message)).toMatch(/^event o-stop: not delivered to inventory/);
		expect((result.error as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex).toBe(1);
		// Nothing is lost: the other receivers have it and the failed delivery waits as a dead letter.
		expect((await control.state<ReceivedDelivery[]>('fulfillment')).map((delivery) => (delivery.body as { id: string }).id)).toEqual(['o-stop']);
	} finally {
		await control.clearFaults();
	}
});

test('event fields from n8n expressions, evaluated per item, reach the destinations', async () => {
	const workflow = template('event-router-ingest.json', (flow) => {
		const node = flow.nodes.find((candidate) => candidate.name === 'Route Events')!;
		node.parameters.eventFields = { field: [{ path: 'meta.messageId', value: "={{ $json.headers['webhook-id'] }}" }] };
	});
	const first = webhookItem({ id: 'f-1', type: 'order.placed', source: 'ecommerce', data: { total: 1 } });
	const second = webhookItem({ id: 'f-2', type: 'order.placed', source: 'ecommerce', data: { total: 2 } });
	const result = await run(workflow, [first, second]);
	expect(result.outputs['Route Events'][0].map((item) => item.json.status)).toEqual(['delivered', 'delivered']);
	const bodies = (await control.state<ReceivedDelivery[]>('fulfillment')).map((delivery) => delivery.body as { id: string; data: { meta: unknown } });
	expect(bodies.map((body) => [body.id, body.data.meta]).sort()).toEqual([
		['f-1', { messageId: first.headers['webhook-id'] }],
		['f-2', { messageId: second.headers['webhook-id'] }],
	]);
});

test('destinations edited as a list, including a node output branch', async () => {
	const workflow = {
		name: 'list destinations',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'events' } },
			{
				name: 'Route',
				type: 'n8n-nodes-integration-automation.eventRouter',
				typeVersion: 1,
				position: [200, 0],
				parameters: {
					operation: 'route',
					rulesMode: 'json',
					rulesJson: JSON.stringify([{ id: 'orders', sources: ['ecommerce'], eventTypes: ['order.*'], destinations: ['fulfillment', 'stream'] }]),
					destinationsMode: 'list',
					destinationList: {
						destination: [
							{ id: 'fulfillment', kind: 'webhook', url: `${receivers.baseUrl}/fulfillment/events`, timeoutSeconds: 5, maxAttempts: 2, failureThreshold: 3, cooldownSeconds: 10 },
							{ id: 'stream', kind: 'output', output: 'kafka' },
						],
					},
					nodeOutputs: 'kafka',
				},
			},
		],
		connections: { Hook: { main: [[{ node: 'Route', type: 'main', index: 0 }]] } },
	};
	const result = await run(workflow, [{ id: 'l-1', type: 'order.placed', source: 'ecommerce', data: { total: 4 } }]);
	expect(result.error).toBeUndefined();
	const [delivered, , , kafka] = result.outputs.Route;
	expect(delivered[0].json.deliveries.map((d: { destination: string; status: string }) => [d.destination, d.status])).toEqual([
		['fulfillment', 'delivered'],
		['stream', 'handed_off'],
	]);
	expect(kafka.map((item) => [item.json.id, item.json.data, item.pairedItem])).toEqual([['l-1', { total: 4 }, { item: 0 }]]);
	expect(await control.state<ReceivedDelivery[]>('fulfillment')).toHaveLength(1);
});

test('an event only handed to node outputs leaves on its branch alone; a summary on Delivered only when asked for', async () => {
	const routeNode = (options: Record<string, unknown>) => ({
		name: 'Route',
		type: 'n8n-nodes-integration-automation.eventRouter',
		typeVersion: 1,
		position: [200, 0],
		parameters: {
			operation: 'route',
			rulesMode: 'json',
			rulesJson: JSON.stringify([{ id: 'orders', eventTypes: ['order.*'], destinations: ['stream'] }]),
			destinations: JSON.stringify([{ id: 'stream', kind: 'output', output: 'kafka' }]),
			nodeOutputs: 'kafka',
			options,
		},
	});
	const workflow = (options: Record<string, unknown>) => ({
		name: 'hand-offs only',
		nodes: [{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'events' } }, routeNode(options)],
		connections: { Hook: { main: [[{ node: 'Route', type: 'main', index: 0 }]] } },
	});
	const events = [{ id: 'h-1', type: 'order.placed', source: 'shop' }, { id: 'h-2', type: 'ticket.opened', source: 'desk' }];
	const plain = await run(workflow({ dedupWindowSeconds: 0 }), events);
	expect(plain.error).toBeUndefined();
	const [delivered, failed, unmatched, kafka] = plain.outputs.Route;
	expect([delivered, failed]).toEqual([[], []]);
	expect(unmatched.map((item) => item.json.id)).toEqual(['h-2']);
	expect(kafka.map((item) => [item.json.id, item.pairedItem])).toEqual([['h-1', { item: 0 }]]);

	const summarized = await run(workflow({ dedupWindowSeconds: 0, handOffSummaries: true }), events);
	const [summaries, , , handedOff] = summarized.outputs.Route;
	expect(summaries.map((item) => [item.json.eventId, item.json.status, item.pairedItem])).toEqual([['h-1', 'delivered', { item: 0 }]]);
	expect(handedOff.map((item) => item.json.id)).toEqual(['h-1']);
});

test('a bad rule is a clear error naming the rule (On Error left at Stop Workflow)', async () => {
	const workflow = template('event-router-ingest.json', (flow) => {
		const node = flow.nodes.find((candidate) => candidate.name === 'Route Events')! as { onError?: string; parameters: Record<string, unknown> };
		delete node.onError;
		node.parameters.rulesMode = 'json';
		node.parameters.rulesJson = JSON.stringify([{ id: 'broken', eventTypes: ['order created'], destinations: ['analytics'] }]);
	});
	const result = await run(workflow, [webhookItem({ id: 'o-2', type: 'order.placed', source: 'ecommerce' })]);
	expect(String((result.error as Error)?.message)).toMatch(/Rule "broken": "order created" is not an event-type pattern/);
});

test('the replay template delivers dead letters once the receiver is back, and only once', async () => {
	await control.fault({ kind: 'error', status: 503, times: -1, match: { path: '/inventory/' } });
	const ingest = template('event-router-ingest.json', (flow) => {
		const node = flow.nodes.find((candidate) => candidate.name === 'Route Events')!;
		const destinations = JSON.parse(String(node.parameters.destinations)) as Array<Record<string, unknown>>;
		node.parameters.destinations = JSON.stringify(destinations.map((destination) => ({ ...destination, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } })));
	});
	const routed = await run(ingest, [webhookItem({ id: 'o-9', type: 'order.placed', source: 'ecommerce', data: { total: 5 } })]);
	// Dead-lettered: on n8n's error output (the template's On Error), the summary in details.
	const failed = routed.outputs['Route Events'].at(-1)!;
	expect(String(failed[0].json.error)).toMatch(/^event o-9: not delivered to inventory: .* after 2 attempt\(s\)/);
	expect(failed[0].json.details).toMatchObject({ eventId: 'o-9', status: 'partially_failed' });
	const inventory = failed[0].json.details.deliveries.find((d: { destination: string }) => d.destination === 'inventory');
	expect(inventory).toMatchObject({ status: 'failed', attempts: 2, httpStatus: 503, deadLetterId: expect.any(String) });

	await control.clearFaults();
	const replay = template('event-router-replay.json');
	const replayed = await run(replay);
	expect(replayed.error).toBeUndefined();
	expect(replayed.outputs['List Dead Letters'][0].map((item) => item.json.id)).toEqual([inventory.deadLetterId]);
	expect(replayed.outputs['Replay Dead Letters'][0].map((item) => [item.json.deadLetterId, item.json.status])).toEqual([[inventory.deadLetterId, 'replayed']]);
	expect(await control.state<ReceivedDelivery[]>('inventory')).toHaveLength(1);

	const again = await run(replay);
	expect(again.outputs['List Dead Letters']?.[0] ?? []).toHaveLength(0);
	expect(await control.state<ReceivedDelivery[]>('inventory')).toHaveLength(1);
	expect(await control.state<ReceivedDelivery[]>('fulfillment')).toHaveLength(1);

	const logFlow = {
		name: 'route log',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ name: 'Log', type: 'n8n-nodes-integration-automation.eventRouter', typeVersion: 1, position: [200, 0], parameters: { operation: 'routeLog', logEventId: 'o-9', logLimit: 20 } },
		],
		connections: { Start: { main: [[{ node: 'Log', type: 'main', index: 0 }]] } },
	};
	const log = await run(logFlow);
	const inventoryEntries = log.outputs.Log[0].map((item) => item.json).filter((entry) => entry.destinationId === 'inventory');
	expect(inventoryEntries.map((entry) => [entry.status, entry.attempts]).sort()).toEqual([['delivered', 1], ['failed', 2]]);
});
