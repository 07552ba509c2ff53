import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { CSV_HEADER, customerSchema, toCloudEvent, toCsvLine, type BillingPeriod, type StoredEvent, type UsageMeter } from '../../../lib/metering';
import { itemParameters, readInput } from '../../shared/inputs';
import { openMeter, selectedPeriod } from './engine';

const PAGE = 5_000;

export const description: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'CloudEvents JSON', value: 'cloudevents', description: 'One item per event, as OpenMeter (and Lago through its event fields) ingests' },
			{ name: 'CSV File', value: 'csv', description: 'One item holding a CSV file: a header line and one line per event' },
		],
		default: 'cloudevents',
		displayOptions: { show: { operation: ['export'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { operation: ['export'], format: ['csv'] } },
		hint: 'The name of the output binary field to put the file in',
	},
];

async function periodEvents(context: IExecuteFunctions, meter: UsageMeter, period: BillingPeriod, itemIndex: number): Promise<StoredEvent[]> {
	const allCustomers = context.getNodeParameter('allCustomers', itemIndex, false) as boolean;
	const customerId = allCustomers ? undefined : readInput(context, customerSchema, itemParameters(context, ['customerId'], itemIndex), itemIndex).customerId;
	const events: StoredEvent[] = [];
	for (let offset = 0; ; offset += PAGE) {
		const page = await meter.events(period, { customerId, limit: PAGE, offset });
		events.push(...page);
		if (page.length < PAGE) return events;
	}
}

/** One item holding the events as a CSV file (`usage-<namespace>-<period>.csv`) in the chosen binary field. */
async function csvFile(context: IExecuteFunctions, events: StoredEvent[], fileName: string, itemIndex: number): Promise<INodeExecutionData> {
	const csv = [CSV_HEADER, ...events.map(toCsvLine)].join('\n') + '\n';
	const field = context.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const binary = await context.helpers.prepareBinaryData(Buffer.from(csv, 'utf8'), fileName, 'text/csv');
	return { json: { fileName, events: events.length }, binary: { [field]: binary }, pairedItem: { item: itemIndex } };
}

/** The counted events of a period (one customer's or everyone's) as CloudEvents items or a CSV file. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const namespace = this.getNodeParameter('namespace', 0) as string;
	const source = `n8n/usage-meter/${namespace}`;
	const allCustomers = this.getNodeParameter('allCustomers', 0, false) as boolean;
	const meter = await openMeter(this);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < (allCustomers ? 1 : items.length); itemIndex++) {
		const period = selectedPeriod(this, meter, itemIndex);
		const events = await periodEvents(this, meter, period, itemIndex);
		if (this.getNodeParameter('format', itemIndex) === 'csv') {
			output.push(await csvFile(this, events, `usage-${namespace}-${period.key}.csv`, itemIndex));
		} else {
			output.push(...events.map((event) => ({ json: { ...toCloudEvent(event, source) }, pairedItem: { item: itemIndex } })));
		}
	}
	return [output];
}
