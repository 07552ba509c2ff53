import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { QuotaExceededError, quotaMessage, type EventToRecord, type Plan, type RecordResult, type UsageMeter } from '../../../lib/metering';
import { toNodeError } from '../../shared/errors';
import { InputViolationError } from '../../shared/inputs';
import { openMeter, planReader } from './engine';
import { meterOptions } from './properties';

const show = { show: { operation: ['record'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'recordCustomerId',
		type: 'string',
		required: true,
		default: '={{ $json.customerId }}',
		displayOptions: show,
		description: 'The account the usage is billed to',
	},
	{ displayName: 'Meter', name: 'meter', type: 'options', options: meterOptions, default: 'syncs', displayOptions: show, description: 'What is being counted' },
	{
		displayName: 'Custom Meter Name',
		name: 'customMeter',
		type: 'string',
		default: '',
		placeholder: 'e.g. invoices_sent',
		displayOptions: { show: { operation: ['record'], meter: ['custom'] } },
		description: 'Lower-case letters, digits and underscores',
	},
	{ displayName: 'Quantity', name: 'quantity', type: 'number', default: 1, displayOptions: show, description: 'Whole units this item used' },
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '={{ $json.eventId ?? $json.id }}',
		displayOptions: show,
		description: 'Identifies the usage: an event ID seen before (a retried execution, a duplicate item) is counted once. Build it from the item, never from the execution.',
	},
	{
		displayName: 'Options',
		name: 'recordOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Amount', name: 'amount', type: 'string', default: '', placeholder: 'e.g. 129.99', description: 'Money the event moved, in major units, for percentage pricing' },
			{ displayName: 'Currency', name: 'currency', type: 'string', default: 'USD', description: 'ISO 4217 code of the amount' },
			{ displayName: 'Timestamp', name: 'timestamp', type: 'string', default: '', placeholder: 'e.g. 2026-11-27T10:00:00Z', description: 'When the usage happened (ISO or epoch ms); default now. Decides the period.' },
		],
	},
	{
		displayName: 'Above the Plan\'s Quota',
		name: 'aboveQuota',
		type: 'options',
		options: [
			{ name: 'Count and Bill the Overage', value: 'bill', description: 'Count the usage; the invoice prices (or reports) what exceeds the quota' },
			{ name: 'Refuse the Item', value: 'refuse', description: 'Fail the item with an error naming the quota and plan, counting nothing' },
		],
		default: 'bill',
		displayOptions: show,
		description: 'What to do with usage that would take the customer past the included quota of the plan below (e.g. a third platform on CRM Basic)',
	},
	{
		displayName: 'Quota Alerts',
		name: 'quotaAlerts',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether to emit an alert on the Quota Alerts output, once per period, when the customer crosses a share of the plan\'s included quota',
	},
	{
		displayName: 'Alert Thresholds (%)',
		name: 'alertThresholds',
		type: 'string',
		default: '80, 100',
		displayOptions: { show: { operation: ['record'], quotaAlerts: [true] } },
		description: 'Comma-separated percentages of the included quota',
	},
];

function readThresholds(context: IExecuteFunctions): number[] | undefined {
	if (!(context.getNodeParameter('quotaAlerts', 0) as boolean)) return undefined;
	const text = context.getNodeParameter('alertThresholds', 0) as string;
	const thresholds = text.split(',').map((part) => Number(part.trim()));
	if (thresholds.some((value) => !Number.isInteger(value) || value <= 0)) {
		throw new NodeOperationError(context.getNode(), `Alert thresholds must be whole percentages such as "80, 100", got "${text}"`);
	}
	return thresholds;
}

/** The usage event an item describes, checked and stamped with its period. */
function readEvent(context: IExecuteFunctions, meter: UsageMeter, planOf: ((itemIndex: number) => Plan) | undefined, itemIndex: number): EventToRecord {
	const options = context.getNodeParameter('recordOptions', itemIndex, {}) as IDataObject;
	const chosen = context.getNodeParameter('meter', itemIndex) as string;
	return meter.prepare({
		// Raw, never wrapped in String(): the meter refuses a missing or wrong-typed id by name instead of counting "undefined".
		eventId: context.getNodeParameter('eventId', itemIndex) as string,
		customerId: context.getNodeParameter('recordCustomerId', itemIndex) as string,
		meter: chosen === 'custom' ? (context.getNodeParameter('customMeter', itemIndex) as string) : chosen,
		quantity: context.getNodeParameter('quantity', itemIndex) as number,
		amount: options.amount as string | undefined,
		currency: (options.currency as string | undefined) || undefined,
		timestamp: options.timestamp as string | undefined,
		plan: planOf?.(itemIndex),
		enforceQuota: context.getNodeParameter('aboveQuota', itemIndex, 'bill') === 'refuse',
	});
}

type ReadEvent = { event: EventToRecord; itemIndex: number };

/**
 * Without Continue On Fail a refusal stops the node and the whole batch is rolled back (nothing counted); with it,
 * the refused items fail alone and the rest are counted.
 */
async function recordOrRefuse(context: IExecuteFunctions, meter: UsageMeter, events: ReadEvent[]): Promise<RecordResult> {
	try {
		return await meter.recordPrepared(events.map(({ event }) => event), { allOrNothing: !context.continueOnFail() });
	} catch (error) {
		if (!(error instanceof QuotaExceededError)) throw toNodeError(context.getNode(), error);
		const itemIndex = events[error.eventIndex].itemIndex;
		throw new NodeOperationError(context.getNode(), `${error.message} (item ${itemIndex})`, { itemIndex });
	}
}

/** An alert pairs with the first item whose event was counted for that customer and meter. */
function alertItems(result: RecordResult, events: ReadEvent[]): INodeExecutionData[] {
	const itemOf = new Map<string, number>();
	result.outcomes.forEach((outcome, index) => {
		const key = `${outcome.customerId}\u0000${outcome.meter}`;
		if (outcome.status === 'recorded' && !itemOf.has(key)) itemOf.set(key, events[index].itemIndex);
	});
	return result.alerts.map((alert) => ({ json: { ...alert }, pairedItem: { item: itemOf.get(`${alert.customerId}\u0000${alert.meter}`) ?? 0 } }));
}

function lateItems(result: RecordResult, events: ReadEvent[]): INodeExecutionData[] {
	return result.outcomes
		.map((outcome, index) => ({ outcome, itemIndex: events[index].itemIndex }))
		.filter(({ outcome }) => outcome.status === 'late')
		.map(({ outcome, itemIndex }) => ({ json: { ...outcome, reason: `Period ${outcome.period} is closed` }, pairedItem: { item: itemIndex } }));
}

/**
 * Records one usage event per item (all in one transaction) and passes each counted item (recorded now or before) on
 * unchanged. Quota alerts that fire go to the second output; events for a closed period, which are not counted, only
 * to the third. Under Continue On Fail an invalid item becomes an error item (`error` and `details` only, so "Continue
 * (using error output)" moves it to the error output).
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const thresholds = readThresholds(this);
	const meter = await openMeter(this, thresholds ?? []);
	const enforcing = (this.getNodeParameter('aboveQuota', 0, 'bill') as string) === 'refuse';
	const planOf = thresholds || enforcing ? planReader(this) : undefined;
	const failed: Array<{ itemIndex: number; error: IDataObject }> = [];
	const events: ReadEvent[] = [];
	items.forEach((_, itemIndex) => {
		try {
			events.push({ itemIndex, event: readEvent(this, meter, planOf, itemIndex) });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			failed.push({ itemIndex, error: nodeError instanceof InputViolationError ? nodeError.itemJson() : { error: nodeError.message } });
		}
	});
	const result = await recordOrRefuse(this, meter, events);
	const counted: Array<{ itemIndex: number; error?: IDataObject }> = [];
	result.outcomes.forEach((outcome, index) => {
		const { itemIndex } = events[index];
		if (outcome.refusal) failed.push({ itemIndex, error: { error: `${quotaMessage(outcome.refusal)} (item ${itemIndex})` } });
		else if (outcome.status !== 'late') counted.push({ itemIndex });
	});
	// In input order: each counted item unchanged, each invalid one as its error.
	const output = [...counted, ...failed]
		.sort((a, b) => a.itemIndex - b.itemIndex)
		.map((entry): INodeExecutionData => {
			const item: INodeExecutionData = entry.error === undefined ? items[entry.itemIndex] : { json: entry.error };
			return { ...item, pairedItem: { item: entry.itemIndex } };
		});
	return [output, alertItems(result, events), lateItems(result, events)];
}
