import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failedItem, hintFailures } from '../../shared/itemFailures';
import { openCampaigns, openFanOut } from './engine';

/**
 * Once per execution: sends again every change a platform could not take before (it was down, or refused it),
 * without new contacts, and every campaign step (a segment leave, a journey started or stopped) that failed. Each fan-out does this too; this operation is for a schedule when contacts arrive rarely. A
 * change refused again follows On Error; it stays pending for the next run (up to its attempts).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const report = await engine.fanOut([]);
	const steps = await (await openCampaigns(this)).retryPending();
	const failed = report.retried.filter((entry) => !entry.ok).length + steps.filter((step) => !step.ok).length;
	hintFailures(this, failed, report.retried.length + steps.length, 'pending changes');
	// One run for the whole input: every result pairs with the item that triggered it.
	return [
		[
			...report.retried.map((entry) =>
				entry.ok
					? { json: { ...entry }, pairedItem: { item: 0 } }
					: failedItem(this, 0, { subject: `pending change of ${entry.email} on ${entry.platform}`, message: entry.error?.message ?? 'not taken', code: entry.error?.code, details: { ...entry, error: entry.error?.message ?? null } }),
			),
			...steps.map(({ error, ...step }) =>
				step.ok
					? { json: { ...step }, pairedItem: { item: 0 } }
					: failedItem(this, 0, { subject: `pending ${step.action} (${step.subject}) of ${step.email} on ${step.platform}`, message: error?.message ?? 'not taken', code: error?.code, details: { ...step, error: error?.message ?? null } }),
			),
		],
	];
}
