import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { LifecycleResult } from '../../../lib/marketing';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { namesOf, stepErrors, stepsJson } from './campaignItems';
import { openCampaigns } from './engine';

const show = { show: { operation: ['updateLifecycleStage'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'lifecycleEmail',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: show,
		description: 'The contact whose lifecycle stage changed',
	},
	{
		displayName: 'Lifecycle Stage',
		name: 'lifecycleStage',
		type: 'string',
		default: '={{ $json.lifecycleStage }}',
		required: true,
		displayOptions: show,
		description: 'Its new stage, e.g. lead or customer (compared ignoring case, spaces and dashes)',
	},
	{
		displayName: 'Nurture Stages',
		name: 'nurtureStages',
		type: 'string',
		default: 'lead',
		displayOptions: show,
		description: 'Stages that start the nurture journey (once per contact), comma-separated',
	},
	{
		displayName: 'Customer Stages',
		name: 'customerStages',
		type: 'string',
		default: 'customer',
		displayOptions: show,
		description: 'Stages that stop it for good, comma-separated; a later nurture stage does not restart it',
	},
];

/**
 * Each item moves its contact to a lifecycle stage: a nurture stage starts the nurture journey on every platform that
 * has one, a customer stage stops it where it was started. Outputs: Nurture Started (with one campaign execution per
 * platform, ids stable across deliveries), Nurture Stopped, Unchanged (a stage that does neither, a nurture that
 * already ended, an unsubscribed contact). A step a platform refused follows On Error and is retried later.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openCampaigns(this, { nurtureStages: namesOf(this.getNodeParameter('nurtureStages', 0, 'lead')), customerStages: namesOf(this.getNodeParameter('customerStages', 0, 'customer')) });
	const events = items.map((_, index) => ({ email: this.getNodeParameter('lifecycleEmail', index) as unknown, stage: this.getNodeParameter('lifecycleStage', index) as unknown }));
	const results = await engine.updateLifecycleStages(events);
	const failed = (result: LifecycleResult) => result.status === 'failed' || result.status === 'partial';
	hintFailures(this, results.filter(failed).length, results.length, 'lifecycle changes');
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (const result of results) {
		const steps = stepsJson(result.platforms, result.action === 'nurture_stopped' ? 'stoppedOn' : 'startedOn');
		const json = { email: result.email, stage: result.stage, action: result.action, status: result.status, ...(result.reason ? { reason: result.reason } : {}), campaignExecutions: result.campaignExecutions.map((execution) => ({ ...execution })), ...steps };
		if (result.status === 'invalid_email') {
			outputs[0].push(failedItem(this, result.index, { subject: `lifecycle change of ${JSON.stringify(events[result.index].email ?? null)}`, message: 'Email is not an email address', details: { ...json, fields: ['email'] } }));
		} else if (failed(result)) {
			outputs[0].push(failedItem(this, result.index, { subject: `${result.action === 'nurture_stopped' ? 'nurture stop' : 'nurture start'} of ${result.email}`, ...stepErrors(result.platforms), details: json }));
		} else {
			outputs[result.action === 'nurture_started' ? 0 : result.action === 'nurture_stopped' ? 1 : 2].push({ json, pairedItem: { item: result.index } });
		}
	}
	return outputs;
}
