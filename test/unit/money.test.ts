/**
 * The one money module (lib/records/money.ts): ISO 4217 minor units, 0-, 3- and 4-digit currencies included, exact
 * conversion both ways, and refusal of codes that are not currencies. Payments and metering both use it (issue 11:
 * payments said every non-zero-decimal currency had 2 digits, so 1.005 KWD could not be charged).
 */
import fc from 'fast-check';

import { isCurrencyCode, minorDigits, parseDecimal, toMajorString, toMinorExact, UnknownCurrencyError } from '../../lib/records/money';

describe('minor digits follow ISO 4217, not the locale data', () => {
	test.each([
		['USD', 2],
		['EUR', 2],
		['JPY', 0],
		['KRW', 0],
		['ISK', 0],
		['BHD', 3],
		['KWD', 3],
		['IQD', 3],
		['TND', 3],
		['CLF', 4],
		['UYW', 4],
		// CLDR (Intl) shows these with 0 digits; ISO 4217 and the processors that follow it say 2.
		['HUF', 2],
		['TWD', 2],
	])('%s has %i', (currency, digits) => {
		expect(minorDigits(currency)).toBe(digits);
	});

	test.each(['XYZ', 'usd', 'US', 'USDX', '', 'XAU', 'XXX', 'XTS'])('%j is not a currency: refused, never given a default', (code) => {
		expect(isCurrencyCode(code)).toBe(false);
		expect(() => minorDigits(code)).toThrow(UnknownCurrencyError);
		expect(() => minorDigits(code)).toThrow(JSON.stringify(code));
		expect(() => toMinorExact('1.00', code)).toThrow(UnknownCurrencyError);
		expect(() => toMajorString(100, code)).toThrow(UnknownCurrencyError);
	});

	test.each([undefined, null, 840, { code: 'USD' }, ['USD']])('%p is not a currency code', (value) => {
		expect(isCurrencyCode(value)).toBe(false);
	});
});

describe('major to minor units, exact', () => {
	test.each([
		['19.99', 'USD', 1999n],
		[19.99, 'USD', 1999n],
		[0.29, 'USD', 29n],
		[1.15, 'USD', 115n],
		['1500', 'JPY', 1500n],
		[1500, 'JPY', 1500n],
		['1.005', 'KWD', 1005n],
		[1.005, 'BHD', 1005n],
		['0.5', 'KWD', 500n],
		['1.2345', 'CLF', 12345n],
		['-3.10', 'USD', -310n],
		['90071992547409.93', 'USD', 9007199254740993n],
		[1e21, 'JPY', 10n ** 21n],
	])('%p %s is %p minor units', (amount, currency, minor) => {
		expect(toMinorExact(amount, currency)).toBe(minor);
	});

	test.each([
		['1.001', 'USD'],
		[0.1 + 0.2, 'USD'],
		['1.5', 'JPY'],
		['1.0051', 'KWD'],
		['1.23456', 'CLF'],
		[1e-7, 'USD'],
	])('%p %s is finer than the minor unit: refused, never rounded', (amount, currency) => {
		expect(toMinorExact(amount, currency)).toBeUndefined();
	});

	test.each(['', '1,00', '1.', '.5', '1e3', 'abc', NaN, Infinity, null, true, {}])('%p is not an amount', (amount) => {
		expect(toMinorExact(amount, 'USD')).toBeUndefined();
	});

	test('every float with at most two decimals converts to the cents it was written with', () => {
		fc.assert(
			fc.property(fc.integer({ min: -(10 ** 13), max: 10 ** 13 }), (cents) => {
				const amount = Number((Number(cents) / 100).toFixed(2));
				expect(toMinorExact(amount, 'USD')).toBe(BigInt(cents));
			}),
		);
	});

	test('numbers written with an exponent are read by their digits', () => {
		expect(parseDecimal(1.5e-7)).toEqual({ units: 15n, scale: 8 });
		expect(parseDecimal(-2e21)).toEqual({ units: -2n * 10n ** 21n, scale: 0 });
	});
});

describe('minor to major units', () => {
	test.each([
		[1999, 'USD', '19.99'],
		[5, 'USD', '0.05'],
		[-5, 'USD', '-0.05'],
		[1500, 'JPY', '1500'],
		[1005, 'KWD', '1.005'],
		[7, 'BHD', '0.007'],
		[12345, 'CLF', '1.2345'],
		[9007199254740993n, 'USD', '90071992547409.93'],
	])('%p %s is %s', (minor, currency, major) => {
		expect(toMajorString(minor, currency)).toBe(major);
	});

	test('round trip: minor → major → minor is the identity for every currency digit count', () => {
		fc.assert(
			fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.constantFrom('USD', 'JPY', 'KWD', 'CLF'), (minor, currency) => {
				expect(toMinorExact(toMajorString(minor, currency), currency)).toBe(minor);
			}),
		);
	});

	test('a fractional count of minor units is refused', () => {
		expect(() => toMajorString(1.5, 'USD')).toThrow(/whole number/);
	});
});
