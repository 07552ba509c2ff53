import { NodeOperationError, type IPollFunctions } from 'n8n-workflow';

/** When a polling trigger's first poll starts (its Start From and Start Date): now (the default), a date, or undefined for the beginning. */
export function startFrom(context: IPollFunctions): Date | undefined {
	const choice = context.getNodeParameter('startFrom', 'now') as string;
	if (choice === 'beginning') return undefined;
	if (choice === 'now') return new Date();
	const value = context.getNodeParameter('startDate', '') as unknown;
	const at = typeof value === 'string' && value !== '' ? new Date(value) : undefined;
	if (!at || Number.isNaN(at.getTime())) throw new NodeOperationError(context.getNode(), `Start Date must be a date, not ${JSON.stringify(value)}`);
	return at;
}
