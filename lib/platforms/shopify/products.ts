import type { Transport } from '../../transport/transport';
import { runBulkMutation } from './bulk';
import { nextUpdatedSince, readUpdatedSinceCursor, shopifyGraphql, updatedSinceQuery } from './graphql';
import { failedWrite, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import { decimalText, PRODUCT_FIELDS, productRecord, weightValue, writeChecked, type ProductConnector, type ProductFields, type ProductStatus } from '../products';

interface ShopifyVariant {
	id: string;
	sku: string | null;
	price: string;
	compareAtPrice: string | null;
	selectedOptions?: Array<{ name: string; value: string }>;
	inventoryItem: { measurement: { weight: { unit: string; value: number } | null } };
}

interface ShopifyProduct {
	legacyResourceId: string;
	title: string;
	descriptionHtml: string;
	status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
	updatedAt: string;
	options?: Array<{ name: string; values: string[] }>;
	variants: { nodes: ShopifyVariant[]; pageInfo?: { hasNextPage: boolean } };
}

const VARIANT = 'id sku price compareAtPrice inventoryItem { measurement { weight { unit value } } }';
/** A page's products with their first two variants: enough to tell a single product from one with several. */
const PRODUCT = `legacyResourceId title descriptionHtml status updatedAt variants(first: 2) { nodes { ${VARIANT} } }`;
/**
 * A product whole: its options and up to MAX_VARIANTS variants with their options. Its query cost (about 5 points a
 * variant) is why a page reads two variants a product and a product with several is then read on its own.
 */
const WHOLE_PRODUCT = `legacyResourceId title descriptionHtml status updatedAt options(first: 3) { name values }
  variants(first: 100) { nodes { ${VARIANT} selectedOptions { name value } } pageInfo { hasNextPage } }`;
const PULL = `query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) { nodes { id ${PRODUCT} } pageInfo { hasNextPage endCursor } }
}`;
const WHOLE = `query Product($id: ID!) { product(id: $id) { ${WHOLE_PRODUCT} } }`;
const VARIANTS_OF = 'query Variants($ids: [ID!]!, $first: Int!) { nodes(ids: $ids) { ... on Product { id variants(first: $first) { nodes { id sku } } } } }';
const SET = `mutation Set($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) { product { ${WHOLE_PRODUCT} } userErrors { code field message } }
}`;

const PAGE_SIZE = 100;
/** A batch of at least this many products goes as one bulk mutation (a handful of calls) instead of a call per product. */
export const BULK_THRESHOLD = 50;
/** The most products one bulk mutation carries: the push hands over up to this many at once. */
const BULK_BATCH = 1000;
/** Shopify's `nodes(ids:)` takes up to 250 ids: a single variant's id each, within the query cost of 1,000. */
const NODES_PER_CALL = 250;
/** The most variants synchronous productSet takes (Shopify: 100), and so the most a synced product has. */
export const MAX_VARIANTS = 100;
/** Products whose variants are read whole in one call, within the query cost of 1,000 (about 100 points each). */
const WHOLE_NODES_PER_CALL = 9;
const KILOGRAMS = 'KILOGRAMS';
const STATUS_TO_SHOPIFY: Record<ProductStatus, ShopifyProduct['status']> = { active: 'ACTIVE', draft: 'DRAFT', archived: 'ARCHIVED' };

const variantWeight = (variant: ShopifyVariant, field: string) => {
	const weight = variant.inventoryItem.measurement.weight;
	return weight && weight.unit === KILOGRAMS ? weightValue(weight.value, field) : null;
};

/**
 * A product in the neutral fields: one variant as the product itself; several (read whole) with their options and each
 * variant, the product's SKU and prices its first variant's. A product with a variant without SKU, or more variants than
 * MAX_VARIANTS, is not synced (undefined): its SKUs are what match it.
 */
function neutral(product: ShopifyProduct): ProductFields | undefined {
	const variants = product.variants.nodes;
	const [first] = variants;
	if (!first?.sku || variants.some((variant) => !variant.sku) || product.variants.pageInfo?.hasNextPage) return undefined;
	const fields: ProductFields = {
		sku: first.sku,
		title: product.title,
		description: product.descriptionHtml,
		price: decimalText(first.price, 'price'),
		compareAtPrice: decimalText(first.compareAtPrice, 'compareAtPrice'),
		status: product.status.toLowerCase() as ProductStatus,
		weight: variantWeight(first, 'weight'),
	};
	if (variants.length === 1) return fields;
	const options = (product.options ?? []).map((option) => ({ name: option.name, values: [...option.values] }));
	return {
		...fields,
		options,
		variants: variants.map((variant, index) => ({
			sku: variant.sku as string,
			price: decimalText(variant.price, `variants[${index}].price`),
			compareAtPrice: decimalText(variant.compareAtPrice, `variants[${index}].compareAtPrice`),
			weight: variantWeight(variant, `variants[${index}].weight`),
			options: Object.fromEntries((variant.selectedOptions ?? []).map((selected) => [selected.name, selected.value])),
		})),
	};
}

type SetPayload = { productSet: { product: ShopifyProduct | null; userErrors: Array<{ code: string | null; message: string }> } };

/**
 * Shopify Admin GraphQL products, with one variant or several: pulled by `updated_at:>=` (100 a page, by update time,
 * each product with its first two variants; one with several is then read whole, options and variants), written with
 * `productSet` (synchronous): a product of one variant as the default option and that variant, one of several with its
 * options and every variant, each variant kept by its SKU. Fewer than BULK_THRESHOLD products go one a call (an update
 * first reads its variants' ids); more go as one bulk mutation of `productSet` (lib/platforms/shopify/bulk.ts), the
 * variants' ids read first (250 products a call, or 9 a call for products with several variants). Weights in kilograms.
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
		const data = await this.graphql<{ products: { nodes: Array<ShopifyProduct & { id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(PULL, {
			first: PAGE_SIZE,
			after: position.after ?? null,
			query: updatedSinceQuery(position.since),
		});
		const records = [];
		for (const listed of data.products.nodes) {
			// A product with several variants is read whole. It keeps the page's update time, so the cursor never passes
			// products the page has not reached; an edit made since comes again on the next run.
			const product = listed.variants.nodes.length > 1 ? ((await this.graphql<{ product: ShopifyProduct | null }>(WHOLE, { id: listed.id })).product ?? undefined) : listed;
			const fields = product && neutral(product);
			if (product && fields) records.push(productRecord(product.legacyResourceId, fields, new Date(listed.updatedAt).toISOString()));
		}
		return { records, ...nextUpdatedSince(position, records.map((record) => record.modifiedAt), data.products.pageInfo) };
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(
			batch,
			async (products) => {
				const outcomes = new Map<number, WriteOutcome>();
				// More variants than productSet takes synchronously: refused before any call, naming the field.
				const checked = products.filter(({ index, product }) => {
					const tooMany = (product.variants?.length ?? 1) > MAX_VARIANTS;
					if (tooMany) outcomes.set(index, { ok: false, error: { message: `variants: Shopify takes at most ${MAX_VARIANTS} variants a product, got ${product.variants?.length}`, code: 'INVALID_PRODUCT' } });
					return !tooMany;
				});
				if (checked.length >= BULK_THRESHOLD) return new Map([...outcomes, ...(await this.setInBulk(checked))]);
				for (const { index, write, product } of checked) outcomes.set(index, await this.set(write.externalId, product));
				return outcomes;
			},
			{ variants: true, platform: this.platform },
		);
	}

	private async set(externalId: string | undefined, product: ProductFields): Promise<WriteOutcome> {
		try {
			const id = externalId ? productGid(externalId) : undefined;
			const existing = id ? ((await this.existingVariants([id], product.variants ? MAX_VARIANTS : 1)).get(id) ?? []) : [];
			return setOutcome(externalId, await this.graphql<SetPayload>(SET, { input: setInput(product, id, existing) }));
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
			const updates = checked.flatMap(({ write, product }) => (write.externalId ? [{ id: productGid(write.externalId), several: product.variants !== undefined }] : []));
			const variants = new Map([
				...(await this.existingVariants(updates.filter((update) => !update.several).map((update) => update.id), 1)),
				...(await this.existingVariants(updates.filter((update) => update.several).map((update) => update.id), MAX_VARIANTS)),
			]);
			const inputs = checked.map(({ write, product }) => {
				const id = write.externalId ? productGid(write.externalId) : undefined;
				return { input: setInput(product, id, id ? (variants.get(id) ?? []) : []) };
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

	/**
	 * The variants (id and SKU) of each product: its first only (250 products a call) for a write of one variant, which
	 * keeps that variant; up to MAX_VARIANTS (WHOLE_NODES_PER_CALL products a call, for the query cost) for a write of
	 * several, whose variants are matched by SKU.
	 */
	private async existingVariants(ids: string[], first: number): Promise<Map<string, Array<{ id: string; sku: string | null }>>> {
		const variants = new Map<string, Array<{ id: string; sku: string | null }>>();
		const perCall = first === 1 ? NODES_PER_CALL : WHOLE_NODES_PER_CALL;
		for (let start = 0; start < ids.length; start += perCall) {
			const data = await this.graphql<{ nodes: Array<{ id?: string; variants?: { nodes: Array<{ id: string; sku: string | null }> } } | null> }>(VARIANTS_OF, { ids: ids.slice(start, start + perCall), first });
			for (const node of data.nodes) if (node?.id && node.variants) variants.set(node.id, node.variants.nodes);
		}
		return variants;
	}

	private graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
		return shopifyGraphql<T>(this.transport, query, variables);
	}
}

const productGid = (externalId: string) => `gid://shopify/Product/${externalId}`;

const DEFAULT_OPTION = { name: 'Title', value: 'Default Title' };

/**
 * productSet's input for one product. productSet replaces the options and variants it is given (shopify.dev, "Sync
 * product data": a variant left out is deleted), so every variant is sent: a product of one variant as the default
 * option and that variant (keeping the product's first variant's id); a product of several with its options and each
 * variant with its option values, keeping the id of the product's variant of the same SKU (a new SKU is created).
 */
function setInput(product: ProductFields, id: string | undefined, existing: Array<{ id: string; sku: string | null }>): Record<string, unknown> {
	const base = { ...(id ? { id } : {}), title: product.title, descriptionHtml: product.description, status: STATUS_TO_SHOPIFY[product.status] };
	if (!product.variants || !product.options) {
		const variantId = existing[0]?.id;
		return {
			...base,
			productOptions: [{ name: DEFAULT_OPTION.name, values: [{ name: DEFAULT_OPTION.value }] }],
			variants: [{ ...(variantId ? { id: variantId } : {}), optionValues: [{ optionName: DEFAULT_OPTION.name, name: DEFAULT_OPTION.value }], ...variantInput(product) }],
		};
	}
	const idsBySku = new Map(existing.map((variant) => [variant.sku, variant.id]));
	return {
		...base,
		productOptions: product.options.map((option, position) => ({ name: option.name, position: position + 1, values: option.values.map((value) => ({ name: value })) })),
		variants: product.variants.map((variant, position) => {
			const variantId = idsBySku.get(variant.sku);
			return {
				...(variantId ? { id: variantId } : {}),
				position: position + 1,
				optionValues: Object.entries(variant.options).map(([optionName, name]) => ({ optionName, name })),
				...variantInput(variant),
			};
		}),
	};
}

/** A variant's price, compare-at price, SKU and weight as productSet takes them. */
function variantInput(variant: { sku: string; price: string | null; compareAtPrice: string | null; weight: number | null }) {
	return { price: variant.price ?? '0', compareAtPrice: variant.compareAtPrice, inventoryItem: { sku: variant.sku, measurement: { weight: { value: variant.weight ?? 0, unit: KILOGRAMS } } } };
}

/** One productSet answer as the product's outcome: refused with Shopify's message, or the product as saved. */
function setOutcome(externalId: string | undefined, data: SetPayload): WriteOutcome {
	const [refused] = data.productSet.userErrors;
	if (refused || !data.productSet.product) return { ok: false, error: { message: refused?.message ?? 'Shopify set no product', code: refused?.code ?? undefined } };
	const saved = data.productSet.product;
	return { ok: true, externalId: saved.legacyResourceId, created: !externalId, fields: { ...neutral(saved) }, modifiedAt: new Date(saved.updatedAt).toISOString() };
}
