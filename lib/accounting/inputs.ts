/**
 * What each Accounting Sync operation takes, checked by type and turned into the neutral entries of
 * lib/platforms/accounting.ts. Amounts are major units as a number (19.99) or exact decimal text ("19.99", as store
 * webhooks send prices); either is read digit for digit into the currency's minor units, and an amount finer than the
 * currency's minor unit (1.001 USD) is refused, never rounded.
 */
import type { AccountingParty, EntryLine, LinesEntry, PaymentEntry } from '../platforms/accounting';
import { assertInput, currency, describeValue, id, InputError, listOf, nonEmptyString, optional, shape, text, type Checked, type InputViolation, type Rule } from '../records/inputSchema';
import { parseDecimal, toMinorExact, type Decimal } from '../records/money';

const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

function decimalRule(expected: string, accept: (decimal: Decimal) => boolean): Rule<Decimal> {
	return {
		expected,
		check(value, field): Checked<Decimal> {
			const readable = (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && DECIMAL_TEXT.test(value));
			const decimal = readable ? parseDecimal(value) : undefined;
			if (decimal && accept(decimal)) return { value: decimal };
			return { violations: [{ field, problem: `must be ${expected}, got ${describeValue(value)}` }] };
		},
	};
}

/** An amount of money of 0 or more: a number or decimal text such as "19.99". */
const money = () => decimalRule('an amount of 0 or more (a number or decimal text such as "19.99")', (decimal) => decimal.units >= 0n);
/** A payment: more than 0. */
const positiveMoney = () => decimalRule('an amount above 0 (a number or decimal text such as "19.99")', (decimal) => decimal.units > 0n);
/** A quantity of goods or hours: more than 0, fractions allowed (1.5 hours). */
const quantity = () => decimalRule('a quantity above 0 (a number or decimal text)', (decimal) => decimal.units > 0n);

function email(): Rule<string> {
	return {
		expected: 'an email address',
		check(value, field) {
			if (typeof value === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value.trim())) return { value: value.trim() };
			return { violations: [{ field, problem: `must be an email address, got ${describeValue(value)}` }] };
		},
	};
}

function isoDate(): Rule<string> {
	return {
		expected: 'a date as YYYY-MM-DD',
		check(value, field) {
			if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) return { value };
			return { violations: [{ field, problem: `must be a date as YYYY-MM-DD, got ${describeValue(value)}` }] };
		},
	};
}

export const customerSchema = {
	email: email(),
	name: optional(text()),
	company: optional(text()),
	phone: optional(text()),
};

const lineSchema = {
	description: optional(text()),
	quantity: optional(quantity()),
	unitPrice: money(),
	sku: optional(nonEmptyString()),
	taxCode: optional(nonEmptyString()),
};

/** Record Sale, Record Refund and Create Invoice. */
export const linesEntrySchema = {
	sourceId: id(),
	currency: currency(),
	date: optional(isoDate()),
	dueDate: optional(isoDate()),
	customer: optional(shape(customerSchema, 'a customer with an email')),
	lines: listOf(shape(lineSchema, 'a line with a unit price'), { nonEmpty: true }),
	discount: optional(money()),
	shipping: optional(money()),
	tax: optional(money()),
	memo: optional(text()),
};

/** Record Payment: against an invoice recorded through this package (its source id) or the platform's invoice id. */
export const paymentEntrySchema = {
	sourceId: id(),
	currency: currency(),
	amount: positiveMoney(),
	invoiceSourceId: optional(id()),
	invoiceId: optional(id()),
	date: optional(isoDate()),
	customer: optional(shape(customerSchema, 'a customer with an email')),
	memo: optional(text()),
};

export const transactionLookupSchema = {
	sourceId: id(),
};

/** Minor units of `decimal`, or a violation naming the field when it is finer than the currency's minor unit. */
function minor(decimal: Decimal | undefined, currencyCode: string, field: string, violations: InputViolation[]): number {
	if (decimal === undefined) return 0;
	const units = toMinorExact(formatDecimal(decimal), currencyCode);
	if (units === undefined) {
		violations.push({ field, problem: `has more decimal places than ${currencyCode} allows` });
		return 0;
	}
	if (units > BigInt(Number.MAX_SAFE_INTEGER)) {
		violations.push({ field, problem: 'is too large' });
		return 0;
	}
	return Number(units);
}

function formatDecimal(decimal: Decimal): string {
	const digits = (decimal.units < 0n ? -decimal.units : decimal.units).toString().padStart(decimal.scale + 1, '0');
	return decimal.scale === 0 ? digits : `${digits.slice(0, -decimal.scale)}.${digits.slice(-decimal.scale)}`;
}

/** quantity × unit price in minor units, when that is whole (3 × 0.333 USD is not). */
function lineAmount(quantityValue: Decimal, unitMinor: number, field: string, violations: InputViolation[]): number {
	const scaled = quantityValue.units * BigInt(unitMinor);
	const divisor = 10n ** BigInt(quantityValue.scale);
	if (scaled % divisor !== 0n) {
		violations.push({ field, problem: 'quantity × unit price is not a whole number of the currency’s minor unit' });
		return 0;
	}
	return Number(scaled / divisor);
}

const party = (customer: AccountingParty | undefined): AccountingParty | undefined =>
	customer && { email: customer.email, name: customer.name || undefined, company: customer.company || undefined, phone: customer.phone || undefined };

/** A sale, refund or invoice: lines in minor units, discount, shipping and tax, and the total they make. */
export function toLinesEntry(input: unknown, subject: string): LinesEntry {
	const checked = assertInput(linesEntrySchema, input, subject);
	const violations: InputViolation[] = [];
	const code = checked.currency;
	const lines: EntryLine[] = checked.lines.map((line, index) => {
		const quantityValue = line.quantity ?? { units: 1n, scale: 0 };
		const unitAmountMinor = minor(line.unitPrice, code, `lines[${index}].unitPrice`, violations);
		return {
			description: line.description || line.sku || `Line ${index + 1}`,
			quantity: formatDecimal(quantityValue),
			unitAmountMinor,
			amountMinor: lineAmount(quantityValue, unitAmountMinor, `lines[${index}]`, violations),
			sku: line.sku,
			taxCode: line.taxCode,
		};
	});
	const discountMinor = minor(checked.discount, code, 'discount', violations);
	const shippingMinor = minor(checked.shipping, code, 'shipping', violations);
	const taxMinor = minor(checked.tax, code, 'tax', violations);
	const subtotal = lines.reduce((sum, line) => sum + line.amountMinor, 0);
	if (discountMinor > subtotal + shippingMinor) violations.push({ field: 'discount', problem: 'is more than the lines and shipping together' });
	if (violations.length > 0) throw new InputError(violations, subject);
	return {
		sourceId: checked.sourceId,
		currency: code,
		date: checked.date,
		dueDate: checked.dueDate,
		customer: party(checked.customer),
		lines,
		discountMinor,
		shippingMinor,
		taxMinor,
		totalMinor: subtotal - discountMinor + shippingMinor + taxMinor,
		memo: checked.memo || undefined,
	};
}

export interface PaymentInput {
	entry: PaymentEntry;
	invoiceSourceId?: string;
	invoiceId?: string;
}

export function toPaymentEntry(input: unknown): PaymentInput {
	const checked = assertInput(paymentEntrySchema, input, 'Payment');
	const violations: InputViolation[] = [];
	const amountMinor = minor(checked.amount, checked.currency, 'amount', violations);
	if (checked.invoiceSourceId === undefined && checked.invoiceId === undefined) {
		violations.push({ field: 'invoiceSourceId', problem: 'or invoiceId must name the invoice the payment settles' });
	}
	if (violations.length > 0) throw new InputError(violations, 'Payment');
	return {
		entry: { sourceId: checked.sourceId, currency: checked.currency, date: checked.date, amountMinor, customer: party(checked.customer), memo: checked.memo || undefined },
		invoiceSourceId: checked.invoiceSourceId,
		invoiceId: checked.invoiceId,
	};
}

export function toParty(input: unknown): AccountingParty {
	return party(assertInput(customerSchema, input, 'Customer'))!;
}
