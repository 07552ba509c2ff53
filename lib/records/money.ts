/**
 * The one money module: which codes are currencies (ISO 4217), how many digits each one's minor unit has, and exact
 * conversion between major units ("19.99", 19.99) and integer minor units (1999). Amounts travel as decimal text and
 * bigint, never through a floating-point multiplication, so 1.005 KWD is 1005 fils and 0.1 + 0.2 USD is refused.
 *
 * The digits are ISO 4217's, not the locale data's: CLDR (what Intl reports) shows HUF with 0 digits and IQD with 0
 * where ISO 4217, and the processors that follow it, say 2 and 3.
 */

/** ISO 4217 codes in use, with funds codes (CLF, UYW…); metals and test codes (XAU, XXX) have no minor unit. */
const DIGITS_OTHER_THAN_TWO: Record<string, number> = {
	BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
	XAF: 0, XOF: 0, XPF: 0,
	BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
	CLF: 4, UYW: 4,
};

const TWO_DIGITS = (
	'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF ' +
	'CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF ' +
	'IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV ' +
	'MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD ' +
	'SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL'
).split(' ');

const MINOR_DIGITS = new Map<string, number>([...TWO_DIGITS.map((code) => [code, 2] as const), ...Object.entries(DIGITS_OTHER_THAN_TWO)]);

export class UnknownCurrencyError extends Error {
	constructor(readonly currency: unknown) {
		super(`${JSON.stringify(currency)} is not an ISO 4217 currency code such as "USD"`);
		this.name = 'UnknownCurrencyError';
	}
}

/** An ISO 4217 code with a minor unit, exactly as written ("USD"; "usd" is not one: normalise first if you accept it). */
export function isCurrencyCode(value: unknown): value is string {
	return typeof value === 'string' && MINOR_DIGITS.has(value);
}

/** Digits of the currency's minor unit: USD 2, JPY 0, KWD 3, CLF 4. Throws UnknownCurrencyError for any other code. */
export function minorDigits(currency: string): number {
	const digits = MINOR_DIGITS.get(currency);
	if (digits === undefined) throw new UnknownCurrencyError(currency);
	return digits;
}

/** value = units / 10^scale, exactly. */
export interface Decimal {
	units: bigint;
	scale: number;
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses "0.005", "12", 0.1 (a number through its shortest decimal text, the digits it was written with); undefined
 * when it is not a finite decimal.
 */
export function parseDecimal(value: unknown): Decimal | undefined {
	let text: string;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return undefined;
		text = /e/i.test(String(value)) ? expandExponent(value) : String(value);
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

/** 1e-7 → "0.0000001", 1e21 → "1000000000000000000000": the exponent form's digits, written out. */
function expandExponent(value: number): string {
	const [mantissa, exponentText] = String(value).toLowerCase().split('e');
	const exponent = Number(exponentText);
	const negative = mantissa.startsWith('-');
	const [whole, fraction = ''] = mantissa.replace('-', '').split('.');
	const digits = whole + fraction;
	const point = whole.length + exponent;
	const text =
		point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
	return negative ? `-${text}` : text;
}

/** The decimal's units at a larger (or equal) scale. */
export function rescale(value: Decimal, scale: number): bigint {
	return value.units * 10n ** BigInt(scale - value.scale);
}

/**
 * An amount in major units ("129.99", 129.99, "1.005" KWD) as exact minor units; undefined when it is not a decimal
 * or has digits finer than the currency's minor unit (1.001 USD is refused, never rounded). Throws
 * UnknownCurrencyError for a code that is not a currency.
 */
export function toMinorExact(amount: unknown, currency: string): bigint | undefined {
	const digits = minorDigits(currency);
	const decimal = parseDecimal(amount);
	if (!decimal) return undefined;
	if (decimal.scale <= digits) return rescale(decimal, digits);
	const divisor = 10n ** BigInt(decimal.scale - digits);
	return decimal.units % divisor === 0n ? decimal.units / divisor : undefined;
}

/** Minor units as a decimal string in major units, with every digit of the minor unit: 1999 USD → "19.99", 1005 KWD → "1.005". */
export function toMajorString(minor: bigint | number, currency: string): string {
	if (typeof minor === 'number' && !Number.isSafeInteger(minor)) throw new Error(`${minor} is not a whole number of ${currency} minor units`);
	return formatUnits(BigInt(minor), minorDigits(currency));
}

/** units / 10^digits as text: (-5, 2) → "-0.05". */
export function formatUnits(units: bigint, digits: number): string {
	const sign = units < 0n ? '-' : '';
	const text = (units < 0n ? -units : units).toString().padStart(digits + 1, '0');
	return digits === 0 ? sign + text : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
