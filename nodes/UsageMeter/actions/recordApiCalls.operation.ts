import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { nodeMetering, openMeter } from './engine';

const show = { show: { operation: ['recordApiCalls'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'apiCallsCustomerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. acme',
		displayOptions: show,
		description: 'The account the API calls are billed to: every call this n8n\'s nodes sent through the state store',
	},
];

/**
 * The API calls every node of this package sent (counted by the transport in the state store, per hour), recorded as
 * `api_calls` usage: one event per finished hour, each hour once however often this runs. One output item per hour.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const metering = await nodeMetering(this);
	const meter = await openMeter(this, undefined, metering);
	const customerId = this.getNodeParameter('apiCallsCustomerId', 0) as string;
	const { outcomes, hours } = await metering.recordApiCalls(meter, customerId);
	const pairedItem = { item: 0 };
	return [
		outcomes.map((outcome, index) => ({
			json: { ...outcome, hourStart: new Date(hours[index].hourStartMs).toISOString(), apiCalls: hours[index].requests } as IDataObject,
			pairedItem: items.length > 0 ? pairedItem : undefined,
		})),
	];
}
