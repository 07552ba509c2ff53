import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RetentionResult } from '../../../lib/marketing';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { stepErrors, stepsJson } from './campaignItems';
import { openCampaigns } from './engine';

const show = { show: { operation: ['startRetention'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'retentionEmail',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: show,
		description: 'The customer',
	},
	{
		displayName: 'Last Activity',
		name: 'lastActivityAt',
		type: 'string',
		default: '={{ $json.lastActivityAt }}',
		required: true,
		displayOptions: show,
		description: 'When the customer was last active, as an ISO 8601 date (2026-03-04 or 2026-03-04T10:00:00Z)',
	},
	{
		displayName: 'Inactive Days',
		name: 'inactiveDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		displayOptions: show,
		description: 'Customers inactive longer than this get the retention campaign, once per inactivity spell',
	},
];

/**
 * Each item is a customer with its last activity: inactive past the threshold, it gets the retention campaign on every
 * platform that has one, once per last-activity date (the next scheduled run reading the same date starts nothing;
 * activity after it and a new lapse start it again). Outputs: Started (one campaign execution per platform, ids stable
 * across runs) and Not Started (active, unsubscribed). A bad date or a platform's refusal follows On Error.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const inactiveDays = this.getNodeParameter('inactiveDays', 0, 60) as number;
	if (typeof inactiveDays !== 'number' || !Number.isFinite(inactiveDays) || inactiveDays <= 0) {
		throw new NodeOperationError(this.getNode(), `Inactive Days must be a positive number of days, not ${JSON.stringify(inactiveDays)}`);
	}
	const engine = await openCampaigns(this);
	const contacts = items.map((_, index) => ({ email: this.getNodeParameter('retentionEmail', index) as unknown, lastActivityAt: this.getNodeParameter('lastActivityAt', index) as unknown }));
	const results = await engine.startRetention(contacts, inactiveDays);
	const failed = (result: RetentionResult) => result.status === 'failed' || result.status === 'partial' || result.status === 'invalid';
	hintFailures(this, results.filter(failed).length, results.length, 'customers');
	const started: INodeExecutionData[] = [];
	const notStarted: INodeExecutionData[] = [];
	for (const result of results) {
		const { index: _index, platforms, campaignExecutions, field, message, ...rest } = result;
		const json = { ...rest, campaignExecutions: campaignExecutions.map((execution) => ({ ...execution })), ...stepsJson(platforms, 'startedOn') };
		if (result.status === 'invalid') {
			const name = field === 'email' ? 'Email' : 'Last Activity';
			started.push(failedItem(this, result.index, { subject: `retention of ${result.email || JSON.stringify(contacts[result.index].email ?? null)}`, message: `${name} is ${message}`, details: { ...json, fields: [field ?? 'lastActivityAt'] } }));
		} else if (failed(result)) {
			started.push(failedItem(this, result.index, { subject: `retention campaign of ${result.email}`, ...stepErrors(platforms), details: json }));
		} else {
			(result.status === 'started' ? started : notStarted).push({ json, pairedItem: { item: result.index } });
		}
	}
	return [started, notStarted];
}
