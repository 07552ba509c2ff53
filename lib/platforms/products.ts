/**
 * What a store can do for the product catalogue kept in step: its products as records of the sync engine (entity
 * `products`), pulled by updated-at cursor and written in the vendor's batches. Each store's connector speaks the
 * neutral product fields below, translating its vendor's own names and values, so one mapping serves every store and
 * a value written and read back compares equal (no echo).
 */
import type { FieldMapping } from '../records/mapping';
import { writeEachChecked, type ChangePage, type CrmConnector, type PlatformRecord, type RecordWrite, type WriteOutcome } from './crm';

export type ProductStatus = 'active' | 'draft' | 'archived';
export const PRODUCT_STATUSES: readonly ProductStatus[] = ['active', 'draft', 'archived'];

/** The product fields kept in step, as every store's connector reads and writes them. */
export interface ProductFields {
	/** What matches a product across stores (and through the ID map once linked). */
	sku: string;
	title: string;
	description: string;
	/** The selling price: a decimal in major units, as text in its shortest form ("12.5"). */
	price: string | null;
	/** The price shown struck through (Shopify compare-at, WooCommerce regular price on sale, BigCommerce retail price, Magento MSRP). */
	compareAtPrice: string | null;
	status: ProductStatus;
	/** In each store's own weight unit: stores kept in step should use the same unit. */
	weight: number | null;
}

export const PRODUCT_FIELDS: ReadonlyArray<keyof ProductFields> = ['sku', 'title', 'description', 'price', 'compareAtPrice', 'status', 'weight'];

/** One mapping for every store: the connectors already speak the neutral fields. */
export const productMappings: FieldMapping[] = PRODUCT_FIELDS.map((field) => ({ internal: field, external: field }));

/**
 * A price as the vendor sends it (text or a JSON number) in its shortest decimal text: "12.50", 12.5 and "12.5" are all
 * "12.5", so a price written and read back compares equal. Never a float multiplication; anything that is no decimal
 * is refused naming the field.
 */
export function decimalText(value: unknown, field: string): string | null {
	if (value === null || value === undefined || value === '') return null;
	const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
	if (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text.trim())) throw new Error(`${field} must be a decimal price, got ${JSON.stringify(value)}`);
	const [whole, fraction = ''] = text.trim().split('.');
	const digits = fraction.replace(/0+$/, '');
	return `${String(BigInt(whole))}${digits ? `.${digits}` : ''}`.replace(/^0(?=\d)/, '');
}

/** A weight as a number (WooCommerce sends text), or null when the store has none (0 is none: BigCommerce requires one). */
export function weightValue(value: unknown, field: string): number | null {
	if (value === null || value === undefined || value === '' || value === 0 || value === '0') return null;
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
	if (number === 0) return null;
	if (!Number.isFinite(number) || number < 0) throw new Error(`${field} must be a weight of 0 or more, got ${JSON.stringify(value)}`);
	return number;
}

/** A product record of the sync engine: the neutral fields, keyed by the store's own product id. */
export function productRecord(externalId: string, fields: ProductFields, modifiedAt: string): PlatformRecord {
	return { externalId, fields: { ...fields }, modifiedAt };
}

/** The neutral fields of a write, checked: a product without SKU or with an unknown status is refused before any call. */
export function productWrite(write: RecordWrite): ProductFields {
	const fields = write.fields as Partial<ProductFields>;
	if (typeof fields.sku !== 'string' || fields.sku.trim() === '') throw new Error('sku must be a non-empty string');
	if (fields.status !== undefined && !PRODUCT_STATUSES.includes(fields.status)) throw new Error(`status must be one of ${PRODUCT_STATUSES.join(', ')}, got ${JSON.stringify(fields.status)}`);
	return {
		sku: fields.sku,
		title: typeof fields.title === 'string' ? fields.title : '',
		description: typeof fields.description === 'string' ? fields.description : '',
		price: decimalText(fields.price, 'price'),
		compareAtPrice: decimalText(fields.compareAtPrice, 'compareAtPrice'),
		status: fields.status ?? 'active',
		weight: weightValue(fields.weight, 'weight'),
	};
}

/** Each write checked on its own: a malformed one fails alone, the others go on to `send`. */
export async function writeChecked(batch: RecordWrite[], send: (checked: Array<{ index: number; write: RecordWrite; product: ProductFields }>) => Promise<Map<number, WriteOutcome>>): Promise<WriteOutcome[]> {
	return writeEachChecked(batch, productWrite, 'INVALID_PRODUCT', (checked) => send(checked.map(({ index, write, value }) => ({ index, write, product: value }))));
}

/**
 * Where a product pull stands: products changed at or after `since` (an ISO time; every product when absent), read a
 * page at a time, and the newest change time seen so far. Written as `since|page|newest` between pages and as the
 * newest time alone once the last page is read, so the next run starts there.
 */
export interface ProductCursor {
	since?: string;
	page: number;
	newest?: string;
}

export function readProductCursor(cursor: string | undefined): ProductCursor {
	if (!cursor) return { page: 1 };
	const [since, page, newest] = cursor.split('|');
	if (page === undefined) return { since: cursor, page: 1 };
	return { since: since || undefined, page: Number(page), newest: newest || undefined };
}

/** The page read, oldest first, with the cursor after it: the next page while pages are full, else the newest time. */
export function nextProductPage(position: ProductCursor, records: PlatformRecord[], full: boolean): ChangePage {
	const sorted = [...records].sort((a, b) => String(a.modifiedAt).localeCompare(String(b.modifiedAt)));
	const newest = [position.newest, sorted.at(-1)?.modifiedAt].filter((time): time is string => !!time).sort().at(-1);
	if (full) return { records: sorted, cursor: `${position.since ?? ''}|${position.page + 1}|${newest ?? ''}`, done: false };
	return { records: sorted, cursor: newest ?? position.since ?? '', done: true };
}

/** What a store's product connector is: a record connector serving the `products` entity. */
export type ProductConnector = CrmConnector;
