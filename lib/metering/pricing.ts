/**
 * One engine prices every plan: each charge turns a period's aggregated usage of its meter into an exact amount,
 * rounded once to the minor unit (see money.ts). Pricing reads aggregates, never single events, so the same usage
 * split into any batches prices to the same minor unit.
 */
import { add, compare, fromMinor, money, multiply, percentToFactor, roundToMinor, times, ZERO, type Decimal, type Money } from './money';
import type { Charge, Plan, Tier } from './plan';

/** A period's usage of one meter. */
export interface MeterUsage {
	/** Sum of the events' quantities. */
	quantity: number;
	/** Largest single quantity (for gauges such as connected platforms). */
	maxQuantity: number;
	/** Sum of the events' amounts, in minor units of the plan's currency (per-transaction percentage pricing). */
	amountMinor: number;
	events: number;
}

export interface TierBreakdown {
	from: number;
	upTo: number | null;
	units: number;
	amount: Money;
}

export interface InvoiceLine {
	kind: 'recurring' | 'setup' | 'usage';
	description: string;
	meter?: string;
	model?: string;
	/** What the period measured (sum, or max for gauges). */
	quantity?: number;
	included?: number | 'unlimited';
	/** Units priced by the charge (measured minus included, or 0 when excess is only reported). */
	billable?: number;
	tiers?: TierBreakdown[];
	minimumApplied?: boolean;
	amount: Money;
}

export interface OverPlan {
	meter: string;
	included: number;
	used: number;
	excess: number;
}

export interface Invoice {
	planId: string;
	currency: string;
	lines: InvoiceLine[];
	total: Money;
	/** Limits exceeded under charges whose plan says to report rather than bill. */
	overPlan: OverPlan[];
}

export interface PricingOptions {
	/** The customer's first period: the plan's setup fee is charged. */
	firstPeriod?: boolean;
}

const NO_USAGE: MeterUsage = { quantity: 0, maxQuantity: 0, amountMinor: 0, events: 0 };

/** Graduated: every unit is priced in the tier it falls in; each reached tier adds its flat fee. */
export function graduatedAmount(tiers: Tier[], units: number): { amount: Decimal; parts: Array<{ tier: Tier; units: number; amount: Decimal }> } {
	let amount = ZERO;
	const parts: Array<{ tier: Tier; units: number; amount: Decimal }> = [];
	for (const tier of tiers) {
		if (units < tier.from) break;
		const inTier = (tier.upTo === null ? units : Math.min(units, tier.upTo)) - tier.from + 1;
		const tierAmount = add(times(tier.unitPrice, inTier), tier.flatPrice);
		parts.push({ tier, units: inTier, amount: tierAmount });
		amount = add(amount, tierAmount);
	}
	return { amount, parts };
}

/** Volume: all units at the price of the tier the total reaches (plus that tier's flat fee). */
export function volumeAmount(tiers: Tier[], units: number): { amount: Decimal; tier?: Tier } {
	if (units <= 0) return { amount: ZERO };
	const tier = tiers.find((candidate) => candidate.upTo === null || units <= candidate.upTo)!;
	return { amount: add(times(tier.unitPrice, units), tier.flatPrice), tier };
}

/** The exact (unrounded) amount the charge's model puts on the billable units, with its tiers where it has them. */
function modelAmount(charge: Charge, billable: number, usage: MeterUsage, currency: string): { exact: Decimal; tiers?: TierBreakdown[] } {
	switch (charge.model) {
		case 'per_unit':
			return { exact: times(charge.unitPrice, billable) };
		case 'graduated': {
			const priced = graduatedAmount(charge.tiers, billable);
			const tiers = priced.parts.map((part) => ({ from: part.tier.from, upTo: part.tier.upTo, units: part.units, amount: money(roundToMinor(part.amount, currency), currency) }));
			return { exact: priced.amount, tiers };
		}
		case 'volume': {
			const priced = volumeAmount(charge.tiers, billable);
			const tiers = priced.tier ? [{ from: priced.tier.from, upTo: priced.tier.upTo, units: billable, amount: money(roundToMinor(priced.amount, currency), currency) }] : undefined;
			return { exact: priced.amount, tiers };
		}
		case 'per_transaction':
			return { exact: add(times(charge.fixed, billable), multiply(percentToFactor(charge.percent), fromMinor(usage.amountMinor, currency))) };
	}
}

function priceCharge(charge: Charge, usage: MeterUsage, currency: string): { line: InvoiceLine; overPlan?: OverPlan } {
	const measured = charge.aggregation === 'max' ? usage.maxQuantity : usage.quantity;
	const excess = charge.included === null ? 0 : Math.max(0, measured - charge.included);
	const billable = charge.onExceed === 'bill' ? excess : 0;
	const { exact: byModel, tiers } = modelAmount(charge, billable, usage, currency);
	const minimumApplied = compare(byModel, charge.minimum) < 0;
	const exact = minimumApplied ? charge.minimum : byModel;
	const line: InvoiceLine = {
		kind: 'usage',
		description: charge.description,
		meter: charge.meter,
		model: charge.model,
		quantity: measured,
		included: charge.included ?? 'unlimited',
		billable,
		...(tiers ? { tiers } : {}),
		...(minimumApplied ? { minimumApplied } : {}),
		amount: money(roundToMinor(exact, currency), currency),
	};
	const overPlan = charge.onExceed === 'report' && excess > 0 ? { meter: charge.meter, included: charge.included!, used: measured, excess } : undefined;
	return { line, overPlan };
}

function feeLine(kind: 'recurring' | 'setup', description: string, fee: Decimal, currency: string): InvoiceLine[] {
	return fee.units === 0n ? [] : [{ kind, description, amount: money(roundToMinor(fee, currency), currency) }];
}

/** Prices one period of a customer's usage (by meter) under a validated plan. */
export function priceUsage(plan: Plan, usage: Record<string, MeterUsage>, options: PricingOptions = {}): Invoice {
	const { currency } = plan;
	const lines: InvoiceLine[] = [
		...feeLine('recurring', `${plan.name} recurring fee`, plan.recurringFee, currency),
		...(options.firstPeriod ? feeLine('setup', `${plan.name} setup fee`, plan.setupFee, currency) : []),
	];
	const overPlan: OverPlan[] = [];
	for (const charge of plan.charges) {
		const priced = priceCharge(charge, usage[charge.meter] ?? NO_USAGE, currency);
		lines.push(priced.line);
		if (priced.overPlan) overPlan.push(priced.overPlan);
	}
	const totalMinor = lines.reduce((sum, line) => sum + BigInt(line.amount.minor), 0n);
	return { planId: plan.id, currency, lines, total: money(totalMinor, currency), overPlan };
}
