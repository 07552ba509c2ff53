import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { openAccounting, type AccountingBooks, type AccountingSettings } from '../../../lib/accounting';
import { nodeEngine } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { InputViolationError, jsonInput, readInput } from '../../shared/inputs';
import { mappingsSchema } from './itemInput';

/** The books of the node's platform and credential, with the node's item, tax-code and account mappings. */
export async function openNodeBooks(context: IExecuteFunctions): Promise<AccountingBooks> {
	const platform = context.getNodeParameter('platform', 0) as string;
	return await openAccounting(await nodeEngine(context)).books(platform, readMappings(context));
}

/** Options → mappings; a mapping that is not an object of texts is refused, naming it. */
function readMappings(context: IExecuteFunctions): AccountingSettings {
	const options = context.getNodeParameter('mappings', 0, {}) as IDataObject;
	return readInput(context, mappingsSchema, {
		items: jsonInput(context, options.items, 'items', 0, undefined),
		taxCodes: jsonInput(context, options.taxCodes, 'taxCodes', 0, undefined),
		defaultItem: options.defaultItem,
		salesAccount: options.salesAccount,
		paymentAccount: options.paymentAccount,
		taxAccount: options.taxAccount,
	}, 0) as AccountingSettings;
}

/**
 * Runs `handle` for each item; its answer goes out paired with the item. A failure stops the node naming the item, or
 * under On Error "Continue" becomes the item's error (only `error` and `details`, which n8n's error output takes).
 */
export async function forEachItem(context: IExecuteFunctions, items: INodeExecutionData[], handle: (item: number) => Promise<IDataObject>): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			output.push({ json: await handle(item), pairedItem: { item } });
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, item);
			if (!context.continueOnFail()) throw nodeError;
			const json = nodeError instanceof InputViolationError ? nodeError.itemJson() : { error: nodeError.message, details: { item, description: nodeError.description ?? null } };
			output.push({ json: json as IDataObject, pairedItem: { item } });
		}
	}
	return [output];
}
