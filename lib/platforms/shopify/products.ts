import type { Transport } from '../../transport/transport';
import { PlatformApiError } from '../../transport/errors';
import { nextUpdatedSince, readUpdatedSinceCursor, shopifyGraphql, updatedSinceQuery } from './graphql';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
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
const SET = `mutation Set($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) { product { ${PRODUCT} } userErrors { code field message } }
}`;

const PAGE_SIZE = 100;
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

/**
 * Shopify Admin GraphQL products with a single variant: pulled by `updated_at:>=` (100 a page, by update time),
 * written one product a call with `productSet` (synchronous): an update names the product and its variant, a create the
 * default option. Weights in kilograms.
 */
export class ShopifyProducts implements ProductConnector {
	readonly platform = 'shopify';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: 1 } };

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
			const outcomes = new Map<number, WriteOutcome>();
			for (const { index, write, product } of checked) outcomes.set(index, await this.set(write.externalId, product));
			return outcomes;
		});
	}

	private async set(externalId: string | undefined, product: ProductFields): Promise<WriteOutcome> {
		try {
			const id = externalId ? `gid://shopify/Product/${externalId}` : undefined;
			const variantId = id ? (await this.graphql<{ product: { variants: { nodes: Array<{ id: string }> } } | null }>(VARIANT_OF, { id })).product?.variants.nodes[0]?.id : undefined;
			const variant = {
				...(variantId ? { id: variantId } : {}),
				optionValues: [{ optionName: 'Title', name: 'Default Title' }],
				price: product.price ?? '0',
				compareAtPrice: product.compareAtPrice,
				inventoryItem: { sku: product.sku, measurement: { weight: { value: product.weight ?? 0, unit: KILOGRAMS } } },
			};
			const input = {
				...(id ? { id } : {}),
				// productSet replaces the options and variants it is given: the one default option, the one variant.
				productOptions: [{ name: 'Title', values: [{ name: 'Default Title' }] }],
				title: product.title,
				descriptionHtml: product.description,
				status: STATUS_TO_SHOPIFY[product.status],
				variants: [variant],
			};
			const data = await this.graphql<{ productSet: { product: ShopifyProduct | null; userErrors: Array<{ code: string | null; message: string }> } }>(SET, { input });
			const [refused] = data.productSet.userErrors;
			if (refused || !data.productSet.product) return { ok: false, error: { message: refused?.message ?? 'Shopify set no product', code: refused?.code ?? undefined } };
			const saved = data.productSet.product;
			return { ok: true, externalId: saved.legacyResourceId, created: !externalId, fields: { ...neutral(saved) }, modifiedAt: new Date(saved.updatedAt).toISOString() };
		} catch (error) {
			return { ok: false, error: { message: (error as Error).message, code: error instanceof PlatformApiError ? error.code : undefined } };
		}
	}

	private graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
		return shopifyGraphql<T>(this.transport, query, variables);
	}
}
