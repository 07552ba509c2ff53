import type { IExecuteFunctions } from 'n8n-workflow';

import { itemParameters, jsonInput, nonEmptyString, optional, recordOf, text } from '../../shared/inputs';

export const mappingsSchema = {
	items: optional(recordOf(nonEmptyString())),
	taxCodes: optional(recordOf(nonEmptyString())),
	defaultItem: optional(text()),
	salesAccount: optional(text()),
	paymentAccount: optional(text()),
	taxAccount: optional(text()),
};

/** The item's customer, or undefined when its email is empty (a sale without a customer). */
function customerOf(context: IExecuteFunctions, item: number, extra: string[] = []): Record<string, unknown> | undefined {
	const values = itemParameters(context, ['customerEmail', 'customerName', ...extra], item);
	if (values.customerEmail === undefined || values.customerEmail === '') return undefined;
	return { email: values.customerEmail, name: values.customerName, company: values.customerCompany, phone: values.customerPhone };
}

/** Record Sale, Record Refund and Create Invoice: the entry as the engine's schema reads it (lib/accounting/inputs.ts). */
export function linesEntryInput(context: IExecuteFunctions, item: number): Record<string, unknown> {
	const values = itemParameters(context, ['sourceId', 'currency', 'lines', 'discount', 'shipping', 'tax', 'date', 'dueDate', 'memo'], item);
	return { ...values, lines: jsonInput(context, values.lines, 'lines', item), customer: customerOf(context, item) };
}

export function paymentInput(context: IExecuteFunctions, item: number): Record<string, unknown> {
	return { ...itemParameters(context, ['sourceId', 'currency', 'amount', 'invoiceSourceId', 'invoiceId', 'date', 'memo'], item), customer: customerOf(context, item) };
}

export function customerInput(context: IExecuteFunctions, item: number): Record<string, unknown> {
	return customerOf(context, item, ['customerCompany', 'customerPhone']) ?? { email: itemParameters(context, ['customerEmail'], item).customerEmail };
}
