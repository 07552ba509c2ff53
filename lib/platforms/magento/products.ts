import type { Transport } from '../../transport/transport';
import { failedWrite, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
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
/** Saves sent in one asynchronous bulk request (Magento sets no count; this keeps a request near a few hundred KB). */
const BULK_SIZE = 500;
/** Bulk status polls: waits doubling from 1 s to 30 s, about 10 minutes in all (Magento's consumers often run from cron each minute). */
const FIRST_POLL_MS = 1000;
const LONGEST_POLL_MS = 30_000;
const POLL_BUDGET_MS = 10 * 60_000;
const COMPLETE = 1;
const OPEN = 4;

interface BulkOperation {
	id: number;
	status: number;
	result_serialized_data?: string | null;
	result_message?: string | null;
	error_code?: number | null;
}
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
 * Magento 2 catalog products (REST): pulled by `updated_at gteq` search criteria, 100 a page. One product is saved by
 * `PUT /V1/products/{sku}`; several go in one asynchronous bulk request (`POST /async/bulk/V1/products`, up to 500),
 * whose operations are polled (`GET /V1/bulk/{uuid}/detailed-status`) until Magento's consumers ran them. The
 * repository saves by SKU either way: a missing product is created, never twice, so a save repeated is harmless.
 */
export class MagentoProducts implements ProductConnector {
	readonly platform = 'magento';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BULK_SIZE } };

	constructor(private readonly transport: Transport, private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))) {}

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
			if (checked.length === 1) {
				const [{ index, write, product }] = checked;
				outcomes.set(index, await this.saveOne(write, product));
				return outcomes;
			}
			const results = await this.saveInBulk(checked.map(({ product }) => product));
			checked.forEach(({ index, write }, position) => outcomes.set(index, results[position](write)));
			return outcomes;
		});
	}

	private async saveOne(write: RecordWrite, product: ProductFields): Promise<WriteOutcome> {
		try {
			const saved = await this.transport.request<MagentoProduct>({ method: 'PUT', url: `/V1/products/${encodeURIComponent(write.externalId ?? product.sku)}`, body: { product: magentoProduct(product) } });
			return savedOutcome(saved, !write.externalId);
		} catch (error) {
			return failedWrite(error);
		}
	}

	/** Each product's outcome (given its write), once the bulk request's operations have run or the polls gave up. */
	private async saveInBulk(products: ProductFields[]): Promise<Array<(write: RecordWrite) => WriteOutcome>> {
		const started = await this.transport.request<{ bulk_uuid: string; request_items: Array<{ id: number; status: string }> }>({
			method: 'POST',
			url: '/async/bulk/V1/products',
			body: products.map((product) => ({ product: magentoProduct(product) })),
		});
		const operations = await this.awaitBulk(started.bulk_uuid);
		return products.map((_product, position) => (write: RecordWrite): WriteOutcome => {
			const item = started.request_items[position];
			const operation = item ? operations.get(item.id) : undefined;
			if (!item || item.status !== 'accepted') return { ok: false, error: { message: `Magento did not accept this save into bulk ${started.bulk_uuid}`, code: 'BULK_REJECTED' } };
			if (!operation || operation.status === OPEN) return { ok: false, error: { message: `Magento's bulk ${started.bulk_uuid} had not run this save when the polls ended; the next run saves it again`, code: 'BULK_OPEN' } };
			if (operation.status !== COMPLETE || !operation.result_serialized_data) return { ok: false, error: { message: operation.result_message || `Magento's bulk operation ended with status ${operation.status}`, code: 'BULK_FAILED' } };
			return savedOutcome(JSON.parse(operation.result_serialized_data) as MagentoProduct, !write.externalId);
		});
	}

	/** Polls the bulk request until none of its operations is open, or the poll budget is spent. */
	private async awaitBulk(uuid: string): Promise<Map<number, BulkOperation>> {
		let latest = new Map<number, BulkOperation>();
		for (let waited = 0, wait = FIRST_POLL_MS; ; waited += wait, wait = Math.min(wait * 2, LONGEST_POLL_MS)) {
			const status = await this.transport.request<{ operations_list: BulkOperation[] }>({ method: 'GET', url: `/V1/bulk/${encodeURIComponent(uuid)}/detailed-status` });
			latest = new Map(status.operations_list.map((operation) => [operation.id, operation]));
			if (!status.operations_list.some((operation) => operation.status === OPEN) || waited >= POLL_BUDGET_MS) return latest;
			await this.sleep(wait);
		}
	}
}

/** The outcome of a product Magento saved, as the neutral fields read back. */
function savedOutcome(saved: MagentoProduct, created: boolean): WriteOutcome {
	return { ok: true, externalId: saved.sku, created, fields: { ...neutral(saved) }, modifiedAt: new Date(fromMagentoTime(saved.updated_at)).toISOString() };
}
