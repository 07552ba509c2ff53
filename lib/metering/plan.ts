/**
 * A pricing plan, as JSON (or built from the node's UI): recurring and setup fees plus one usage charge per meter.
 * `validatePlan` checks the whole plan and names every problem at once; pricing only ever sees a validated plan,
 * whose prices are exact decimals.
 */
import { isCurrencyCode, isNegative, parseDecimal, type Decimal } from './money';

/** The meters the package knows; any other name must be declared in the plan's `customMeters`. */
export const STANDARD_METERS = [
	'syncs',
	'transactions',
	'events',
	'contacts',
	'campaigns',
	'tickets',
	'posts',
	'api_calls',
	'platforms',
	'stores',
	'orders',
	'products',
] as const;

/** A price in major units of the plan's currency: a decimal string ("0.005") or a number. */
export type PriceInput = string | number;

export interface TierInput {
	/** First unit of the tier (optional; when given it must follow the previous tier's `upTo` without gap or overlap). */
	from?: number;
	/** Last unit of the tier, inclusive; null (or omitted) on the last tier: no upper bound. */
	upTo?: number | null;
	unitPrice?: PriceInput;
	/** A fixed fee charged once when usage reaches the tier. */
	flatPrice?: PriceInput;
}

export type ChargeModel = 'per_unit' | 'graduated' | 'volume' | 'per_transaction';
export type Aggregation = 'sum' | 'max';

export interface ChargeInput {
	meter: string;
	model: ChargeModel;
	description?: string;
	/** per_unit: price of each billable unit. */
	unitPrice?: PriceInput;
	/** graduated / volume: contiguous tiers from unit 1 up, the last one unbounded. */
	tiers?: TierInput[];
	/** per_transaction: fixed price per transaction plus `percent` of the transactions' amount. */
	fixed?: PriceInput;
	percent?: PriceInput;
	/** Units the subscription includes each period (billed nothing), or "unlimited". Default 0. */
	included?: number | 'unlimited';
	/** Units above `included`: billed with this charge's prices ("bill", the default) or only reported as over the plan. */
	onExceed?: 'bill' | 'report';
	/** Minimum charge for this meter per period. */
	minimum?: PriceInput;
	/** How a period's events add up: "sum" (default) or "max" (gauges such as connected platforms or stores). */
	aggregation?: Aggregation;
}

export interface PlanInput {
	id: string;
	name?: string;
	currency: string;
	/** Charged every period (subscription or per-integration monthly fee). */
	recurringFee?: PriceInput;
	/** Charged in a customer's first period. */
	setupFee?: PriceInput;
	customMeters?: string[];
	charges?: ChargeInput[];
}

export interface Tier {
	/** Inclusive bounds; `upTo` null = unbounded. */
	from: number;
	upTo: number | null;
	unitPrice: Decimal;
	flatPrice: Decimal;
}

export interface Charge {
	meter: string;
	model: ChargeModel;
	description: string;
	unitPrice: Decimal;
	tiers: Tier[];
	fixed: Decimal;
	percent: Decimal;
	/** null = unlimited. */
	included: number | null;
	onExceed: 'bill' | 'report';
	minimum: Decimal;
	aggregation: Aggregation;
}

export interface Plan {
	id: string;
	name: string;
	currency: string;
	recurringFee: Decimal;
	setupFee: Decimal;
	charges: Charge[];
}

export class PlanValidationError extends Error {
	constructor(
		readonly planId: string,
		readonly problems: string[],
	) {
		super(`Plan "${planId}" is invalid: ${problems.join('; ')}`);
		this.name = 'PlanValidationError';
	}
}

const MODELS: readonly ChargeModel[] = ['per_unit', 'graduated', 'volume', 'per_transaction'];
const ZERO: Decimal = { units: 0n, scale: 0 };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Collects problems while reading one plan. */
class PlanReader {
	readonly problems: string[] = [];

	price(value: unknown, where: string, required = false): Decimal {
		if (value === undefined || value === null || value === '') {
			if (required) this.problems.push(`${where} is missing`);
			return ZERO;
		}
		const decimal = parseDecimal(value);
		if (!decimal) {
			this.problems.push(`${where} must be a decimal number, got ${JSON.stringify(value)}`);
			return ZERO;
		}
		if (isNegative(decimal)) this.problems.push(`${where} must not be negative, got ${JSON.stringify(value)}`);
		return decimal;
	}

	tiers(input: unknown, where: string): Tier[] {
		if (!Array.isArray(input) || input.length === 0) {
			this.problems.push(`${where}: tiers must be a non-empty array`);
			return [];
		}
		const tiers: Tier[] = [];
		let nextFrom = 1;
		input.forEach((raw: unknown, index) => {
			const at = `${where} tier ${index + 1}`;
			if (!isObject(raw)) return void this.problems.push(`${at} must be an object`);
			const last = index === input.length - 1;
			const upTo = raw.upTo ?? null;
			if (raw.from !== undefined && raw.from !== null) {
				// Tiers written 0–10,000 / 10,001–… start at 0; read that first tier's 0 as unit 1.
				const from = raw.from === 0 && index === 0 ? 1 : raw.from;
				if (!isCount(from)) this.problems.push(`${at}: from must be a whole number, got ${JSON.stringify(raw.from)}`);
				else if (from > nextFrom) this.problems.push(`${at} starts at ${from} but the tier before ends at ${nextFrom - 1}: units ${nextFrom}–${from - 1} are in no tier (gap)`);
				else if (from < nextFrom) this.problems.push(`${at} starts at ${from} but the tier before already covers up to ${nextFrom - 1} (overlap)`);
			}
			if (upTo === null) {
				if (!last) this.problems.push(`${at} has no upper bound but is not the last tier`);
			} else if (!isCount(upTo) || upTo < nextFrom) {
				this.problems.push(`${at}: upTo must be a whole number of at least ${nextFrom}, got ${JSON.stringify(upTo)}`);
			} else if (last) {
				this.problems.push(`${at} ends at ${upTo}: the last tier must be unbounded (upTo null) so every unit has a price`);
			}
			tiers.push({
				from: nextFrom,
				upTo: upTo as number | null,
				unitPrice: this.price(raw.unitPrice, `${at} unitPrice`, raw.flatPrice === undefined),
				flatPrice: this.price(raw.flatPrice, `${at} flatPrice`),
			});
			if (typeof upTo === 'number') nextFrom = upTo + 1;
		});
		return tiers;
	}

	charge(raw: unknown, index: number, meters: Set<string>): Charge | undefined {
		const where = `charge ${index + 1}`;
		if (!isObject(raw)) return void this.problems.push(`${where} must be an object`);
		const meter = raw.meter;
		const at = typeof meter === 'string' ? `${where} (${meter})` : where;
		if (typeof meter !== 'string' || meter === '') this.problems.push(`${where}: meter is missing`);
		else if (!meters.has(meter)) this.problems.push(`${at}: unknown meter "${meter}"; use one of ${[...meters].join(', ')} or declare it in customMeters`);
		const model = raw.model as ChargeModel;
		if (!MODELS.includes(model)) this.problems.push(`${at}: unknown model ${JSON.stringify(raw.model)}; use one of ${MODELS.join(', ')}`);
		const included = raw.included === undefined ? 0 : raw.included === 'unlimited' || raw.included === null ? null : raw.included;
		if (included !== null && !isCount(included)) this.problems.push(`${at}: included must be a whole number of units or "unlimited", got ${JSON.stringify(raw.included)}`);
		const onExceed = raw.onExceed ?? 'bill';
		if (onExceed !== 'bill' && onExceed !== 'report') this.problems.push(`${at}: onExceed must be "bill" or "report", got ${JSON.stringify(raw.onExceed)}`);
		const aggregation = raw.aggregation ?? (meter === 'platforms' || meter === 'stores' ? 'max' : 'sum');
		if (aggregation !== 'sum' && aggregation !== 'max') this.problems.push(`${at}: aggregation must be "sum" or "max", got ${JSON.stringify(raw.aggregation)}`);
		const percent = this.price(raw.percent, `${at} percent`);
		if (percent.units > 100n * 10n ** BigInt(percent.scale)) this.problems.push(`${at}: percent must be at most 100, got ${JSON.stringify(raw.percent)}`);
		const billsUnits = included !== null && onExceed === 'bill';
		return {
			meter: String(meter),
			model,
			description: typeof raw.description === 'string' ? raw.description : String(meter),
			unitPrice: this.price(raw.unitPrice, `${at} unitPrice`, billsUnits && model === 'per_unit'),
			tiers: (model === 'graduated' || model === 'volume') && billsUnits ? this.tiers(raw.tiers, at) : [],
			fixed: this.price(raw.fixed, `${at} fixed`),
			percent,
			included: included as number | null,
			onExceed: onExceed as 'bill' | 'report',
			minimum: this.price(raw.minimum, `${at} minimum`),
			aggregation: aggregation as Aggregation,
		};
	}
}

/** Checks a plan and returns it with exact prices; throws a PlanValidationError listing every problem. */
export function validatePlan(input: unknown): Plan {
	if (!isObject(input)) throw new PlanValidationError('(none)', ['a plan must be a JSON object']);
	const id = typeof input.id === 'string' && input.id !== '' ? input.id : '(no id)';
	const reader = new PlanReader();
	if (id === '(no id)') reader.problems.push('id is missing');
	if (!isCurrencyCode(input.currency)) reader.problems.push(`currency must be an ISO 4217 code such as "USD", got ${JSON.stringify(input.currency)}`);
	const custom = input.customMeters ?? [];
	if (!Array.isArray(custom) || !custom.every((name) => typeof name === 'string' && /^[a-z][a-z0-9_]*$/.test(name))) {
		reader.problems.push('customMeters must be an array of lower-case names (letters, digits, underscores)');
	}
	const meters = new Set<string>([...STANDARD_METERS, ...(Array.isArray(custom) ? custom.map(String) : [])]);
	const rawCharges = input.charges ?? [];
	if (!Array.isArray(rawCharges)) reader.problems.push('charges must be an array');
	const charges = (Array.isArray(rawCharges) ? rawCharges : []).map((raw, index) => reader.charge(raw, index, meters)).filter((charge): charge is Charge => !!charge);
	const seen = new Set<string>();
	for (const charge of charges) {
		if (seen.has(charge.meter)) reader.problems.push(`meter "${charge.meter}" has more than one charge`);
		seen.add(charge.meter);
	}
	const plan: Plan = {
		id,
		name: typeof input.name === 'string' ? input.name : id,
		currency: String(input.currency),
		recurringFee: reader.price(input.recurringFee, 'recurringFee'),
		setupFee: reader.price(input.setupFee, 'setupFee'),
		charges,
	};
	if (reader.problems.length > 0) throw new PlanValidationError(id, reader.problems);
	return plan;
}

/** The included quota for a meter under a plan (undefined when the plan has no limit on it). */
export function includedQuota(plan: Plan, meter: string): { included: number; aggregation: Aggregation } | undefined {
	const charge = plan.charges.find((candidate) => candidate.meter === meter);
	if (!charge || charge.included === null || charge.included === 0) return undefined;
	return { included: charge.included, aggregation: charge.aggregation };
}
