import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { CSV_HEADER, customerSchema, toCloudEvent, toCsvLine, type StoredEvent, type UsageMeter } from '../../../lib/metering';
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
			{ name: 'CSV', value: 'csv', description: 'One item holding a header line and one line per event' },
		],
		default: 'cloudevents',
		displayOptions: { show: { operation: ['export'] } },
	},
];

async function periodEvents(context: IExecuteFunctions, meter: UsageMeter, itemIndex: number): Promise<StoredEvent[]> {
	const period = selectedPeriod(context, meter, itemIndex);
	const allCustomers = context.getNodeParameter('allCustomers', itemIndex, false) as boolean;
	const customerId = allCustomers ? undefined : readInput(context, customerSchema, itemParameters(context, ['customerId'], itemIndex), itemIndex).customerId;
	const events: StoredEvent[] = [];
	for (let offset = 0; ; offset += PAGE) {
		const page = await meter.events(period, { customerId, limit: PAGE, offset });
		events.push(...page);
		if (page.length < PAGE) return events;
	}
}

/** The counted events of a period (one customer's or everyone's) as CloudEvents items or CSV text. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const namespace = this.getNodeParameter('namespace', 0) as string;
	const source = `n8n/usage-meter/${namespace}`;
	const allCustomers = this.getNodeParameter('allCustomers', 0, false) as boolean;
	const meter = await openMeter(this);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < (allCustomers ? 1 : items.length); itemIndex++) {
		const events = await periodEvents(this, meter, itemIndex);
		if (this.getNodeParameter('format', itemIndex) === 'csv') {
			output.push({ json: { csv: [CSV_HEADER, ...events.map(toCsvLine)].join('\n') + '\n', events: events.length }, pairedItem: { item: itemIndex } });
		} else {
			output.push(...events.map((event) => ({ json: { ...toCloudEvent(event, source) }, pairedItem: { item: itemIndex } })));
		}
	}
	return [output];
}
