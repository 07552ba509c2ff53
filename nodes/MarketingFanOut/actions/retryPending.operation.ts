import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failedItem, hintFailures } from '../../shared/itemFailures';
import { openFanOut } from './engine';

/**
 * Once per execution: sends again every change a platform could not take before (it was down, or refused it),
 * without new contacts. Each fan-out does this too; this operation is for a schedule when contacts arrive rarely. A
 * change refused again follows On Error; it stays pending for the next run (up to its attempts).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const report = await engine.fanOut([]);
	hintFailures(this, report.retried.filter((entry) => !entry.ok).length, report.retried.length, 'pending changes');
	// One run for the whole input: every result pairs with the item that triggered it.
	return [
		report.retried.map((entry) =>
			entry.ok
				? { json: { ...entry }, pairedItem: { item: 0 } }
				: failedItem(this, 0, { subject: `pending change of ${entry.email} on ${entry.platform}`, message: entry.error?.message ?? 'not taken', code: entry.error?.code, details: { ...entry, error: entry.error?.message ?? null } }),
		),
	];
}
