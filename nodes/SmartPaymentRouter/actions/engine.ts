import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { defaultRoutingConfig, defaultProcessorProfiles, openPayments, type PaymentRouter, type RoutingConfig } from '../../../lib/payments';
import { nodeEngine } from '../../shared/engineContext';
import { credentialType } from '../../shared/platformCredentials';
import { platformsServing } from '../../shared/platformOptions';
import { toNodeError } from '../../shared/errors';
import { InputViolationError } from '../../shared/inputs';
import { parseJsonParameter } from '../../shared/jsonParameter';

interface RoutingOptions {
	weightFees?: number;
	weightSuccessRate?: number;
	weightSpeed?: number;
	weightCountry?: number;
	rules?: string | object;
	processorProfiles?: string | object;
	failureThreshold?: number;
	coolDownSeconds?: number;
	probeShare?: number;
}

/** An optional JSON option: left empty, it is absent. */
function parseOptionalJson<T>(context: IExecuteFunctions, value: unknown, what: string): T | undefined {
	return value === undefined || value === '' ? undefined : parseJsonParameter<T>(context, value, what);
}

/** The routing configuration from the node's Routing Options (read once: it does not vary per item). */
export function readRoutingConfig(context: IExecuteFunctions): RoutingConfig {
	const options = context.getNodeParameter('routing', 0, {}) as RoutingOptions;
	const defaults = defaultRoutingConfig();
	const overrides = parseOptionalJson<Array<{ processor: string }>>(context, options.processorProfiles, 'Processor Profiles') ?? [];
	const processors = defaultProcessorProfiles.map((profile) => ({ ...profile, ...overrides.find((entry) => entry.processor === profile.processor) }));
	return defaultRoutingConfig({
		processors,
		rules: parseOptionalJson(context, options.rules, 'Rules') ?? [],
		weights: {
			fees: options.weightFees ?? defaults.weights.fees,
			successRate: options.weightSuccessRate ?? defaults.weights.successRate,
			speed: options.weightSpeed ?? defaults.weights.speed,
			country: options.weightCountry ?? defaults.weights.country,
		},
		health: {
			...defaults.health,
			failureThreshold: options.failureThreshold ?? defaults.health.failureThreshold,
			coolDownMs: (options.coolDownSeconds ?? defaults.health.coolDownMs / 1000) * 1000,
			probeShare: options.probeShare ?? defaults.health.probeShare,
		},
	});
}

/** A router over the processors this node has credentials for; the others are ranked but never charged. */
export async function nodeRouter(context: IExecuteFunctions): Promise<PaymentRouter> {
	const configured = context.getNode().credentials ?? {};
	const all = platformsServing('payments').map(({ id }) => id);
	const chosen = context.getNodeParameter('processors', 0, all) as string[];
	const processors = all.filter((processor) => chosen.includes(processor) && configured[credentialType(processor)]);
	return await openPayments(await nodeEngine(context)).router(processors, { config: readRoutingConfig(context) });
}

/** One item's answer: `passed` items go to output 0, the others to output 1. */
export interface ItemOutcome {
	passed: boolean;
	json: IDataObject;
}

/**
 * Runs `handle` for each item. An item whose handling throws stops the node, or with Continue On Fail goes to
 * output 1 as `failureJson` of the error's message; an item whose input breaks the schema as n8n's error item
 * (`{error, details}`), which "Continue (using error output)" moves to the error output.
 */
export async function forEachPayment(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	handle: (itemIndex: number) => Promise<ItemOutcome>,
	failureJson: (message: string) => IDataObject = (message) => ({ error: message }),
): Promise<INodeExecutionData[][]> {
	const passed: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const outcome = await handle(item);
			(outcome.passed ? passed : failed).push({ json: outcome.json, pairedItem: { item } });
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, item);
			if (!context.continueOnFail()) throw nodeError;
			failed.push({ json: nodeError instanceof InputViolationError ? nodeError.itemJson() : failureJson(nodeError.message), pairedItem: { item } });
		}
	}
	return [passed, failed];
}
