import { createHash } from 'node:crypto';

import type { PaymentMethodType } from '../platforms/payments';
import { toMajorString } from '../records/money';
import type { FeeSchedule, ProcessorProfile, RoutingConfig, RuleCondition, ScoringWeights } from './config';

/** The facts about one payment that routing looks at. */
export interface RoutingInput {
	paymentId: string;
	amountMinor: number;
	currency: string;
	country?: string;
	method: PaymentMethodType;
	/** Processors that hold a payment-method token for this payment. */
	tokenFor: (processor: string) => string | undefined;
	/** Set for an authorize-only payment (capture off): the processors whose connector can authorize only. */
	authorizeOnlyBy?: ReadonlySet<string>;
}

/** What the router has learned about a processor from its own recent outcomes. */
export interface ProcessorHealth {
	successRate: number;
	latencyMs: number;
	samples: number;
	/** Until when the circuit is open (ms since the epoch); 0 when closed. */
	openUntilMs: number;
	/** This payment holds the half-open circuit's one probe: it tries this processor first. */
	probe?: boolean;
}

export interface FactorScore {
	/** The raw figure: fee in minor units, rate 0–1, latency in ms, 1/0 for local country. */
	value: number;
	/** 0–1, 1 being the best among the eligible processors. */
	normalized: number;
	weight: number;
	/** normalized × weight ÷ the sum of weights: the factors' contributions add up to the score. */
	contribution: number;
}

export interface RankedProcessor {
	processor: string;
	eligible: boolean;
	/** Where it stands in the order of tries (1 = charged first); absent when not eligible. */
	rank?: number;
	/** Why it was left out, pinned, picked by a split or let through as a probe. */
	notes: string[];
	score: number;
	feeMinor: number;
	factors?: Record<keyof ScoringWeights, FactorScore>;
}

export interface RouteDecision {
	/** Eligible processors in the order they will be tried, then the ineligible ones. */
	ranking: RankedProcessor[];
	order: string[];
}

/** Rules, then scoring: a pure function of the payment, the configuration, the learned health and the clock. */
export function decideRoute(input: RoutingInput, config: RoutingConfig, health: Record<string, ProcessorHealth>, nowMs: number): RouteDecision {
	const amount = Number(toMajorString(input.amountMinor, input.currency));
	const probe = unitHash(`${input.paymentId}#probe`) < config.health.probeShare;
	const candidates = config.processors.map((profile) => screen(profile, input, amount, config, health[profile.processor], probe || health[profile.processor]?.probe === true, nowMs));
	const eligible = candidates.filter((candidate) => candidate.eligible);
	score(eligible, input, config.weights, health, config.processors);
	eligible.sort((a, b) => b.score - a.score);
	const first = leadingProcessor(input, amount, config, eligible) ?? eligible.find((candidate) => candidate.notes.some((note) => note.includes('probes it')));
	if (first) eligible.unshift(...eligible.splice(eligible.indexOf(first), 1));
	eligible.forEach((candidate, index) => (candidate.rank = index + 1));
	const ranking = [...eligible, ...candidates.filter((candidate) => !candidate.eligible)];
	return { ranking, order: eligible.map((candidate) => candidate.processor) };
}

export function feeFor(profile: ProcessorProfile, amountMinor: number, currency: string): number {
	const schedule: FeeSchedule | undefined = profile.fees[currency] ?? profile.fees['*'];
	if (!schedule) return Number.POSITIVE_INFINITY;
	return schedule.fixedMinor + Math.round((amountMinor * schedule.percent) / 100);
}

function screen(
	profile: ProcessorProfile,
	input: RoutingInput,
	amount: number,
	config: RoutingConfig,
	health: ProcessorHealth | undefined,
	probe: boolean,
	nowMs: number,
): RankedProcessor {
	const notes: string[] = [];
	const { processor } = profile;
	if (!listed(profile.currencies, input.currency)) notes.push(`does not take ${input.currency}`);
	if (!profile.methods.includes(input.method)) notes.push(`does not take ${input.method} payments`);
	if (!input.tokenFor(processor)) notes.push('no payment-method token for it');
	if (input.authorizeOnlyBy && !input.authorizeOnlyBy.has(processor)) notes.push('its connector does not support authorize-only payments (capture off)');
	if (!Number.isFinite(feeFor(profile, input.amountMinor, input.currency))) notes.push(`no fee schedule for ${input.currency}`);
	for (const rule of config.rules) {
		if (rule.type === 'exclude' && rule.processor === processor && matches(rule.when, input, amount)) notes.push('excluded by a rule');
	}
	const openUntil = health?.openUntilMs ?? 0;
	const open = openUntil > nowMs;
	if (open && !probe) notes.push(`circuit open until ${new Date(openUntil).toISOString()} after recent failures`);
	const eligible = notes.length === 0;
	// Probe payments try a processor with recent trouble first, so its recovery is noticed (it falls back if not).
	const halfOpenProbe = health?.probe === true;
	const degraded = openUntil > 0 || halfOpenProbe || (health !== undefined && health.samples > 0 && health.successRate < profile.successRate - 0.05);
	if (eligible && probe && degraded) {
		notes.push(open ? 'circuit open: this payment probes it' : halfOpenProbe ? 'circuit half-open: this payment probes it' : 'recent failures: this payment probes it');
	}
	return { processor, eligible, notes, score: 0, feeMinor: feeFor(profile, input.amountMinor, input.currency) };
}

function score(
	eligible: RankedProcessor[],
	input: RoutingInput,
	weights: ScoringWeights,
	health: Record<string, ProcessorHealth>,
	profiles: ProcessorProfile[],
): void {
	const totalWeight = Object.values(weights).reduce((sum, weight) => sum + weight, 0) || 1;
	const raw = eligible.map((candidate) => {
		const profile = profiles.find((entry) => entry.processor === candidate.processor)!;
		const learned = health[candidate.processor];
		return {
			fees: candidate.feeMinor,
			successRate: learned?.successRate ?? profile.successRate,
			speed: learned?.latencyMs ?? profile.latencyMs,
			country: !input.country || listed(profile.countries, input.country) ? 1 : 0,
		};
	});
	const cheapest = Math.min(...raw.map((figures) => figures.fees));
	const fastest = Math.min(...raw.map((figures) => figures.speed));
	eligible.forEach((candidate, index) => {
		const figures = raw[index];
		const normalized: Record<keyof ScoringWeights, number> = {
			fees: figures.fees <= 0 ? 1 : cheapest / figures.fees,
			successRate: figures.successRate,
			speed: figures.speed <= 0 ? 1 : fastest / figures.speed,
			country: figures.country,
		};
		const factors = {} as Record<keyof ScoringWeights, FactorScore>;
		for (const name of Object.keys(weights) as Array<keyof ScoringWeights>) {
			const contribution = (normalized[name] * weights[name]) / totalWeight;
			factors[name] = { value: figures[name], normalized: round(normalized[name]), weight: weights[name], contribution: round(contribution) };
		}
		candidate.factors = factors;
		candidate.score = round(Object.values(factors).reduce((sum, factor) => sum + factor.contribution, 0));
	});
}

/** The processor a pin or a split puts first, if any applies. The first matching rule wins. */
function leadingProcessor(input: RoutingInput, amount: number, config: RoutingConfig, eligible: RankedProcessor[]): RankedProcessor | undefined {
	for (const rule of config.rules) {
		if (rule.type === 'exclude' || !matches(rule.when, input, amount)) continue;
		const chosen = rule.type === 'pin' ? rule.processor : splitPick(rule.shares, input.paymentId);
		const candidate = eligible.find((entry) => entry.processor === chosen);
		if (!candidate) continue;
		candidate.notes.push(rule.type === 'pin' ? 'pinned by a rule' : 'picked by a volume split');
		return candidate;
	}
	return undefined;
}

function splitPick(shares: Record<string, number>, paymentId: string): string | undefined {
	const bucket = unitHash(`${paymentId}#split`) * 100;
	let upTo = 0;
	for (const processor of Object.keys(shares).sort()) {
		upTo += shares[processor];
		if (bucket < upTo) return processor;
	}
	return undefined;
}

function matches(when: RuleCondition | undefined, input: RoutingInput, amount: number): boolean {
	if (!when) return true;
	if (when.countries?.length && !(input.country && when.countries.map(upper).includes(upper(input.country)))) return false;
	if (when.currencies?.length && !when.currencies.map(upper).includes(upper(input.currency))) return false;
	if (when.methods?.length && !when.methods.includes(input.method)) return false;
	if (when.minAmount !== undefined && amount < when.minAmount) return false;
	if (when.maxAmount !== undefined && amount > when.maxAmount) return false;
	return true;
}

function listed(list: string[], value: string): boolean {
	return list.includes('*') || list.map(upper).includes(upper(value));
}

function upper(value: string): string {
	return value.toUpperCase();
}

function round(value: number): number {
	return Math.round(value * 10_000) / 10_000;
}

/** A stable number in [0, 1) from a text: the same payment always lands in the same split bucket or probe share. */
export function unitHash(text: string): number {
	return createHash('sha1').update(text).digest().readUInt32BE(0) / 2 ** 32;
}
