import type { Transport } from '../../transport/transport';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
import { BATCH_SIZE, writeWooBatch, type WooBatchEntry } from './batch';
import { decimalText, nextProductPage, PRODUCT_FIELDS, productRecord, readProductCursor, weightValue, writeChecked, type ProductConnector, type ProductFields, type ProductStatus } from '../products';

interface WooProduct {
	id: number;
	name: string;
	sku: string;
	type: string;
	description: string;
	regular_price: string;
	sale_price: string;
	status: string;
	weight: string;
	date_modified_gmt: string;
}

const PAGE_SIZE = 100;

const STATUS_TO_WOO: Record<ProductStatus, string> = { active: 'publish', draft: 'draft', archived: 'private' };
const STATUS_FROM_WOO: Record<string, ProductStatus> = { publish: 'active', draft: 'draft', pending: 'draft', private: 'archived' };

/** A WooCommerce product in the neutral fields: on sale, the sale price sells and the regular price is struck through. */
function neutral(product: WooProduct): ProductFields {
	const sale = decimalText(product.sale_price, 'sale_price');
	const regular = decimalText(product.regular_price, 'regular_price');
	return {
		sku: product.sku,
		title: product.name,
		description: product.description,
		price: sale ?? regular,
		compareAtPrice: sale ? regular : null,
		status: STATUS_FROM_WOO[product.status] ?? 'draft',
		weight: weightValue(product.weight, 'weight'),
	};
}

function wooFields(product: ProductFields): Partial<WooProduct> {
	const onSale = product.compareAtPrice !== null && product.price !== null;
	return {
		name: product.title,
		sku: product.sku,
		type: 'simple',
		description: product.description,
		regular_price: (onSale ? product.compareAtPrice : product.price) ?? '',
		sale_price: onSale ? (product.price as string) : '',
		status: STATUS_TO_WOO[product.status],
		weight: product.weight === null ? '' : String(product.weight),
	};
}

/** WooCommerce's *_gmt times are UTC without a zone designator. */
const utc = (gmt: string) => `${gmt.replace(/Z$/, '')}Z`;

/**
 * WooCommerce REST v3 products (simple products; variations are not synced): pulled by `modified_after`, written by
 * `products/batch`, 100 creates and updates a call, each answered on its own.
 */
export class WooCommerceProducts implements ProductConnector {
	readonly platform = 'woocommerce';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BATCH_SIZE } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS];
	}

	/** `modified_after` is exclusive and to the second: asked from a second earlier, the boundary's products are read again (harmless). */
	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readProductCursor(cursor);
		const after = position.since ? new Date(Date.parse(position.since) - 1000).toISOString().slice(0, 19) : undefined;
		const page = await this.transport.request<WooProduct[]>({
			method: 'GET',
			url: '/products',
			qs: { per_page: PAGE_SIZE, page: position.page, orderby: 'id', order: 'asc', ...(after ? { modified_after: after } : {}) },
		});
		const records = page.filter((product) => product.type === 'simple' && product.sku).map((product) => productRecord(String(product.id), neutral(product), new Date(utc(product.date_modified_gmt)).toISOString()));
		return nextProductPage(position, records, page.length === PAGE_SIZE);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(batch, (checked) =>
			writeWooBatch(this.transport, '/products/batch', checked.map(({ index, write, product }) => ({ index, write, fields: wooFields(product) })), outcomeOf),
		);
	}
}

function outcomeOf(entry: WooBatchEntry<WooProduct> | undefined, created: boolean): WriteOutcome {
	if (!entry) return { ok: false, error: { message: 'WooCommerce answered the batch without this product' } };
	if ('error' in entry) return { ok: false, error: { message: entry.error.message, code: entry.error.code } };
	const product = entry as WooProduct;
	return { ok: true, externalId: String(product.id), created, fields: { ...neutral(product) }, modifiedAt: new Date(utc(product.date_modified_gmt)).toISOString() };
}
