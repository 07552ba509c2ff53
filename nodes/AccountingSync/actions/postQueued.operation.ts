import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { EntryQueue } from '../../../lib/accounting';
import { InputViolationError } from '../../shared/inputs';
import { openNodeBooks } from './books';

/**
 * One flush for the run (not per item): every entry queued with Post: In the Next Batch, in the platform's batches.
 * Each entry posted becomes an item (as Record Sale's, for metering). Under On Error "Continue" each failed entry becomes
 * an error item; otherwise one that failed for a reason a retry may get past (no answer, a 5xx, limits) stays queued
 * quietly for the next flush, and one the platform refused stops the node once the flush is done, naming it.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(this);
	const limit = this.getNodeParameter('maxEntries', 0, 1000);
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw new InputViolationError(this.getNode(), [{ field: 'maxEntries', problem: `must be a whole number of at least 1, got ${JSON.stringify(limit)}` }], 0);
	}
	const results = await new EntryQueue(books).flush({ limit });
	const output: INodeExecutionData[] = [];
	const failed: string[] = [];
	for (const result of results) {
		if ('outcome' in result) {
			output.push({ json: { ...result.outcome } as IDataObject, pairedItem: { item: 0 } });
			continue;
		}
		const message = result.error instanceof Error ? result.error.message : String(result.error);
		const description = result.willRetry ? 'Still queued: the next Post Queued Entries looks it up and tries again' : 'Left the queue: record it corrected with Post: Now';
		if (!result.willRetry) failed.push(`${result.kind} ${result.sourceId}: ${message}`);
		if (this.continueOnFail()) output.push({ json: { error: `${result.kind} ${result.sourceId}: ${message}`, details: { kind: result.kind, sourceId: result.sourceId, willRetry: result.willRetry, description } }, pairedItem: { item: 0 } });
	}
	if (failed.length > 0 && !this.continueOnFail()) throw new Error(`${failed.length} queued ${failed.length === 1 ? 'entry' : 'entries'} refused and left the queue (record them corrected with Post: Now): ${failed.join('; ')}`);
	return [output];
}
