/**
 * How nodes hand out failures and outcomes (nodes/shared): a failed record follows On Error (stops naming the item, or
 * becomes an item n8n's error output takes: `error` and `details` only); a batch that goes on says how many failed; an
 * AI agent, which sees output 0 only, gets every branch there with its `outcome`.
 */
import { NodeApiError, type IExecuteFunctions, type INodeExecutionData, type NodeExecutionHint } from 'n8n-workflow';

import { failedItem, hintFailures } from '../../nodes/shared/itemFailures';
import { routeOperation } from '../../nodes/shared/operationRouter';

function context(options: { continueOnFail?: boolean; tool?: boolean; operation?: string } = {}) {
	const hints: NodeExecutionHint[] = [];
	const stub = {
		getNode: () => ({ id: 'n', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
		continueOnFail: () => options.continueOnFail ?? false,
		isToolExecution: () => options.tool ?? false,
		getInputData: (): INodeExecutionData[] => [{ json: { a: 1 } }, { json: { a: 2 } }],
		getNodeParameter: () => options.operation ?? 'sort',
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
	};
	return { context: stub as unknown as IExecuteFunctions, hints };
}

const refused = { subject: 'hubspot contacts c-3', message: 'no email to match on', code: 'MISSING_MATCH_KEY', details: { internalId: 'c-3' } };

test('a failed record stops the node by default, naming the item and the record', () => {
	const { context: stopping } = context();
	let thrown: unknown;
	try {
		failedItem(stopping, 2, refused);
	} catch (error) {
		thrown = error;
	}
	expect(thrown).toBeInstanceOf(NodeApiError);
	expect((thrown as NodeApiError).message).toBe('hubspot contacts c-3: no email to match on');
	expect((thrown as NodeApiError).context.itemIndex).toBe(2);
});

test('under Continue a failed record is an item of error and details only (what n8n moves to its error output)', () => {
	const item = failedItem(context({ continueOnFail: true }).context, 2, refused);
	expect(item).toEqual({ json: { error: 'hubspot contacts c-3: no email to match on', details: { item: 2, code: 'MISSING_MATCH_KEY', internalId: 'c-3' } }, pairedItem: { item: 2 } });
});

test('a thrown error follows On Error the same way', () => {
	expect(() => failedItem(context().context, 1, new Error('boom'))).toThrow('boom');
	expect(Object.keys(failedItem(context({ continueOnFail: true }).context, 1, new Error('boom')).json).sort()).toEqual(['details', 'error']);
});

test('a batch that went on says how many records failed, and nothing when none did', () => {
	const { context: batch, hints } = context();
	hintFailures(batch, 0, 10);
	expect(hints).toEqual([]);
	hintFailures(batch, 3, 1000);
	expect(hints.map((hint) => hint.message)).toEqual(['3 of 1,000 records failed']);
});

describe('outcomes for AI agents', () => {
	const operations = { sort: { execute: async (items: INodeExecutionData[]) => [[items[0]], [items[1]]] } };

	test('in a workflow each outcome keeps its output', async () => {
		const outputs = await routeOperation(context().context, operations, { count: 2, errorOutput: 0, outcomes: ['verified', 'rejected'] });
		expect(outputs.map((items) => items.map((item) => item.json))).toEqual([[{ a: 1 }], [{ a: 2 }]]);
	});

	test('as a tool every outcome reaches output 0 with its outcome', async () => {
		const outputs = await routeOperation(context({ tool: true }).context, operations, { count: 2, errorOutput: 0, outcomes: ['verified', 'rejected'] });
		expect(outputs.map((items) => items.map((item) => item.json))).toEqual([[{ a: 1, outcome: 'verified' }, { a: 2, outcome: 'rejected' }], []]);
	});
});

test('the nodes that move money or stock, or write them into the books, are not offered to agents; the others are', () => {
	/* eslint-disable @typescript-eslint/no-require-imports */
	const tools = (name: string, file: string) => (new (require(`../../nodes/${name}/${file}.node`)[file])().description.usableAsTool ?? false) !== false;
	expect(tools('SmartPaymentRouter', 'SmartPaymentRouter')).toBe(false);
	expect(tools('InventoryFanOut', 'InventoryFanOut')).toBe(false);
	expect(tools('AccountingSync', 'AccountingSync')).toBe(false);
	expect(tools('CrmSync', 'CrmSync')).toBe(true);
});
