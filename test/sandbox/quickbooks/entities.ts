/**
 * QuickBooks Online's records as the Accounting API v3 keeps them: what each entity requires, the references it must
 * make to existing records, and the totals QBO computes itself (a transaction's TotalAmt from its lines, discount and
 * tax; an invoice's Balance reduced by the payments linked to it). Money is counted in cents here, so totals are exact.
 */
import { SandboxError, type SandboxResponse } from '../framework/types';

export type QboRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** URL name (lower case, as in `/v3/company/{realmId}/salesreceipt`) → the entity's JSON name. */
export const ENTITIES: Record<string, string> = {
	customer: 'Customer',
	item: 'Item',
	account: 'Account',
	taxcode: 'TaxCode',
	companycurrency: 'CompanyCurrency',
	salesreceipt: 'SalesReceipt',
	invoice: 'Invoice',
	payment: 'Payment',
	refundreceipt: 'RefundReceipt',
	creditmemo: 'CreditMemo',
};

/** Entities with Line, TotalAmt and TxnDate. */
export const SALES_TRANSACTIONS = new Set(['SalesReceipt', 'Invoice', 'RefundReceipt', 'CreditMemo']);

export const now = () => new Date().toISOString();

export function fault(status: number, type: string, errors: Array<{ Message: string; Detail?: string; code: string; element?: string }>): SandboxResponse {
	return { status, body: { Fault: { Error: errors.map((error) => ({ element: '', ...error })), type }, time: now() } };
}

export function validationFault(code: string, message: string, detail: string, element = ''): SandboxError {
	return new SandboxError(fault(400, 'ValidationFault', [{ Message: message, Detail: detail, code, element }]));
}

export const missingParam = (name: string) =>
	validationFault('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${name} is missing in the request`, name);

export const invalidReference = (name: string, id: unknown) =>
	validationFault('2500', 'Invalid Reference Id', `Invalid Reference Id : ${name} ${String(id)} does not exist`, name);

export const objectNotFound = (entity: string, id: unknown) =>
	validationFault('610', 'Object Not Found', `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${String(id)})`);

/** An amount QBO would take: a finite number with at most two decimals (the home currency's). */
export function cents(value: unknown, field: string): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		throw validationFault('2090', 'Invalid Number', `Invalid Number : ${field} is not a number: ${JSON.stringify(value)}`, field);
	}
	const scaled = Math.round(number * 100);
	if (Math.abs(scaled - number * 100) > 1e-6) {
		throw validationFault('2090', 'Invalid Number', `Invalid Number : ${field} has more decimal places than the currency allows: ${number}`, field);
	}
	return scaled;
}

export const toAmount = (centsValue: number) => centsValue / 100;

export interface Lookup {
	find(entity: string, id: string): QboRecord | undefined;
}

const refValue = (ref: unknown): string | undefined => {
	if (ref === null || typeof ref !== 'object') return undefined;
	const value = (ref as { value?: unknown }).value;
	return value === undefined || value === null || value === '' ? undefined : String(value);
};

function requireRef(record: QboRecord, field: string, entity: string, lookup: Lookup, required: boolean): void {
	const id = refValue(record[field]);
	if (id === undefined) {
		if (required) throw missingParam(field);
		return;
	}
	if (!lookup.find(entity, id)) throw invalidReference(field, id);
}

/** Customer: a DisplayName (made from the name parts when absent), unique among customers. */
export function prepareCustomer(record: QboRecord, existing: QboRecord[]): void {
	if (!record.DisplayName) {
		const parts = [record.Title, record.GivenName, record.MiddleName, record.FamilyName, record.Suffix].filter(Boolean).join(' ');
		record.DisplayName = parts || record.CompanyName || record.PrimaryEmailAddr?.Address;
	}
	if (!record.DisplayName) throw missingParam('DisplayName');
	const address = record.PrimaryEmailAddr?.Address;
	if (address !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(address))) {
		throw validationFault('2210', 'Email Address does not conform to the syntax rules of RFC 822.', `Email Address does not conform to the syntax rules of RFC 822. Supplied value:${String(address)}`, 'PrimaryEmailAddr');
	}
	const clash = existing.find((other) => other.Id !== record.Id && String(other.DisplayName).toLowerCase() === String(record.DisplayName).toLowerCase());
	if (clash) {
		throw validationFault('6240', 'Duplicate Name Exists Error', `The name supplied already exists. : Another customer is already using this name. Please use a different name. Id=${clash.Id}`);
	}
	record.Active ??= true;
	record.Balance ??= 0;
}

/**
 * A sales transaction's lines and totals: each SalesItemLineDetail line's Amount must be UnitPrice × Qty when both are
 * given, its ItemRef an existing item (or SHIPPING_ITEM_ID; the Services item when absent), its TaxCodeRef an existing
 * tax code; DiscountLineDetail lines take an Amount or a DiscountPercent. TotalAmt = lines − discount + TxnTaxDetail.TotalTax.
 */
export function prepareSalesTransaction(entity: string, record: QboRecord, lookup: Lookup): void {
	requireRef(record, 'CustomerRef', 'Customer', lookup, entity !== 'SalesReceipt' && entity !== 'RefundReceipt');
	if (entity === 'RefundReceipt') requireRef(record, 'DepositToAccountRef', 'Account', lookup, true);
	else requireRef(record, 'DepositToAccountRef', 'Account', lookup, false);
	if (!Array.isArray(record.Line) || record.Line.length === 0) throw missingParam('Line');
	let subtotal = 0;
	let discount = 0;
	const lines: QboRecord[] = [];
	for (const [index, line] of (record.Line as QboRecord[]).entries()) {
		if (line === null || typeof line !== 'object') throw missingParam(`Line[${index}]`);
		if (line.DetailType === 'SubTotalLineDetail') continue;
		if (line.DetailType === 'SalesItemLineDetail') {
			if (line.Amount === undefined) throw missingParam(`Line[${index}].Amount`);
			const amount = cents(line.Amount, `Line[${index}].Amount`);
			const detail = (line.SalesItemLineDetail ??= {});
			const itemId = refValue(detail.ItemRef);
			if (itemId === undefined) detail.ItemRef = { value: '1', name: 'Services' };
			else if (itemId !== 'SHIPPING_ITEM_ID' && !lookup.find('Item', itemId)) throw invalidReference(`Line[${index}].SalesItemLineDetail.ItemRef`, itemId);
			const taxCode = refValue(detail.TaxCodeRef);
			if (taxCode !== undefined && !lookup.find('TaxCode', taxCode)) throw invalidReference(`Line[${index}].SalesItemLineDetail.TaxCodeRef`, taxCode);
			if (detail.UnitPrice !== undefined && detail.Qty !== undefined) {
				const expected = Math.round(Number(detail.UnitPrice) * Number(detail.Qty) * 100);
				if (!Number.isFinite(expected) || expected !== amount) {
					throw validationFault('6070', 'Amount is not equal to UnitPrice * Qty', `Amount is not equal to UnitPrice * Qty. Supplied value:${line.Amount}`, `Line[${index}].Amount`);
				}
			}
			subtotal += amount;
			lines.push({ ...line, Id: String(lines.length + 1), LineNum: lines.length + 1, Amount: toAmount(amount) });
		} else if (line.DetailType === 'DiscountLineDetail') {
			const detail = line.DiscountLineDetail ?? {};
			const amount = detail.PercentBased ? Math.round((subtotal * Number(detail.DiscountPercent)) / 100) : cents(line.Amount, `Line[${index}].Amount`);
			discount += amount;
			lines.push({ ...line, Amount: toAmount(amount) });
		} else if (line.DetailType === 'DescriptionOnly') {
			lines.push({ ...line, Id: String(lines.length + 1), LineNum: lines.length + 1 });
		} else {
			throw validationFault('2170', 'Invalid Enumeration', `Invalid Enumeration : ${String(line.DetailType)}`, `Line[${index}].DetailType`);
		}
	}
	if (discount > subtotal) throw validationFault('6000', 'A business validation error has occurred while processing your request', 'Business Validation Error: The discount cannot be more than the subtotal.');
	const tax = record.TxnTaxDetail?.TotalTax === undefined ? 0 : cents(record.TxnTaxDetail.TotalTax, 'TxnTaxDetail.TotalTax');
	if (tax < 0) throw validationFault('6000', 'A business validation error has occurred while processing your request', 'Business Validation Error: TotalTax cannot be negative.');
	lines.push({ Amount: toAmount(subtotal), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
	record.Line = lines;
	record.TxnTaxDetail = { ...record.TxnTaxDetail, TotalTax: toAmount(tax) };
	const total = subtotal - discount + tax;
	record.TotalAmt = toAmount(total);
	record.TxnDate ??= now().slice(0, 10);
	record.CurrencyRef ??= { value: 'USD', name: 'United States Dollar' };
	if (entity === 'Invoice') record.Balance = toAmount(total);
	else if (entity === 'CreditMemo') record.Balance = record.RemainingCredit = toAmount(total);
	else record.Balance = 0;
}

/**
 * Payment: CustomerRef and TotalAmt required; each line links one invoice (LinkedTxn TxnType Invoice) of the same
 * customer and may apply at most its open balance; what the lines do not apply stays as UnappliedAmt.
 */
export function preparePayment(record: QboRecord, lookup: Lookup): Array<{ invoice: QboRecord; amount: number }> {
	requireRef(record, 'CustomerRef', 'Customer', lookup, true);
	if (record.TotalAmt === undefined) throw missingParam('TotalAmt');
	const total = cents(record.TotalAmt, 'TotalAmt');
	if (total < 0) throw validationFault('6000', 'A business validation error has occurred while processing your request', 'Business Validation Error: TotalAmt cannot be negative.');
	requireRef(record, 'DepositToAccountRef', 'Account', lookup, false);
	const applied: Array<{ invoice: QboRecord; amount: number }> = [];
	for (const [index, line] of ((record.Line ?? []) as QboRecord[]).entries()) {
		const amount = cents(line.Amount, `Line[${index}].Amount`);
		for (const linked of (line.LinkedTxn ?? []) as QboRecord[]) {
			if (linked.TxnType !== 'Invoice') throw validationFault('2170', 'Invalid Enumeration', `Invalid Enumeration : ${String(linked.TxnType)}`, 'LinkedTxn.TxnType');
			const invoice = lookup.find('Invoice', String(linked.TxnId));
			if (!invoice) throw invalidReference('LinkedTxn.TxnId', linked.TxnId);
			if (refValue(invoice.CustomerRef) !== refValue(record.CustomerRef)) {
				throw validationFault('620', 'Transaction linking failed', 'TxnID Cannot Be Linked : Cannot validate linked transactions: the payment and the invoice belong to different customers.');
			}
			if (amount > cents(invoice.Balance, 'Balance')) {
				throw validationFault('6000', 'A business validation error has occurred while processing your request', `Business Validation Error: The payment amount is more than the open balance of invoice ${String(invoice.DocNumber ?? invoice.Id)}.`);
			}
			applied.push({ invoice, amount });
		}
	}
	const appliedTotal = applied.reduce((sum, entry) => sum + entry.amount, 0);
	if (appliedTotal > total) throw validationFault('6000', 'A business validation error has occurred while processing your request', 'Business Validation Error: The amounts applied are more than the payment.');
	record.TotalAmt = toAmount(total);
	record.UnappliedAmt = toAmount(total - appliedTotal);
	record.TxnDate ??= now().slice(0, 10);
	record.CurrencyRef ??= { value: 'USD', name: 'United States Dollar' };
	return applied;
}

/** What a company holds before anything is created: the Services item, income, bank and undeposited-funds accounts, US tax codes, two added currencies. */
export function defaultCompanyRecords(): Record<string, QboRecord[]> {
	return {
		Item: [
			{ Id: '1', Name: 'Services', Type: 'Service', Active: true, IncomeAccountRef: { value: '1', name: 'Services' } },
			{ Id: '2', Name: 'Hours', Type: 'Service', Active: true, IncomeAccountRef: { value: '1', name: 'Services' } },
		],
		Account: [
			{ Id: '1', Name: 'Services', AccountType: 'Income', Active: true },
			{ Id: '4', Name: 'Undeposited Funds', AccountType: 'Other Current Asset', Active: true },
			{ Id: '35', Name: 'Checking', AccountType: 'Bank', Active: true },
		],
		TaxCode: [
			{ Id: 'TAX', Name: 'TAX', Description: 'TAX', Taxable: true, Active: true },
			{ Id: 'NON', Name: 'NON', Description: 'NON', Taxable: false, Active: true },
		],
		// Multicurrency is on: the currencies added beside the home currency (USD, in the preferences).
		CompanyCurrency: [
			{ Id: '1', Code: 'EUR', Name: 'Euro', Active: true },
			{ Id: '2', Code: 'GBP', Name: 'British Pound Sterling', Active: true },
			{ Id: '3', Code: 'CAD', Name: 'Canadian Dollar', Active: false },
		],
	};
}
