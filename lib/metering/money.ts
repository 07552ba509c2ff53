/**
 * Exact money. Prices are decimals (a price may be finer than the currency's minor unit, e.g. 0.005 USD per sync),
 * held as an integer count of 10^-scale currency units, so sums and products never lose a digit. A charge is
 * rounded once, to the currency's minor unit, half away from zero ("commercial rounding"), when it becomes an
 * invoice line; an invoice total is the sum of its rounded lines, so the lines always add up to the total.
 */

import { formatUnits, minorDigits, rescale, toMajorString, type Decimal } from '../records/money';

export { isCurrencyCode, minorDigits, parseDecimal, toMinorExact, type Decimal } from '../records/money';

/** An amount of money in a currency's minor unit (cents for USD, yen for JPY), with its currency. */
export interface Money {
	currency: string;
	/** Integer count of the currency's minor unit. */
	minor: number;
	/** The same amount as a decimal string in major units, e.g. "123.45". */
	amount: string;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

export function add(a: Decimal, b: Decimal): Decimal {
	const scale = Math.max(a.scale, b.scale);
	return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function multiply(a: Decimal, b: Decimal): Decimal {
	return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function times(a: Decimal, count: number | bigint): Decimal {
	return { units: a.units * BigInt(count), scale: a.scale };
}

export function compare(a: Decimal, b: Decimal): number {
	const scale = Math.max(a.scale, b.scale);
	const difference = rescale(a, scale) - rescale(b, scale);
	return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

export function isNegative(value: Decimal): boolean {
	return value.units < 0n;
}

/** A percentage as a factor: 0.5 (%) → 0.005. */
export function percentToFactor(percent: Decimal): Decimal {
	return { units: percent.units, scale: percent.scale + 2 };
}

/** A count of minor units as a decimal in major units. */
export function fromMinor(minor: number | bigint, currency: string): Decimal {
	return { units: BigInt(minor), scale: minorDigits(currency) };
}

/** Rounds to the currency's minor unit, half away from zero: the one rounding rule of the package. */
export function roundToMinor(value: Decimal, currency: string): bigint {
	const digits = minorDigits(currency);
	if (value.scale <= digits) return rescale(value, digits);
	const divisor = 10n ** BigInt(value.scale - digits);
	const magnitude = value.units < 0n ? -value.units : value.units;
	const rounded = (magnitude + divisor / 2n) / divisor;
	return value.units < 0n ? -rounded : rounded;
}

export function money(minor: bigint | number, currency: string): Money {
	const value = BigInt(minor);
	return { currency, minor: Number(value), amount: toMajorString(value, currency) };
}

export function toText(value: Decimal): string {
	return formatUnits(value.units, value.scale);
}
