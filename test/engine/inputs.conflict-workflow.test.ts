/**
 * Conflict Resolver inside n8n (issue 21 §1): an item whose record key is an object or missing, or whose version is a
 * string, is an error naming the item's field and the item; under "Continue (using error output)" it goes to the
 * error output and the other items are resolved. Decide Review without a review id names the field (never a SQLite
 * binding error).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';

let stateFile: string;
beforeEach(async () => {
	await closeAllStores();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'inputs-conflict-wf-')), 'state.sqlite');
});
afterAll(() => closeAllStores());

function flow(parameters: Record<string, unknown>, onError?: string): object {
	return {
		name: 'conflicts',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'conflicts' } },
			{
				name: 'Resolver',
				type: 'n8n-nodes-integration-automation.conflictResolver',
				typeVersion: 1,
				position: [200, 0],
				...(onError ? { onError } : {}),
				parameters: { scope: 'inputs', ...parameters },
			},
		],
		connections: { Hook: { main: [[{ node: 'Resolver', type: 'main', index: 0 }]] } },
	};
}

const run = (workflow: object, items: object[]) => runWorkflow(workflow, { inputItems: items.map((json) => ({ json })), env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

test('Resolve: a malformed record key or version goes to the error output naming the item field and the item', async () => {
	const result = await run(flow({ operation: 'resolve', recordKeyField: 'body.key', localField: 'body.crm', externalField: 'body.shop' }, 'continueErrorOutput'), [
		{ body: { key: 'c-1', crm: { name: 'Ada' }, shop: { name: 'Ada L.' } } },
		{ body: { key: { id: 2 }, crm: { name: 'Bob' }, shop: { name: 'Bob' } } },
		{ body: { crm: { name: 'Eve' }, shop: { name: 'Eve' } } },
		{ body: { key: 'c-4', crm: 'Dan', shop: { name: 'Dan' } } },
	]);
	expect(result.status).toBe('success');
	const outputs = result.outputs.Resolver;
	const errors = outputs.at(-1)!;
	expect(errors.map((item) => [item.pairedItem, item.json.details.field])).toEqual([
		[{ item: 1 }, 'body.key'],
		[{ item: 2 }, 'body.key'],
		[{ item: 3 }, 'body.crm'],
	]);
	expect(errors[0].json.error).toMatch(/^Invalid body\.key \(item 1\)/);
	const resolved = outputs.slice(0, -1).flat().map((item) => item.pairedItem);
	expect(resolved).toContainEqual({ item: 0 });
	expect(resolved).not.toContainEqual({ item: 1 });
});

test('Decide Review without a review id stops the node naming reviewId and the item', async () => {
	const result = await run(flow({ operation: 'decide', reviewId: '={{ $json.body.reviewId }}', side: 'local' }), [{ body: {} }]);
	expect(result.status).toBe('error');
	expect((result.error as { message: string }).message).toMatch(/^Invalid reviewId \(item 0\)/);
});
