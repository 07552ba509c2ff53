/**
 * What a store can do for the product catalogue kept in step: its products as records of the sync engine (entity
 * `products`), pulled by updated-at cursor and written in the vendor's batches. Each store's connector speaks the
 * neutral product fields below, translating its vendor's own names and values, so one mapping serves every store and
 * a value written and read back compares equal (no echo).
 */
import type { FieldMapping } from '../records/mapping';
import type { Transport } from '../transport/transport';
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
	/**
	 * A product with several variants only (absent on a product with one): its options in order, each with its values
	 * in order (Size: S, M, L). `sku`, `price`, `compareAtPrice` and `weight` above are then its first variant's.
	 */
	options?: ProductOption[];
	/** A product with several variants only: each variant, matched across stores by its own SKU. */
	variants?: ProductVariant[];
	/**
	 * The product's images in order (the first is the main one). Absent: the store keeps no images here, and a write
	 * without them leaves the product's images alone; a list replaces them (empty: none).
	 */
	images?: ProductImage[];
}

/**
 * One image of a product. Kept in step as the hub holds it, `src` is where the image was first read (its URL on that
 * store): every store serves its copies from its own URL, and sync matches a copy to its origin through the ID map
 * (lib/sync/productImages.ts), never by comparing URLs.
 */
export interface ProductImage {
	src: string;
	/** The alt text ('' for none). */
	alt: string;
	/** 1 for the main image, then 2, 3…: the image's place in the list. */
	position: number;
}

/**
 * An image as a store's connector reads and writes it. Read: `src` is the store's own URL and `id` its own id of the
 * image. Written: `src` is where to fetch the image from, and `id` is set when the store already holds it (kept, its
 * alt text and place set; nothing fetched).
 */
export interface StoreImage extends ProductImage {
	id?: string;
}

/** A product as written to a store: the neutral fields, its images as the store holds them, and the ids of those it drops. */
export interface ProductWriteFields extends Omit<ProductFields, 'images'> {
	images?: StoreImage[];
	/** The store's ids of images the product held there that the written list leaves out (for stores that delete one by one). */
	droppedImageIds?: string[];
}

export interface ProductOption {
	name: string;
	values: string[];
}

export interface ProductVariant {
	sku: string;
	price: string | null;
	compareAtPrice: string | null;
	weight: number | null;
	/** The variant's value of each option, by option name ({Size: "M", Color: "Red"}). */
	options: Record<string, string>;
}

export const PRODUCT_FIELDS: ReadonlyArray<keyof ProductFields> = ['sku', 'title', 'description', 'price', 'compareAtPrice', 'status', 'weight', 'options', 'variants'];
/** The fields of a store whose connector keeps images too. */
export const PRODUCT_FIELDS_WITH_IMAGES: ReadonlyArray<keyof ProductFields> = [...PRODUCT_FIELDS, 'images'];

/** Shopify's limit of options per product, which the neutral model keeps. */
export const MAX_PRODUCT_OPTIONS = 3;

/** One mapping for every store: the connectors already speak the neutral fields. */
export const productMappings: FieldMapping[] = PRODUCT_FIELDS_WITH_IMAGES.map((field) => ({ internal: field, external: field }));

/**
 * The mappings of one store: the fields its connector keeps. A store that keeps no images is neither given them nor
 * compared on them, so it never echoes a list it does not hold.
 */
export function productMappingsOf(fieldNames: string[]): FieldMapping[] {
	return productMappings.filter((mapping) => fieldNames.includes(mapping.external));
}

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

/**
 * The neutral fields of a write, checked: a product without SKU or with an unknown status is refused before any call,
 * and so is a product with several variants for a store that keeps single products (`variants` false).
 */
export function productWrite(write: RecordWrite, accepts: { variants: boolean; platform?: string } = { variants: false }): ProductWriteFields {
	const fields = write.fields as Partial<ProductFields>;
	if (typeof fields.sku !== 'string' || fields.sku.trim() === '') throw new Error('sku must be a non-empty string');
	if (fields.status !== undefined && !PRODUCT_STATUSES.includes(fields.status)) throw new Error(`status must be one of ${PRODUCT_STATUSES.join(', ')}, got ${JSON.stringify(fields.status)}`);
	const images = fields.images === undefined || fields.images === null ? {} : { images: productImages(fields.images) };
	const dropped = (write.fields as Partial<ProductWriteFields>).droppedImageIds;
	const product: ProductWriteFields = {
		...images,
		...(Array.isArray(dropped) && dropped.length > 0 ? { droppedImageIds: dropped.map(String) } : {}),
		sku: fields.sku,
		title: typeof fields.title === 'string' ? fields.title : '',
		description: typeof fields.description === 'string' ? fields.description : '',
		price: decimalText(fields.price, 'price'),
		compareAtPrice: decimalText(fields.compareAtPrice, 'compareAtPrice'),
		status: fields.status ?? 'active',
		weight: weightValue(fields.weight, 'weight'),
	};
	if (fields.variants === undefined || fields.variants === null) return product;
	if (!accepts.variants) throw new Error(`variants: a product with several variants is not written to ${accepts.platform ?? 'this store'}, which keeps single products here`);
	const options = productOptions(fields.options);
	return { ...product, options, variants: productVariants(fields.variants, options) };
}

const isWebUrl = (value: string) => {
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
};

/**
 * `images`, checked: each with an http(s) `src`, text `alt` and a whole `position` of at least 1 (both optional), no
 * URL twice; put in their positions' order (ties keep the list's) and numbered 1, 2, 3…
 */
export function productImages(value: unknown): StoreImage[] {
	if (!Array.isArray(value)) throw new Error(`images must be a list, got ${JSON.stringify(value)}`);
	const sources = new Set<string>();
	const checked = value.map((entry: unknown, index) => {
		const image = (entry ?? {}) as Partial<Record<keyof StoreImage, unknown>>;
		const where = `images[${index}]`;
		if (typeof image.src !== 'string' || !isWebUrl(image.src)) throw new Error(`${where}.src must be an http or https URL, got ${JSON.stringify(image.src)}`);
		if (sources.has(image.src)) throw new Error(`${where}.src lists an image the product has already: ${image.src}`);
		sources.add(image.src);
		if (image.alt !== undefined && image.alt !== null && typeof image.alt !== 'string') throw new Error(`${where}.alt must be text, got ${JSON.stringify(image.alt)}`);
		if (image.position !== undefined && !(Number.isInteger(image.position) && (image.position as number) >= 1)) throw new Error(`${where}.position must be a whole number of at least 1, got ${JSON.stringify(image.position)}`);
		if (image.id !== undefined && typeof image.id !== 'string') throw new Error(`${where}.id must be text, got ${JSON.stringify(image.id)}`);
		return { index, place: (image.position as number | undefined) ?? index + 1, image: { src: image.src, alt: (image.alt as string | undefined) ?? '', ...(image.id ? { id: image.id as string } : {}) } };
	});
	checked.sort((a, b) => a.place - b.place || a.index - b.index);
	return checked.map(({ image }, position) => ({ ...image, position: position + 1 }));
}

/** A store's images as read, in order, numbered 1, 2, 3…: what its connector reports. */
export function readImages(images: Array<{ id: string | number; src: string; alt?: string | null }>): StoreImage[] {
	return images.map((image, position) => ({ id: String(image.id), src: image.src, alt: image.alt ?? '', position: position + 1 }));
}

/** A product's image that could not be fetched, named by its field: the product is not written to that store. */
export class ImageFetchError extends Error {
	readonly code = 'IMAGE_NOT_FETCHED';

	constructor(readonly field: string, readonly src: string, reason: string) {
		super(`${field}: the image ${src} could not be fetched: ${reason}`);
		this.name = 'ImageFetchError';
	}
}

/** The file name an image's URL ends in (what a store that takes uploads names its copy). */
function imageFileName(src: string): string {
	const last = new URL(src).pathname.split('/').pop() ?? '';
	const name = decodeURIComponent(last).replace(/[^\w.-]+/g, '-');
	return name === '' || name === '-' ? 'image' : name;
}

/**
 * The bytes of a product image for a store that takes files, not URLs (Magento): fetched through the store's own
 * transport (its rate window, its retries) but without its credential, since the URL is another host's. An answer that
 * is no image, or none, refuses the image naming its field.
 */
export async function downloadImage(transport: Transport, image: StoreImage, index: number): Promise<{ bytes: Buffer; contentType: string; name: string }> {
	const field = `images[${index}].src`;
	let response;
	try {
		response = await transport.send({ method: 'GET', url: image.src, unauthenticated: true, responseType: 'binary' });
	} catch (error) {
		const status = (error as { status?: number }).status;
		throw new ImageFetchError(field, image.src, status ? `HTTP ${status}: ${(error as Error).message}` : (error as Error).message);
	}
	const contentType = (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (!contentType.startsWith('image/') || !Buffer.isBuffer(response.body)) throw new ImageFetchError(field, image.src, `the answer is no image (${contentType || 'no content type'})`);
	return { bytes: response.body, contentType, name: imageFileName(image.src) };
}

/** The image a store's refusal names by its URL (it could not fetch it), as that image's failure; undefined for any other refusal. */
export function imageFailure(sent: ProductWriteFields | undefined, error: { message: string }): { message: string; code: string } | undefined {
	const index = sent?.images?.findIndex((image) => !image.id && error.message.includes(image.src)) ?? -1;
	if (index < 0) return undefined;
	const failure = new ImageFetchError(`images[${index}].src`, (sent?.images ?? [])[index].src, error.message);
	return { message: failure.message, code: failure.code };
}

/** `options`, checked: 1 to 3 options, each a name of its own and distinct text values. */
function productOptions(value: unknown): ProductOption[] {
	if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PRODUCT_OPTIONS) throw new Error(`options must be a list of 1 to ${MAX_PRODUCT_OPTIONS} options, got ${JSON.stringify(value)}`);
	const names = new Set<string>();
	return value.map((option: unknown, index) => {
		const { name, values } = (option ?? {}) as { name?: unknown; values?: unknown };
		if (typeof name !== 'string' || name.trim() === '' || names.has(name)) throw new Error(`options[${index}].name must be a non-empty name of its own, got ${JSON.stringify(name)}`);
		names.add(name);
		if (!Array.isArray(values) || values.length === 0 || values.some((entry) => typeof entry !== 'string' || entry === '') || new Set(values).size !== values.length) {
			throw new Error(`options[${index}].values must be distinct non-empty texts, got ${JSON.stringify(values)}`);
		}
		return { name, values: [...(values as string[])] };
	});
}

/** `variants`, checked against the options: each with a SKU of its own and one listed value of every option, no two alike. */
function productVariants(value: unknown, options: ProductOption[]): ProductVariant[] {
	if (!Array.isArray(value) || value.length === 0) throw new Error(`variants must be a non-empty list, got ${JSON.stringify(value)}`);
	const skus = new Set<string>();
	const combinations = new Set<string>();
	return value.map((entry: unknown, index) => {
		const variant = (entry ?? {}) as Partial<Record<keyof ProductVariant, unknown>>;
		const where = `variants[${index}]`;
		if (typeof variant.sku !== 'string' || variant.sku.trim() === '' || skus.has(variant.sku)) throw new Error(`${where}.sku must be a non-empty SKU of its own, got ${JSON.stringify(variant.sku)}`);
		skus.add(variant.sku);
		const chosen = (variant.options ?? {}) as Record<string, unknown>;
		if (typeof chosen !== 'object' || Array.isArray(chosen)) throw new Error(`${where}.options must name a value of each option, got ${JSON.stringify(variant.options)}`);
		for (const option of options) {
			if (typeof chosen[option.name] !== 'string' || !option.values.includes(chosen[option.name] as string)) {
				throw new Error(`${where}.options.${option.name} must be one of ${option.values.join(', ')}, got ${JSON.stringify(chosen[option.name])}`);
			}
		}
		const unknown = Object.keys(chosen).find((name) => !options.some((option) => option.name === name));
		if (unknown !== undefined) throw new Error(`${where}.options.${unknown} is no option of the product`);
		const combination = JSON.stringify(options.map((option) => chosen[option.name]));
		if (combinations.has(combination)) throw new Error(`${where}.options repeat another variant's values ${combination}`);
		combinations.add(combination);
		return {
			sku: variant.sku,
			price: decimalText(variant.price, `${where}.price`),
			compareAtPrice: decimalText(variant.compareAtPrice, `${where}.compareAtPrice`),
			weight: weightValue(variant.weight, `${where}.weight`),
			options: Object.fromEntries(options.map((option) => [option.name, chosen[option.name] as string])),
		};
	});
}

/** The fields a product has whatever its variants: with `variantFields` they make a product of several variants. */
export type ProductBase = Pick<ProductFields, 'title' | 'description' | 'status' | 'images'>;

/**
 * A product of several variants in the neutral fields, as every store reads it back: its SKU, prices and weight its
 * first variant's (what matches it across stores, as on Shopify, which has no product SKU of its own).
 */
export function variantProduct(base: ProductBase, options: ProductOption[], variants: ProductVariant[]): ProductFields {
	const [first] = variants;
	return { ...base, sku: first.sku, price: first.price, compareAtPrice: first.compareAtPrice, weight: first.weight, options, variants };
}

/**
 * The variants in the order of their options' values (by the first option's value, then the second's…): the order of a
 * store that keeps no order of its own (BigCommerce lists values, not variants), so each store reads the same order.
 */
export function variantsInOptionOrder<T extends { options: Record<string, string> }>(options: ProductOption[], variants: T[]): T[] {
	const rank = (variant: T) => options.map((option) => option.values.indexOf(variant.options[option.name]));
	return [...variants].sort((a, b) => {
		const [left, right] = [rank(a), rank(b)];
		return left.map((value, index) => value - right[index]).find((difference) => difference !== 0) ?? 0;
	});
}

/** A variant read from a store, its option values named by option, its position in the product's order. */
export interface StoredVariant {
	id: string;
	sku: string;
}

/**
 * How a store's variants become the product's: a variant whose SKU the store has is updated in place (its id kept), a
 * new SKU is created, a SKU the product no longer lists is removed. `position` is the variant's place in the product.
 */
export interface VariantPlan<T extends StoredVariant = StoredVariant> {
	create: Array<{ position: number; variant: ProductVariant }>;
	update: Array<{ position: number; variant: ProductVariant; stored: T }>;
	remove: T[];
}

export function planVariants<T extends StoredVariant>(variants: ProductVariant[], stored: T[]): VariantPlan<T> {
	const bySku = new Map(stored.map((entry) => [entry.sku, entry]));
	const plan: VariantPlan<T> = { create: [], update: [], remove: [] };
	variants.forEach((variant, position) => {
		const existing = bySku.get(variant.sku);
		if (existing) plan.update.push({ position, variant, stored: existing });
		else plan.create.push({ position, variant });
	});
	const kept = new Set(variants.map((variant) => variant.sku));
	plan.remove = stored.filter((entry) => !kept.has(entry.sku));
	return plan;
}

/** A store's refusal of one variant as the product's error, naming the variant (`variants[1].sku: …`). */
export function variantError(position: number, field: string | undefined, message: string): string {
	return `variants[${position}]${field ? `.${field}` : ''}: ${message}`;
}

/**
 * Each write checked on its own: a malformed one fails alone, the others go on to `send`. `accepts.variants`: the store
 * writes products with several variants (all four stores do); a connector that does not refuses them, naming the field.
 */
export async function writeChecked(
	batch: RecordWrite[],
	send: (checked: Array<{ index: number; write: RecordWrite; product: ProductWriteFields }>) => Promise<Map<number, WriteOutcome>>,
	accepts: { variants: boolean; platform?: string } = { variants: false },
): Promise<WriteOutcome[]> {
	return writeEachChecked(batch, (write) => productWrite(write, accepts), 'INVALID_PRODUCT', (checked) => send(checked.map(({ index, write, value }) => ({ index, write, product: value }))));
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
