import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from './errors';

/** One `actions/<op>.operation.ts` module: its execute turns the input items into the node's outputs. */
export interface NodeOperation {
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]>;
}

/** How many outputs the node has and which one takes an error item per input item under Continue On Fail. */
export interface NodeOutputs {
	count: number;
	errorOutput: number;
	/**
	 * The business outcome each output stands for (`verified`, `rejected`): an AI agent calling the node as a tool sees
	 * output 0 only, so there every item leaves on output 0 with its `outcome`.
	 */
	outcomes?: string[];
}

/**
 * Runs the operation the node's `operation` parameter names and fills every output (empty where the operation has
 * nothing for it). A failure of the whole operation stops the node, or with Continue On Fail becomes an error item
 * per input item.
 */
export async function routeOperation(context: IExecuteFunctions, operations: Record<string, NodeOperation>, outputs: NodeOutputs): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const operation = context.getNodeParameter('operation', 0) as string;
	try {
		const filled = await operations[operation].execute.call(context, items);
		const all = Array.from({ length: outputs.count }, (_, index) => filled[index] ?? []);
		return outputs.outcomes && context.isToolExecution() ? forAgent(all, outputs.outcomes, outputs.count) : all;
	} catch (error) {
		const nodeError = toNodeError(context.getNode(), error);
		if (!context.continueOnFail()) throw nodeError;
		const errorItems = items.map((_, item) => ({ json: { error: nodeError.message }, pairedItem: { item } }));
		return Array.from({ length: outputs.count }, (_, index) => (index === outputs.errorOutput ? errorItems : []));
	}
}

/** Every output's items on output 0, each with the outcome its output stood for. */
function forAgent(all: INodeExecutionData[][], outcomes: string[], count: number): INodeExecutionData[][] {
	const merged = all.flatMap((items, index) => items.map((item) => ({ ...item, json: { ...item.json, outcome: outcomes[index] } })));
	return Array.from({ length: count }, (_, index) => (index === 0 ? merged : []));
}
