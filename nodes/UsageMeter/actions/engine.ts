import { type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { customerSchema, openMetering, periodContaining, presetPlan, previousPeriod, validatePlan, type UsageMeter, type BillingPeriod, type ChargeInput, type Plan, type PlanInput, type Metering } from '../../../lib/metering';
import { nodeStore } from '../../shared/engineContext';
import { itemParameters, readInput } from '../../shared/inputs';
import { parseJsonParameter } from '../../shared/jsonParameter';

interface UiCharge {
	meter: string;
	customMeter?: string;
	model: ChargeInput['model'];
	unitPrice?: string;
	tiers?: string;
	fixed?: string;
	percent?: string;
	included?: number;
	onExceed?: 'bill' | 'report';
	minimum?: string;
	aggregation?: 'sum' | 'max';
}

const optional = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

function planFromFields(context: IExecuteFunctions, itemIndex: number): PlanInput {
	const rows = context.getNodeParameter('charges.charge', itemIndex, []) as UiCharge[];
	const customMeters: string[] = [];
	const charges = rows.map((row): ChargeInput => {
		const meter = row.meter === 'custom' ? String(row.customMeter ?? '') : row.meter;
		if (row.meter === 'custom') customMeters.push(meter);
		return {
			meter,
			model: row.model,
			unitPrice: optional(row.unitPrice),
			tiers: row.model === 'graduated' || row.model === 'volume' ? parseJsonParameter(context, row.tiers ?? '[]', `Tiers of the ${meter} charge`, itemIndex) : undefined,
			fixed: optional(row.fixed),
			percent: optional(row.percent),
			included: row.included === -1 ? 'unlimited' : row.included,
			onExceed: row.onExceed,
			minimum: optional(row.minimum),
			aggregation: row.aggregation,
		};
	});
	return {
		id: context.getNodeParameter('planId', itemIndex) as string,
		currency: context.getNodeParameter('planCurrency', itemIndex) as string,
		recurringFee: optional(context.getNodeParameter('recurringFee', itemIndex, '') as string),
		setupFee: optional(context.getNodeParameter('setupFee', itemIndex, '') as string),
		customMeters,
		charges,
	};
}

/** The plan for one item, validated once per distinct plan text. */
export function planReader(context: IExecuteFunctions): (itemIndex: number) => Plan {
	const validated = new Map<string, Plan>();
	return (itemIndex) => {
		const source = context.getNodeParameter('planSource', itemIndex) as string;
		if (source === 'preset') return presetPlan(context.getNodeParameter('planPreset', itemIndex) as string);
		const input = source === 'ui' ? planFromFields(context, itemIndex) : parseJsonParameter<unknown>(context, context.getNodeParameter('planJson', itemIndex), 'Plan (JSON)', itemIndex);
		const key = JSON.stringify(input);
		let plan = validated.get(key);
		if (!plan) {
			plan = validatePlan(input);
			validated.set(key, plan);
		}
		return plan;
	};
}

/** The metering capability over the node's store. */
export async function nodeMetering(context: IExecuteFunctions): Promise<Metering> {
	return openMetering({ store: await nodeStore(context) });
}

/** The engine for this execution: the node's store, namespace and period settings. */
export async function openMeter(context: IExecuteFunctions, alertThresholds?: number[], metering?: Metering): Promise<UsageMeter> {
	const settings = context.getNodeParameter('billingPeriod', 0, {}) as IDataObject;
	return (metering ?? (await nodeMetering(context))).meter({
		namespace: context.getNodeParameter('namespace', 0) as string,
		period: { anchorDay: Number(settings.anchorDay ?? 1), timeZone: String(settings.timeZone || 'UTC') },
		alertThresholds,
	});
}

/** The period the operation reads, for one item. */
export function selectedPeriod(context: IExecuteFunctions, meter: UsageMeter, itemIndex: number): BillingPeriod {
	const choice = context.getNodeParameter('period', itemIndex) as string;
	if (choice === 'previous') return previousPeriod(meter.period(), meter.periodConfig);
	if (choice === 'date') return periodContaining(context.getNodeParameter('periodDate', itemIndex) as string, meter.periodConfig);
	return meter.period();
}

/**
 * The (customer, period, paired item) pairs an operation works on: each input item's customer, or with All
 * Customers every customer with usage in the period (paired with the first input item).
 */
export async function targets(context: IExecuteFunctions, meter: UsageMeter, itemCount: number): Promise<Array<{ customerId: string; period: BillingPeriod; itemIndex: number }>> {
	if (context.getNodeParameter('allCustomers', 0, false) as boolean) {
		const period = selectedPeriod(context, meter, 0);
		return (await meter.customers(period)).map((customerId) => ({ customerId, period, itemIndex: 0 }));
	}
	return Array.from({ length: itemCount }, (_, itemIndex) => {
		const { customerId } = readInput(context, customerSchema, itemParameters(context, ['customerId'], itemIndex), itemIndex);
		return { customerId, period: selectedPeriod(context, meter, itemIndex), itemIndex };
	});
}

/** One customer's period under its plan: what Get Usage, Preview Invoice and Close Period each turn into one item. */
export interface PricedTarget {
	meter: UsageMeter;
	customerId: string;
	period: BillingPeriod;
	plan: Plan;
}

/** Runs `priced` for every target customer with the plan of its item; one output item each. */
export async function forEachPricedTarget(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	priced: (target: PricedTarget) => Promise<IDataObject>,
): Promise<INodeExecutionData[][]> {
	const meter = await openMeter(context);
	const planOf = planReader(context);
	const output: INodeExecutionData[] = [];
	for (const { customerId, period, itemIndex } of await targets(context, meter, items.length)) {
		output.push({ json: await priced({ meter, customerId, period, plan: planOf(itemIndex) }), pairedItem: { item: itemIndex } });
	}
	return [output];
}
