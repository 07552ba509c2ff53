import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { EXTERNAL, LOCAL, openConflict, reviewDecisionSchema, type ReviewDecision } from '../../../lib/conflict';
import { nodeStore } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { InputViolationError, jsonInput, readInput } from '../../shared/inputs';
import { platformOptions } from '../../shared/platformOptions';
import { APPLY_TO_EXTERNAL, APPLY_TO_LOCAL, NEEDS_REVIEW } from './outputs';

const show = { show: { operation: ['decide'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Review ID',
		name: 'reviewId',
		type: 'string',
		default: '={{ $json.reviewId }}',
		required: true,
		displayOptions: show,
	},
	{
		displayName: 'Winning Side',
		name: 'side',
		type: 'string',
		default: '={{ $json.side }}',
		displayOptions: show,
		description: `"local" or "external" for Conflict Resolver reviews, a platform name (e.g. "${platformOptions('crm')[0].value}") for CRM Sync reviews; empty when giving values`,
	},
	{
		displayName: 'Values (JSON)',
		name: 'values',
		type: 'json',
		default: '{}',
		displayOptions: show,
		description: 'Explicit values per field, overriding the winning side for those fields',
	},
	{
		displayName: 'Decided By',
		name: 'decidedBy',
		type: 'string',
		default: '',
		displayOptions: show,
		description: 'Who decided, kept with the decision for audit',
	},
];

/**
 * Records a reviewer's decision per item. Conflict Resolver reviews are applied here: the changes each side needs go
 * to Apply to Local / Apply to External. CRM Sync reviews (scope crm:…) are applied by the next sync run.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const conflict = openConflict({ store: await nodeStore(this) });
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (let item = 0; item < items.length; item++) {
		try {
			const input = readInput(this, reviewDecisionSchema, {
				reviewId: this.getNodeParameter('reviewId', item, null),
				side: this.getNodeParameter('side', item, ''),
				values: jsonInput(this, this.getNodeParameter('values', item, ''), 'values', item),
				decidedBy: this.getNodeParameter('decidedBy', item, ''),
			}, item);
			const values = input.values ?? {};
			const decision: ReviewDecision = { side: input.side, values: Object.keys(values).length > 0 ? values : undefined, decidedBy: input.decidedBy || undefined };
			const id = input.reviewId;
			const existing = await conflict.reviews.get(id);
			const crmScope = existing?.scope.startsWith('crm:') ?? false;
			const applied = await conflict.decide(id, decision, { markApplied: !crmScope });
			const common = { reviewId: id, recordKey: applied.review.recordKey, scope: applied.review.scope, status: applied.review.status, values: applied.values, merged: applied.merged };
			if (crmScope) {
				outputs[APPLY_TO_EXTERNAL].push({ json: { ...common, updates: applied.updates } as INodeExecutionData['json'], pairedItem: { item } });
				continue;
			}
			if (Object.keys(applied.updates[LOCAL] ?? {}).length > 0) outputs[APPLY_TO_LOCAL].push({ json: { ...common, changes: applied.updates[LOCAL] } as INodeExecutionData['json'], pairedItem: { item } });
			if (Object.keys(applied.updates[EXTERNAL] ?? {}).length > 0) outputs[APPLY_TO_EXTERNAL].push({ json: { ...common, changes: applied.updates[EXTERNAL] } as INodeExecutionData['json'], pairedItem: { item } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, item);
			if (!this.continueOnFail()) throw nodeError;
			outputs[NEEDS_REVIEW].push({ json: nodeError instanceof InputViolationError ? nodeError.itemJson() : { error: nodeError.message }, pairedItem: { item } });
		}
	}
	return outputs;
}
