import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { failedWrite, failedWrites, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import {
	decimalText,
	imageFailure,
	ImageFetchError,
	nextProductPage,
	planVariants,
	PRODUCT_FIELDS_WITH_IMAGES,
	productRecord,
	readImages,
	readProductCursor,
	variantError,
	variantProduct,
	variantsInOptionOrder,
	weightValue,
	writeChecked,
	type ProductBase,
	type ProductConnector,
	type ProductFields,
	type ProductOption,
	type ProductVariant,
	type ProductWriteFields,
	type StoreImage,
} from '../products';

interface CatalogVariant {
	id: number;
	sku: string;
	/** null: the product's own is used. */
	price: number | null;
	retail_price: number | null;
	weight: number | null;
	option_values: Array<{ id: number; option_id: number; label: string; option_display_name: string }>;
}

interface CatalogOption {
	id: number;
	display_name: string;
	sort_order: number;
	option_values: Array<{ id: number; label: string; sort_order: number }>;
}

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
	/** Null for a product with options (BigCommerce: "null for complex products"). */
	base_variant_id?: number | null;
	/** With `include=variants,options,images`. */
	variants?: CatalogVariant[];
	options?: CatalogOption[];
	images?: CatalogImage[];
}

interface CatalogImage {
	id: number;
	description: string;
	sort_order: number;
	url_zoom: string;
}

/** A product's variants, options and images, read with it. */
const INCLUDE = 'variants,options,images';
/** BigCommerce updates at most 50 variants a call (`PUT /catalog/variants`). */
const VARIANT_BATCH = 50;
const PAGE_SIZE = 250;
/** BigCommerce updates at most 10 products a call (PUT /catalog/products); a create is one product a call. */
const BATCH_SIZE = 10;

/**
 * The neutral status from visibility and availability: visible is active; hidden and purchasable is a draft; hidden
 * and disabled is archived (BigCommerce has no status of its own).
 */
function neutralBase(product: CatalogProduct): ProductBase {
	return {
		title: product.name,
		description: product.description,
		status: product.is_visible ? 'active' : product.availability === 'disabled' ? 'archived' : 'draft',
		...(product.images ? { images: storeImages(product.images) } : {}),
	};
}

/** Images in BigCommerce's display order (`sort_order`, then as added), each by its largest URL, its description the alt text. */
const storeImages = (images: CatalogImage[]): StoreImage[] =>
	readImages([...images].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id).map((image) => ({ id: image.id, src: image.url_zoom, alt: image.description })));

/** An image as BigCommerce takes it: its place as `sort_order`, the first the thumbnail. */
const imageFields = (image: StoreImage) => ({ description: image.alt, sort_order: image.position - 1, is_thumbnail: image.position === 1 });

/**
 * The product's images in its create (each by `image_url`: BigCommerce downloads it) or its update (only those it holds,
 * by id: new ones are added and dropped ones deleted after the batch, a call each).
 */
function imagesOfWrite(product: ProductWriteFields, created: boolean): { images?: Array<Record<string, unknown>> } {
	if (!product.images) return {};
	if (created) return product.images.length > 0 ? { images: product.images.map((image) => ({ image_url: image.src, ...imageFields(image) })) } : {};
	return { images: product.images.filter((image) => image.id).map((image) => ({ id: Number(image.id), ...imageFields(image) })) };
}

/** A retail price of 0 is none. */
const retailPrice = (value: number | null, field: string) => (value ? decimalText(value, field) : null);

/**
 * A product in the neutral fields: without options, itself; with options (read with `include=variants,options`), its
 * options and values by their sort order and its variants in that order, a variant's price, retail price or weight left
 * empty being the product's. Undefined when a variant has no SKU: SKUs match variants across stores.
 */
function neutral(product: CatalogProduct): ProductFields | undefined {
	if (!product.options?.length) return product.sku ? { ...neutralBase(product), sku: product.sku, price: decimalText(product.price, 'price'), compareAtPrice: retailPrice(product.retail_price, 'retail_price'), weight: weightValue(product.weight, 'weight') } : undefined;
	const options = sortedOptions(product.options).map((option) => ({ name: option.display_name, values: option.option_values.map((value) => value.label) }));
	const variants = product.variants ?? [];
	if (variants.length === 0 || variants.some((variant) => !variant.sku)) return undefined;
	const read = variants.map((variant, index) => ({
		sku: variant.sku,
		price: decimalText(variant.price ?? product.price, `variants[${index}].price`),
		compareAtPrice: retailPrice(variant.retail_price ?? product.retail_price, `variants[${index}].retail_price`),
		weight: weightValue(variant.weight ?? product.weight, `variants[${index}].weight`),
		options: Object.fromEntries(variant.option_values.map((value) => [value.option_display_name, value.label])),
	}));
	return variantProduct(neutralBase(product), options, variantsInOptionOrder(options, read));
}

const sortedOptions = (options: CatalogOption[]) =>
	[...options].sort((a, b) => a.sort_order - b.sort_order).map((option) => ({ ...option, option_values: [...option.option_values].sort((a, b) => a.sort_order - b.sort_order) }));

/** A variant's price, retail price (0 for none) and weight as BigCommerce takes them: JSON numbers. */
const variantNumbers = (variant: { price: string | null; compareAtPrice: string | null; weight: number | null }) => ({
	price: Number(variant.price ?? '0'),
	retail_price: Number(variant.compareAtPrice ?? '0'),
	weight: variant.weight ?? 0,
});

/**
 * BigCommerce takes prices and weights as JSON numbers: the decimal text is read exactly as written. A product with
 * variants takes its first variant's price and weight as its own (BigCommerce requires them) and no SKU of its own (each
 * variant has one); created, it carries its variants in its options' order, which makes its options and their values.
 */
function bigCommerceFields(product: ProductWriteFields, created: boolean): Record<string, unknown> {
	const fields = {
		...imagesOfWrite(product, created),
		name: product.title,
		type: 'physical',
		description: product.description,
		...variantNumbers(product),
		is_visible: product.status === 'active',
		availability: product.status === 'archived' ? 'disabled' : 'available',
	};
	if (!product.options || !product.variants) return { ...fields, sku: product.sku };
	if (!created) return fields;
	const options = product.options;
	return {
		...fields,
		variants: variantsInOptionOrder(options, product.variants).map((variant) => ({
			sku: variant.sku,
			...variantNumbers(variant),
			option_values: options.map((option) => ({ option_display_name: option.name, label: variant.options[option.name] })),
		})),
	};
}

const succeeded = (product: CatalogProduct, created: boolean): WriteOutcome => {
	const fields = neutral(product);
	if (!fields) return { ok: false, error: { message: 'variants: BigCommerce did not keep every variant with its SKU and options' }, externalId: String(product.id), partial: true };
	return { ok: true, externalId: String(product.id), created, fields: { ...fields }, modifiedAt: new Date(product.date_modified).toISOString() };
};

/**
 * BigCommerce catalog products (v3), with or without options and variants: pulled by `date_modified:min`, 250 a page
 * with their variants and options (`include=variants,options`); updated 10 a call, created one by one (the API creates a
 * single product per request, with its variants). A product with variants then has its options and values brought in
 * line (`/catalog/products/{id}/options`), its variants matched by SKU: updated 50 a call (`PUT /catalog/variants`),
 * a new SKU created, a SKU no longer listed deleted; and is read back whole.
 */
export class BigCommerceProducts implements ProductConnector {
	readonly platform = 'bigcommerce';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BATCH_SIZE } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS_WITH_IMAGES];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readProductCursor(cursor);
		const body = await this.transport.request<{ data: CatalogProduct[] }>({
			method: 'GET',
			url: '/catalog/products',
			qs: { limit: PAGE_SIZE, page: position.page, sort: 'id', direction: 'asc', include: INCLUDE, ...(position.since ? { 'date_modified:min': position.since } : {}) },
		});
		const records = body.data.flatMap((product) => {
			const fields = neutral(product);
			return fields ? [productRecord(String(product.id), fields, new Date(product.date_modified).toISOString())] : [];
		});
		return nextProductPage(position, records, body.data.length === PAGE_SIZE);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(
			batch,
			async (checked) => {
				const outcomes = new Map<number, WriteOutcome>();
				const updates = checked.filter((entry) => entry.write.externalId);
				if (updates.length > 0) {
					try {
						const body = await this.transport.request<{ data: CatalogProduct[] }>({
							method: 'PUT',
							url: '/catalog/products',
							body: updates.map(({ write, product }) => ({ id: Number(write.externalId), ...bigCommerceFields(product, false) })),
						});
						const byId = new Map(body.data.map((product) => [String(product.id), product]));
						for (const { index, write, product } of updates) {
							const saved = byId.get(String(write.externalId));
							outcomes.set(index, saved ? await this.withImages(await this.afterSave(saved, product, false), product) : { ok: false, error: { message: 'BigCommerce answered the batch without this product' } });
						}
					} catch (error) {
						failedWrites(updates.length, error).forEach((outcome, position) => outcomes.set(updates[position].index, outcome));
					}
				}
				for (const { index, product } of checked.filter((entry) => !entry.write.externalId)) {
					outcomes.set(index, await this.create(product));
				}
				return outcomes;
			},
			{ variants: true, platform: this.platform },
		);
	}

	/**
	 * A create refused because the SKU exists (409) is not retried: the next pull links the product by its SKU. A product
	 * with variants or images is read back once (the answer lists neither), which gives its images' ids.
	 */
	private async create(product: ProductWriteFields): Promise<WriteOutcome> {
		try {
			const body = await this.transport.request<{ data: CatalogProduct }>({ method: 'POST', url: '/catalog/products', body: bigCommerceFields(product, true) });
			if (product.variants || product.images?.length) return succeeded(await this.read(body.data.id), true);
			return succeeded(product.images ? { ...body.data, images: [] } : body.data, true);
		} catch (error) {
			const code = error instanceof PlatformApiError && error.status === 409 ? 'DUPLICATE' : undefined;
			return { ok: false, error: imageFailure(product, error as Error) ?? { message: (error as Error).message, code } };
		}
	}

	/**
	 * An updated product's images after its batch: each dropped image deleted and each new one added from its URL, a call
	 * each; the outcome lists the images in order with their ids. An image BigCommerce could not download fails the
	 * product (its other fields are written; the next run tries the images again).
	 */
	private async withImages(outcome: WriteOutcome, product: ProductWriteFields): Promise<WriteOutcome> {
		if (!outcome.ok || !product.images) return outcome;
		try {
			for (const id of product.droppedImageIds ?? []) await this.deleteImage(outcome.externalId, id);
			const images: StoreImage[] = [];
			for (const [index, image] of product.images.entries()) {
				if (image.id) {
					images.push(image);
					continue;
				}
				const added = await this.addImage(outcome.externalId, image, index);
				images.push({ ...image, id: String(added.id), src: added.url_zoom });
			}
			return { ...outcome, fields: { ...outcome.fields, images } };
		} catch (error) {
			return { ok: false, externalId: outcome.externalId, partial: true, error: error instanceof ImageFetchError ? { message: error.message, code: error.code } : { message: (error as Error).message } };
		}
	}

	private async addImage(productId: string, image: StoreImage, index: number): Promise<CatalogImage> {
		try {
			return (await this.transport.request<{ data: CatalogImage }>({ method: 'POST', url: `/catalog/products/${productId}/images`, body: { image_url: image.src, ...imageFields(image) } })).data;
		} catch (error) {
			if (error instanceof PlatformApiError && error.status === 422) throw new ImageFetchError(`images[${index}].src`, image.src, error.message);
			throw error;
		}
	}

	/** An image already gone (404) is what the delete wanted. */
	private async deleteImage(productId: string, imageId: string): Promise<void> {
		try {
			await this.transport.request({ method: 'DELETE', url: `/catalog/products/${productId}/images/${imageId}` });
		} catch (error) {
			if (!(error instanceof PlatformApiError && error.status === 404)) throw error;
		}
	}

	/**
	 * The outcome of a product saved by the batch: a product of one variant as answered, unless it still has options
	 * (it had several variants), which are then removed; a product of several has its options and variants written. A
	 * call failing here leaves the product's fields saved and its options or variants partly written.
	 */
	private async afterSave(saved: CatalogProduct, product: ProductFields, created: boolean): Promise<WriteOutcome> {
		const linked = { externalId: String(saved.id) };
		try {
			if (product.options && product.variants) return succeeded(await this.writeVariants(saved.id, product.options, product.variants), created);
			if (saved.base_variant_id !== null) return succeeded(saved, created);
			for (const option of (await this.read(saved.id)).options ?? []) await this.transport.request({ method: 'DELETE', url: `/catalog/products/${saved.id}/options/${option.id}` });
			return succeeded(await this.read(saved.id), created);
		} catch (error) {
			return { ...failedWrite(error), ...linked, partial: true } as WriteOutcome;
		}
	}

	private async read(id: number): Promise<CatalogProduct> {
		return (await this.transport.request<{ data: CatalogProduct }>({ method: 'GET', url: `/catalog/products/${id}`, qs: { include: INCLUDE } })).data;
	}

	/**
	 * The product's options and variants made the product's, then read back. Options named as before keep their ids
	 * (values added, reordered, or deleted with the variants using them); other options replace them all (their variants
	 * go with them). Each variant kept by its SKU is updated only where it differs; a refused variant fails the product
	 * naming it (`variants[2]: …`).
	 */
	private async writeVariants(id: number, options: ProductOption[], variants: ProductVariant[]): Promise<CatalogProduct> {
		const current = await this.read(id);
		const values = await this.writeOptions(id, options, sortedOptions(current.options ?? []));
		const kept = (current.variants ?? []).filter((variant) => variant.option_values.every((value) => values.has(`${value.option_display_name}\u0000${value.label}`) && values.get(`${value.option_display_name}\u0000${value.label}`)?.id === value.id));
		const ordered = variantsInOptionOrder(options, variants);
		const plan = planVariants(ordered, kept.map((variant) => ({ ...variant, id: String(variant.id) })));
		const sameValues = (stored: Omit<CatalogVariant, 'id'>, variant: ProductVariant) => stored.option_values.length === options.length && stored.option_values.every((value) => variant.options[value.option_display_name] === value.label);
		const moved = plan.update.filter(({ variant, stored }) => !sameValues(stored, variant));
		const changed = plan.update.filter(({ variant, stored }) => sameValues(stored, variant) && !sameNumbers(stored, variant, current));
		for (const stored of [...plan.remove, ...moved.map((entry) => entry.stored)]) await this.transport.request({ method: 'DELETE', url: `/catalog/products/${id}/variants/${stored.id}` });
		for (let start = 0; start < changed.length; start += VARIANT_BATCH) {
			const chunk = changed.slice(start, start + VARIANT_BATCH);
			await this.variantStep(chunk[0].position, () => this.transport.request({ method: 'PUT', url: '/catalog/variants', body: chunk.map(({ variant, stored }) => ({ id: Number(stored.id), ...variantNumbers(variant) })) }));
		}
		for (const { position, variant } of [...plan.create, ...moved].sort((a, b) => a.position - b.position)) {
			const option_values = options.map((option) => {
				const value = values.get(`${option.name}\u0000${variant.options[option.name]}`) as { optionId: number; id: number };
				return { option_id: value.optionId, id: value.id };
			});
			await this.variantStep(position, () => this.transport.request({ method: 'POST', url: `/catalog/products/${id}/variants`, body: { sku: variant.sku, ...variantNumbers(variant), option_values } }));
		}
		return this.read(id);
	}

	/** A variant's call, its refusal named by the variant's place in the product. */
	private async variantStep(position: number, call: () => Promise<unknown>): Promise<void> {
		try {
			await call();
		} catch (error) {
			const field = error instanceof PlatformApiError && /sku/i.test(error.message) ? 'sku' : undefined;
			throw Object.assign(new Error(variantError(position, field, (error as Error).message)), { code: (error as { code?: string }).code });
		}
	}

	/**
	 * The options made the product's; the id of each option value by `name\0label`. The same option names in the same
	 * order keep their options: each with other values or order is updated (values kept by label) and values no longer
	 * listed deleted; different names replace every option.
	 */
	private async writeOptions(id: number, options: ProductOption[], current: CatalogOption[]): Promise<Map<string, { optionId: number; id: number }>> {
		const sameNames = current.length === options.length && current.every((option, index) => option.display_name === options[index].name);
		const saved: CatalogOption[] = [];
		if (!sameNames) {
			for (const option of current) await this.transport.request({ method: 'DELETE', url: `/catalog/products/${id}/options/${option.id}` });
			for (const [position, option] of options.entries()) {
				const body = { display_name: option.name, type: 'rectangles', sort_order: position, option_values: option.values.map((label, order) => ({ label, sort_order: order, is_default: false })) };
				saved.push((await this.transport.request<{ data: CatalogOption }>({ method: 'POST', url: `/catalog/products/${id}/options`, body })).data);
			}
		} else {
			for (const [position, option] of options.entries()) {
				const existing = current[position];
				const labels = existing.option_values.map((value) => value.label);
				if (labels.join('\u0000') === option.values.join('\u0000')) {
					saved.push(existing);
					continue;
				}
				const ids = new Map(existing.option_values.map((value) => [value.label, value.id]));
				const body = { option_values: option.values.map((label, order) => ({ ...(ids.has(label) ? { id: ids.get(label) } : {}), label, sort_order: order })) };
				const updated = (await this.transport.request<{ data: CatalogOption }>({ method: 'PUT', url: `/catalog/products/${id}/options/${existing.id}`, body })).data;
				for (const value of existing.option_values.filter((entry) => !option.values.includes(entry.label))) {
					await this.transport.request({ method: 'DELETE', url: `/catalog/products/${id}/options/${existing.id}/values/${value.id}` });
				}
				saved.push({ ...updated, option_values: updated.option_values.filter((value) => option.values.includes(value.label)) });
			}
		}
		return new Map(saved.flatMap((option) => option.option_values.map((value) => [`${option.display_name}\u0000${value.label}`, { optionId: option.id, id: value.id }] as const)));
	}
}

/** True when the stored variant already has the variant's price, retail price and weight (a value left empty is the product's). */
function sameNumbers(stored: Omit<CatalogVariant, 'id'>, variant: ProductVariant, product: CatalogProduct): boolean {
	const wanted = variantNumbers(variant);
	return (stored.price ?? product.price) === wanted.price && (stored.retail_price ?? product.retail_price) === wanted.retail_price && (stored.weight ?? product.weight) === wanted.weight;
}
