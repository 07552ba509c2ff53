import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { failedWrites, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import { decimalText, nextProductPage, PRODUCT_FIELDS, productRecord, readProductCursor, weightValue, writeChecked, type ProductConnector, type ProductFields } from '../products';

interface CatalogProduct {
	id: number;
	name: string;
	sku: string;
	description: string;
	price: number;
	retail_price: number;
	weight: number;
	is_visible: boolean;
	availability: string;
	date_modified: string;
}

const PAGE_SIZE = 250;
/** BigCommerce updates at most 10 products a call (PUT /catalog/products); a create is one product a call. */
const BATCH_SIZE = 10;

/**
 * The neutral status from visibility and availability: visible is active; hidden and purchasable is a draft; hidden
 * and disabled is archived (BigCommerce has no status of its own).
 */
function neutral(product: CatalogProduct): ProductFields {
	return {
		sku: product.sku,
		title: product.name,
		description: product.description,
		price: decimalText(product.price, 'price'),
		compareAtPrice: product.retail_price ? decimalText(product.retail_price, 'retail_price') : null,
		status: product.is_visible ? 'active' : product.availability === 'disabled' ? 'archived' : 'draft',
		weight: weightValue(product.weight, 'weight'),
	};
}

/** BigCommerce takes prices and weights as JSON numbers: the decimal text is read exactly as written. */
function bigCommerceFields(product: ProductFields): Partial<CatalogProduct> & { type: string } {
	return {
		name: product.title,
		sku: product.sku,
		type: 'physical',
		description: product.description,
		price: Number(product.price ?? '0'),
		retail_price: Number(product.compareAtPrice ?? '0'),
		weight: product.weight ?? 0,
		is_visible: product.status === 'active',
		availability: product.status === 'archived' ? 'disabled' : 'available',
	};
}

const succeeded = (product: CatalogProduct, created: boolean): WriteOutcome => ({
	ok: true,
	externalId: String(product.id),
	created,
	fields: { ...neutral(product) },
	modifiedAt: new Date(product.date_modified).toISOString(),
});

/**
 * BigCommerce catalog products (v3): pulled by `date_modified:min`, 250 a page; updated 10 a call, created one by one
 * (the API creates a single product per request).
 */
export class BigCommerceProducts implements ProductConnector {
	readonly platform = 'bigcommerce';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BATCH_SIZE } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readProductCursor(cursor);
		const body = await this.transport.request<{ data: CatalogProduct[] }>({
			method: 'GET',
			url: '/catalog/products',
			qs: { limit: PAGE_SIZE, page: position.page, sort: 'id', direction: 'asc', ...(position.since ? { 'date_modified:min': position.since } : {}) },
		});
		const records = body.data.filter((product) => product.sku).map((product) => productRecord(String(product.id), neutral(product), new Date(product.date_modified).toISOString()));
		return nextProductPage(position, records, body.data.length === PAGE_SIZE);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(batch, async (checked) => {
			const outcomes = new Map<number, WriteOutcome>();
			const updates = checked.filter((entry) => entry.write.externalId);
			if (updates.length > 0) {
				try {
					const body = await this.transport.request<{ data: CatalogProduct[] }>({
						method: 'PUT',
						url: '/catalog/products',
						body: updates.map(({ write, product }) => ({ id: Number(write.externalId), ...bigCommerceFields(product) })),
					});
					const byId = new Map(body.data.map((product) => [String(product.id), product]));
					for (const { index, write } of updates) {
						const product = byId.get(String(write.externalId));
						outcomes.set(index, product ? succeeded(product, false) : { ok: false, error: { message: 'BigCommerce answered the batch without this product' } });
					}
				} catch (error) {
					failedWrites(updates.length, error).forEach((outcome, position) => outcomes.set(updates[position].index, outcome));
				}
			}
			for (const { index, product } of checked.filter((entry) => !entry.write.externalId)) {
				outcomes.set(index, await this.create(product));
			}
			return outcomes;
		});
	}

	/** A create refused because the SKU exists (409) is not retried: the next pull links the product by its SKU. */
	private async create(product: ProductFields): Promise<WriteOutcome> {
		try {
			const body = await this.transport.request<{ data: CatalogProduct }>({ method: 'POST', url: '/catalog/products', body: bigCommerceFields(product) });
			return succeeded(body.data, true);
		} catch (error) {
			const code = error instanceof PlatformApiError && error.status === 409 ? 'DUPLICATE' : undefined;
			return { ok: false, error: { message: (error as Error).message, code } };
		}
	}
}
