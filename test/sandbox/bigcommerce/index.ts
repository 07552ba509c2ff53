/**
 * The BigCommerce v3 inventory sandbox (PLATFORMS.md, specs/bigcommerce docs-inventory.v3): X-Auth-Token, store-hash
 * paths, location items read by `sku:in`, `POST /inventory/adjustments/relative` and `PUT /inventory/adjustments/absolute`
 * (≤2000 items, all or nothing, 422 problem+json naming the bad items), and the 30-second request window reported in
 * X-Rate-Limit-Time-Window-Ms, -Time-Reset-Ms, -Requests-Quota and -Requests-Left (150 per window, Standard plan).
 */
import { createHash, randomUUID } from 'node:crypto';

import { headerAuth } from '../framework/auth';
import { pngBytes, SandboxMedia } from '../framework/media';
import { controlError } from '../framework/control';
import type { WindowUsage } from '../framework/rateLimit';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory } from '../framework/types';
import { CatalogVariants } from './variants';

export const bigCommerceAccessToken = 'bc-sandbox-access-token';
export const bigCommerceStoreHash = 'sbx1234';
export const bigCommerceLocationId = 1;

const problem = (status: number, title: string, errors: Record<string, string> = {}): SandboxResponse => ({
	status,
	body: { status, title, type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes', errors },
	headers: { 'content-type': 'application/problem+json' },
});

interface Item {
	sku: string;
	variant_id: number;
	product_id: number;
	/** location id → on hand */
	onHand: Map<number, number>;
	safetyStock: number;
}

/** The v2 API (orders) answers errors as a list of `{status, message}`, as its 404 is documented; v3 as problem+json. */
const v2Error = (status: number, message: string): SandboxResponse => ({ status, body: [{ status, message }] });
const isV2 = (request?: SandboxRequest) => request?.path.startsWith(`/stores/${bigCommerceStoreHash}/v2/`) === true;

const rateHeaders = (usage: WindowUsage[]): Record<string, string> => {
	const window = usage[0];
	if (!window) return {};
	return {
		'X-Rate-Limit-Time-Window-Ms': String(window.window.intervalMs),
		'X-Rate-Limit-Time-Reset-Ms': String(Math.max(0, Math.ceil(window.resetMs))),
		'X-Rate-Limit-Requests-Quota': String(window.window.limit),
		'X-Rate-Limit-Requests-Left': String(window.remaining),
	};
};

interface Order {
	id: number;
	date_created: string;
	date_modified: string;
	status_id: number;
	products: Array<{ id: number; order_id: number; sku: string; quantity: number }>;
}

const HOOK_SCOPES = new Set(['store/order/created', 'store/order/updated', 'store/order/statusUpdated', 'store/order/archived', 'store/order/refund/created', 'store/customer/created', 'store/customer/updated']);

/** A v3 customer (`/customers`), the fields the package reads and writes. */
interface Customer {
	id: number;
	email: string;
	first_name: string;
	last_name: string;
	phone: string;
	accepts_product_review_abandoned_cart_emails: boolean;
	date_created: string;
	date_modified: string;
}

const CUSTOMER_TEXT = ['email', 'first_name', 'last_name', 'phone'] as const;

/** A v3 hook; its custom `headers` come back on every delivery (BigCommerce signs nothing itself). */
interface Hook {
	id: number;
	client_id: string;
	store_hash: string;
	scope: string;
	destination: string;
	headers: Record<string, string> | null;
	is_active: boolean;
	created_at: number;
	updated_at: number;
}

/** BigCommerce v2 dates are RFC 2822: `Tue, 20 Nov 2012 00:00:00 +0000`. */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/** A catalog product (v3 `/catalog/products`), the fields the package reads and writes. */
interface CatalogProduct {
	id: number;
	name: string;
	type: string;
	sku: string;
	description: string;
	price: number;
	retail_price: number;
	sale_price: number;
	weight: number;
	is_visible: boolean;
	availability: string;
	date_created: string;
	date_modified: string;
}

/** A product image (v3 `/catalog/products/{id}/images`), served from the store's own image URLs. */
interface ProductImage {
	id: number;
	product_id: number;
	is_thumbnail: boolean;
	sort_order: number;
	description: string;
	image_file: string;
	url_zoom: string;
	url_standard: string;
	url_thumbnail: string;
	url_tiny: string;
	date_modified: string;
}

const CATALOG_FIELDS = ['name', 'type', 'sku', 'description', 'price', 'retail_price', 'sale_price', 'weight', 'is_visible', 'availability'] as const;

export const createBigCommerceSandbox: VendorSandboxFactory = (services) => {
	const items = new Map<string, Item>();
	const catalog = new Map<number, CatalogProduct>();
	/** Each product's images, by product id. */
	const images = new Map<number, ProductImage[]>();
	const media = new SandboxMedia('/product_images', () => services.baseUrl());
	const customers = new Map<number, Customer>();
	let orders: Order[] = [];
	let hooks: Hook[] = [];
	const transactions: Array<{ transaction_id: string; kind: 'relative' | 'absolute'; reason: string; items: unknown[] }> = [];
	let nextId = 100;
	const base = `/stores/${bigCommerceStoreHash}/v3`;
	const v2 = `/stores/${bigCommerceStoreHash}/v2`;
	const modifiedNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
	const variants = new CatalogVariants({
		product: (id) => catalog.get(id),
		productSkuTaken: (sku, productId) => [...catalog.values()].some((product) => product.id !== productId && product.sku === sku),
		touch: (productId) => {
			const product = catalog.get(productId);
			if (product) product.date_modified = modifiedNow();
		},
		nextId: () => nextId++,
		problem,
	});

	/** v2 orders: `min_date_modified` (RFC 2822 or ISO 8601), `page`, `limit` (≤250); an empty page is a 204. */
	const listOrders = (request: SandboxRequest): SandboxResponse => {
		const min = request.query.get('min_date_modified');
		const since = min === null ? undefined : Date.parse(min);
		if (since !== undefined && Number.isNaN(since)) return { status: 400, body: [{ status: 400, message: 'The field min_date_modified is invalid.' }] };
		const limit = Math.min(Number(request.query.get('limit') ?? 50), 250);
		const page = Number(request.query.get('page') ?? 1);
		const found = orders.filter((order) => since === undefined || Date.parse(order.date_modified) >= since).sort((a, b) => a.id - b.id);
		const slice = found.slice((page - 1) * limit, page * limit).map(({ products, ...order }) => ({ ...order, products: { url: `${v2}/orders/${order.id}/products`, resource: `/orders/${order.id}/products` } }));
		return slice.length === 0 ? { status: 204 } : { status: 200, body: slice };
	};

	/** A product's fields checked as BigCommerce checks them: 422 naming the field; a name or SKU another product has, 409. */
	const applyCatalogFields = (target: CatalogProduct, fields: Record<string, unknown>): SandboxResponse | undefined => {
		for (const field of CATALOG_FIELDS) {
			const value = fields[field];
			if (value === undefined) continue;
			const expected = ['price', 'retail_price', 'sale_price', 'weight'].includes(field) ? 'number' : field === 'is_visible' ? 'boolean' : 'string';
			if (typeof value !== expected || (expected === 'number' && (value as number) < 0) || (field === 'availability' && !['available', 'disabled', 'preorder'].includes(value as string))) {
				return problem(422, 'JSON data is missing or invalid', { [field]: `${field} is invalid` });
			}
		}
		for (const field of ['sku', 'name'] as const) {
			const value = fields[field];
			if (typeof value === 'string' && value !== '' && ([...catalog.values()].some((other) => other.id !== target.id && other[field] === value) || (field === 'sku' && variants.skuTaken(value)))) {
				return problem(409, `The product ${field} is a duplicate`, { [field]: `${field} "${value}" is already in use` });
			}
		}
		Object.assign(target, Object.fromEntries(CATALOG_FIELDS.filter((field) => fields[field] !== undefined).map((field) => [field, fields[field]])));
		target.date_modified = modifiedNow();
		return undefined;
	};

	const newProduct = (): CatalogProduct => {
		const now = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
		return { id: nextId++, name: '', type: 'physical', sku: '', description: '', price: 0, retail_price: 0, sale_price: 0, weight: 0, is_visible: true, availability: 'available', date_created: now, date_modified: now };
	};

	/** A customer's fields checked as BigCommerce checks them (422 naming the field); an email another customer has, 422 too. */
	const customerProblem = (target: Customer, fields: Record<string, unknown>, index: number, taken: Set<string>): SandboxResponse | undefined => {
		for (const field of CUSTOMER_TEXT) {
			if (fields[field] !== undefined && typeof fields[field] !== 'string') return problem(422, 'JSON data is missing or invalid', { [`.customer_create[${index}].${field}`]: `${field} must be a string` });
		}
		const consent = fields.accepts_product_review_abandoned_cart_emails;
		if (consent !== undefined && typeof consent !== 'boolean') return problem(422, 'JSON data is missing or invalid', { [`.customer_create[${index}].accepts_product_review_abandoned_cart_emails`]: 'must be a boolean' });
		const email = typeof fields.email === 'string' ? fields.email.toLowerCase() : target.email;
		if (!/^[^@\s]+@[^@\s]+$/.test(email)) return problem(422, 'JSON data is missing or invalid', { [`.customer_create[${index}].email`]: 'email is invalid' });
		if (taken.has(email) || [...customers.values()].some((other) => other.id !== target.id && other.email === email)) {
			return problem(422, 'Unable to create or update customers', { [`.customer_create[${index}].email`]: `The email address ${email} is already in use by another customer.` });
		}
		taken.add(email);
		return undefined;
	};

	const applyCustomer = (target: Customer, fields: Record<string, unknown>) => {
		for (const field of CUSTOMER_TEXT) if (typeof fields[field] === 'string') target[field] = field === 'email' ? (fields[field] as string).toLowerCase() : (fields[field] as string);
		if (typeof fields.accepts_product_review_abandoned_cart_emails === 'boolean') target.accepts_product_review_abandoned_cart_emails = fields.accepts_product_review_abandoned_cart_emails;
		target.date_modified = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	};

	/** `POST /customers` (create) and `PUT /customers` (update by id): 1 to 10 customers, all or nothing; each change is a hook event. */
	const writeCustomers = (creating: boolean) => (request: SandboxRequest): SandboxResponse => {
		const list = request.body;
		if (!Array.isArray(list) || list.length === 0) return problem(422, 'JSON data is missing or invalid', { body: 'must be an array of customers' });
		if (list.length > 10) return problem(413, 'The request payload is too large. The maximum number of items is 10.', {});
		const taken = new Set<string>();
		const targets: Customer[] = [];
		for (const [index, entry] of (list as Array<Record<string, unknown>>).entries()) {
			let target: Customer | undefined;
			if (creating) {
				const missing = ['email', 'first_name', 'last_name'].filter((field) => typeof entry[field] !== 'string' || entry[field] === '');
				if (missing.length > 0) return problem(422, 'JSON data is missing or invalid', Object.fromEntries(missing.map((field) => [`.customer_create[${index}].${field}`, `${field} is required`])));
				const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
				target = { id: 0, email: '', first_name: '', last_name: '', phone: '', accepts_product_review_abandoned_cart_emails: false, date_created: now, date_modified: now };
			} else {
				target = customers.get(Number(entry.id));
				if (!target) return problem(422, 'Unable to update customers', { [`.customer_update[${index}].id`]: `Customer ${String(entry.id)} does not exist` });
			}
			const refused = customerProblem(target, entry, index, taken);
			if (refused) return refused;
			targets.push(target);
		}
		const saved = targets.map((target, index) => {
			if (creating) target.id = nextId++;
			applyCustomer(target, list[index] as Record<string, unknown>);
			customers.set(target.id, target);
			return target;
		});
		for (const customer of saved) emit(creating ? 'store/customer/created' : 'store/customer/updated', { type: 'customer', id: customer.id }, 1);
		return { status: 200, body: { data: saved, meta: {} } };
	};

	/** `GET /customers`: `date_modified:min` (inclusive), `email:in`, `sort` (`date_modified:asc`, `id:asc`…), `limit` (≤250), `page`. */
	const listCustomers = (request: SandboxRequest): SandboxResponse => {
		const min = request.query.get('date_modified:min');
		const since = min === null ? undefined : Date.parse(min);
		if (since !== undefined && Number.isNaN(since)) return problem(422, 'JSON data is missing or invalid', { 'date_modified:min': 'must be a date' });
		const emails = request.query.get('email:in')?.toLowerCase().split(',');
		const limit = Math.min(Number(request.query.get('limit') ?? 50), 250);
		const page = Number(request.query.get('page') ?? 1);
		const [sortField, direction] = (request.query.get('sort') ?? 'id:asc').split(':');
		const key = (customer: Customer) => (sortField === 'date_modified' ? Date.parse(customer.date_modified) : customer.id);
		const found = [...customers.values()]
			.filter((customer) => (since === undefined || Date.parse(customer.date_modified) >= since) && (!emails || emails.includes(customer.email)))
			.sort((a, b) => (direction === 'desc' ? key(b) - key(a) : key(a) - key(b)) || a.id - b.id);
		const data = found.slice((page - 1) * limit, page * limit);
		return { status: 200, body: { data, meta: { pagination: { total: found.length, count: data.length, per_page: limit, current_page: page, total_pages: Math.max(1, Math.ceil(found.length / limit)) } } } };
	};

	/** A product's images in display order: by `sort_order`, then as added. */
	const imagesOf = (productId: number) => [...(images.get(productId) ?? [])].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id);
	/** The product with the sub-resources `include` names (variants, options, images). */
	const included = (product: CatalogProduct, include: string | null) => {
		const withVariants = variants.included(product, include);
		return (include ?? '').split(',').includes('images') ? { ...withVariants, images: imagesOf(product.id) } : withVariants;
	};
	const touch = (productId: number) => {
		const product = catalog.get(productId);
		if (product) product.date_modified = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
	};

	/** An image BigCommerce downloads from `image_url`; a URL it cannot download is refused (422), nothing added. */
	const downloadImage = async (productId: number, fields: Record<string, unknown>): Promise<ProductImage | SandboxResponse> => {
		const url = fields.image_url;
		if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return problem(422, 'JSON data is missing or invalid', { image_url: 'image_url must be a URL' });
		let file;
		try {
			file = await media.download(url);
		} catch (error) {
			return problem(422, `Unable to download the image from ${url}: ${(error as Error).message}`, { image_url: 'image_url is invalid' });
		}
		return keepImage(productId, SandboxMedia.fileName(url), file, fields);
	};
	const keepImage = (productId: number, name: string, file: { bytes: Buffer; contentType: string }, fields: Record<string, unknown>): ProductImage => {
		const path = media.keep(name.replace(/(\.[^.]*)?$/, (extension) => `__${nextId}${extension}`), file);
		const url = media.url(path);
		const list = images.get(productId) ?? [];
		const image: ProductImage = {
			id: nextId++, product_id: productId, is_thumbnail: fields.is_thumbnail === true || list.length === 0, sort_order: typeof fields.sort_order === 'number' ? fields.sort_order : list.length,
			description: typeof fields.description === 'string' ? fields.description : '', image_file: path.slice(media.prefix.length + 1), url_zoom: url, url_standard: url, url_thumbnail: url, url_tiny: url,
			date_modified: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
		};
		images.set(productId, [...list, image]);
		touch(productId);
		return image;
	};
	/** An existing image's description, order and thumbnail flag (PUT), or a new one from `image_url`. */
	const writeImage = async (productId: number, fields: Record<string, unknown>): Promise<ProductImage | SandboxResponse> => {
		if (fields.id === undefined) return downloadImage(productId, fields);
		const image = images.get(productId)?.find((entry) => entry.id === Number(fields.id));
		if (!image) return problem(404, `Image ${String(fields.id)} was not found`, {});
		if (typeof fields.description === 'string') image.description = fields.description;
		if (typeof fields.sort_order === 'number') image.sort_order = fields.sort_order;
		if (fields.is_thumbnail === true) for (const other of images.get(productId) ?? []) other.is_thumbnail = other === image;
		touch(productId);
		return image;
	};
	const isImage = (response: ProductImage | SandboxResponse): response is ProductImage => 'product_id' in response;

	/** `/catalog/products/{id}/images`: list, add (from `image_url`), change, delete. */
	const productImages = {
		list: (request: SandboxRequest): SandboxResponse => {
			if (!catalog.has(Number(request.params.product_id))) return problem(404, 'The requested product was not found', {});
			const data = imagesOf(Number(request.params.product_id));
			return { status: 200, body: { data, meta: { pagination: { total: data.length, count: data.length, per_page: 50, current_page: 1, total_pages: 1 } } } };
		},
		create: async (request: SandboxRequest): Promise<SandboxResponse> => {
			if (!catalog.has(Number(request.params.product_id))) return problem(404, 'The requested product was not found', {});
			const image = await writeImage(Number(request.params.product_id), { ...((request.body ?? {}) as Record<string, unknown>), id: undefined });
			return isImage(image) ? { status: 200, body: { data: image, meta: {} } } : image;
		},
		remove: (request: SandboxRequest): SandboxResponse => {
			const productId = Number(request.params.product_id);
			const list = images.get(productId) ?? [];
			if (!list.some((image) => image.id === Number(request.params.image_id))) return problem(404, `Image ${request.params.image_id} was not found`, {});
			images.set(productId, list.filter((image) => image.id !== Number(request.params.image_id)));
			touch(productId);
			return { status: 204 };
		},
	};

	/** `GET /catalog/products`: `date_modified:min` (inclusive), `sort=id`, `direction`, `limit` (≤250), `page`. */
	const listCatalog = (request: SandboxRequest): SandboxResponse => {
		const min = request.query.get('date_modified:min');
		const since = min === null ? undefined : Date.parse(min);
		const limit = Math.min(Number(request.query.get('limit') ?? 50), 250);
		const page = Number(request.query.get('page') ?? 1);
		const found = [...catalog.values()].filter((product) => since === undefined || Date.parse(product.date_modified) >= since).sort((a, b) => (request.query.get('direction') === 'desc' ? b.id - a.id : a.id - b.id));
		const data = found.slice((page - 1) * limit, page * limit).map((product) => included(product, request.query.get('include')));
		return { status: 200, body: { data, meta: { pagination: { total: found.length, count: data.length, per_page: limit, current_page: page, total_pages: Math.max(1, Math.ceil(found.length / limit)), links: {} } } } };
	};

	/** `POST /catalog/products`: one product; name, type, weight and price are required. */
	const createCatalogProduct = async (request: SandboxRequest): Promise<SandboxResponse> => {
		const body = (request.body ?? {}) as Record<string, unknown>;
		const missing = ['name', 'type', 'weight', 'price'].filter((field) => body[field] === undefined);
		if (missing.length > 0) return problem(422, 'JSON data is missing or invalid', Object.fromEntries(missing.map((field) => [field, `${field} is required`])));
		const product = newProduct();
		const refused = applyCatalogFields(product, body);
		if (refused) {
			nextId--;
			return refused;
		}
		const withVariants = variants.checkCreate(product.id, product.sku, body.variants);
		if ('problem' in withVariants) return withVariants.problem;
		// The product's `images` are downloaded with it: one that cannot be downloaded refuses the whole product.
		for (const fields of Array.isArray(body.images) ? (body.images as Array<Record<string, unknown>>) : []) {
			const image = await downloadImage(product.id, fields);
			if (!isImage(image)) {
				images.delete(product.id);
				return image;
			}
		}
		catalog.set(product.id, product);
		withVariants.commit();
		return { status: 200, body: { data: variants.included(product, null), meta: {} } };
	};

	/** `PUT /catalog/products`: up to 10 products by id, all or nothing. */
	const updateCatalogProducts = async (request: SandboxRequest): Promise<SandboxResponse> => {
		const list = request.body;
		if (!Array.isArray(list) || list.length === 0) return problem(422, 'JSON data is missing or invalid', { body: 'must be an array of products' });
		if (list.length > 10) return problem(413, 'The request payload is too large. The maximum number of items is 10.', {});
		const targets = list.map((entry: Record<string, unknown>) => catalog.get(Number(entry.id)));
		const unknown = targets.findIndex((target) => !target);
		if (unknown >= 0) return problem(404, `Product ${String((list[unknown] as { id?: unknown }).id)} was not found`, {});
		const copies = targets.map((target) => ({ ...(target as CatalogProduct) }));
		for (const [index, copy] of copies.entries()) {
			catalog.set(copy.id, copy);
			const refused = applyCatalogFields(copy, list[index] as Record<string, unknown>);
			if (refused) {
				targets.forEach((target) => catalog.set((target as CatalogProduct).id, target as CatalogProduct));
				return refused;
			}
		}
		// `images` of an update: each by id changed (description, sort_order, is_thumbnail), one with `image_url` added.
		for (const [index, copy] of copies.entries()) {
			for (const fields of Array.isArray(list[index].images) ? (list[index].images as Array<Record<string, unknown>>) : []) {
				const image = await writeImage(copy.id, fields);
				if (!isImage(image)) return image;
			}
		}
		return { status: 200, body: { data: copies.map((copy) => variants.included(catalog.get(copy.id) ?? copy, null)), meta: {} } };
	};

	const adjust = (kind: 'relative' | 'absolute') => (request: SandboxRequest): SandboxResponse => {
		const body = (request.body ?? {}) as { reason?: string; items?: Array<{ location_id?: number; sku?: string; variant_id?: number; product_id?: number; quantity?: number }> };
		const list = body.items ?? [];
		if (list.length === 0 || list.length > 2000) return problem(422, 'Items must contain between 1 and 2000 entries.', { items: 'size' });
		const errors: Record<string, string> = {};
		const resolved = list.map((entry, index) => {
			const item = [...items.values()].find((candidate) => candidate.sku === entry.sku || candidate.variant_id === entry.variant_id || candidate.product_id === entry.product_id);
			if (!item) errors[`items.${index}`] = `Item ${entry.sku ?? entry.variant_id ?? entry.product_id} was not found.`;
			else if (!item.onHand.has(Number(entry.location_id))) errors[`items.${index}.location_id`] = `Location ${entry.location_id} is not assigned to the item.`;
			if (!Number.isInteger(entry.quantity) || (kind === 'absolute' && (entry.quantity as number) < 0)) errors[`items.${index}.quantity`] = 'Quantity must be an integer' + (kind === 'absolute' ? ' >= 0.' : '.');
			return { item, entry };
		});
		if (Object.keys(errors).length > 0) return problem(422, 'JSON data is missing or invalid', errors);
		for (const { item, entry } of resolved) {
			const location = Number(entry.location_id);
			const current = (item as Item).onHand.get(location) ?? 0;
			(item as Item).onHand.set(location, kind === 'relative' ? current + (entry.quantity as number) : (entry.quantity as number));
		}
		const transaction_id = randomUUID();
		transactions.push({ transaction_id, kind, reason: body.reason ?? '', items: list });
		return { status: 200, body: { transaction_id } };
	};

	const locationItems = (request: SandboxRequest): SandboxResponse => {
		const location = Number(request.params.location_id);
		if (location !== bigCommerceLocationId) return problem(404, `Location ${request.params.location_id} was not found.`);
		const skus = request.query.get('sku:in')?.split(',');
		const data = [...items.values()]
			.filter((item) => item.onHand.has(location) && (!skus || skus.includes(item.sku)))
			.map((item) => {
				const onHand = item.onHand.get(location) as number;
				return {
					identity: { sku: item.sku, variant_id: item.variant_id, product_id: item.product_id },
					available_to_sell: Math.max(0, onHand - item.safetyStock),
					total_inventory_onhand: onHand,
					settings: { safety_stock: item.safetyStock, is_in_stock: onHand > 0, warning_level: 0, bin_picking_number: '' },
				};
			});
		return { status: 200, body: { data, meta: { pagination: { total: data.length, count: data.length, per_page: 50, current_page: 1, total_pages: 1 } } } };
	};

	const unix = () => Math.floor(Date.now() / 1000);

	const createHook = (request: SandboxRequest): SandboxResponse => {
		const body = (request.body ?? {}) as { scope?: unknown; destination?: unknown; is_active?: unknown; headers?: unknown };
		const errors: Record<string, string> = {};
		if (typeof body.scope !== 'string' || !HOOK_SCOPES.has(body.scope)) errors.scope = 'error.path.invalid.';
		if (typeof body.destination !== 'string' || !/^https?:\/\//.test(body.destination)) errors.destination = 'error.path.missing.';
		const headers = body.headers ?? null;
		if (headers !== null && (typeof headers !== 'object' || Object.values(headers).some((value) => typeof value !== 'string'))) errors.headers = 'error.path.invalid.';
		if (Object.keys(errors).length > 0) return problem(422, 'Input is invalid', errors);
		const hook: Hook = { id: nextId++, client_id: 'sandbox-client', store_hash: bigCommerceStoreHash, scope: body.scope as string, destination: body.destination as string, headers: headers as Record<string, string> | null, is_active: body.is_active !== false, created_at: unix(), updated_at: unix() };
		hooks.push(hook);
		return { status: 200, body: { data: hook, meta: {} } };
	};

	const deleteHook = (request: SandboxRequest): SandboxResponse => {
		const hook = hooks.find((entry) => String(entry.id) === request.params.id);
		if (!hook) return problem(404, 'Webhook not found');
		hooks = hooks.filter((entry) => entry !== hook);
		return { status: 200, body: { data: hook, meta: {} } };
	};

	/** One event to every active hook on its scope; `times` deliveries of the same payload (the same `hash`). */
	const emit = (scope: string, data: Record<string, unknown>, times: number) => {
		const created_at = unix();
		const hash = createHash('sha1').update(JSON.stringify({ scope, data, created_at, nonce: randomUUID() })).digest('hex');
		const payload = { scope, store_id: '1025646', data, hash, created_at, producer: `stores/${bigCommerceStoreHash}` };
		const targets = hooks.filter((hook) => hook.scope === scope && hook.is_active);
		for (let time = 0; time < times; time++) for (const hook of targets) services.deliverWebhook({ url: hook.destination, secret: '' }, payload, () => ({ ...(hook.headers ?? {}) }));
		return { scope, deliveries: targets.length * times, payload };
	};

	const authenticate = headerAuth('X-Auth-Token', bigCommerceAccessToken, () => problem(401, 'No valid credential was provided.'));
	return {
		credentials: { accessToken: bigCommerceAccessToken, storeHash: bigCommerceStoreHash, locationId: String(bigCommerceLocationId) },
		// Product images are public (BigCommerce serves them from its CDN).
		authenticate: (request) => (media.holds(request.path) ? undefined : authenticate(request)),
		rateLimits: {
			defaults: [{ name: 'store', kind: 'fixed', limit: 150, intervalMs: 30_000 }],
			headers: rateHeaders,
			rejection: (blocked, _retryAfterMs, request) => (isV2(request) ? v2Error(429, 'Too many requests') : problem(429, 'Too many requests', { rate_limit: `Wait ${Math.ceil(blocked.resetMs)} ms` })),
		},
		errors: {
			serverError: (status, request) => (isV2(request) ? v2Error : problem)(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
			notFound: () => problem(404, 'The route is not found, check the URL'),
			badRequest: () => problem(400, 'Input is invalid'),
		},
		routes: (router) => {
			router
				.put(`${base}/inventory/adjustments/absolute`, adjust('absolute'))
				.post(`${base}/inventory/adjustments/relative`, adjust('relative'))
				.get(`${base}/inventory/locations`, () => ({
					status: 200,
					body: {
						data: [{ id: bigCommerceLocationId, code: 'BC-LOCATION-1', label: 'Default location', description: '', managed_by_external_source: false, type_id: 'PHYSICAL', enabled: true }],
						meta: { pagination: { total: 1, count: 1, per_page: 50, current_page: 1, total_pages: 1 } },
					},
				}))
				.get(`${base}/inventory/locations/:location_id/items`, locationItems)
				.get(`${base}/catalog/products`, listCatalog)
				.post(`${base}/catalog/products`, createCatalogProduct)
				.put(`${base}/catalog/products`, updateCatalogProducts)
				.get(`${base}/catalog/products/:id`, (request) => {
					const product = catalog.get(Number(request.params.id));
					return product ? { status: 200, body: { data: included(product, request.query.get('include')), meta: {} } } : problem(404, 'The requested product was not found');
				})
				.get(`${base}/catalog/products/:id/options`, (request) => ({ status: 200, body: { data: variants.optionsOf(Number(request.params.id)), meta: {} } }))
				.post(`${base}/catalog/products/:id/options`, (request) => variants.createOption(Number(request.params.id), (request.body ?? {}) as Record<string, unknown>))
				.put(`${base}/catalog/products/:id/options/:optionId`, (request) => variants.updateOption(Number(request.params.id), Number(request.params.optionId), (request.body ?? {}) as Record<string, unknown>))
				.delete(`${base}/catalog/products/:id/options/:optionId`, (request) => variants.deleteOption(Number(request.params.id), Number(request.params.optionId)))
				.delete(`${base}/catalog/products/:id/options/:optionId/values/:valueId`, (request) => variants.deleteOption(Number(request.params.id), Number(request.params.optionId), Number(request.params.valueId)))
				.get(`${base}/catalog/products/:id/variants`, (request) => ({ status: 200, body: { data: variants.variantsOf(Number(request.params.id)), meta: {} } }))
				.post(`${base}/catalog/products/:id/variants`, (request) => variants.createVariant(Number(request.params.id), (request.body ?? {}) as Record<string, unknown>))
				.delete(`${base}/catalog/products/:id/variants/:variantId`, (request) => variants.deleteVariant(Number(request.params.id), Number(request.params.variantId)))
				.put(`${base}/catalog/variants`, (request) => variants.updateVariants(request.body))
				.get(`${base}/catalog/products/:product_id/images`, productImages.list)
				.post(`${base}/catalog/products/:product_id/images`, productImages.create)
				.delete(`${base}/catalog/products/:product_id/images/:image_id`, productImages.remove)
				.get(`${media.prefix}/:folder/:file`, (request) => media.serve(request))
				.get(`${base}/customers`, listCustomers)
				.post(`${base}/customers`, writeCustomers(true))
				.put(`${base}/customers`, writeCustomers(false))
				.get(`${base}/hooks`, (request) => {
					const scope = request.query.get('scope');
					const data = hooks.filter((hook) => !scope || hook.scope === scope);
					return { status: 200, body: { data, meta: { pagination: { total: data.length, count: data.length, per_page: 50, current_page: 1, total_pages: 1 } } } };
				})
				.post(`${base}/hooks`, createHook)
				.delete(`${base}/hooks/:id`, deleteHook)
				.get(`${v2}/orders`, listOrders)
				.get(`${v2}/orders/:id/products`, (request) => {
					const order = orders.find((entry) => entry.id === Number(request.params.id));
					return order ? { status: 200, body: order.products } : { status: 404, body: [{ status: 404, message: 'The requested resource was not found.' }] };
				});
		},
		data: {
			reset: () => {
				items.clear();
				catalog.clear();
				variants.reset();
				images.clear();
				media.reset();
				customers.clear();
				transactions.length = 0;
				orders = [];
				hooks = [];
				nextId = 100;
			},
			/** `{ items: [{ sku, quantity, safety_stock? }] }` at location 1; `{ orders: [{ products: [{ sku, quantity }] }] }` sells them there. */
			seed: (data) => {
				for (const [collection, records] of Object.entries(data)) {
					if (collection === 'orders' && Array.isArray(records)) {
						for (const record of records as Array<{ products?: Array<{ sku: string; quantity: number }> }>) {
							const id = nextId++;
							const products = (record.products ?? []).map((line) => {
								const item = items.get(line.sku);
								if (!item) throw controlError(400, `no item ${line.sku}`);
								item.onHand.set(bigCommerceLocationId, (item.onHand.get(bigCommerceLocationId) ?? 0) - line.quantity);
								return { id: nextId++, order_id: id, sku: line.sku, quantity: line.quantity };
							});
							const now = rfc2822(new Date());
							orders.push({ id, date_created: now, date_modified: now, status_id: 11, products });
						}
						continue;
					}
					if (collection === 'customers' && Array.isArray(records)) {
						const answer = writeCustomers(true)({ body: records } as SandboxRequest);
						if (answer.status !== 200) throw controlError(400, `customers refused: ${JSON.stringify(answer.body)}`);
						continue;
					}
					if (collection === 'catalog' && Array.isArray(records)) {
						for (const record of records as Array<Record<string, unknown>>) {
							const existing = [...catalog.values()].find((product) => product.sku === record.sku);
							const product = existing ?? newProduct();
							const refused = applyCatalogFields(product, { name: record.sku, ...record });
							if (refused) throw controlError(400, `catalog product refused: ${JSON.stringify(refused.body)}`);
							catalog.set(product.id, product);
							// Uploaded by the merchant: `images: [{ name: "cap.png", description? }]`.
							for (const image of (record.images ?? []) as Array<{ name: string; description?: string }>) keepImage(product.id, image.name, { bytes: pngBytes(image.name), contentType: 'image/png' }, { description: image.description });
						}
						continue;
					}
					if (collection !== 'items' || !Array.isArray(records)) throw controlError(400, 'seed { items: [{ sku, quantity }] } or { catalog: [{ sku, name?, price?, ... }] }');
					for (const record of records as Array<{ sku?: string; quantity?: number; safety_stock?: number }>) {
						if (typeof record.sku !== 'string' || !Number.isInteger(record.quantity)) throw controlError(400, 'each item needs sku and an integer quantity');
						const item = items.get(record.sku) ?? { sku: record.sku, variant_id: nextId++, product_id: nextId++, onHand: new Map(), safetyStock: 0 };
						item.onHand.set(bigCommerceLocationId, record.quantity as number);
						item.safetyStock = record.safety_stock ?? item.safetyStock;
						items.set(record.sku, item);
					}
				}
				return { items: view() };
			},
			state: (collection) => {
				const all: Record<string, unknown> = { items: view(), transactions, orders, hooks, catalog: [...catalog.values()].map((product) => variants.included(product, 'variants,options')), customers: [...customers.values()] };
				return collection === undefined ? all : all[collection];
			},
		},
		signWebhook: () => ({}),
		/** `{ scope, orderId?, newStatusId?, times? }`: the latest order unless `orderId` is given; `newStatusId` for statusUpdated. */
		emitEvent: ({ scope, orderId, newStatusId, times }) => {
			if (typeof scope !== 'string' || !HOOK_SCOPES.has(scope)) throw controlError(400, `scope must be one of ${[...HOOK_SCOPES].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			const customer = scope.startsWith('store/customer/');
			const id = orderId ?? (customer ? [...customers.values()].at(-1)?.id : orders.at(-1)?.id) ?? nextId++;
			const data: Record<string, unknown> = { type: customer ? 'customer' : 'order', id };
			if (scope === 'store/order/statusUpdated') data.status = { previous_status_id: 11, new_status_id: newStatusId ?? 5 };
			return emit(scope, data, (times as number | undefined) ?? 1);
		},
	};

	function view() {
		return [...items.values()].map((item) => ({ sku: item.sku, variant_id: item.variant_id, product_id: item.product_id, location_id: bigCommerceLocationId, quantity: item.onHand.get(bigCommerceLocationId), safety_stock: item.safetyStock }));
	}
};
