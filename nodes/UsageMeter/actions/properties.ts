import { type INodeProperties } from 'n8n-workflow';

import { PLAN_PRESETS, STANDARD_METERS } from '../../../lib/metering';

const meterLabel = (meter: string) => meter.split('_').map((word) => (word === 'api' ? 'API' : word.charAt(0).toUpperCase() + word.slice(1))).join(' ');

export const meterOptions = [
	...STANDARD_METERS.map((meter) => ({ name: meterLabel(meter), value: meter })).sort((a, b) => a.name.localeCompare(b.name)),
	{ name: 'Custom', value: 'custom', description: 'A meter name of your own' },
];

export const namespaceProperty: INodeProperties = {
	displayName: 'Meter Namespace',
	name: 'namespace',
	type: 'string',
	default: 'default',
	description: 'Keeps separate meters apart (e.g. per product or environment); event IDs are unique within a namespace. Use the same name wherever you record, preview or close.',
};

export const periodSettingsProperty: INodeProperties = {
	displayName: 'Billing Period',
	name: 'billingPeriod',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	description: 'Periods are calendar months in UTC unless changed here; use the same settings everywhere for one namespace',
	options: [
		{ displayName: 'Anchor Day', name: 'anchorDay', type: 'number', typeOptions: { minValue: 1, maxValue: 31 }, default: 1, description: 'Day of the month each period starts on (the month\'s last day in shorter months)' },
		{ displayName: 'Time Zone', name: 'timeZone', type: 'string', default: 'UTC', placeholder: 'e.g. Europe/Berlin', description: 'IANA time zone in which periods start at midnight' },
	],
};

const pricedOperations = ['getUsage', 'previewInvoice', 'closePeriod'];

export const customerProperties: INodeProperties[] = [
	{
		displayName: 'All Customers',
		name: 'allCustomers',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: [...pricedOperations, 'export'] } },
		description: 'Whether to act on every customer with usage in the period (one output item each) instead of the customer of each input item',
	},
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '={{ $json.customerId }}',
		displayOptions: { show: { operation: [...pricedOperations, 'export'], allCustomers: [false] } },
		description: 'The account whose usage to read',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'Current Period', value: 'current' },
			{ name: 'Previous Period', value: 'previous', description: 'The period before the current one, e.g. to invoice last month' },
			{ name: 'Period Containing a Date', value: 'date' },
		],
		default: 'current',
		displayOptions: { show: { operation: [...pricedOperations, 'export'] } },
	},
	{
		displayName: 'Date',
		name: 'periodDate',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-11-15',
		displayOptions: { show: { operation: [...pricedOperations, 'export'], period: ['date'] } },
		description: 'Any date (ISO) inside the wanted period',
	},
];

const priceField = (displayName: string, name: string, description: string, show?: Record<string, string[]>): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: 'e.g. 0.01',
	description,
	...(show ? { displayOptions: { show } } : {}),
});

const recordPlanSource = (show: Record<string, Array<string | boolean>>): INodeProperties => ({
	displayName: 'Plan Source',
	name: 'planSource',
	type: 'options',
	options: [
		{ name: 'JSON', value: 'json' },
		{ name: 'Fields', value: 'ui' },
		{ name: 'Preset', value: 'preset' },
	],
	default: 'json',
	displayOptions: { show },
});

export const planProperties: INodeProperties[] = [
	{
		displayName: 'Plan Source',
		name: 'planSource',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json', description: 'A plan as JSON: every model, tiers and quotas (see the Usage Meter docs, Plan format)' },
			{ name: 'Fields', value: 'ui', description: 'Build the plan in the editor' },
			{ name: 'Preset', value: 'preset', description: 'One of the product\'s plans, priced as sold' },
		],
		default: 'json',
		displayOptions: { show: { operation: pricedOperations } },
	},
	// Record needs a plan only to alert on or refuse usage above quota: n8n's `show` cannot say "or", so one copy each.
	recordPlanSource({ operation: ['record'], quotaAlerts: [true] }),
	recordPlanSource({ operation: ['record'], quotaAlerts: [false], aboveQuota: ['refuse'] }),
	{
		displayName: 'Plan',
		name: 'planPreset',
		type: 'options',
		options: PLAN_PRESETS.map((preset) => ({ name: preset.name ?? preset.id, value: preset.id })),
		default: 'crm_basic',
		displayOptions: { show: { planSource: ['preset'] } },
		description: 'The plan as the product sells it (prices and quotas in the Usage Meter docs, Plan presets)',
	},
	{
		displayName: 'Plan (JSON)',
		name: 'planJson',
		type: 'json',
		default:
			'{\n  "id": "crm_basic",\n  "name": "CRM Basic",\n  "currency": "USD",\n  "recurringFee": "99.00",\n  "charges": [\n    { "meter": "syncs", "model": "graduated", "description": "Records synced", "included": 10000, "tiers": [\n      { "upTo": 10000, "unitPrice": "0.01" },\n      { "upTo": 100000, "unitPrice": "0.005" },\n      { "upTo": null, "unitPrice": "0.001" }\n    ] },\n    { "meter": "platforms", "model": "per_unit", "description": "Connected platforms", "included": 2, "unitPrice": "25.00" }\n  ]\n}',
		displayOptions: { show: { planSource: ['json'] } },
		description: 'The customer\'s plan; an expression can pick it per customer',
	},
	{
		displayName: 'Plan ID',
		name: 'planId',
		type: 'string',
		default: 'plan',
		displayOptions: { show: { planSource: ['ui'] } },
	},
	{
		displayName: 'Currency',
		name: 'planCurrency',
		type: 'string',
		default: 'USD',
		displayOptions: { show: { planSource: ['ui'] } },
		description: 'ISO 4217 code of every price in the plan',
	},
	{ ...priceField('Recurring Fee', 'recurringFee', 'Charged every period (subscription or monthly integration fee)'), displayOptions: { show: { planSource: ['ui'] } } },
	{ ...priceField('Setup Fee', 'setupFee', 'Charged in the customer\'s first period'), displayOptions: { show: { planSource: ['ui'] } } },
	{
		displayName: 'Charges',
		name: 'charges',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Charge',
		default: {},
		displayOptions: { show: { planSource: ['ui'] } },
		options: [
			{
				name: 'charge',
				displayName: 'Charge',
				values: [
					{ displayName: 'Meter', name: 'meter', type: 'options', options: meterOptions, default: 'syncs' },
					{ displayName: 'Custom Meter Name', name: 'customMeter', type: 'string', default: '', description: 'Used when Meter is Custom' },
					{
						displayName: 'Model',
						name: 'model',
						type: 'options',
						options: [
							{ name: 'Per Unit', value: 'per_unit' },
							{ name: 'Graduated Tiers', value: 'graduated', description: 'Each unit priced in its tier' },
							{ name: 'Volume Tiers', value: 'volume', description: 'All units at the tier reached' },
							{ name: 'Per Transaction', value: 'per_transaction', description: 'Fixed fee plus a percentage of the amount' },
						],
						default: 'per_unit',
					},
					priceField('Unit Price', 'unitPrice', 'Per Unit: price of each billable unit'),
					{ displayName: 'Tiers (JSON)', name: 'tiers', type: 'json', default: '[]', description: 'Graduated or Volume: e.g. [{"upTo": 10000, "unitPrice": "0.01"}, {"upTo": null, "unitPrice": "0.005"}]' },
					priceField('Fixed per Transaction', 'fixed', 'Per Transaction: fixed fee'),
					priceField('Percent of Amount', 'percent', 'Per Transaction: e.g. 0.5 for 0.5%'),
					{ displayName: 'Included Units', name: 'included', type: 'number', default: 0, description: 'Units the plan includes each period, billed nothing; -1 for unlimited' },
					{
						displayName: 'Above Included',
						name: 'onExceed',
						type: 'options',
						options: [
							{ name: 'Bill Overage', value: 'bill' },
							{ name: 'Report as Over the Plan', value: 'report' },
						],
						default: 'bill',
					},
					priceField('Minimum per Period', 'minimum', 'Minimum charge for this meter each period'),
					{
						displayName: 'Aggregation',
						name: 'aggregation',
						type: 'options',
						options: [
							{ name: 'Sum of Quantities', value: 'sum' },
							{ name: 'Maximum Quantity', value: 'max', description: 'For gauges such as connected platforms or stores' },
						],
						default: 'sum',
					},
				],
			},
		],
	},
];
