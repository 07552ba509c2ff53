/**
 * Exact money. Prices are decimals (a price may be finer than the currency's minor unit, e.g. 0.005 USD per sync),
 * held as an integer count of 10^-scale currency units, so sums and products never lose a digit. A charge is
 * rounded once, to the currency's minor unit, half away from zero ("commercial rounding"), when it becomes an
 * invoice line; an invoice total is the sum of its rounded lines, so the lines always add up to the total.
 */

/** value = units / 10^scale, exactly. */
export interface Decimal {
	units: bigint;
	scale: number;
}

/** An amount of money in a currency's minor unit (cents for USD, yen for JPY), with its currency. */
export interface Money {
	currency: string;
	/** Integer count of the currency's minor unit. */
	minor: number;
	/** The same amount as a decimal string in major units, e.g. "123.45". */
	amount: string;
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

export const ZERO: Decimal = { units: 0n, scale: 0 };

/** Parses "0.005", "12", 0.1 (numbers through their shortest decimal text); undefined when it is not a decimal. */
export function parseDecimal(value: unknown): Decimal | undefined {
	let text: string;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return undefined;
		text = /e/i.test(String(value)) ? value.toFixed(20).replace(/0+$/, '') : String(value);
	} else if (typeof value === 'string') {
		text = value.trim();
	} else {
		return undefined;
	}
	const match = DECIMAL_TEXT.exec(text);
	if (!match) return undefined;
	const fraction = match[3] ?? '';
	const units = BigInt(match[2] + fraction);
	return { units: match[1] ? -units : units, scale: fraction.length };
}

function rescale(value: Decimal, scale: number): bigint {
	return value.units * 10n ** BigInt(scale - value.scale);
}

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

const digitsByCurrency = new Map<string, number>();

/** Digits of the currency's minor unit (USD 2, JPY 0, KWD 3), from ISO 4217 as the runtime's Intl knows it. */
export function minorDigits(currency: string): number {
	let digits = digitsByCurrency.get(currency);
	if (digits === undefined) {
		digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
		digitsByCurrency.set(currency, digits);
	}
	return digits;
}

let knownCurrencies: Set<string> | undefined;

/** An ISO 4217 code the runtime knows (Intl.NumberFormat alone accepts any three letters). */
export function isCurrencyCode(currency: unknown): currency is string {
	knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
	return typeof currency === 'string' && knownCurrencies.has(currency);
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
	return { currency, minor: Number(value), amount: formatMinor(value, minorDigits(currency)) };
}

function formatMinor(minor: bigint, digits: number): string {
	const sign = minor < 0n ? '-' : '';
	const text = (minor < 0n ? -minor : minor).toString().padStart(digits + 1, '0');
	return digits === 0 ? sign + text : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Converts an amount in major units ("129.99", 129.99) to exact minor units; undefined if it has finer digits. */
export function toMinorExact(value: unknown, currency: string): bigint | undefined {
	const decimal = parseDecimal(value);
	if (!decimal) return undefined;
	const digits = minorDigits(currency);
	if (decimal.scale <= digits) return rescale(decimal, digits);
	const divisor = 10n ** BigInt(decimal.scale - digits);
	return decimal.units % divisor === 0n ? decimal.units / divisor : undefined;
}

export function toText(value: Decimal): string {
	return formatMinor(value.units, value.scale);
}
