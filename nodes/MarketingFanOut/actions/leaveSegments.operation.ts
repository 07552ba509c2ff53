import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { SegmentLeaveResult } from '../../../lib/marketing';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { platformOptions } from '../../shared/platformOptions';
import { namesOf, stepErrors, stepsJson } from './campaignItems';
import { openCampaigns } from './engine';

const show = { show: { operation: ['leaveSegments'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'leaveEmail',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: show,
		description: 'The contact that left the segments',
	},
	{
		displayName: 'Segments',
		name: 'leaveSegmentNames',
		type: 'string',
		default: '={{ $json.segment }}',
		required: true,
		displayOptions: show,
		description: 'The segments it left (the names your segment rules give them: tags or lists on each platform), comma-separated or a list',
	},
	{
		displayName: 'Left On',
		name: 'leaveSource',
		type: 'options',
		options: [...platformOptions('marketing'), { name: 'Elsewhere (CRM, Form…)', value: 'other' }],
		default: 'other',
		displayOptions: show,
		description: 'Where the contact left first: that platform is not asked again. A platform\'s webhook echoing a removal this node made changes nothing.',
	},
];

/**
 * Each item's contact leaves each named segment on every platform (but the one it left first), once per membership:
 * delivered again, or echoed back by a platform, the leave only finishes what a platform could not take before. A
 * leave a platform refused follows On Error; it is kept and sent again by Retry Pending or the next delivery.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openCampaigns(this);
	const requests = items.flatMap((_, index) => {
		const email = this.getNodeParameter('leaveEmail', index) as unknown;
		const source = this.getNodeParameter('leaveSource', index) as string;
		const segments = namesOf(this.getNodeParameter('leaveSegmentNames', index));
		return (segments.length > 0 ? segments : ['']).map((segment) => ({ index, email, segment, source }));
	});
	const results = await engine.leaveSegments(requests);
	const failed = (result: SegmentLeaveResult) => result.status !== 'removed';
	hintFailures(this, results.filter(failed).length, results.length, 'segment leaves');
	return [
		results.map((result) => {
			const item = requests[result.index].index;
			const json = { email: result.email, segment: result.segment, status: result.status, recorded: result.recorded, source: result.source, ...stepsJson(result.platforms, 'removedFrom') };
			if (result.status === 'invalid_email') return failedItem(this, item, { subject: `segment leave of ${JSON.stringify(requests[result.index].email ?? null)}`, message: 'Email is not an email address', details: { ...json, fields: ['email'] } });
			if (result.status === 'no_segment') return failedItem(this, item, { subject: `segment leave of ${result.email}`, message: 'Segments names no segment', details: { ...json, fields: ['segment'] } });
			if (failed(result)) return failedItem(this, item, { subject: `leave of ${result.email} from "${result.segment}"`, ...stepErrors(result.platforms), details: json });
			return { json, pairedItem: { item } };
		}),
	];
}
