import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { EntryQueue, openAccounting, type AccountingBooks, type AccountingSettings, type EntryKind, type EntryResult, type QueueResult } from '../../../lib/accounting';
import { nodeEngine } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { InputViolationError, jsonInput, readInput } from '../../shared/inputs';
import { mappingsSchema } from './itemInput';

/** The books of the node's platform and credential, with the node's item, tax-code and account mappings. */
export async function openNodeBooks(context: IExecuteFunctions): Promise<AccountingBooks> {
	const platform = context.getNodeParameter('platform', 0) as string;
	return await openAccounting(await nodeEngine(context)).books(platform, readMappings(context));
}

/** Options → mappings (the JSON ones, then the picked ones over them); a mapping that is not an object of texts is refused, naming it. */
function readMappings(context: IExecuteFunctions): AccountingSettings {
	const options = context.getNodeParameter('mappings', 0, {}) as IDataObject;
	const items = jsonInput(context, options.items, 'items', 0, undefined);
	const taxCodes = jsonInput(context, options.taxCodes, 'taxCodes', 0, undefined);
	return readInput(context, mappingsSchema, {
		items: withPicks(items, options.itemPicks, 'sku', 'item'),
		taxCodes: withPicks(taxCodes, options.taxCodePicks, 'code', 'taxCode'),
		defaultItem: locatorValue(options.defaultItem),
		salesAccount: locatorValue(options.salesAccount),
		paymentAccount: locatorValue(options.paymentAccount),
		taxAccount: locatorValue(options.taxAccount),
	}, 0) as AccountingSettings;
}

/** A picker's value (a resource locator holds it under `value`; an older workflow's text is the value itself). */
function locatorValue(value: unknown): unknown {
	if (value && typeof value === 'object' && 'value' in value) return (value as { value: unknown }).value;
	return value;
}

/** The JSON mapping with each picked row (your code → the platform's picked id) over it; rows left blank are skipped. */
function withPicks(mapping: unknown, picks: unknown, keyField: string, valueField: string): unknown {
	const rows = ((picks as { pick?: IDataObject[] } | undefined)?.pick ?? []).filter((row) => row[keyField] !== '' || locatorValue(row[valueField]) !== '');
	const plainObject = mapping !== null && typeof mapping === 'object' && !Array.isArray(mapping);
	// Nothing picked, or a mapping the schema must refuse as it is.
	if (rows.length === 0 || (mapping !== undefined && !plainObject)) return mapping;
	return { ...(mapping as object | undefined), ...Object.fromEntries(rows.map((row) => [row[keyField], locatorValue(row[valueField])])) };
}

/**
 * Records one entry of `kind` per item, all items together (in the platform's batches where it takes many per request:
 * Xero). Each item's answer goes out paired with it. An item whose input fails its checks stops the node before
 * anything is posted; an item the platform refuses stops it naming the item once the others are recorded. Under On
 * Error "Continue" either becomes that item's error and the rest go on.
 */
export async function recordEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	kind: EntryKind,
	readItem: (item: number) => Record<string, unknown>,
): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(context);
	const inputs = items.map((_, item): { input: Record<string, unknown> } | { error: unknown } => {
		try {
			const input = readItem(item);
			if (!context.continueOnFail()) books.parse(kind, input);
			return { input };
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, item);
			return { error };
		}
	});
	const posted = inputs.flatMap((entry, item) => ('input' in entry ? [{ item, input: entry.input }] : []));
	const results = new Map<number, EntryResult | QueueResult>();
	const toPost = posted.map(({ input }) => input);
	const answers = queued(context, kind) ? await new EntryQueue(books).add(kind, toPost) : await books.recordMany(kind, toPost, { stopAtFailure: !context.continueOnFail() });
	posted.forEach(({ item }, index) => results.set(item, answers[index]));
	return await forEachItem(context, items, async (item) => {
		const result = results.get(item) ?? (inputs[item] as { error: unknown });
		if ('outcome' in result) return { ...result.outcome } as IDataObject;
		if ('queued' in result) return { ...result.queued } as IDataObject;
		throw result.error;
	});
}

/** Post: In the Next Batch (sales, refunds and invoices): the entry waits in the queue for Post Queued Entries. */
function queued(context: IExecuteFunctions, kind: EntryKind): boolean {
	return kind !== 'payment' && context.getNodeParameter('posting', 0, 'now') === 'queue';
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
