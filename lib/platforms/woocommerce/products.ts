import type { Transport } from '../../transport/transport';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
import { BATCH_SIZE, writeWooBatch, type WooBatchEntry } from './batch';
import { failedWrite } from '../crm';
import {
	decimalText,
	imageFailure,
	nextProductPage,
	planVariants,
	PRODUCT_FIELDS_WITH_IMAGES,
	productRecord,
	readImages,
	readProductCursor,
	variantError,
	variantProduct,
	weightValue,
	writeChecked,
	type ProductBase,
	type ProductConnector,
	type ProductFields,
	type ProductStatus,
	type ProductVariant,
	type ProductWriteFields,
} from '../products';

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
	/** In order, the first the product's main image. */
	images?: Array<{ id: number; src: string; name?: string; alt: string }>;
	/** A variable product's attributes; those with `variation: true` are its options. */
	attributes?: Array<{ name: string; position: number; variation: boolean; options: string[] }>;
}

/** A variation of a variable product: its own SKU, prices and weight, and its option of each varying attribute. */
interface WooVariation {
	id: number;
	sku: string;
	regular_price: string;
	sale_price: string;
	weight: string;
	menu_order: number;
	attributes: Array<{ name: string; option: string }>;
	date_modified_gmt: string;
}

const PAGE_SIZE = 100;
const SIMPLE = 'simple';
const VARIABLE = 'variable';

const STATUS_TO_WOO: Record<ProductStatus, string> = { active: 'publish', draft: 'draft', archived: 'private' };
const STATUS_FROM_WOO: Record<string, ProductStatus> = { publish: 'active', draft: 'draft', pending: 'draft', private: 'archived' };

/** On sale, the sale price sells and the regular price is struck through. */
function neutralPrices(entry: { regular_price: string; sale_price: string }, where = '') {
	const sale = decimalText(entry.sale_price, `${where}sale_price`);
	const regular = decimalText(entry.regular_price, `${where}regular_price`);
	return { price: sale ?? regular, compareAtPrice: sale ? regular : null };
}

function wooPrices(entry: { price: string | null; compareAtPrice: string | null }) {
	const onSale = entry.compareAtPrice !== null && entry.price !== null;
	return { regular_price: (onSale ? entry.compareAtPrice : entry.price) ?? '', sale_price: onSale ? (entry.price as string) : '' };
}

const wooWeight = (weight: number | null) => (weight === null ? '' : String(weight));

function neutralBase(product: WooProduct): ProductBase {
	return { title: product.name, description: product.description, status: STATUS_FROM_WOO[product.status] ?? 'draft', images: readImages(product.images ?? []) };
}

/** A simple WooCommerce product in the neutral fields. */
function neutral(product: WooProduct): ProductFields {
	return { ...neutralBase(product), sku: product.sku, ...neutralPrices(product), weight: weightValue(product.weight, 'weight') };
}

/**
 * A variable product with its variations (in their menu order) in the neutral fields; undefined when a variation has
 * no SKU or no option of a varying attribute: SKUs match variants across stores.
 */
function neutralVariable(product: WooProduct, variations: WooVariation[]): ProductFields | undefined {
	const options = (product.attributes ?? [])
		.filter((attribute) => attribute.variation)
		.sort((a, b) => a.position - b.position)
		.map((attribute) => ({ name: attribute.name, values: [...attribute.options] }));
	const ordered = [...variations].sort((a, b) => a.menu_order - b.menu_order || a.id - b.id);
	if (options.length === 0 || ordered.length === 0) return undefined;
	const variants: ProductVariant[] = [];
	for (const [index, variation] of ordered.entries()) {
		const chosen = new Map(variation.attributes.map((attribute) => [attribute.name, attribute.option]));
		if (!variation.sku || options.some((option) => !chosen.has(option.name))) return undefined;
		const where = `variants[${index}].`;
		variants.push({ sku: variation.sku, ...neutralPrices(variation, where), weight: weightValue(variation.weight, `${where}weight`), options: Object.fromEntries(options.map((option) => [option.name, chosen.get(option.name) as string])) });
	}
	return variantProduct(neutralBase(product), options, variants);
}

/**
 * The product's own fields. A product of several variants is a variable product: its options are attributes that vary
 * its variations, and it has no SKU, price or weight of its own (its variations have them; its SKU is left as it is,
 * empty on a create, so it never takes a variation's).
 */
function wooFields(product: ProductWriteFields, created: boolean): Record<string, unknown> {
	const common = { name: product.title, description: product.description, status: STATUS_TO_WOO[product.status], ...wooImages(product) };
	if (!product.options || !product.variants) return { ...common, sku: product.sku, type: SIMPLE, ...wooPrices(product), weight: wooWeight(product.weight) };
	return {
		...common,
		...(created ? { sku: '' } : {}),
		type: VARIABLE,
		attributes: product.options.map((option, position) => ({ name: option.name, position, visible: true, variation: true, options: option.values })),
	};
}

/**
 * Images in order (the first the main one): one the store holds by its id (its alt text set), a new one by `src`, which
 * WooCommerce downloads into its media library; the list replaces the product's images.
 */
function wooImages(product: ProductWriteFields): { images?: Array<{ id?: number; src?: string; alt: string }> } {
	if (!product.images) return {};
	return { images: product.images.map((image) => (image.id ? { id: Number(image.id), alt: image.alt } : { src: image.src, alt: image.alt })) };
}

/** A variant as a variation: its place is its menu order, so it reads back in the product's order. */
function variationFields(variant: ProductVariant, position: number): Record<string, unknown> {
	return {
		sku: variant.sku,
		...wooPrices(variant),
		weight: wooWeight(variant.weight),
		menu_order: position,
		attributes: Object.entries(variant.options).map(([name, option]) => ({ name, option })),
	};
}

/** WooCommerce's *_gmt times are UTC without a zone designator. */
const utc = (gmt: string) => `${gmt.replace(/Z$/, '')}Z`;

/**
 * WooCommerce REST v3 products, simple and variable: pulled by `modified_after` (a variable product's variations read
 * with it, 100 a call), written by `products/batch`, 100 creates and updates a call, each answered on its own; then a
 * variable product's variations by `products/{id}/variations/batch` (one call for up to 100 variants, after reading the
 * variations an update already has), each variation matched by its SKU.
 */
export class WooCommerceProducts implements ProductConnector {
	readonly platform = 'woocommerce';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BATCH_SIZE } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS_WITH_IMAGES];
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
		const records = [];
		for (const product of page) {
			const fields = product.type === SIMPLE && product.sku ? neutral(product) : product.type === VARIABLE ? neutralVariable(product, await this.variations(product.id)) : undefined;
			if (fields) records.push(productRecord(String(product.id), fields, new Date(utc(product.date_modified_gmt)).toISOString()));
		}
		return nextProductPage(position, records, page.length === PAGE_SIZE);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	/** The products in one batch call; then each variable product's variations, a product whose variations failed failing with the variant named. */
	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(
			batch,
			async (checked) => {
				const saved = new Map<string, WooProduct>();
				const sent = new Map(checked.map(({ index, product }) => [index, product]));
				const outcomes = await writeWooBatch<WooProduct>(this.transport, '/products/batch', checked.map(({ index, write, product }) => ({ index, write, fields: wooFields(product, !write.externalId) })), (entry, created, index) => {
					if (entry && !('error' in entry)) saved.set(String(entry.id), entry as WooProduct);
					return outcomeOf(entry, created, sent.get(index));
				});
				for (const { index, write, product } of checked) {
					const outcome = outcomes.get(index);
					const parent = outcome?.ok ? saved.get(outcome.externalId) : undefined;
					if (product.variants && parent) outcomes.set(index, await this.writeVariations(parent, product.variants, !write.externalId));
				}
				return outcomes;
			},
			{ variants: true, platform: this.platform },
		);
	}

	/** All variations of a variable product (100 a call). */
	private async variations(productId: number | string): Promise<WooVariation[]> {
		const all: WooVariation[] = [];
		for (let page = 1; ; page++) {
			const found = await this.transport.request<WooVariation[]>({ method: 'GET', url: `/products/${productId}/variations`, qs: { per_page: PAGE_SIZE, page, orderby: 'id', order: 'asc' } });
			all.push(...found);
			if (found.length < PAGE_SIZE) return all;
		}
	}

	/**
	 * The variations made the product's: those of a SKU the product lists updated, new SKUs created, others deleted, in
	 * batches of 100; a refused variation fails the product (see `failed`).
	 */
	private async writeVariations(parent: WooProduct, variants: ProductVariant[], created: boolean): Promise<WriteOutcome> {
		try {
			const stored = created ? [] : (await this.variations(parent.id)).map((variation) => ({ ...variation, id: String(variation.id) }));
			const plan = planVariants(variants, stored);
			const operations: VariationOperation[] = [
				...plan.update.map(({ position, variant, stored: existing }) => ({ kind: 'update' as const, position, body: { id: Number(existing.id), ...variationFields(variant, position) } })),
				...plan.create.map(({ position, variant }) => ({ kind: 'create' as const, position, body: variationFields(variant, position) })),
				...plan.remove.map((existing) => ({ kind: 'delete' as const, position: -1, body: Number(existing.id) })),
			];
			const saved: WooVariation[] = [];
			for (let start = 0; start < operations.length; start += BATCH_SIZE) {
				const refused = await this.variationBatch(parent.id, operations.slice(start, start + BATCH_SIZE), saved);
				if (refused) return this.failed(parent.id, created, refused);
			}
			const fields = neutralVariable(parent, saved);
			if (!fields) return this.failed(parent.id, created, { message: 'variants: WooCommerce did not save every variation with its SKU and options' });
			const modifiedAt = [parent, ...saved].map((entry) => new Date(utc(entry.date_modified_gmt)).toISOString()).sort().at(-1);
			return { ok: true, externalId: String(parent.id), created, fields: { ...fields }, modifiedAt };
		} catch (error) {
			return this.failed(parent.id, created, (failedWrite(error) as Extract<WriteOutcome, { ok: false }>).error);
		}
	}

	/**
	 * A variable product whose variations could not all be written. Just created, it is deleted with its variations
	 * (`force`): left half made, the next read would take it for an edit made on WooCommerce and copy it back; the next
	 * run creates it again. Updated, it is left partly written (the product saved, some variations too) and written
	 * again on the next run.
	 */
	private async failed(productId: number, created: boolean, error: { message: string; code?: string }): Promise<WriteOutcome> {
		if (!created) return { ok: false, error, externalId: String(productId), partial: true };
		try {
			await this.transport.request({ method: 'DELETE', url: `/products/${productId}`, qs: { force: true } });
			return { ok: false, error };
		} catch (cleanup) {
			return { ok: false, error: { ...error, message: `${error.message} (the variable product ${productId} created could not be removed: ${(cleanup as Error).message})` }, externalId: String(productId) };
		}
	}

	/** One call of `variations/batch`; each variation saved is put at its place, the first refusal is the product's error. */
	private async variationBatch(productId: number, operations: VariationOperation[], saved: WooVariation[]): Promise<{ message: string; code?: string } | undefined> {
		const of = (kind: VariationOperation['kind']) => operations.filter((operation) => operation.kind === kind);
		const body = await this.transport.request<Partial<Record<VariationOperation['kind'], Array<WooBatchEntry<WooVariation>>>>>({
			method: 'POST',
			url: `/products/${productId}/variations/batch`,
			body: { create: of('create').map((operation) => operation.body), update: of('update').map((operation) => operation.body), delete: of('delete').map((operation) => operation.body) },
		});
		for (const kind of ['create', 'update', 'delete'] as const) {
			for (const [place, operation] of of(kind).entries()) {
				const entry = body[kind]?.[place];
				if (entry && !('error' in entry)) {
					if (kind !== 'delete') saved[operation.position] = entry as WooVariation;
					continue;
				}
				const message = entry ? entry.error.message : 'WooCommerce answered the batch without this variation';
				if (kind === 'delete') return { message: `variants: the variation ${operation.body as number} no longer listed was not removed: ${message}`, code: entry?.error.code };
				return { message: variantError(operation.position, entry?.error.code.includes('sku') ? 'sku' : undefined, message), code: entry?.error.code };
			}
		}
		return undefined;
	}
}

/** One variation to create, update or delete (by id), and its variant's place in the product. */
interface VariationOperation {
	kind: 'create' | 'update' | 'delete';
	position: number;
	body: Record<string, unknown> | number;
}

/** A product's entry of the batch answer; WooCommerce's refusal of an image it could not fetch names the image's field. */
function outcomeOf(entry: WooBatchEntry<WooProduct> | undefined, created: boolean, sent: ProductWriteFields | undefined): WriteOutcome {
	if (!entry) return { ok: false, error: { message: 'WooCommerce answered the batch without this product' } };
	if ('error' in entry) return { ok: false, error: imageFailure(sent, entry.error) ?? { message: entry.error.message, code: entry.error.code } };
	const product = entry as WooProduct;
	return { ok: true, externalId: String(product.id), created, fields: { ...neutral(product) }, modifiedAt: new Date(utc(product.date_modified_gmt)).toISOString() };
}
