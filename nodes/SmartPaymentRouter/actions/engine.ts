import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { defaultRoutingConfig, defaultProcessorProfiles, openPayments, type PaymentResult, type PaymentRouter, type RoutingConfig } from '../../../lib/payments';
import { nodeEngine } from '../../shared/engineContext';
import { pickedAccounts } from './accountProperties';
import { credentialType } from '../../shared/platformCredentials';
import { platformsServing } from '../../shared/platformOptions';
import { failedItem, hintFailures, type RecordFailure } from '../../shared/itemFailures';
import { InputError, jsonInput } from '../../shared/inputs';
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
	return await openPayments(await nodeEngine(context)).router(processors, { config: readRoutingConfig(context) }, pickedAccounts(context, processors));
}

/**
 * One item's answer: its output (0, or 1 for the operation's second outcome: declined, not found; 2: the payment waits
 * for its customer), or a failure.
 */
export type ItemOutcome = { output: number; json: IDataObject } | { failure: RecordFailure };

/** A payment or refund the processors refused, or whose outcome could not be settled, named by its id. */
export function paymentFailure(what: string, result: { message: string; code?: string } & IDataObject): ItemOutcome {
	const id = result.refundId ?? result.paymentId ?? result.requestId;
	return { failure: { subject: `${what} ${typeof id === 'string' && id ? id : '(no id)'}`, message: result.message, code: result.code, details: { ...result } } };
}

/**
 * Runs `handle` for each item. A failure (one `handle` reports, or an error it throws, invalid input included)
 * follows the node's On Error setting: it stops the node naming the item, or becomes the item's error, which
 * "Continue (using error output)" moves to n8n's error output; when the node goes on, a hint counts them.
 */
export async function forEachPayment(context: IExecuteFunctions, items: INodeExecutionData[], handle: (itemIndex: number) => Promise<ItemOutcome>): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [];
	let failed = 0;
	for (let item = 0; item < items.length; item++) {
		const outcome = await handle(item).catch((error: unknown): ItemOutcome => ({ failure: error as RecordFailure }));
		if ('failure' in outcome) {
			(outputs[0] ??= []).push(failedItem(context, item, outcome.failure));
			failed++;
		} else {
			(outputs[outcome.output] ??= []).push({ json: outcome.json, pairedItem: { item } });
		}
	}
	hintFailures(context, failed, items.length, 'payments');
	return outputs;
}

/**
 * A payment's result as an item outcome: charged or held → output 0, a decline → 1 (Declined), waiting for its
 * customer → 2 (Action Required); anything else (every processor failed, an outcome unknown, an id reused) a failure.
 */
export function paymentOutcome(result: PaymentResult): ItemOutcome {
	if (result.status === 'action_required') return { output: 2, json: { ...result } as IDataObject };
	if (result.status !== 'failed') return { output: 0, json: { ...result } as IDataObject };
	return result.reason === 'hard_decline' ? { output: 1, json: { ...result } } : paymentFailure('payment', { ...result });
}

/** A processor's webhook event given to an operation (Record Dispute, Record Billing Event): an object, as its trigger gave it. */
export function processorEventInput(context: IExecuteFunctions, parameter: string, item: number): Record<string, unknown> {
	const event = jsonInput(context, context.getNodeParameter(parameter, item), parameter, item);
	if (typeof event !== 'object' || event === null || Array.isArray(event)) {
		throw new InputError([{ field: parameter, problem: `must be the processor's event as an object, got ${event === undefined ? 'nothing' : JSON.stringify(event).slice(0, 80)}` }], `Item ${item}`);
	}
	return event as Record<string, unknown>;
}
