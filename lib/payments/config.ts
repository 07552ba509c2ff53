import type { PaymentMethodType } from '../platforms/payments';

/** A processor's price for one payment: fixed part in minor units plus a percentage of the amount. */
export interface FeeSchedule {
	fixedMinor: number;
	percent: number;
}

/** What the router knows about one processor before it has seen any outcome of its own. */
export interface ProcessorProfile {
	processor: string;
	/** Fee per currency (ISO code), `*` for every other currency. */
	fees: Record<string, FeeSchedule>;
	/** ISO currency codes, or `*`. */
	currencies: string[];
	/** ISO country codes, or `*`. */
	countries: string[];
	methods: PaymentMethodType[];
	/** Prior success rate (0–1) until the processor's own outcomes outweigh it. */
	successRate: number;
	/** Prior processing time in ms. */
	latencyMs: number;
}

export interface ScoringWeights {
	fees: number;
	successRate: number;
	speed: number;
	/** Whether the processor serves the payer's country locally. */
	country: number;
}

/** When a rule applies; every given field must match. Amounts are in the payment's major units. */
export interface RuleCondition {
	countries?: string[];
	currencies?: string[];
	methods?: string[];
	minAmount?: number;
	maxAmount?: number;
}

export type RoutingRule =
	| { type: 'pin'; processor: string; when?: RuleCondition }
	| { type: 'exclude'; processor: string; when?: RuleCondition }
	/** Percentages per processor (summing to at most 100); the payment id picks the bucket, so repeats agree. */
	| { type: 'split'; shares: Record<string, number>; when?: RuleCondition };

export interface HealthSettings {
	/** Outcomes per processor the learned figures look at (most recent first). */
	windowSize: number;
	/** Outcomes older than this are forgotten. */
	windowMs: number;
	/** Weight of the configured prior, in outcomes. */
	priorWeight: number;
	/** The circuit opens when at least `minSamples` recent outcomes fail at `failureThreshold` or more. */
	minSamples: number;
	failureThreshold: number;
	coolDownMs: number;
	/** Share of payments (0–1) that still try a processor whose circuit is open, to notice its recovery. */
	probeShare: number;
}

export interface RoutingConfig {
	processors: ProcessorProfile[];
	weights: ScoringWeights;
	rules: RoutingRule[];
	health: HealthSettings;
}

const everyCurrency = ['*'];

/** List prices and typical speeds, as priors; every figure is meant to be overridden with the merchant's own. */
export const defaultProcessorProfiles: ProcessorProfile[] = [
	{
		processor: 'stripe',
		fees: { '*': { fixedMinor: 30, percent: 2.9 }, EUR: { fixedMinor: 25, percent: 1.5 }, GBP: { fixedMinor: 20, percent: 1.5 } },
		currencies: everyCurrency,
		countries: ['*'],
		methods: ['card', 'wallet'],
		successRate: 0.95,
		latencyMs: 400,
	},
	{
		processor: 'square',
		fees: { '*': { fixedMinor: 30, percent: 2.9 } },
		currencies: ['USD', 'CAD', 'GBP', 'EUR', 'AUD', 'JPY'],
		countries: ['US', 'CA', 'GB', 'IE', 'FR', 'ES', 'AU', 'JP'],
		methods: ['card', 'wallet'],
		successRate: 0.95,
		latencyMs: 500,
	},
	{
		processor: 'paypal',
		fees: { '*': { fixedMinor: 49, percent: 3.49 } },
		currencies: everyCurrency,
		countries: ['*'],
		methods: ['paypal', 'card'],
		successRate: 0.93,
		latencyMs: 900,
	},
	{
		processor: 'braintree',
		fees: { '*': { fixedMinor: 49, percent: 2.59 } },
		currencies: everyCurrency,
		countries: ['*'],
		methods: ['card', 'paypal', 'wallet'],
		successRate: 0.94,
		latencyMs: 600,
	},
];

export const defaultWeights: ScoringWeights = { fees: 0.4, successRate: 0.35, speed: 0.15, country: 0.1 };

export const defaultHealth: HealthSettings = {
	windowSize: 50,
	windowMs: 15 * 60_000,
	priorWeight: 10,
	minSamples: 8,
	failureThreshold: 0.5,
	coolDownMs: 30_000,
	probeShare: 0.05,
};

export function defaultRoutingConfig(overrides: Partial<RoutingConfig> = {}): RoutingConfig {
	return {
		processors: overrides.processors ?? defaultProcessorProfiles,
		weights: { ...defaultWeights, ...overrides.weights },
		rules: overrides.rules ?? [],
		health: { ...defaultHealth, ...overrides.health },
	};
}

/**
 * Transport retries for charges: a few quick repeats with the same idempotency key (enough to get a lost answer
 * replayed), then the router falls back to the next processor rather than keep the payer waiting.
 */
export const paymentRetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 5_000 };
