import type { Transport } from '../../transport/transport';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
import { decimalText, nextProductPage, PRODUCT_FIELDS, productRecord, readProductCursor, weightValue, writeChecked, type ProductConnector, type ProductFields } from '../products';
import { updatedSincePage } from './search';
import { fromMagentoTime } from './times';

interface MagentoProduct {
	id: number;
	sku: string;
	name: string;
	price: number;
	status: number;
	visibility: number;
	type_id: string;
	weight?: number;
	updated_at: string;
	custom_attributes?: Array<{ attribute_code: string; value: unknown }>;
}

const PAGE_SIZE = 100;
const ENABLED = 1;
const DISABLED = 2;
/** Catalog and search; a product "not visible individually" (1) stands for an archived one. */
const VISIBLE = 4;
const NOT_VISIBLE = 1;

const attribute = (product: MagentoProduct, code: string) => product.custom_attributes?.find((entry) => entry.attribute_code === code)?.value;

/** Enabled is active; disabled and visible a draft; disabled and not visible individually, archived. */
function neutral(product: MagentoProduct): ProductFields {
	const description = attribute(product, 'description');
	return {
		sku: product.sku,
		title: product.name,
		description: typeof description === 'string' ? description : '',
		price: decimalText(product.price, 'price'),
		compareAtPrice: decimalText(attribute(product, 'msrp'), 'msrp'),
		status: product.status === ENABLED ? 'active' : product.visibility === NOT_VISIBLE ? 'archived' : 'draft',
		weight: weightValue(product.weight, 'weight'),
	};
}

function magentoProduct(product: ProductFields): Omit<MagentoProduct, 'id' | 'updated_at'> & { attribute_set_id: number } {
	return {
		sku: product.sku,
		name: product.title,
		attribute_set_id: 4,
		type_id: 'simple',
		price: Number(product.price ?? '0'),
		status: product.status === 'active' ? ENABLED : DISABLED,
		visibility: product.status === 'archived' ? NOT_VISIBLE : VISIBLE,
		weight: product.weight ?? 0,
		custom_attributes: [
			{ attribute_code: 'description', value: product.description },
			{ attribute_code: 'msrp', value: product.compareAtPrice ?? '' },
		],
	};
}

/**
 * Magento 2 catalog products (REST): pulled by `updated_at gteq` search criteria, 100 a page; written one product a call
 * (`PUT /V1/products/{sku}`, which saves by SKU: a product missing there is created, never twice).
 */
export class MagentoProducts implements ProductConnector {
	readonly platform = 'magento';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: 1 } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readProductCursor(cursor);
		const body = await this.transport.request<{ items: MagentoProduct[]; total_count: number }>({
			method: 'GET',
			url: '/V1/products',
			qs: updatedSincePage(position.since || undefined, position.page, PAGE_SIZE, 'entity_id'),
		});
		const records = body.items.filter((product) => product.type_id === 'simple').map((product) => productRecord(String(product.sku), neutral(product), new Date(fromMagentoTime(product.updated_at)).toISOString()));
		return nextProductPage(position, records, position.page * PAGE_SIZE < body.total_count);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	/** The product's external id is its SKU: Magento's REST API addresses products by it. */
	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(batch, async (checked) => {
			const outcomes = new Map<number, WriteOutcome>();
			for (const { index, write, product } of checked) {
				try {
					const sku = write.externalId ?? product.sku;
					const saved = await this.transport.request<MagentoProduct>({ method: 'PUT', url: `/V1/products/${encodeURIComponent(sku)}`, body: { product: magentoProduct(product) } });
					outcomes.set(index, { ok: true, externalId: saved.sku, created: !write.externalId, fields: { ...neutral(saved) }, modifiedAt: new Date(fromMagentoTime(saved.updated_at)).toISOString() });
				} catch (error) {
					outcomes.set(index, { ok: false, error: { message: (error as Error).message, code: (error as { code?: string }).code } });
				}
			}
			return outcomes;
		});
	}
}
