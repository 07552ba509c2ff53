import type { INodeProperties } from 'n8n-workflow';

import { platformOptions } from '../../shared/platformOptions';

/** Processor ids for the examples, as the catalog lists the processors. */
const firstTwo = platformOptions('payments').map((option) => option.value);

/** Weights, rules, processor profiles and circuit-breaker settings; every field has a working default. */
export const routingProperties: INodeProperties[] = [
	{
		displayName: 'Routing Options',
		name: 'routing',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['route', 'explain'] } },
		options: [
			{ displayName: 'Circuit Cool-Down (Seconds)', name: 'coolDownSeconds', type: 'number', default: 30, description: 'How long a processor stays out of rotation once its recent failures cross the threshold' },
			{ displayName: 'Failure Threshold', name: 'failureThreshold', type: 'number', default: 0.5, typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 }, description: 'Share of recent attempts failing (0–1) that opens the circuit' },
			{ displayName: 'Probe Share', name: 'probeShare', type: 'number', default: 0.05, typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 }, description: 'Share of payments (0–1) that still try a processor with recent trouble first, to notice its recovery' },
			{
				displayName: 'Processor Profiles (JSON)',
				name: 'processorProfiles',
				type: 'json',
				default: '[]',
				description: `Overrides per processor: [{"processor": "${firstTwo[0]}", "fees": {"*": {"fixedMinor": 30, "percent": 2.9}}, "currencies": ["*"], "countries": ["*"], "methods": ["card"], "successRate": 0.95, "latencyMs": 400}]`,
			},
			{
				displayName: 'Rules (JSON)',
				name: 'rules',
				type: 'json',
				default: '[]',
				description: `Applied before scoring, first match wins: {"type": "pin"|"exclude", "processor", "when": {"countries", "currencies", "methods", "minAmount", "maxAmount"}} or {"type": "split", "shares": {"${firstTwo[0]}": 70, "${firstTwo[1]}": 30}}`,
			},
			{ displayName: 'Weight: Country', name: 'weightCountry', type: 'number', default: 0.1, description: 'Weight of serving the payer’s country' },
			{ displayName: 'Weight: Fees', name: 'weightFees', type: 'number', default: 0.4, description: 'Weight of the processor’s fee for this payment (cheapest scores 1)' },
			{ displayName: 'Weight: Speed', name: 'weightSpeed', type: 'number', default: 0.15, description: 'Weight of the learned processing time (fastest scores 1)' },
			{ displayName: 'Weight: Success Rate', name: 'weightSuccessRate', type: 'number', default: 0.35, description: 'Weight of the learned success rate' },
		],
	},
];
