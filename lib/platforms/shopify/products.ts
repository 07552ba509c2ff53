import type { Transport } from '../../transport/transport';
import { runBulkMutation } from './bulk';
import { nextUpdatedSince, readUpdatedSinceCursor, shopifyGraphql, updatedSinceQuery } from './graphql';
import { failedWrite, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import {
	decimalText,
	downloadImage,
	ImageFetchError,
	PRODUCT_FIELDS_WITH_IMAGES,
	productRecord,
	readImages,
	weightValue,
	writeChecked,
	type ProductConnector,
	type ProductFields,
	type ProductStatus,
	type ProductWriteFields,
	type StoreImage,
} from '../products';
import { sleep as defaultSleep } from '../../records/sleep';

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
	/** On a page: how many media the product has (its images are then read in a call of their own). */
	mediaCount?: { count: number };
	media?: { nodes: ShopifyMedia[] };
}

/** One of a product's media: an image (MediaImage) or a video or 3D model, which sync leaves as they are. */
interface ShopifyMedia {
	id: string;
	alt: string | null;
	mediaContentType: 'IMAGE' | 'VIDEO' | 'EXTERNAL_VIDEO' | 'MODEL_3D';
	status: 'UPLOADED' | 'PROCESSING' | 'READY' | 'FAILED';
	/** Null until the image is READY. */
	image?: { url: string; altText: string | null } | null;
	originalSource?: { url: string | null } | null;
	/** Why a FAILED media failed (read while a write waits for its new images). */
	mediaErrors?: Array<{ code: string; message: string }>;
}

const VARIANT = 'id sku price compareAtPrice inventoryItem { measurement { weight { unit value } } }';
/** A page's products with their first two variants: enough to tell a single product from one with several. */
const PRODUCT = `legacyResourceId title descriptionHtml status updatedAt mediaCount { count } variants(first: 2) { nodes { ${VARIANT} } }`;
/**
 * A product's media, the first `$media`: each costs 3 points (the media, its image and its original source), so a call
 * asks for as many as the products it reads have (see mediaBatches).
 */
const MEDIA = 'media(first: $media) { nodes { id alt mediaContentType status ... on MediaImage { image { url altText } originalSource { url } } } }';
const MEDIA_OF = `query Media($ids: [ID!]!, $media: Int!) { nodes(ids: $ids) { ... on Product { id ${MEDIA} } } }`;
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
const VARIANTS_OF = 'query Variants($ids: [ID!]!, $first: Int!) { nodes(ids: $ids) { ... on Product { id mediaCount { count } variants(first: $first) { nodes { id sku } } } } }';
/** The kinds of a product's media, for a bulk update whose product has more media than the images it is known to hold. */
const MEDIA_KINDS = 'query MediaKinds($ids: [ID!]!, $media: Int!) { nodes(ids: $ids) { ... on Product { id media(first: $media) { nodes { id mediaContentType } } } } }';
const SET = `mutation Set($input: ProductSetInput!, $media: Int!) {
  productSet(input: $input, synchronous: true) { product { ${WHOLE_PRODUCT} ${MEDIA} } userErrors { code field message } }
}`;
/** The status of new images a write waits for (about 2 points each), with why one failed. */
const MEDIA_STATUS = 'query MediaStatus($ids: [ID!]!) { nodes(ids: $ids) { ... on MediaImage { id status mediaErrors { code message } } } }';
/** An update's variants (id and SKU) and its media's ids and kinds, in one call: videos and 3D models are sent back as they are. */
const HELD = `query Held($id: ID!, $first: Int!, $media: Int!) { product(id: $id) { id variants(first: $first) { nodes { id sku } } media(first: $media) { nodes { id mediaContentType } } } }`;

const PAGE_SIZE = 100;
/** A batch of at least this many products goes as one bulk mutation (a handful of calls) instead of a call per product. */
export const BULK_THRESHOLD = 50;
/** The most products one bulk mutation carries: the push hands over up to this many at once. */
const BULK_BATCH = 1000;
/** Products whose first variant and media count are read in one call: 5 points each, within the query cost of 1,000. */
const NODES_PER_CALL = 200;
/** The most variants synchronous productSet takes (Shopify: 100), and so the most a synced product has. */
export const MAX_VARIANTS = 100;
/** Products whose variants are read whole in one call, within the query cost of 1,000 (about 100 points each). */
const WHOLE_NODES_PER_CALL = 9;
/** The most media a Shopify product has (Shopify: 250), read in full. */
const MAX_MEDIA = 250;
/** Points a media costs to read (MEDIA), and a product around it (the product and its media connection). */
const MEDIA_COST = 3;
const PRODUCT_MEDIA_COST = 3;
/** The most ids `nodes` takes in one call. */
const NODES_MAX = 250;
/**
 * How long a write waits for Shopify to process the images it added (READY or FAILED), polling from the first wait
 * up to the longest: an image Shopify cannot process then fails the product in the same run. One still processing
 * after it is taken as written; a pull leaves its product until it is READY (see pullChanges).
 */
const MEDIA_SETTLE_MS = 30_000;
const MEDIA_FIRST_POLL_MS = 250;
const MEDIA_LONGEST_POLL_MS = 4_000;
/** Shopify's most a query may cost, less the nodes list's own. */
const QUERY_BUDGET = 990;
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
		...(product.media ? { images: shopifyImages(product.media.nodes) } : {}),
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

/**
 * The product's images in Shopify's order, each by its MediaImage id: its CDN URL once READY (its original source
 * while Shopify still processes it, on a first read only: see unsettledImages). Videos and 3D models are no images here.
 */
function shopifyImages(media: ShopifyMedia[]): StoreImage[] {
	const images = media.filter((entry) => entry.mediaContentType === 'IMAGE' && entry.status !== 'FAILED');
	return readImages(images.flatMap((entry) => {
		const src = entry.image?.url ?? entry.originalSource?.url;
		return src ? [{ id: mediaNumber(entry.id), src, alt: entry.image?.altText ?? entry.alt }] : [];
	}));
}

/**
 * Why a product's images cannot be read yet: 'failed' when Shopify could not process one (left out until the product
 * changes again: a retried write sends the image anew), 'processing' while one is UPLOADED or PROCESSING. A first read
 * (no cursor) takes a processing image by its original source, so a product it matches by SKU is never left out.
 */
function unsettledImages(media: ShopifyMedia[], firstRead: boolean): 'failed' | 'processing' | undefined {
	const images = media.filter((entry) => entry.mediaContentType === 'IMAGE');
	if (images.some((entry) => entry.status === 'FAILED')) return 'failed';
	const processing = images.filter((entry) => entry.status === 'UPLOADED' || entry.status === 'PROCESSING');
	return processing.length > 0 && !(firstRead && processing.every((entry) => entry.originalSource?.url)) ? 'processing' : undefined;
}

const mediaNumber = (gid: string) => gid.slice(gid.lastIndexOf('/') + 1);
const mediaGid = (id: string) => `gid://shopify/MediaImage/${id}`;

type SetPayload = { productSet: { product: ShopifyProduct | null; userErrors: Array<{ code: string | null; message: string }> } };

/**
 * Shopify Admin GraphQL products, with one variant or several: pulled by `updated_at:>=` (100 a page, by update time,
 * each product with its first two variants; one with several is then read whole, options and variants), written with
 * `productSet` (synchronous): a product of one variant as the default option and that variant, one of several with its
 * options and every variant, each variant kept by its SKU. Fewer than BULK_THRESHOLD products go one a call (an update
 * first reads its variants' ids); more go as one bulk mutation of `productSet` (lib/platforms/shopify/bulk.ts), the
 * variants' ids read first (200 products a call, or 9 a call for products with several variants). Weights in kilograms.
 */
export class ShopifyProducts implements ProductConnector {
	readonly platform = 'shopify';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BULK_BATCH } };

	constructor(private readonly transport: Transport, private readonly sleep: (ms: number) => Promise<void> = defaultSleep) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS_WITH_IMAGES];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readUpdatedSinceCursor(cursor);
		const data = await this.graphql<{ products: { nodes: Array<ShopifyProduct & { id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(PULL, {
			first: PAGE_SIZE,
			after: position.after ?? null,
			query: updatedSinceQuery(position.since),
		});
		const records = [];
		const held: string[] = [];
		const media = await this.mediaOf(data.products.nodes);
		for (const listed of data.products.nodes) {
			const unsettled = unsettledImages(media.get(listed.id) ?? [], position.since === undefined);
			// Images Shopify is still processing have no URL of their own yet, and one it could not process is none of
			// the product's images: read now, either would look like an image removed or replaced, and that edit would
			// reach the other stores. A product still processing is read again next run (the cursor stays before it).
			if (unsettled === 'processing') held.push(new Date(listed.updatedAt).toISOString());
			if (unsettled) continue;
			// A product with several variants is read whole. It keeps the page's update time, so the cursor never passes
			// products the page has not reached; an edit made since comes again on the next run.
			const whole = listed.variants.nodes.length > 1 ? ((await this.graphql<{ product: ShopifyProduct | null }>(WHOLE, { id: listed.id })).product ?? undefined) : listed;
			const product = whole && { ...whole, media: { nodes: media.get(listed.id) ?? [] } };
			const fields = product && neutral(product);
			if (product && fields) records.push(productRecord(product.legacyResourceId, fields, new Date(listed.updatedAt).toISOString()));
		}
		return { records, ...nextUpdatedSince(position, records.map((record) => record.modifiedAt), data.products.pageInfo, held) };
	}

	/**
	 * The media of a page's products that have some (`mediaCount`), read a batch of products a call: each call asks for
	 * as many media a product as the most its products have, and for as many products as keep it within the query
	 * cost (3 points a media and 3 a product: 165 products of 1 image, 8 of 36, 1 of 250). A product without media
	 * costs nothing more than its count (1 point).
	 */
	private async mediaOf(products: Array<ShopifyProduct & { id: string }>): Promise<Map<string, ShopifyMedia[]>> {
		const media = new Map<string, ShopifyMedia[]>();
		for (const batch of mediaBatches(products.filter((product) => (product.mediaCount?.count ?? 0) > 0).map((product) => ({ id: product.id, count: Math.min(product.mediaCount?.count ?? 0, MAX_MEDIA) })))) {
			const data = await this.graphql<{ nodes: Array<{ id?: string; media?: { nodes: ShopifyMedia[] } } | null> }>(MEDIA_OF, { ids: batch.ids, media: batch.first });
			for (const node of data.nodes) if (node?.id && node.media) media.set(node.id, node.media.nodes);
		}
		return media;
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
				const sized = products.filter(({ index, product }) => {
					const tooMany = (product.variants?.length ?? 1) > MAX_VARIANTS;
					if (tooMany) outcomes.set(index, { ok: false, error: { message: `variants: Shopify takes at most ${MAX_VARIANTS} variants a product, got ${product.variants?.length}`, code: 'INVALID_PRODUCT' } });
					return !tooMany;
				});
				const checked = [];
				for (const entry of sized) {
					const unreachable = await this.unfetchableImage(entry.product);
					if (unreachable) outcomes.set(entry.index, { ok: false, error: unreachable });
					else checked.push(entry);
				}
				if (checked.length >= BULK_THRESHOLD) return new Map([...outcomes, ...(await this.setInBulk(checked))]);
				const answers = new Map<number, { write: RecordWrite; product: ProductWriteFields; data: SetPayload }>();
				for (const { index, write, product } of checked) {
					const answer = await this.set(write.externalId, product);
					if ('ok' in answer) outcomes.set(index, answer);
					else answers.set(index, { write, product, data: answer });
				}
				for (const [index, outcome] of await this.settled(answers)) outcomes.set(index, outcome);
				return outcomes;
			},
			{ variants: true, platform: this.platform },
		);
	}

	/**
	 * Shopify fetches a new image from its URL after productSet has saved the product, and marks it FAILED if it cannot:
	 * each new image is fetched once here first (without the shop's token: the URL is another host's), so an image that
	 * cannot be fetched fails the product before any call, naming images[i].src. Images Shopify holds are not fetched.
	 */
	private async unfetchableImage(product: ProductWriteFields): Promise<{ message: string; code: string } | undefined> {
		for (const [index, image] of (product.images ?? []).entries()) {
			if (image.id) continue;
			try {
				await downloadImage(this.transport, image, index);
			} catch (error) {
				if (error instanceof ImageFetchError) return { message: error.message, code: error.code };
				throw error;
			}
		}
		return undefined;
	}

	/** One product, one productSet (its answer, or the failure); an update first reads its variants and its media's kinds (one call). */
	private async set(externalId: string | undefined, product: ProductWriteFields): Promise<SetPayload | WriteOutcome> {
		try {
			const id = externalId ? productGid(externalId) : undefined;
			const held = id ? await this.held(id, product) : { variants: [], otherMedia: [] };
			return await this.graphql<SetPayload>(SET, setVariables(product, id, held.variants, held.otherMedia));
		} catch (error) {
			return failedWrite(error);
		}
	}

	/**
	 * The outcomes of productSet answers, once Shopify has processed the images they added: Shopify answers with a new
	 * image UPLOADED or PROCESSING and fetches it afterwards, so the statuses of every answer's unprocessed images are
	 * polled together (250 a call) until each is READY or FAILED, or MEDIA_SETTLE_MS has passed.
	 */
	private async settled(answers: Map<number, { write: RecordWrite; product: ProductWriteFields; data: SetPayload }>): Promise<Map<number, WriteOutcome>> {
		const pending = new Map<string, ShopifyMedia>();
		for (const { data } of answers.values()) for (const entry of data.productSet.product?.media?.nodes ?? []) if (entry.mediaContentType === 'IMAGE' && entry.status !== 'READY') pending.set(entry.id, entry);
		const deadline = Date.now() + MEDIA_SETTLE_MS;
		for (let wait = MEDIA_FIRST_POLL_MS; pending.size > 0 && Date.now() < deadline; wait = Math.min(wait * 2, MEDIA_LONGEST_POLL_MS)) {
			await this.sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
			const ids = [...pending.keys()];
			for (let start = 0; start < ids.length; start += NODES_MAX) {
				const batch = ids.slice(start, start + NODES_MAX);
				const data = await this.graphql<{ nodes: Array<Pick<ShopifyMedia, 'id' | 'status' | 'mediaErrors'> | null> }>(MEDIA_STATUS, { ids: batch });
				batch.forEach((id, position) => {
					const node = data.nodes[position];
					// Gone (the product was changed meanwhile): nothing left to wait for.
					if (!node?.status) return void pending.delete(id);
					Object.assign(pending.get(id) as ShopifyMedia, { status: node.status, mediaErrors: node.mediaErrors });
					if (node.status === 'READY' || node.status === 'FAILED') pending.delete(id);
				});
			}
		}
		return new Map([...answers].map(([index, { write, product, data }]) => [index, setOutcome(write.externalId, product, data)]));
	}

	private async held(id: string, product: ProductWriteFields): Promise<{ variants: Array<{ id: string; sku: string | null }>; otherMedia: string[] }> {
		const data = await this.graphql<{ product: { variants: { nodes: Array<{ id: string; sku: string | null }> }; media: { nodes: Array<{ id: string; mediaContentType: string }> } } | null }>(HELD, {
			id,
			first: product.variants ? MAX_VARIANTS : 1,
			// Shopify's connections take `first` of at least 1.
			media: product.images ? MAX_MEDIA : 1,
		});
		return { variants: data.product?.variants.nodes ?? [], otherMedia: (data.product?.media.nodes ?? []).filter((entry) => entry.mediaContentType !== 'IMAGE').map((entry) => entry.id) };
	}

	/**
	 * One bulk mutation for the batch: the updates' variant ids and media counts read first (200 a call; the kinds of the
	 * media of a product with more than the images it is known to hold, so its videos and 3D models are kept), then every product's
	 * `productSet` as a line of the staged file; each product's outcome from its line of the result file. A bulk
	 * operation that could not run or did not complete fails every product of the batch (tried again next run).
	 */
	private async setInBulk(checked: Array<{ index: number; write: RecordWrite; product: ProductWriteFields }>): Promise<Map<number, WriteOutcome>> {
		const outcomes = new Map<number, WriteOutcome>();
		try {
			const updates = checked.flatMap(({ write, product }) => (write.externalId ? [{ id: productGid(write.externalId), several: product.variants !== undefined }] : []));
			const variants = new Map([
				...(await this.existingVariants(updates.filter((update) => !update.several).map((update) => update.id), 1)),
				...(await this.existingVariants(updates.filter((update) => update.several).map((update) => update.id), MAX_VARIANTS)),
			]);
			const otherMedia = await this.otherMedia(checked.flatMap(({ write, product }) => {
				const id = write.externalId ? productGid(write.externalId) : undefined;
				const count = id ? (variants.get(id)?.mediaCount ?? 0) : 0;
				// More media than the images sync knows the product holds: it may have videos or 3D models to keep.
				const known = (product.images ?? []).filter((image) => image.id).length + (product.droppedImageIds?.length ?? 0);
				return id && product.images && count > known ? [{ id, count: Math.min(count, MAX_MEDIA) }] : [];
			}));
			const inputs = checked.map(({ write, product }) => {
				const id = write.externalId ? productGid(write.externalId) : undefined;
				return setVariables(product, id, id ? (variants.get(id)?.variants ?? []) : [], id ? (otherMedia.get(id) ?? []) : []);
			});
			const results = await runBulkMutation<SetPayload>(this.transport, SET, inputs);
			const answers = new Map<number, { write: RecordWrite; product: ProductWriteFields; data: SetPayload }>();
			checked.forEach(({ index, write, product }, position) => {
				const result = results[position];
				if (result?.data) answers.set(index, { write, product, data: result.data });
				else outcomes.set(index, { ok: false, error: { message: result?.errors?.map((error) => error.message).join('; ') ?? 'the bulk operation returned no result for this product', code: result ? 'BULK_LINE_ERROR' : 'BULK_NO_RESULT' } });
			});
			for (const [index, outcome] of await this.settled(answers)) outcomes.set(index, outcome);
		} catch (error) {
			for (const { index } of checked) outcomes.set(index, failedWrite(error));
		}
		return outcomes;
	}

	/**
	 * The variants (id and SKU) of each product: its first only (200 products a call) for a write of one variant, which
	 * keeps that variant; up to MAX_VARIANTS (WHOLE_NODES_PER_CALL products a call, for the query cost) for a write of
	 * several, whose variants are matched by SKU.
	 */
	private async existingVariants(ids: string[], first: number): Promise<Map<string, { variants: Array<{ id: string; sku: string | null }>; mediaCount: number }>> {
		const variants = new Map<string, { variants: Array<{ id: string; sku: string | null }>; mediaCount: number }>();
		const perCall = first === 1 ? NODES_PER_CALL : WHOLE_NODES_PER_CALL;
		for (let start = 0; start < ids.length; start += perCall) {
			const data = await this.graphql<{ nodes: Array<{ id?: string; mediaCount?: { count: number } | null; variants?: { nodes: Array<{ id: string; sku: string | null }> } } | null> }>(VARIANTS_OF, { ids: ids.slice(start, start + perCall), first });
			for (const node of data.nodes) if (node?.id && node.variants) variants.set(node.id, { variants: node.variants.nodes, mediaCount: node.mediaCount?.count ?? 0 });
		}
		return variants;
	}

	/** The ids of the products' videos and 3D models (1 point a media read, as many products a call as the cost allows), sent back so they are kept. */
	private async otherMedia(products: Array<{ id: string; count: number }>): Promise<Map<string, string[]>> {
		const other = new Map<string, string[]>();
		for (const batch of mediaBatches(products, 1)) {
			const data = await this.graphql<{ nodes: Array<{ id?: string; media?: { nodes: Array<{ id: string; mediaContentType: string }> } } | null> }>(MEDIA_KINDS, { ids: batch.ids, media: batch.first });
			for (const node of data.nodes) if (node?.id && node.media) other.set(node.id, node.media.nodes.filter((entry) => entry.mediaContentType !== 'IMAGE').map((entry) => entry.id));
		}
		return other;
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
function setInput(product: ProductWriteFields, id: string | undefined, existing: Array<{ id: string; sku: string | null }>, otherMedia: string[]): Record<string, unknown> {
	const base = { ...(id ? { id } : {}), title: product.title, descriptionHtml: product.description, status: STATUS_TO_SHOPIFY[product.status], ...filesInput(product, otherMedia) };
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

/** productSet's variables: its input, and as many media to answer with as the product is given. */
function setVariables(product: ProductWriteFields, id: string | undefined, existing: Array<{ id: string; sku: string | null }>, otherMedia: string[]) {
	const input = setInput(product, id, existing, otherMedia);
	// Shopify's connections take `first` of at least 1; an answer to a write without files lists no images (setOutcome).
	return { input, media: Math.min(MAX_MEDIA, Math.max(1, Array.isArray(input.files) ? input.files.length : 0)) };
}

/**
 * The product's images as productSet's `files`, in order: one Shopify holds by its id (its alt text set; nothing
 * fetched), a new one by `originalSource` (Shopify fetches it); then the product's videos and 3D models by id, kept.
 * Shopify replaces the product's media with the list, so an image left out is removed. No images given: no `files`,
 * and the product's media are left alone.
 */
function filesInput(product: ProductWriteFields, otherMedia: string[]): { files?: Array<Record<string, unknown>> } {
	if (!product.images) return {};
	const images = product.images.map((image) => (image.id ? { id: mediaGid(image.id), alt: image.alt } : { originalSource: image.src, alt: image.alt, contentType: 'IMAGE' }));
	return { files: [...images, ...otherMedia.map((id) => ({ id }))] };
}

/** The most media each call reads a product, and its products: as many as keep it within the query cost. */
export function mediaBatches(products: Array<{ id: string; count: number }>, mediaCost = MEDIA_COST): Array<{ ids: string[]; first: number }> {
	const batches: Array<{ ids: string[]; first: number }> = [];
	for (const product of [...products].sort((a, b) => a.count - b.count)) {
		const last = batches[batches.length - 1];
		const first = Math.max(last?.first ?? 0, product.count);
		if (last && (last.ids.length + 1) * (PRODUCT_MEDIA_COST + mediaCost * first) <= QUERY_BUDGET) {
			last.ids.push(product.id);
			last.first = first;
		} else batches.push({ ids: [product.id], first: product.count });
	}
	return batches;
}

/** A variant's price, compare-at price, SKU and weight as productSet takes them. */
function variantInput(variant: { sku: string; price: string | null; compareAtPrice: string | null; weight: number | null }) {
	return { price: variant.price ?? '0', compareAtPrice: variant.compareAtPrice, inventoryItem: { sku: variant.sku, measurement: { weight: { value: variant.weight ?? 0, unit: KILOGRAMS } } } };
}

/**
 * One productSet answer (its new images processed) as the product's outcome: refused with Shopify's message, or the
 * product as saved, its images in the order sent with their ids (one still processing has no URL yet: the one it was
 * sent from stands in). An image Shopify could not process (its media FAILED) fails the product naming images[i].src
 * and Shopify's media error; the product is saved and linked, and the next run sends the image again.
 */
function setOutcome(externalId: string | undefined, sent: ProductWriteFields, data: SetPayload): WriteOutcome {
	const [refused] = data.productSet.userErrors;
	if (refused || !data.productSet.product) return { ok: false, error: { message: refused?.message ?? 'Shopify set no product', code: refused?.code ?? undefined } };
	const saved = data.productSet.product;
	const media = (saved.media?.nodes ?? []).filter((entry) => entry.mediaContentType === 'IMAGE');
	const failed = sent.images ? media.findIndex((entry) => entry.status === 'FAILED') : -1;
	if (failed >= 0 && sent.images?.[failed]) {
		const reasons = (media[failed].mediaErrors ?? []).map((error) => `${error.code}: ${error.message}`).join('; ');
		const error = new ImageFetchError(`images[${failed}].src`, sent.images[failed].src, `Shopify could not process it (media status FAILED${reasons ? `, ${reasons}` : ''})`);
		return { ok: false, externalId: saved.legacyResourceId, partial: true, error: { message: error.message, code: error.code } };
	}
	// Written without images, the answer lists none (none asked for): its media are not part of the outcome.
	const fields = { ...neutral({ ...saved, media: undefined }) };
	const images = sent.images ? readImages(media.map((entry, index) => ({ id: mediaNumber(entry.id), src: entry.image?.url ?? sent.images?.[index]?.src ?? '', alt: entry.image?.altText ?? entry.alt }))) : undefined;
	return { ok: true, externalId: saved.legacyResourceId, created: !externalId, fields: images ? { ...fields, images } : fields, modifiedAt: new Date(saved.updatedAt).toISOString() };
}
