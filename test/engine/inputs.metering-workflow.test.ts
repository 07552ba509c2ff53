/**
 * Usage events inside n8n (issue 21 §1): an item without an event id, or with an object customer id or a fractional
 * quantity, stops the Usage Meter with an error naming the field and the item; under "Continue (using error output)"
 * it goes to the error output and the good items are counted, each once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { malformedId, malformedQuantity } from '../support/malformed';

let stateFile: string;

beforeEach(async () => {
	await closeAllStores();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'inputs-metering-wf-')), 'state.sqlite');
});
afterAll(() => closeAllStores());

function recordFlow(onError?: string): object {
	return {
		name: 'record usage',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'usage' } },
			{
				name: 'Meter',
				type: 'n8n-nodes-integration-automation.usageMeter',
				typeVersion: 1,
				position: [200, 0],
				...(onError ? { onError } : {}),
				parameters: {
					operation: 'record',
					namespace: 'inputs',
					meter: 'syncs',
					eventId: '={{ $json.body.eventId }}',
					recordCustomerId: '={{ $json.body.customerId }}',
					quantity: '={{ $json.body.quantity }}',
					quotaAlerts: false,
				},
			},
		],
		connections: { Hook: { main: [[{ node: 'Meter', type: 'main', index: 0 }]] } },
	};
}

const run = (bodies: object[], onError?: string) =>
	runWorkflow(recordFlow(onError), { inputItems: bodies.map((body) => ({ json: { headers: {}, body } })), env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

async function counted(): Promise<number> {
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	return await new UsageMeter({ db: store.db, namespace: 'inputs' }).repository.countEvents('inputs');
}

test('an event without an id stops the node naming eventId and the item; nothing is counted', async () => {
	const result = await run([{ eventId: 'u-ok', customerId: 'acme', quantity: 1 }, { customerId: 'acme', quantity: 1 }]);
	expect(result.status).toBe('error');
	expect((result.error as { message: string }).message).toMatch(/eventId \(item 1\)/);
	expect(await counted()).toBe(0);
});

test('with the error output, bad events go there by field and item; good ones are counted once', async () => {
	const result = await run(
		[
			{ eventId: 'u-1', customerId: 'acme', quantity: 2 },
			{ customerId: 'acme', quantity: 1 },
			{ eventId: 'u-3', customerId: { id: 'acme' }, quantity: 1 },
			{ eventId: 'u-4', customerId: 'acme', quantity: 1.5 },
			{ eventId: 'u-5', customerId: 'acme', quantity: '3' },
			{ eventId: 'u-1', customerId: 'acme', quantity: 2 },
		],
		'continueErrorOutput',
	);
	expect(result.status).toBe('success');
	const [passed, , , errors] = result.outputs.Meter;
	expect(passed.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 5 }]);
	expect(errors.map((item) => [item.pairedItem, item.json.details.field])).toEqual([
		[{ item: 1 }, 'eventId'],
		[{ item: 2 }, 'customerId'],
		[{ item: 3 }, 'quantity'],
		[{ item: 4 }, 'quantity'],
	]);
	expect(await counted()).toBe(1);
});

test.each([
	['eventId', malformedId],
	['customerId', malformedId],
	['quantity', malformedQuantity.filter((value) => value !== 0 && value !== undefined && value !== null)],
] as const)('generated malformed %s values all go to the error output naming the field and their item; nothing is counted', async (field, values) => {
	const samples = fc.sample(values, { numRuns: 30, seed: 21 });
	const bodies = samples.map((value, index) => ({ eventId: `u-gen-${index}`, customerId: 'acme', quantity: 1, [field]: value }));
	const result = await run(bodies, 'continueErrorOutput');
	const [passed, , , errors] = result.outputs.Meter;
	expect(passed).toEqual([]);
	expect(errors.map((item) => [item.pairedItem, item.json.details.field])).toEqual(samples.map((_, item) => [{ item }, field]));
	expect(await counted()).toBe(0);
});
