/**
 * The Event Router inside n8n refuses a signed event whose envelope is malformed (a string `data`, an object id),
 * naming the field on the failed branch, and no destination receives it; the good events of the same run are delivered
 * (issue 21 §7).
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

const ingestSecret = generateSecret();

beforeAll(async () => {
	receivers = await startSandbox('receivers');
	control = new SandboxControl(receivers.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await receivers.close();
});

let messages = 0;
const webhookItem = (body: unknown) => {
	const sent = JSON.stringify(body);
	return { headers: { 'content-type': 'application/json', ...signHeaders(ingestSecret, `msg_in_${++messages}`, Math.floor(Date.now() / 1000), sent) }, params: {}, query: {}, body };
};

test('a signed event whose data is a string, or whose id is an object, is refused naming the field; nothing reaches a destination', async () => {
	const workflow = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'event-router-ingest.json'), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl));
	const result = await runWorkflow(workflow, {
		inputItems: [
			webhookItem({ id: 'in-c-1', type: 'customer.created', source: 'crm', data: 'ada@example.com' }),
			webhookItem({ id: { value: 1 }, type: 'customer.created', source: 'crm', data: { email: 'bob@example.com' } }),
			webhookItem({ id: 'in-c-2', type: 'customer.created', source: 'crm', data: { email: 'eve@example.com' } }),
		].map((json) => ({ json })),
		credentials: {
			integrationWebhookDestinationApi: { signingSecret: '', destinationSecrets: receivers.credentials.secrets, bearerToken: '' },
			integrationEventIngestApi: { signingSecret: ingestSecret },
		},
		env: { INTEGRATION_AUTOMATION_STATE_FILE: path.join(mkdtempSync(path.join(tmpdir(), 'inputs-routing-')), 'state.sqlite') },
	});
	// Delivered first; invalid input follows the node's On Error: the template sends it to n8n's error output, the last.
	const outputs = result.outputs['Route Events'];
	const [delivered, failed] = [outputs[0], outputs[outputs.length - 1]];
	expect(delivered.map((item) => item.json.eventId)).toEqual(['in-c-2']);
	expect(failed.map((item) => [item.pairedItem, item.json.details.status, item.json.details.reason])).toEqual([
		[{ item: 0 }, 'rejected', 'event data must be an object, got a string'],
		[{ item: 1 }, 'rejected', 'event id must be a non-empty string or a whole number, got an object'],
	]);
	const bodies = (await control.state<ReceivedDelivery[]>('analytics')).map((delivery) => (delivery.body as { id: string }).id);
	expect(bodies).toEqual(['in-c-2']);
});

test('Replay refuses a dead-letter id of the wrong type, naming it and the item; the others are still replayed, an unknown one failing on its own', async () => {
	const workflow = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'event-router-replay.json'), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl));
	const replay = workflow.nodes.find((node: { name: string }) => node.name === 'Replay Dead Letters');
	replay.onError = 'continueErrorOutput';
	const result = await runWorkflow(
		{ name: 'replay', nodes: [{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'replay' } }, replay], connections: { Hook: { main: [[{ node: replay.name, type: 'main', index: 0 }]] } } },
		{
			inputItems: [{ json: { id: { letter: 1 } } }, { json: { id: 'dl-unknown' } }, { json: {} }],
			credentials: {
				integrationWebhookDestinationApi: { signingSecret: '', destinationSecrets: receivers.credentials.secrets, bearerToken: '' },
				integrationEventIngestApi: { signingSecret: ingestSecret },
			},
			env: { INTEGRATION_AUTOMATION_STATE_FILE: path.join(mkdtempSync(path.join(tmpdir(), 'inputs-replay-')), 'state.sqlite') },
		},
	);
	expect(result.status).toBe('success');
	const outputs = result.outputs[replay.name];
	const errors = outputs.at(-1)!;
	// Ids of the wrong type are refused naming the field; an id of the right type that names no dead letter is replayed
	// and fails on its own (not found): every item leaves by the error output with its reason, none is dropped.
	expect(errors.map((item) => [item.pairedItem, item.json.details.field ?? item.json.details.status])).toEqual([
		[{ item: 0 }, 'deadLetterId'],
		[{ item: 2 }, 'deadLetterId'],
		[{ item: 1 }, 'not_found'],
	]);
	expect(outputs.slice(0, -1).flat()).toEqual([]);
});
