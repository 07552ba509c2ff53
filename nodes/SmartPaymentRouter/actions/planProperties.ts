import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkPlans, PLAN_INTERVALS, type SubscriptionPlan } from '../../../lib/payments';
import { toNodeError } from '../../shared/errors';
import { InputError, jsonInput } from '../../shared/inputs';
import { platformsServing } from '../../shared/platformOptions';
import { picker } from '../../shared/resourceLocator';
import { platformListSearch } from '../../shared/resourceSearch';

/** The processors that bill subscriptions to plans of their own, and the list each one's plans are picked from. */
const planned = platformsServing('payments').flatMap((definition) => (definition.payments?.plans ? [{ processor: definition.id, displayName: definition.displayName, ...definition.payments.plans }] : []));

const planField = (processor: string) => `${processor}Plan`;
const searchMethod = (processor: string) => `${processor}PlanSearch`;
const on = { show: { operation: ['createSubscription', 'changeSubscriptionPlan'] } };

/** The words a row's fields are shown with, for errors that name them. */
const ROW_FIELDS: Record<string, string> = { id: 'Plan ID', amount: 'Amount', currency: 'Currency', interval: 'Interval', processorPlans: 'processor plans' };

function plansFrom(initial: 'rows' | 'json', versions: NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>['@version']): INodeProperties {
	return {
		displayName: 'Plans From',
		name: 'subscriptionPlansFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Rows', value: 'rows', description: "One row per plan, each processor's plan picked from its list" },
			{ name: 'JSON', value: 'json', description: 'A list of plans, e.g. built by an expression from an earlier node' },
		],
		default: initial,
		displayOptions: { show: { ...on.show, '@version': versions } },
	};
}

/**
 * Your plans as rows (or, for a catalog built by an expression, as JSON): each with your ID for it, what it bills, and
 * per chosen processor that processor's own plan, picked from the processor's list.
 */
export const planProperties: INodeProperties[] = [
	// Version 1 took the plans as JSON only: its saved workflows keep reading them so; from 1.1 new nodes start on rows.
	plansFrom('json', [1]),
	plansFrom('rows', [{ _cnd: { gte: 1.1 } }]),
	{
		displayName: 'Plans',
		name: 'subscriptionPlanRows',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Plan',
		default: {},
		displayOptions: { show: { ...on.show, subscriptionPlansFrom: ['rows'] } },
		description: 'Your plans, each with the plan that bills it on every processor chosen above',
		options: [
			{
				displayName: 'Plan',
				name: 'plan',
				values: [
					{ displayName: 'Plan ID', name: 'id', type: 'string', required: true, default: '', placeholder: 'e.g. pro-monthly', description: 'Your ID for the plan: what Plan below (and the items) name' },
					{ displayName: 'Amount', name: 'amount', type: 'number', typeOptions: { minValue: 0 }, required: true, default: 0, description: 'What the plan bills each interval, in major units (29.00; 1.005 for a KWD plan): no more decimals than the currency has' },
					{ displayName: 'Currency', name: 'currency', type: 'string', required: true, default: 'USD', placeholder: 'e.g. USD', description: 'The ISO 4217 code of the amount' },
					{ displayName: 'Interval', name: 'interval', type: 'options', options: PLAN_INTERVALS.map((interval) => ({ name: interval[0].toUpperCase() + interval.slice(1), value: interval })), default: 'month' },
					...planned.map(({ processor, displayName, label, placeholder }) =>
						picker({
							displayName: `${displayName} ${label}`,
							name: planField(processor),
							searchListMethod: searchMethod(processor),
							displayOptions: { show: { '/processors': [processor] } },
							description: `The ${displayName} ${label.toLowerCase()} that bills this plan; empty where ${displayName} does not bill it`,
							typed: { name: 'id', displayName: 'By ID', placeholder },
						}),
					),
				],
			},
		],
	},
	{
		displayName: 'Plans (JSON)',
		name: 'subscriptionPlans',
		type: 'json',
		required: true,
		default: JSON.stringify([{ id: 'pro-monthly', amount: 29, currency: 'USD', interval: 'month', processorPlans: { [planned[0]?.processor ?? 'processor']: '…' } }], null, 2),
		displayOptions: { show: { ...on.show, subscriptionPlansFrom: ['json'] } },
		description: 'Your plans, each with the plan that bills it on every processor you use: {id, amount (major units), currency, interval (day, week, month, year), processorPlans: {processor: the processor’s plan or price ID}}',
	},
];

/** The lists behind the plan pickers, each through the node's credential for its processor. */
export const planListSearch = Object.fromEntries(planned.map(({ processor, resource }) => [searchMethod(processor), platformListSearch(processor, resource)]));

type PlanRow = { id?: unknown; amount?: unknown; currency?: unknown; interval?: unknown } & Record<string, unknown>;

/**
 * The plans as the engine takes them (checked there): from the rows, each processor's picked plan under
 * `processorPlans` (a processor left empty bills no such plan), or the JSON as given.
 */
function plansParameter(context: IExecuteFunctions): unknown {
	if ((context.getNodeParameter('subscriptionPlansFrom', 0, 'json') as string) === 'json') return jsonInput(context, context.getNodeParameter('subscriptionPlans', 0), 'subscriptionPlans', 0);
	const rows = (context.getNodeParameter('subscriptionPlanRows.plan', 0, []) as PlanRow[]) ?? [];
	return rows.map(({ id, amount, currency, interval, ...pickers }) => {
		const processorPlans = Object.fromEntries(planned.flatMap(({ processor }) => {
			const picked = pickedId(pickers[planField(processor)]);
			return picked === '' ? [] : [[processor, picked]];
		}));
		return { id, amount, currency, interval, processorPlans };
	});
}

/** The plans checked by the engine, a violation named as the user sees the field (a row of Plans, or the JSON). */
export function checkedPlans(context: IExecuteFunctions): SubscriptionPlan[] {
	try {
		return checkPlans(plansParameter(context));
	} catch (error) {
		const fromRows = context.getNodeParameter('subscriptionPlansFrom', 0, 'json') === 'rows';
		throw toNodeError(context.getNode(), error instanceof InputError ? new InputError(renamePlanViolations(error.violations, fromRows), 'Plans') : error, 0);
	}
}

/** The engine's `plans[2].amount` as the user sees it: "Plans, row 3: Amount" (or the JSON parameter's name). */
function renamePlanViolations(violations: InputError['violations'], fromRows: boolean): InputError['violations'] {
	if (!fromRows) return violations.map((violation) => ({ ...violation, field: violation.field.replace(/^plans/, 'subscriptionPlans') }));
	return violations.map((violation) => {
		const at = /^plans\[(\d+)\]\.(\w+)$/.exec(violation.field);
		return at ? { ...violation, field: `Plans, row ${Number(at[1]) + 1}: ${ROW_FIELDS[at[2]] ?? at[2]}` } : violation;
	});
}

/** A resourceLocator's id, whatever its mode; '' when nothing is picked. */
function pickedId(value: unknown): string {
	const id = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : value;
	return typeof id === 'string' ? id.trim() : '';
}
