import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import { NEEDS_REVIEW } from './common';
import * as decide from './decide.operation';
import * as listReviews from './listReviews.operation';
import * as resolve from './resolve.operation';

const operations = { resolve, listReviews, decide };

export type ConflictResolverOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as ConflictResolverOperation;
	try {
		return await operations[operation].execute.call(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const message = toNodeError(this.getNode(), error).message;
		const outputs: INodeExecutionData[][] = [[], [], []];
		outputs[NEEDS_REVIEW] = items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }));
		return outputs;
	}
}
