/**
 * Generated malformed values for property-based tests of operation inputs: each kind of field gets every value
 * that must be refused for it (missing, null, objects, arrays, booleans, NaN, negatives, fractions, numeric strings,
 * empty strings), never one that a correct check could accept.
 */
import fc from 'fast-check';

const missing = fc.constantFrom(undefined, null);
const structured = fc.oneof(fc.object({ maxDepth: 1 }), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }));
const booleans = fc.boolean();
const notFinite = fc.constantFrom(NaN, Infinity, -Infinity);
const negativeIntegers = fc.integer({ min: -1_000_000, max: -1 });
const fractions = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value));
const numericStrings = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fractions).map(String);
const blankStrings = fc.constantFrom('', ' ', '\t', '  \n');

/** Refused where an id is needed (a non-empty string or a safe whole number ≥ 0 are ids). */
export const malformedId = fc.oneof(missing, structured, booleans, notFinite, negativeIntegers, fractions, blankStrings);

/** Refused where an amount of money is needed (a finite number above 0). */
export const malformedAmount = fc.oneof(missing, structured, booleans, notFinite, negativeIntegers, fc.constant(0), numericStrings, blankStrings);

/** Refused where a quantity of units is needed (a whole number ≥ 1). */
export const malformedQuantity = fc.oneof(missing, structured, booleans, notFinite, negativeIntegers, fc.constant(0), fractions, numericStrings, blankStrings);

/** Refused where an ISO 4217 code is needed. */
export const malformedCurrency = fc.oneof(missing, structured, booleans, notFinite, fc.integer(), blankStrings, fc.constantFrom('US', 'USDX', 'ZZZ', 'dollar', '840'));

/** Refused where an object is needed (an event's data). */
export const malformedObject = fc.oneof(missing, fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }), booleans, notFinite, fc.integer(), fc.string(), blankStrings);
