import { NodeOperationError, type INodeProperties, type IPollFunctions } from 'n8n-workflow';

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

/** A polling trigger's Start From and Start Date, each choice described in the trigger's own words. */
export function startFromProperties(choices: { now: string; beginning: string; date: string }): INodeProperties[] {
	return [
		{
			displayName: 'Start From',
			name: 'startFrom',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Now', value: 'now', description: choices.now },
				{ name: 'Beginning', value: 'beginning', description: choices.beginning },
				{ name: 'A Date', value: 'date', description: choices.date },
			],
			default: 'now',
			description: 'Where the first poll starts; later polls go on from where the last one stopped',
		},
		{
			displayName: 'Start Date',
			name: 'startDate',
			type: 'dateTime',
			required: true,
			default: '',
			displayOptions: { show: { startFrom: ['date'] } },
		},
	];
}
