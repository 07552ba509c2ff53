import type { Transport } from '../../transport/transport';
import { runBulkMutation } from './bulk';
import { nextUpdatedSince, readUpdatedSinceCursor, shopifyGraphql, updatedSinceQuery } from './graphql';
import { failedWrite, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import { decimalText, PRODUCT_FIELDS, productRecord, weightValue, writeChecked, type ProductConnector, type ProductFields, type ProductStatus } from '../products';

interface ShopifyProduct {
	legacyResourceId: string;
	title: string;
	descriptionHtml: string;
	status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
	updatedAt: string;
	variants: { nodes: Array<{ id: string; sku: string | null; price: string; compareAtPrice: string | null; inventoryItem: { measurement: { weight: { unit: string; value: number } | null } } }> };
}

const PRODUCT = `legacyResourceId title descriptionHtml status updatedAt
  variants(first: 2) { nodes { id sku price compareAtPrice inventoryItem { measurement { weight { unit value } } } } }`;
const PULL = `query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) { nodes { ${PRODUCT} } pageInfo { hasNextPage endCursor } }
}`;
const VARIANT_OF = 'query Variant($id: ID!) { product(id: $id) { variants(first: 1) { nodes { id } } } }';
const VARIANTS_OF = 'query Variants($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id variants(first: 1) { nodes { id } } } } }';
const SET = `mutation Set($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) { product { ${PRODUCT} } userErrors { code field message } }
}`;

const PAGE_SIZE = 100;
/** A batch of at least this many products goes as one bulk mutation (a handful of calls) instead of a call per product. */
export const BULK_THRESHOLD = 50;
/** The most products one bulk mutation carries: the push hands over up to this many at once. */
const BULK_BATCH = 1000;
/** Shopify's `nodes(ids:)` takes up to 250 ids. */
const NODES_PER_CALL = 250;
const KILOGRAMS = 'KILOGRAMS';
const STATUS_TO_SHOPIFY: Record<ProductStatus, ShopifyProduct['status']> = { active: 'ACTIVE', draft: 'DRAFT', archived: 'ARCHIVED' };

/** A product with one variant in the neutral fields; products with options (several variants) are not synced. */
function neutral(product: ShopifyProduct): ProductFields | undefined {
	const [variant, second] = product.variants.nodes;
	if (!variant?.sku || second) return undefined;
	const weight = variant.inventoryItem.measurement.weight;
	return {
		sku: variant.sku,
		title: product.title,
		description: product.descriptionHtml,
		price: decimalText(variant.price, 'price'),
		compareAtPrice: decimalText(variant.compareAtPrice, 'compareAtPrice'),
		status: product.status.toLowerCase() as ProductStatus,
		weight: weight && weight.unit === KILOGRAMS ? weightValue(weight.value, 'weight') : null,
	};
}

type SetPayload = { productSet: { product: ShopifyProduct | null; userErrors: Array<{ code: string | null; message: string }> } };

/**
 * Shopify Admin GraphQL products with a single variant: pulled by `updated_at:>=` (100 a page, by update time),
 * written with `productSet` (synchronous): an update names the product and its variant, a create the default option.
 * Fewer than BULK_THRESHOLD products go one a call (an update first reads its variant's id); more go as one bulk
 * mutation of `productSet` (lib/platforms/shopify/bulk.ts), their variants' ids read 250 a call. Weights in kilograms.
 */
export class ShopifyProducts implements ProductConnector {
	readonly platform = 'shopify';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BULK_BATCH } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readUpdatedSinceCursor(cursor);
		const data = await this.graphql<{ products: { nodes: ShopifyProduct[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(PULL, {
			first: PAGE_SIZE,
			after: position.after ?? null,
			query: updatedSinceQuery(position.since),
		});
		const records = data.products.nodes.flatMap((product) => {
			const fields = neutral(product);
			return fields ? [productRecord(product.legacyResourceId, fields, new Date(product.updatedAt).toISOString())] : [];
		});
		return { records, ...nextUpdatedSince(position, records.map((record) => record.modifiedAt), data.products.pageInfo) };
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(batch, async (checked) => {
			if (checked.length >= BULK_THRESHOLD) return await this.setInBulk(checked);
			const outcomes = new Map<number, WriteOutcome>();
			for (const { index, write, product } of checked) outcomes.set(index, await this.set(write.externalId, product));
			return outcomes;
		});
	}

	private async set(externalId: string | undefined, product: ProductFields): Promise<WriteOutcome> {
		try {
			const id = externalId ? productGid(externalId) : undefined;
			const variantId = id ? (await this.graphql<{ product: { variants: { nodes: Array<{ id: string }> } } | null }>(VARIANT_OF, { id })).product?.variants.nodes[0]?.id : undefined;
			return setOutcome(externalId, await this.graphql<SetPayload>(SET, { input: setInput(product, id, variantId) }));
		} catch (error) {
			return failedWrite(error);
		}
	}

	/**
	 * One bulk mutation for the batch: the updates' variant ids read first (250 a call), then every product's
	 * `productSet` as a line of the staged file; each product's outcome from its line of the result file. A bulk
	 * operation that could not run or did not complete fails every product of the batch (tried again next run).
	 */
	private async setInBulk(checked: Array<{ index: number; write: RecordWrite; product: ProductFields }>): Promise<Map<number, WriteOutcome>> {
		const outcomes = new Map<number, WriteOutcome>();
		try {
			const variants = await this.firstVariants(checked.flatMap(({ write }) => (write.externalId ? [productGid(write.externalId)] : [])));
			const inputs = checked.map(({ write, product }) => {
				const id = write.externalId ? productGid(write.externalId) : undefined;
				return { input: setInput(product, id, id ? variants.get(id) : undefined) };
			});
			const results = await runBulkMutation<SetPayload>(this.transport, SET, inputs);
			checked.forEach(({ index, write }, position) => {
				const result = results[position];
				if (result?.data) outcomes.set(index, setOutcome(write.externalId, result.data));
				else outcomes.set(index, { ok: false, error: { message: result?.errors?.map((error) => error.message).join('; ') ?? 'the bulk operation returned no result for this product', code: result ? 'BULK_LINE_ERROR' : 'BULK_NO_RESULT' } });
			});
		} catch (error) {
			for (const { index } of checked) outcomes.set(index, failedWrite(error));
		}
		return outcomes;
	}

	/** The first variant's id of each product, read 250 products a call. */
	private async firstVariants(ids: string[]): Promise<Map<string, string>> {
		const variants = new Map<string, string>();
		for (let start = 0; start < ids.length; start += NODES_PER_CALL) {
			const data = await this.graphql<{ nodes: Array<{ id?: string; variants?: { nodes: Array<{ id: string }> } } | null> }>(VARIANTS_OF, { ids: ids.slice(start, start + NODES_PER_CALL) });
			for (const node of data.nodes) {
				const variant = node?.variants?.nodes[0]?.id;
				if (node?.id && variant) variants.set(node.id, variant);
			}
		}
		return variants;
	}

	private graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
		return shopifyGraphql<T>(this.transport, query, variables);
	}
}

const productGid = (externalId: string) => `gid://shopify/Product/${externalId}`;

/** productSet's input for one product: the one default option and the one variant (kept by its id on an update). */
function setInput(product: ProductFields, id: string | undefined, variantId: string | undefined): Record<string, unknown> {
	const variant = {
		...(variantId ? { id: variantId } : {}),
		optionValues: [{ optionName: 'Title', name: 'Default Title' }],
		price: product.price ?? '0',
		compareAtPrice: product.compareAtPrice,
		inventoryItem: { sku: product.sku, measurement: { weight: { value: product.weight ?? 0, unit: KILOGRAMS } } },
	};
	return {
		...(id ? { id } : {}),
		// productSet replaces the options and variants it is given: the one default option, the one variant.
		productOptions: [{ name: 'Title', values: [{ name: 'Default Title' }] }],
		title: product.title,
		descriptionHtml: product.description,
		status: STATUS_TO_SHOPIFY[product.status],
		variants: [variant],
	};
}

/** One productSet answer as the product's outcome: refused with Shopify's message, or the product as saved. */
function setOutcome(externalId: string | undefined, data: SetPayload): WriteOutcome {
	const [refused] = data.productSet.userErrors;
	if (refused || !data.productSet.product) return { ok: false, error: { message: refused?.message ?? 'Shopify set no product', code: refused?.code ?? undefined } };
	const saved = data.productSet.product;
	return { ok: true, externalId: saved.legacyResourceId, created: !externalId, fields: { ...neutral(saved) }, modifiedAt: new Date(saved.updatedAt).toISOString() };
}
