import { NodeApiError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

import { toNodeError } from './errors';
import { InputViolationError } from './inputs';

/** A record the vendor refused, or whose retries ran out, as the engine reports it beside the others. */
export interface RecordFailure {
	/** What the record is, for the message: "contact 42 on hubspot". */
	subject: string;
	message: string;
	code?: string;
	/** Kept on the error item (n8n's error output merges the input item in beside them). */
	details?: IDataObject;
}

/**
 * One input item that failed, following the node's On Error setting: by default the node stops, naming the item; under
 * "Continue" or "Continue (using error output)" the item carries only `error` and `details`, which n8n moves to its
 * error output (merged with the input item) or keeps on the main output.
 */
export function failedItem(context: IExecuteFunctions, itemIndex: number, failure: RecordFailure | unknown): INodeExecutionData {
	const nodeError = isRecordFailure(failure)
		? new NodeApiError(context.getNode(), { message: failure.message, code: failure.code ?? null } as JsonObject, {
			message: `${failure.subject}: ${failure.message}`,
			description: `Item ${itemIndex}${failure.code ? `, code ${failure.code}` : ''}`,
			itemIndex,
		})
		: toNodeError(context.getNode(), failure, itemIndex);
	if (!context.continueOnFail()) throw nodeError;
	if (nodeError instanceof InputViolationError) return { json: nodeError.itemJson() as IDataObject, pairedItem: { item: itemIndex } };
	const details: IDataObject = { item: itemIndex, ...(isRecordFailure(failure) ? { code: failure.code ?? null, ...failure.details } : { description: nodeError.description ?? null }) };
	return { json: { error: nodeError.message, details }, pairedItem: { item: itemIndex } };
}

/** For a batch that reports its failures and goes on: "3 of 1,000 records failed" on the node in the editor. */
export function hintFailures(context: IExecuteFunctions, failed: number, total: number, noun = 'records'): void {
	if (failed === 0) return;
	context.addExecutionHints({ message: `${failed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${noun} failed`, location: 'outputPane' });
}

function isRecordFailure(value: unknown): value is RecordFailure {
	return typeof value === 'object' && value !== null && !(value instanceof Error) && typeof (value as RecordFailure).subject === 'string' && typeof (value as RecordFailure).message === 'string';
}
