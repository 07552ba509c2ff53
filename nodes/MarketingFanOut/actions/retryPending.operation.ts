import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { openFanOut } from './engine';

/**
 * Once per execution: sends again every change a platform could not take before (it was down, or refused it),
 * without new contacts. Each fan-out does this too; this operation is for a schedule when contacts arrive rarely.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const report = await engine.fanOut([]);
	const pairedItem = items.length > 0 ? { item: 0 } : undefined;
	const done = report.retried.filter((entry) => entry.ok).map((entry) => ({ json: { ...entry }, pairedItem }));
	const failed = report.retried.filter((entry) => !entry.ok).map((entry) => ({ json: { ...entry }, pairedItem }));
	return [done, [], failed];
}
