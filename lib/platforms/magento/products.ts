import type { Transport } from '../../transport/transport';
import { failedWrite, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import {
	decimalText,
	downloadImage,
	ImageFetchError,
	nextProductPage,
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
import { updatedSincePage } from './search';
import { fromMagentoTime } from './times';
import { sleep as defaultSleep } from '../../records/sleep';

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
	/** The product's images. */
	media_gallery_entries?: GalleryEntry[];
	extension_attributes?: {
		configurable_product_options?: Array<{ attribute_id: string | number; label: string; position: number; values: Array<{ value_index: number }> }>;
		configurable_product_links?: number[];
	};
}

/** A dropdown attribute a configurable product varies by, with its options (`value` is the option id, as text). */
interface MagentoAttribute {
	attribute_id: number;
	attribute_code: string;
	options: Array<{ label: string; value: string }>;
}

const SIMPLE = 'simple';
const CONFIGURABLE = 'configurable';
/** The SKU a configurable product is created under: its first variant's SKU is its first child's. */
const CONFIGURABLE_SUFFIX = '-configurable';

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

/** A product image: a file under the store's media URL, its label the alt text. */
interface GalleryEntry {
	id?: number;
	media_type: string;
	label: string | null;
	position: number;
	disabled: boolean;
	types: string[];
	file?: string;
	/** A new image's bytes: Magento takes files, and fetches no URL. */
	content?: { base64_encoded_data: string; type: string; name: string };
}

/** The roles of a product's main image. */
const MAIN_IMAGE_ROLES = ['image', 'small_image', 'thumbnail'];

/** The product's images (not disabled) by position, each at `<media URL><file>`. */
function galleryImages(entries: GalleryEntry[], mediaUrl: string): StoreImage[] {
	const shown = entries.filter((entry) => entry.media_type === 'image' && !entry.disabled && entry.id !== undefined && entry.file);
	return readImages([...shown].sort((a, b) => a.position - b.position).map((entry) => ({ id: entry.id as number, src: `${mediaUrl}${entry.file}`, alt: entry.label ?? '' })));
}

const attribute = (product: MagentoProduct, code: string) => product.custom_attributes?.find((entry) => entry.attribute_code === code)?.value;

/** Enabled is active; disabled and visible a draft; disabled and not visible individually, archived. */
function neutralBase(product: MagentoProduct, mediaUrl = ''): ProductBase {
	const description = attribute(product, 'description');
	return {
		title: product.name,
		description: typeof description === 'string' ? description : '',
		status: product.status === ENABLED ? 'active' : product.visibility === NOT_VISIBLE ? 'archived' : 'draft',
		...(product.media_gallery_entries ? { images: galleryImages(product.media_gallery_entries, mediaUrl) } : {}),
	};
}

function neutral(product: MagentoProduct, mediaUrl = ''): ProductFields {
	return { ...neutralBase(product, mediaUrl), sku: product.sku, ...neutralPrices(product, ''), weight: weightValue(product.weight, 'weight') };
}

const neutralPrices = (product: MagentoProduct, where: string) => ({ price: decimalText(product.price, `${where}price`), compareAtPrice: decimalText(attribute(product, 'msrp'), `${where}msrp`) });

/** Enabled and not visible individually: a configurable product's child, synced with its parent, never alone. */
const isChild = (product: MagentoProduct) => product.type_id === SIMPLE && product.status === ENABLED && product.visibility === NOT_VISIBLE;

/**
 * A configurable product and its children in the neutral fields: its options by position, their values in the order of
 * the attribute's options, each child a variant (by its value of each option's attribute). Undefined when a child lacks
 * a value: its options are what place it.
 */
function neutralConfigurable(parent: MagentoProduct, children: MagentoProduct[], attributes: Map<string, MagentoAttribute>, mediaUrl = ''): ProductFields | undefined {
	const configured = [...(parent.extension_attributes?.configurable_product_options ?? [])].sort((a, b) => a.position - b.position);
	const varying = configured.map((option) => ({ option, attribute: attributes.get(String(option.attribute_id)) }));
	if (varying.length === 0 || children.length === 0 || varying.some(({ attribute }) => !attribute)) return undefined;
	const options: ProductOption[] = varying.map(({ option, attribute }) => {
		const used = new Set(option.values.map((value) => String(value.value_index)));
		return { name: option.label, values: (attribute as MagentoAttribute).options.filter((entry) => used.has(entry.value)).map((entry) => entry.label) };
	});
	const variants: ProductVariant[] = [];
	for (const [index, child] of children.entries()) {
		const chosen = varying.map(({ attribute }) => (attribute as MagentoAttribute).options.find((entry) => entry.value !== '' && entry.value === String(attribute && child.custom_attributes?.find((custom) => custom.attribute_code === attribute.attribute_code)?.value))?.label);
		if (chosen.some((label) => label === undefined)) return undefined;
		variants.push({ sku: child.sku, ...neutralPrices(child, `variants[${index}].`), weight: weightValue(child.weight, `variants[${index}].weight`), options: Object.fromEntries(options.map((option, place) => [option.name, chosen[place] as string])) });
	}
	return variantProduct(neutralBase(parent, mediaUrl), options, variantsInOptionOrder(options, variants));
}

/**
 * The product as Magento saves it; `gallery`, its images as `media_gallery_entries` (absent: left as they are; see
 * galleryOf).
 */
function magentoProduct(product: ProductFields, gallery?: GalleryEntry[]): Omit<MagentoProduct, 'id' | 'updated_at'> & { attribute_set_id: number } {
	return {
		...(gallery ? { media_gallery_entries: gallery } : {}),
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

/** A product's save: the product Magento saved, or why not. */
type Saved = { ok: true; product: MagentoProduct } | { ok: false; error: { message: string; code?: string } };

/** What a product with variants becomes: its children, then the configurable product linking them. */
interface ConfigurablePlan {
	sku: string;
	product: ProductFields & { options: ProductOption[]; variants: ProductVariant[] };
	attributes: MagentoAttribute[];
	children: Array<Omit<MagentoProduct, 'id' | 'updated_at'>>;
	/** The children the product has now (an update), by SKU: those not kept are deleted. */
	current: string[];
}

/** A variant as a simple child: enabled, not visible individually, with its option of each attribute. */
function childProduct(product: ProductFields, variant: ProductVariant, attributes: MagentoAttribute[], options: ProductOption[]): Omit<MagentoProduct, 'id' | 'updated_at'> {
	const values = options.map((option) => variant.options[option.name]);
	return {
		...magentoProduct({ ...product, sku: variant.sku, price: variant.price, compareAtPrice: variant.compareAtPrice, weight: variant.weight, title: `${product.title}-${values.join('-')}`, description: '' }),
		status: ENABLED,
		visibility: NOT_VISIBLE,
		custom_attributes: [
			{ attribute_code: 'msrp', value: variant.compareAtPrice ?? '' },
			...attributes.map((attribute, index) => ({ attribute_code: attribute.attribute_code, value: attribute.options.find((entry) => entry.label === values[index])?.value ?? '' })),
		],
	};
}

/** The configurable product: its options (the attributes, labelled by the option names) and its children's ids. */
function configurableProduct(plan: ConfigurablePlan, childIds: number[], gallery?: GalleryEntry[]): Omit<MagentoProduct, 'id' | 'updated_at'> {
	const { product, attributes } = plan;
	return {
		...magentoProduct({ ...product, sku: plan.sku, price: null, compareAtPrice: null, weight: null }, gallery),
		type_id: CONFIGURABLE,
		custom_attributes: [{ attribute_code: 'description', value: product.description }],
		extension_attributes: {
			configurable_product_options: product.options.map((option, position) => ({
				attribute_id: String(attributes[position].attribute_id),
				label: option.name,
				position,
				values: option.values.map((label) => ({ value_index: Number(attributes[position].options.find((entry) => entry.label === label)?.value) })),
			})),
			configurable_product_links: childIds,
		},
	};
}

/** An option's attribute code: its name in lower case, other characters as `_` (Size → size, Shoe Size → shoe_size). */
export const attributeCode = (name: string) => name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

/**
 * Magento 2 catalog products (REST), simple and configurable: pulled by `updated_at gteq` search criteria, 100 a page
 * (a configurable product with its children, `configurable-products/{sku}/children`, and its attributes' options, read
 * once a page). One product is saved by `PUT /V1/products/{sku}`; several go in one asynchronous bulk request (`POST
 * /async/bulk/V1/products`, up to 500), whose operations are polled (`GET /V1/bulk/{uuid}/detailed-status`) until
 * Magento's consumers ran them. A product with variants is a configurable product: each option an existing dropdown
 * attribute named as it (missing values added), each variant a simple child saved first (with the simple products of the
 * batch), then the configurable products linking them (`configurable_product_links`), children no longer listed deleted.
 * The repository saves by SKU: a missing product is created, never twice, so a save repeated is harmless.
 */
export class MagentoProducts implements ProductConnector {
	readonly platform = 'magento';
	readonly entities: Partial<Record<'products', EntitySupport>> = { products: { object: 'products', matchField: 'sku', batchSize: BULK_SIZE } };

	/** Where the store serves product images, once read. */
	private media?: Promise<string>;

	constructor(private readonly transport: Transport, private readonly sleep: (ms: number) => Promise<void> = defaultSleep) {}

	async fieldNames(): Promise<string[]> {
		return [...PRODUCT_FIELDS_WITH_IMAGES];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readProductCursor(cursor);
		const body = await this.transport.request<{ items: MagentoProduct[]; total_count: number }>({
			method: 'GET',
			url: '/V1/products',
			qs: updatedSincePage(position.since || undefined, position.page, PAGE_SIZE, 'entity_id'),
		});
		const parents = body.items.filter((product) => product.type_id === CONFIGURABLE);
		const attributes = await this.attributesById(parents.flatMap((product) => (product.extension_attributes?.configurable_product_options ?? []).map((option) => String(option.attribute_id))));
		const mediaUrl = body.items.some((product) => product.media_gallery_entries?.length) ? await this.mediaUrl() : '';
		const records = [];
		for (const product of body.items) {
			const fields = product.type_id === SIMPLE && !isChild(product) ? neutral(product, mediaUrl) : product.type_id === CONFIGURABLE ? neutralConfigurable(product, await this.children(product.sku), attributes, mediaUrl) : undefined;
			if (fields) records.push(productRecord(String(product.sku), fields, new Date(fromMagentoTime(product.updated_at)).toISOString()));
		}
		return nextProductPage(position, records, position.page * PAGE_SIZE < body.total_count);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	/**
	 * The product's external id is its SKU: Magento's REST API addresses products by it. Simple products and every
	 * variant's child are saved together (one call, or one bulk request), then the configurable products.
	 */
	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeChecked(
			batch,
			async (checked) => {
				const outcomes = new Map<number, WriteOutcome>();
				const galleries = new Map<number, GalleryEntry[]>();
				for (const { index, product } of checked) {
					try {
						const gallery = await this.galleryOf(product);
						if (gallery) galleries.set(index, gallery);
					} catch (error) {
						if (!(error instanceof ImageFetchError)) throw error;
						outcomes.set(index, { ok: false, error: { message: error.message, code: error.code } });
					}
				}
				const plans = new Map<number, ConfigurablePlan>();
				const attributes = new Map<string, MagentoAttribute>();
				for (const { index, write, product } of checked) {
					if (!product.options || !product.variants || outcomes.has(index)) continue;
					try {
						plans.set(index, await this.plan(write, { ...product, options: product.options, variants: product.variants }, attributes));
					} catch (error) {
						outcomes.set(index, failedWrite(error));
					}
				}
				const simple = checked.filter(({ index, product }) => !product.variants && !outcomes.has(index));
				const firstRound = [...simple.map(({ index, product }) => magentoProduct(product, galleries.get(index))), ...[...plans.values()].flatMap((plan) => plan.children)];
				const savedFirst = await this.saveMany(firstRound);
				simple.forEach(({ index, write }, position) => outcomes.set(index, outcomeOf(savedFirst[position], !write.externalId)));
				let next = simple.length;
				const parents: Array<{ index: number; write: RecordWrite; plan: ConfigurablePlan; children: MagentoProduct[] }> = [];
				for (const [index, plan] of plans) {
					const children = savedFirst.slice(next, next + plan.children.length);
					next += plan.children.length;
					const write = checked.find((entry) => entry.index === index)?.write as RecordWrite;
					const refused = children.findIndex((child) => !child.ok);
					// The children saved before one was refused are part of the product's write.
					const partly = { ...(write.externalId ? { externalId: write.externalId } : {}), partial: children.some((child) => child.ok) };
					if (refused >= 0) outcomes.set(index, { ok: false, error: { ...(children[refused] as Extract<Saved, { ok: false }>).error, message: `variants[${plan.product.variants.findIndex((variant) => variant.sku === plan.children[refused].sku)}]: ${(children[refused] as Extract<Saved, { ok: false }>).error.message}` }, ...partly });
					else parents.push({ index, write, plan, children: children.map((child) => (child as Extract<Saved, { ok: true }>).product) });
				}
				const savedParents = await this.saveMany(parents.map(({ index, plan, children }) => configurableProduct(plan, children.map((child) => child.id), galleries.get(index))));
				for (const [position, { index, write, plan, children }] of parents.entries()) {
					const saved = savedParents[position];
					if (!saved.ok) {
						outcomes.set(index, { ok: false, error: saved.error, ...(write.externalId ? { externalId: write.externalId } : {}), partial: true });
						continue;
					}
					outcomes.set(index, await this.settle(saved.product, plan, children, !write.externalId));
				}
				return outcomes;
			},
			{ variants: true, platform: this.platform },
		);
	}

	/** The children no longer listed deleted, then the product's outcome as Magento saved it. */
	private async settle(parent: MagentoProduct, plan: ConfigurablePlan, children: MagentoProduct[], created: boolean): Promise<WriteOutcome> {
		try {
			const kept = new Set(children.map((child) => child.sku));
			for (const sku of plan.current.filter((entry) => !kept.has(entry))) await this.transport.request({ method: 'DELETE', url: `/V1/products/${encodeURIComponent(sku)}` });
			const fields = neutralConfigurable(parent, children, new Map(plan.attributes.map((attribute) => [String(attribute.attribute_id), attribute])));
			if (!fields) return { ok: false, error: { message: 'variants: Magento did not keep every child with its options' }, externalId: parent.sku, partial: true };
			return { ok: true, externalId: parent.sku, created, fields: { ...fields }, modifiedAt: new Date(fromMagentoTime(parent.updated_at)).toISOString() };
		} catch (error) {
			return { ...failedWrite(error), externalId: parent.sku, partial: true } as WriteOutcome;
		}
	}

	/**
	 * A product with variants made ready: its options' attributes read (once a batch), values they lack added, its
	 * children's saves, and (an update) the children it has now. An option with no attribute of its code is refused
	 * naming it, and so is a variant whose SKU another product is sold under (see `soldAlone`).
	 */
	private async plan(write: RecordWrite, product: ConfigurablePlan['product'], cache: Map<string, MagentoAttribute>): Promise<ConfigurablePlan> {
		const current = write.externalId ? (await this.children(write.externalId)).map((child) => child.sku) : [];
		await this.soldAlone(product.variants, [...current, ...(write.externalId ? [write.externalId] : [])]);
		const attributes: MagentoAttribute[] = [];
		for (const [index, option] of product.options.entries()) {
			const code = attributeCode(option.name);
			let attribute = cache.get(code) ?? (await this.attribute(code, `options[${index}].name`, option.name));
			const missing = option.values.filter((label) => !attribute.options.some((entry) => entry.label === label));
			for (const label of missing) await this.transport.request({ method: 'POST', url: `/V1/products/attributes/${encodeURIComponent(code)}/options`, body: { option: { label } } });
			if (missing.length > 0) attribute = await this.attribute(code, `options[${index}].name`, option.name);
			cache.set(code, attribute);
			attributes.push(attribute);
		}
		return {
			sku: write.externalId ?? `${product.sku}${CONFIGURABLE_SUFFIX}`,
			product,
			attributes,
			children: product.variants.map((variant) => childProduct(product, variant, attributes, product.options)),
			current,
		};
	}

	/**
	 * Refuses the first new variant whose SKU Magento gives a product of its own (one search for them all): a child is
	 * saved by its SKU, which would turn that product into this one's child. A child left unlinked by an earlier attempt
	 * (enabled, not visible individually) is taken back.
	 */
	private async soldAlone(variants: ProductVariant[], held: string[]): Promise<void> {
		const fresh = variants.map((variant) => variant.sku).filter((sku) => !held.includes(sku));
		if (fresh.length === 0) return;
		const found = await this.transport.request<{ items: MagentoProduct[] }>({
			method: 'GET',
			url: '/V1/products',
			qs: {
				'searchCriteria[filter_groups][0][filters][0][field]': 'sku',
				'searchCriteria[filter_groups][0][filters][0][value]': fresh.join(','),
				'searchCriteria[filter_groups][0][filters][0][condition_type]': 'in',
				'searchCriteria[pageSize]': fresh.length,
			},
		});
		const taken = new Map(found.items.filter((product) => !isChild(product)).map((product) => [product.sku, product]));
		const position = variants.findIndex((variant) => taken.has(variant.sku));
		if (position < 0) return;
		const other = taken.get(variants[position].sku) as MagentoProduct;
		throw Object.assign(new Error(variantError(position, 'sku', `Magento already sells the product ${JSON.stringify(other.name)} under the SKU ${JSON.stringify(other.sku)}`)), { code: 'DUPLICATE' });
	}

	private async attribute(code: string, field: string, name: string): Promise<MagentoAttribute> {
		try {
			return await this.transport.request<MagentoAttribute>({ method: 'GET', url: `/V1/products/attributes/${encodeURIComponent(code)}` });
		} catch (error) {
			throw Object.assign(new Error(`${field}: Magento has no dropdown attribute "${code}" for the option ${JSON.stringify(name)} (create it under Stores > Attributes > Product, scope Global): ${(error as Error).message}`), { code: 'UNKNOWN_ATTRIBUTE' });
		}
	}

	/** The attributes of these ids (one search), by id. */
	private async attributesById(ids: string[]): Promise<Map<string, MagentoAttribute>> {
		const unique = [...new Set(ids)];
		if (unique.length === 0) return new Map();
		const body = await this.transport.request<{ items: MagentoAttribute[] }>({
			method: 'GET',
			url: '/V1/products/attributes',
			qs: { 'searchCriteria[filter_groups][0][filters][0][field]': 'attribute_id', 'searchCriteria[filter_groups][0][filters][0][value]': unique.join(','), 'searchCriteria[filter_groups][0][filters][0][condition_type]': 'in' },
		});
		return new Map(body.items.map((attribute) => [String(attribute.attribute_id), attribute]));
	}

	private async children(sku: string): Promise<MagentoProduct[]> {
		return this.transport.request<MagentoProduct[]>({ method: 'GET', url: `/V1/configurable-products/${encodeURIComponent(sku)}/children` });
	}

	/**
	 * Saves in order: one by `PUT /V1/products/{sku}`, several in bulk requests of up to BULK_SIZE (children count too);
	 * a call that fails fails its saves.
	 */
	/**
	 * A product's images as `media_gallery_entries`, in order (the first with the main image's roles): one the store
	 * holds by its id, a new one with its bytes, downloaded here (Magento fetches no URL); entries left out are removed.
	 * Undefined when the write carries no images. An image that cannot be downloaded refuses the product, naming it.
	 */
	private async galleryOf(product: ProductWriteFields): Promise<GalleryEntry[] | undefined> {
		if (!product.images) return undefined;
		const gallery: GalleryEntry[] = [];
		for (const [index, image] of product.images.entries()) {
			const entry = { media_type: 'image', label: image.alt, position: index + 1, disabled: false, types: index === 0 ? MAIN_IMAGE_ROLES : [] };
			if (image.id) {
				gallery.push({ ...entry, id: Number(image.id) });
				continue;
			}
			const file = await downloadImage(this.transport, image, index);
			gallery.push({ ...entry, content: { base64_encoded_data: file.bytes.toString('base64'), type: file.contentType, name: file.name } });
		}
		return gallery;
	}

	/** Where the store serves product images (`base_media_url` + `catalog/product`), read once, when a product has one. */
	private mediaUrl(): Promise<string> {
		this.media ??= this.transport
			.request<Array<{ code: string; base_media_url: string }>>({ method: 'GET', url: '/V1/store/storeConfigs' })
			.then((configs) => `${(configs.find((config) => config.code === 'default') ?? configs[0])?.base_media_url ?? ''}catalog/product`)
			.catch((error: unknown) => {
				this.media = undefined;
				throw error;
			});
		return this.media;
	}

	private async saveMany(products: Array<Omit<MagentoProduct, 'id' | 'updated_at'>>): Promise<Saved[]> {
		const results: Saved[] = [];
		for (let start = 0; start < products.length; start += BULK_SIZE) {
			const chunk = products.slice(start, start + BULK_SIZE);
			try {
				if (chunk.length === 1) results.push({ ok: true, product: await this.transport.request<MagentoProduct>({ method: 'PUT', url: `/V1/products/${encodeURIComponent(chunk[0].sku)}`, body: { product: chunk[0] } }) });
				else results.push(...(await this.saveInBulk(chunk)));
			} catch (error) {
				results.push(...chunk.map((): Saved => ({ ok: false, error: (failedWrite(error) as Extract<WriteOutcome, { ok: false }>).error })));
			}
		}
		return results;
	}

	/** Each save's result, once the bulk request's operations have run or the polls gave up. */
	private async saveInBulk(products: Array<Omit<MagentoProduct, 'id' | 'updated_at'>>): Promise<Saved[]> {
		const started = await this.transport.request<{ bulk_uuid: string; request_items: Array<{ id: number; status: string }> }>({
			method: 'POST',
			url: '/async/bulk/V1/products',
			body: products.map((product) => ({ product })),
		});
		const operations = await this.awaitBulk(started.bulk_uuid);
		return products.map((_product, position): Saved => {
			const item = started.request_items[position];
			const operation = item ? operations.get(item.id) : undefined;
			if (!item || item.status !== 'accepted') return { ok: false, error: { message: `Magento did not accept this save into bulk ${started.bulk_uuid}`, code: 'BULK_REJECTED' } };
			if (!operation || operation.status === OPEN) return { ok: false, error: { message: `Magento's bulk ${started.bulk_uuid} had not run this save when the polls ended; the next run saves it again`, code: 'BULK_OPEN' } };
			if (operation.status !== COMPLETE || !operation.result_serialized_data) return { ok: false, error: { message: operation.result_message || `Magento's bulk operation ended with status ${operation.status}`, code: 'BULK_FAILED' } };
			return { ok: true, product: JSON.parse(operation.result_serialized_data) as MagentoProduct };
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

/** A simple product's outcome, as the neutral fields read back. */
function outcomeOf(saved: Saved, created: boolean): WriteOutcome {
	if (!saved.ok) return { ok: false, error: saved.error };
	return { ok: true, externalId: saved.product.sku, created, fields: { ...neutral(saved.product) }, modifiedAt: new Date(fromMagentoTime(saved.product.updated_at)).toISOString() };
}
