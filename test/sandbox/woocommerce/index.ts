/**
 * The WooCommerce REST v3 sandbox (PLATFORMS.md, specs/woocommerce): Basic consumer key:secret auth, products found by
 * SKU with page/per_page and X-WP-Total(Pages), `stock_quantity` set by a plain PUT, exactly like WooCommerce: no
 * adjust, no compare, so two clients that read and then write lose one another's update; product meta_data kept as
 * WooCommerce keeps it (one value per key). Orders (created through
 * POST /orders, which takes the units off stock), `modified_after`, the products batch endpoint, and order.created
 * webhooks signed with X-WC-Webhook-Signature and numbered by X-WC-Webhook-Delivery-ID.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

import { controlError } from '../framework/control';
import { pngBytes, SandboxMedia } from '../framework/media';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory, type VendorSettings } from '../framework/types';
import type { WebhookSigner } from '../framework/webhooks';
import { wooAuthenticator } from './auth';

export const wooConsumerKey = 'ck_sandbox_0123456789';
export const wooConsumerSecret = 'cs_sandbox_9876543210';

const API = '/wp-json/wc/v3';
const WEBHOOK_TOPICS = new Set(['order.created', 'order.updated', 'order.deleted', 'order.restored', 'customer.created', 'customer.updated', 'customer.deleted']);

/** A webhook registered through POST /webhooks; the secret is write-only (never listed). */
interface Webhook {
	id: number;
	name: string;
	status: string;
	topic: string;
	resource: string;
	event: string;
	delivery_url: string;
	secret: string;
	date_created_gmt: string;
}

interface Product {
	id: number;
	name: string;
	sku: string;
	type: string;
	manage_stock: boolean;
	stock_quantity: number | null;
	stock_status: string;
	description: string;
	regular_price: string;
	sale_price: string;
	/** What sells now: the sale price when there is one, else the regular price (WooCommerce computes it). */
	price: string;
	status: string;
	weight: string;
	date_modified_gmt: string;
	/** Set on variations: the variable product they belong to. */
	parent_id?: number;
	/** A product's attributes (those with `variation: true` vary its variations); a variation's chosen option of each. */
	attributes: Array<ProductAttribute | VariationAttribute>;
	menu_order: number;
	/** Custom fields; a PUT updates an entry by id, else the entry with its key (one value per key), else adds one. */
	meta_data: MetaEntry[];
	/** The product's images (media library attachments), the first its featured image. */
	images?: WooImage[];
}

/** A media library attachment, as a product lists it. */
interface WooImage {
	id: number;
	src: string;
	name: string;
	alt: string;
}

interface ProductAttribute {
	id: number;
	name: string;
	position: number;
	visible: boolean;
	variation: boolean;
	options: string[];
}

interface VariationAttribute {
	id: number;
	name: string;
	option: string;
}

interface MetaEntry {
	id: number;
	key: string;
	value: unknown;
}

interface Order {
	id: number;
	status: string;
	/** `price`: the unit price, a number, as WooCommerce sends it beside the line's `total` text. */
	line_items: Array<{ id: number; product_id: number; sku: string; quantity: number; total: string; price: number }>;
	currency: string;
	billing: { email: string };
	/** Decimal string in the store's currency, as WooCommerce sends money. */
	total: string;
	date_created_gmt: string;
	date_modified_gmt: string;
}

/** A customer (`/customers`): the fields the package reads and writes; WooCommerce keeps no marketing consent. */
interface Customer {
	id: number;
	email: string;
	first_name: string;
	last_name: string;
	username: string;
	role: string;
	billing: { email: string; phone: string };
	date_created_gmt: string;
	date_modified_gmt: string;
}

const wooError = (status: number, code: string, message: string): SandboxResponse => ({ status, body: { code, message, data: { status } } });

class WooState {
	products = new Map<number, Product>();
	customers = new Map<number, Customer>();
	orders: Order[] = [];
	webhooks: Webhook[] = [];
	settings = { duplicateWebhooks: false };
	/** The media library: attachments by id. */
	attachments = new Map<number, WooImage>();
	media: SandboxMedia;
	private nextId = 100;

	constructor(baseUrl: () => string) {
		this.media = new SandboxMedia('/wp-content/uploads', baseUrl);
	}

	reset(): void {
		this.products.clear();
		this.customers.clear();
		this.orders = [];
		this.webhooks = [];
		this.settings = { duplicateWebhooks: false };
		this.attachments.clear();
		this.media.reset();
		this.nextId = 100;
	}

	/** An attachment made of an image's bytes, served from the uploads folder. */
	attach(name: string, file: { bytes: Buffer; contentType: string }, alt = ''): WooImage {
		const attachment = { id: this.id(), src: this.media.url(this.media.keep(name, file)), name: name.replace(/\.[^.]*$/, ''), alt };
		this.attachments.set(attachment.id, attachment);
		return attachment;
	}

	id(): number {
		return this.nextId++;
	}

	setStock(product: Product, quantity: number): void {
		product.stock_quantity = quantity;
		product.stock_status = quantity > 0 ? 'instock' : 'outofstock';
		product.date_modified_gmt = stamp();
	}
}

/** WooCommerce dates: no zone suffix, second precision. */
const stamp = () => new Date().toISOString().slice(0, 19);

export const createWooCommerceSandbox: VendorSandboxFactory = (services) => {
	const state = new WooState(() => services.baseUrl());
	/** One event to every active webhook on its topic, `times` deliveries each carrying the same delivery id. */
	const emit = (topic: string, payload: unknown, times = 1) => {
		const targets = state.webhooks.filter((hook) => hook.topic === topic && hook.status === 'active');
		for (const hook of targets) {
			const deliveryId = randomUUID();
			const [resource, event] = topic.split('.');
			// The site's home URL, under which its REST API is: this sandbox's, so two sandboxes are two sites.
			const sign: WebhookSigner = (input) => ({ ...signWooWebhook(input), 'X-WC-Webhook-Source': `${services.baseUrl()}/`, 'X-WC-Webhook-Topic': topic, 'X-WC-Webhook-Resource': resource, 'X-WC-Webhook-Event': event, 'X-WC-Webhook-ID': String(hook.id), 'X-WC-Webhook-Delivery-ID': deliveryId });
			for (let time = 0; time < times; time++) services.deliverWebhook({ url: hook.delivery_url, secret: hook.secret }, payload, sign);
		}
		return { topic, deliveries: targets.length * times, payload };
	};
	const publish = (order: Order, topic = 'order.created') => {
		services.publishWebhook(order);
		if (state.settings.duplicateWebhooks) services.publishWebhook(order);
		emit(topic, order, state.settings.duplicateWebhooks ? 2 : 1);
	};
	const authenticate = wooAuthenticator(wooConsumerKey, wooConsumerSecret, (reason, message) =>
		reason === 'missing'
			? wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.')
			: wooError(401, 'woocommerce_rest_authentication_error', message ?? 'Consumer key is invalid.'),
	);
	return {
		credentials: { consumerKey: wooConsumerKey, consumerSecret: wooConsumerSecret },
		// The uploads folder is public: a store's images are served to anyone.
		authenticate: (request) => (state.media.holds(request.path) ? undefined : authenticate(request)),
		rateLimits: { defaults: [], headers: () => ({}), rejection: () => wooError(429, 'woocommerce_rest_too_many_requests', 'Too many requests.') },
		errors: {
			serverError: (status) => wooError(status, 'internal_server_error', 'There has been a critical error on this website.'),
			notFound: () => wooError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
			badRequest: (message) => wooError(400, 'rest_invalid_json', `Invalid JSON body passed. ${message}`),
		},
		routes: (router) => {
			router
				.get(`${API}/products`, (request) => listProducts(state, request))
				.get(`${API}/products/:id`, (request) => ({ status: 200, body: product(state, request.params.id) }))
				.put(`${API}/products/:id`, async (request) => ({ status: 200, body: update(state, product(state, request.params.id), await sideloaded(state, request.body)) }))
				.delete(`${API}/products/:id`, (request) => deleteProduct(state, product(state, request.params.id), request.query.get('force') === 'true'))
				.get(`${API}/products/:id/variations`, (request) => paged(request, variations(state, request.params.id).filter((entry) => !request.query.get('sku') || entry.sku === request.query.get('sku'))))
				.get(`${API}/products/:id/variations/:variationId`, (request) => ({ status: 200, body: variation(state, request.params.id, request.params.variationId) }))
				.put(`${API}/products/:id/variations/:variationId`, (request) => ({ status: 200, body: updateVariation(state, product(state, request.params.id), variation(state, request.params.id, request.params.variationId), request.body) }))
				.post(`${API}/products/batch`, (request) => batch(state, request))
				.post(`${API}/products/:id/variations/batch`, (request) => variationBatch(state, request.params.id, request))
				.get(`${state.media.prefix}/:folder/:file`, (request) => state.media.serve(request))
				.get(`${API}/customers`, (request) => listCustomers(state, request))
				.post(`${API}/customers`, (request) => createdCustomer(state, request.body, (customer) => emit('customer.created', customer)))
				.put(`${API}/customers/:id`, (request) => updatedCustomer(state, request, (customer) => emit('customer.updated', customer)))
				.post(`${API}/customers/batch`, (request) => customerBatch(state, request))
				.get(`${API}/orders`, (request) => listOrders(state, request))
				.post(`${API}/orders`, (request) => createOrder(state, request, publish))
				.put(`${API}/orders/:id`, (request) => updateOrderStatus(state, request, (order) => publish(order, 'order.updated')))
				.get(`${API}/webhooks`, (request) => paged(request, state.webhooks.map(listedWebhook)))
				.post(`${API}/webhooks`, (request) => createWebhook(state, request))
				.delete(`${API}/webhooks/:id`, (request) => deleteWebhook(state, request));
		},
		data: {
			reset: () => state.reset(),
			seed: (data) => seed(state, data),
			state: (collection) => {
				const all: Record<string, unknown> = { products: [...state.products.values()], customers: [...state.customers.values()], orders: state.orders, webhooks: state.webhooks.map(listedWebhook) };
				return collection === undefined ? all : all[collection];
			},
		},
		signWebhook: signWooWebhook,
		settings: settings(state),
		/** `{ topic, payload?, status?, times? }`: the latest order (with `status` set, e.g. cancelled) or customer unless a payload is given. */
		emitEvent: ({ topic, payload, status, times }) => {
			if (typeof topic !== 'string' || !WEBHOOK_TOPICS.has(topic)) throw controlError(400, `topic must be one of ${[...WEBHOOK_TOPICS].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			const latest = topic.startsWith('customer.') ? [...state.customers.values()].at(-1) : state.orders.at(-1);
			const order = payload ?? (latest ? { ...latest, ...(typeof status === 'string' ? { status } : {}) } : undefined);
			if (order === undefined) throw controlError(400, `no ${topic.split('.')[0]} to emit: create one or give a payload`);
			return emit(topic, order, (times as number | undefined) ?? 1);
		},
	};
};

function listedWebhook(hook: Webhook): Omit<Webhook, 'secret'> {
	const { secret: _secret, ...listed } = hook;
	return listed;
}

function createWebhook(state: WooState, request: SandboxRequest): SandboxResponse {
	const body = (request.body ?? {}) as { name?: unknown; topic?: unknown; delivery_url?: unknown; secret?: unknown; status?: unknown };
	if (typeof body.topic !== 'string' || !WEBHOOK_TOPICS.has(body.topic)) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): topic');
	if (typeof body.delivery_url !== 'string' || !/^https?:\/\//.test(body.delivery_url)) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): delivery_url');
	const [resource, event] = body.topic.split('.');
	const hook: Webhook = {
		id: state.id(),
		name: typeof body.name === 'string' ? body.name : `Webhook created on ${stamp()}`,
		status: typeof body.status === 'string' ? body.status : 'active',
		topic: body.topic,
		resource,
		event,
		delivery_url: body.delivery_url,
		// WooCommerce's default when none is given: a hash the receiver cannot know in advance.
		secret: typeof body.secret === 'string' && body.secret !== '' ? body.secret : createHash('md5').update(randomUUID()).digest('hex'),
		date_created_gmt: stamp(),
	};
	state.webhooks.push(hook);
	return { status: 201, body: listedWebhook(hook) };
}

/** WooCommerce webhooks cannot be trashed: without force=true the delete is refused. */
function deleteWebhook(state: WooState, request: SandboxRequest): SandboxResponse {
	const hook = state.webhooks.find((entry) => String(entry.id) === request.params.id);
	if (!hook) return wooError(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
	if (request.query.get('force') !== 'true') return wooError(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
	state.webhooks = state.webhooks.filter((entry) => entry !== hook);
	return { status: 200, body: listedWebhook(hook) };
}

export const signWooWebhook: WebhookSigner = ({ body, secret, url }) => ({
	'X-WC-Webhook-Source': 'http://woocommerce.sandbox/',
	'X-WC-Webhook-Topic': 'order.created',
	'X-WC-Webhook-Resource': 'order',
	'X-WC-Webhook-Event': 'created',
	'X-WC-Webhook-Signature': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
	'X-WC-Webhook-ID': String(1 + (createHash('sha256').update(url).digest()[0] % 50)),
	// The delivery log id; a repeated delivery of the same event carries the same one here.
	'X-WC-Webhook-Delivery-ID': createHash('sha256').update(body).digest('hex').slice(0, 16),
});

/** A product or variable product (not a variation: those live under their parent's path). */
function product(state: WooState, id: string): Product {
	const found = state.products.get(Number(id));
	if (!found || found.type === 'variation') throw new SandboxError(wooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.'));
	return found;
}

function variations(state: WooState, parentId: string): Product[] {
	const parent = product(state, parentId);
	return [...state.products.values()].filter((entry) => entry.type === 'variation' && entry.parent_id === parent.id);
}

function variation(state: WooState, parentId: string, id: string): Product {
	const found = variations(state, parentId).find((entry) => entry.id === Number(id));
	if (!found) throw new SandboxError(wooError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.'));
	return found;
}

function update(state: WooState, target: Product, body: unknown): Product {
	const patch = (body ?? {}) as Partial<Product>;
	if (patch.manage_stock !== undefined) target.manage_stock = patch.manage_stock === true;
	if (patch.stock_quantity !== undefined) {
		if (!Number.isInteger(patch.stock_quantity)) {
			throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): stock_quantity'));
		}
		state.setStock(target, patch.stock_quantity as number);
	}
	for (const field of ['name', 'description', 'regular_price', 'sale_price', 'status', 'weight', 'sku'] as const) {
		const value = patch[field];
		if (value === undefined) continue;
		if (typeof value !== 'string' || (field === 'status' && !PRODUCT_STATUSES.includes(value)) || (field.endsWith('price') && value !== '' && !/^\d+(\.\d+)?$/.test(value))) {
			throw new SandboxError(wooError(400, 'rest_invalid_param', `Invalid parameter(s): ${field}`));
		}
		if (field === 'sku' && value !== '' && [...state.products.values()].some((entry) => entry !== target && entry.sku === value)) {
			throw new SandboxError(wooError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.'));
		}
		target[field] = value;
	}
	target.price = target.sale_price || target.regular_price;
	if (patch.menu_order !== undefined) {
		if (!Number.isInteger(patch.menu_order)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): menu_order'));
		target.menu_order = patch.menu_order;
	}
	if (patch.type !== undefined && target.type !== 'variation') {
		if (!PRODUCT_TYPES.includes(patch.type)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): type'));
		target.type = patch.type;
	}
	if (patch.attributes !== undefined && target.type !== 'variation') target.attributes = productAttributes(patch.attributes);
	if (patch.meta_data !== undefined) updateMeta(state, target, patch.meta_data);
	if (patch.images !== undefined) target.images = productImages(state, patch.images);
	target.date_modified_gmt = stamp();
	return target;
}

/**
 * A product's images as WC_REST_Products_Controller::set_product_images sets them: each by an attachment `id` (its alt
 * text updated) in the order given, the list replacing the product's images. Images given by `src` were sideloaded
 * first (see sideloaded).
 */
function productImages(state: WooState, images: unknown): WooImage[] {
	if (!Array.isArray(images)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): images'));
	return images.map((entry: { id?: unknown; alt?: unknown }) => {
		const attachment = state.attachments.get(Number(entry?.id));
		if (!attachment) throw new SandboxError(wooError(400, 'woocommerce_product_invalid_image_id', `#${String(entry?.id)} is an invalid image ID.`));
		if (typeof entry.alt === 'string') attachment.alt = entry.alt;
		return { ...attachment };
	});
}

/**
 * The body with each image given by `src` downloaded into the media library (wc_rest_upload_image_from_url) and named
 * by its attachment id; an image that cannot be downloaded refuses the product, as WooCommerce does.
 */
async function sideloaded<T>(state: WooState, body: T): Promise<T> {
	const images = (body as { images?: unknown } | undefined)?.images;
	if (!Array.isArray(images)) return body;
	const resolved = [];
	for (const entry of images as Array<{ id?: number; src?: unknown; alt?: unknown; name?: unknown }>) {
		if (entry?.id || typeof entry?.src !== 'string') {
			resolved.push(entry);
			continue;
		}
		let file;
		try {
			file = await state.media.download(entry.src);
		} catch (error) {
			throw new SandboxError(wooError(400, 'woocommerce_product_image_upload_error', `Error getting remote image ${entry.src}. Error: ${(error as Error).message}`));
		}
		const attachment = state.attach(SandboxMedia.fileName(entry.src), file, typeof entry.alt === 'string' ? entry.alt : '');
		resolved.push({ id: attachment.id, alt: attachment.alt });
	}
	return { ...body, images: resolved };
}

/** As WC_Data::update_meta_data: by id when given, else the first entry with the key (dropping later ones), else a new entry. */
function updateMeta(state: WooState, target: Product, entries: unknown): void {
	if (!Array.isArray(entries) || entries.some((entry) => typeof (entry as Partial<MetaEntry>)?.key !== 'string')) {
		throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): meta_data'));
	}
	for (const { id, key, value } of entries as Array<Partial<MetaEntry> & { key: string }>) {
		const byId = id === undefined ? undefined : target.meta_data.find((entry) => entry.id === Number(id));
		if (byId) {
			Object.assign(byId, { key, value });
			continue;
		}
		const sameKey = target.meta_data.filter((entry) => entry.key === key);
		if (sameKey.length === 0) {
			target.meta_data.push({ id: state.id(), key, value });
			continue;
		}
		sameKey[0].value = value;
		target.meta_data = target.meta_data.filter((entry) => entry.key !== key || entry === sameKey[0]);
	}
}

function paged<T>(request: SandboxRequest, all: T[]): SandboxResponse {
	const perPage = Number(request.query.get('per_page') ?? 10);
	const page = Number(request.query.get('page') ?? 1);
	if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
	const totalPages = Math.max(1, Math.ceil(all.length / perPage));
	const link = pageLinks(request, page, totalPages);
	return {
		status: 200,
		body: all.slice((page - 1) * perPage, page * perPage),
		headers: { 'X-WP-Total': String(all.length), 'X-WP-TotalPages': String(totalPages), ...(link ? { Link: link } : {}) },
	};
}

/** WordPress's `Link` header: absolute prev/next URLs with the request's own query, the page changed. */
function pageLinks(request: SandboxRequest, page: number, totalPages: number): string | undefined {
	const pageUrl = (target: number) => {
		const query = new URLSearchParams(request.query);
		query.set('page', String(target));
		return `<http://${request.headers.host}${request.path}?${query}>`;
	};
	const links = [
		...(page > 1 ? [`${pageUrl(Math.min(page - 1, totalPages))}; rel="prev"`] : []),
		...(page < totalPages ? [`${pageUrl(page + 1)}; rel="next"`] : []),
	];
	return links.length > 0 ? links.join(', ') : undefined;
}

function listProducts(state: WooState, request: SandboxRequest): SandboxResponse {
	const sku = request.query.get('sku');
	const after = request.query.get('modified_after');
	// Like WooCommerce: a SKU filter searches variations too; a plain listing shows products only. `modified_after` is
	// exclusive; the order is by id (`orderby=id`), ascending when asked.
	const all = [...state.products.values()]
		.filter((entry) => (sku === null ? entry.type !== 'variation' : entry.sku === sku))
		.filter((entry) => after === null || entry.date_modified_gmt > after.slice(0, 19))
		.sort((a, b) => (request.query.get('order') === 'asc' ? a.id - b.id : b.id - a.id));
	return paged(request, all);
}

const PRODUCT_STATUSES = ['draft', 'pending', 'private', 'publish'];

const PRODUCT_TYPES = ['simple', 'variable'];

/** A product created through the API (batch `create`): simple unless `type` says variable; a SKU another product has is refused. */
function createProduct(state: WooState, fields: Partial<Product>): Product {
	const type = fields.type ?? 'simple';
	if (!PRODUCT_TYPES.includes(type)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): type'));
	const product: Product = {
		id: state.id(), name: '', sku: '', type, manage_stock: false, stock_quantity: null, stock_status: 'instock',
		description: '', regular_price: '', sale_price: '', price: '', status: 'publish', weight: '', date_modified_gmt: stamp(), meta_data: [], attributes: [], menu_order: 0, images: [],
	};
	update(state, product, fields);
	state.products.set(product.id, product);
	return product;
}

/**
 * `DELETE /products/{id}`: moved to the trash (`status: trash`) unless `force=true`, which deletes it and, a variable
 * product, its variations. Answers the product as it was.
 */
function deleteProduct(state: WooState, target: Product, force: boolean): SandboxResponse {
	const answer = { ...target };
	if (!force) {
		target.status = 'trash';
		target.date_modified_gmt = stamp();
		return { status: 200, body: { ...target } };
	}
	for (const entry of [...state.products.values()]) if (entry.id === target.id || entry.parent_id === target.id) state.products.delete(entry.id);
	return { status: 200, body: answer };
}

/** A product's `attributes` as WooCommerce saves them: named, positioned in order when no position is given. */
function productAttributes(value: unknown): ProductAttribute[] {
	if (!Array.isArray(value)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): attributes'));
	return value.map((entry: Partial<ProductAttribute>, index) => {
		if (typeof entry?.name !== 'string' || entry.name === '' || !Array.isArray(entry.options) || entry.options.some((option) => typeof option !== 'string')) {
			throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): attributes'));
		}
		// Custom (local) attributes have id 0, as WooCommerce answers them.
		return { id: 0, name: entry.name, position: Number.isInteger(entry.position) ? (entry.position as number) : index, visible: entry.visible === true, variation: entry.variation === true, options: [...entry.options] };
	});
}

/**
 * A variation's fields: as WooCommerce's REST controller, each attribute is looked up on the parent by name and kept only
 * when the parent varies by it (`variation: true`); others are dropped. Saving a variation syncs and saves its parent,
 * so the parent's modification time moves too (WC_Product_Variable::sync on the variation's save).
 */
function updateVariation(state: WooState, parent: Product, target: Product, body: unknown): Product {
	const { attributes, ...fields } = (body ?? {}) as Partial<Product> & { attributes?: unknown };
	update(state, target, fields);
	if (attributes !== undefined) {
		if (!Array.isArray(attributes)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): attributes'));
		const varying = (parent.attributes as ProductAttribute[]).filter((attribute) => attribute.variation);
		target.attributes = (attributes as Array<Partial<VariationAttribute>>).flatMap((entry) => {
			const found = varying.find((attribute) => attribute.name === entry?.name);
			return found && typeof entry.option === 'string' ? [{ id: 0, name: found.name, option: entry.option }] : [];
		});
	}
	parent.date_modified_gmt = target.date_modified_gmt;
	return target;
}

/**
 * `POST /products/{id}/variations/batch`: `{create, update, delete}` of the variable product's variations, at most 100
 * objects in all, each answered on its own (a deleted variation answered as it was).
 */
function variationBatch(state: WooState, parentId: string, request: SandboxRequest): SandboxResponse {
	const parent = product(state, parentId);
	const body = (request.body ?? {}) as { create?: Array<Partial<Product>>; update?: Array<Partial<Product>>; delete?: number[] };
	const creates = body.create ?? [];
	const updates = body.update ?? [];
	const deletes = body.delete ?? [];
	if (creates.length + updates.length + deletes.length > 100) return wooError(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
	const answer = (id: unknown, write: () => Product) => {
		try {
			return write();
		} catch (error) {
			if (error instanceof SandboxError) return { id, error: error.response.body };
			throw error;
		}
	};
	const create = creates.map((entry) =>
		answer(0, () => {
			if (entry.sku && [...state.products.values()].some((other) => other.sku === entry.sku)) throw new SandboxError(wooError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.'));
			const created: Product = {
				id: state.id(), name: parent.name, sku: '', type: 'variation', parent_id: parent.id, manage_stock: false, stock_quantity: null, stock_status: 'instock',
				description: '', regular_price: '', sale_price: '', price: '', status: 'publish', weight: '', date_modified_gmt: stamp(), meta_data: [], attributes: [], menu_order: 0,
			};
			const saved = updateVariation(state, parent, created, entry);
			state.products.set(created.id, created);
			return saved;
		}),
	);
	const update_ = updates.map((entry) =>
		answer(entry.id, () => {
			const target = state.products.get(Number(entry.id));
			if (!target || target.parent_id !== parent.id) throw new SandboxError(wooError(400, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.'));
			return updateVariation(state, parent, target, entry);
		}),
	);
	const delete_ = deletes.map((id) =>
		answer(id, () => {
			const target = state.products.get(Number(id));
			if (!target || target.parent_id !== parent.id) throw new SandboxError(wooError(400, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.'));
			state.products.delete(target.id);
			parent.date_modified_gmt = stamp();
			return target;
		}),
	);
	return { status: 200, body: { create, update: update_, delete: delete_ } };
}

function listOrders(state: WooState, request: SandboxRequest): SandboxResponse {
	const after = request.query.get('modified_after');
	return paged(request, state.orders.filter((order) => after === null || order.date_modified_gmt > after.slice(0, 19)));
}

/** `{ create: [...], update: [{ id, ... }] }`: each entry succeeds or carries its own error, as WooCommerce answers. */
async function batch(state: WooState, request: SandboxRequest): Promise<SandboxResponse> {
	const body = (request.body ?? {}) as { create?: Array<Partial<Product>>; update?: Array<Partial<Product>> };
	const updates = body.update ?? [];
	const creates = body.create ?? [];
	if (updates.length + creates.length > 100) return wooError(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
	const create = [];
	for (const entry of creates) create.push(await batchEntry(0, async () => createProduct(state, await sideloaded(state, entry))));
	const update_ = [];
	for (const entry of updates) {
		const target = state.products.get(Number(entry.id));
		if (!target) update_.push({ id: entry.id, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } });
		else update_.push(await batchEntry(entry.id, async () => update(state, target, await sideloaded(state, entry))));
	}
	return { status: 200, body: { ...(creates.length > 0 ? { create } : {}), update: update_ } };
}

/** One entry of a batch: the product, or its own error. */
async function batchEntry(id: unknown, apply: () => Promise<Product>): Promise<Product | { id: unknown; error: unknown }> {
	try {
		return await apply();
	} catch (error) {
		if (error instanceof SandboxError) return { id, error: error.response.body };
		throw error;
	}
}

/** `GET /customers`: customers (role `customer` unless `role` says otherwise), `email` exact, ordered by id or registration. */
function listCustomers(state: WooState, request: SandboxRequest): SandboxResponse {
	const email = request.query.get('email');
	const role = request.query.get('role') ?? 'customer';
	const all = [...state.customers.values()]
		.filter((customer) => (role === 'all' || customer.role === role) && (email === null || customer.email === email.toLowerCase()))
		.sort((a, b) => (request.query.get('order') === 'desc' ? b.id - a.id : a.id - b.id));
	return paged(request, all);
}

/** Applies fields as WooCommerce validates them: an email another account has is refused, as registration refuses it. */
function applyCustomer(state: WooState, target: Customer, fields: Record<string, unknown>): void {
	if (fields.email !== undefined) {
		if (typeof fields.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(fields.email)) throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): email'));
		const email = fields.email.toLowerCase();
		if ([...state.customers.values()].some((other) => other !== target && other.email === email)) {
			throw new SandboxError(wooError(400, 'registration-error-email-exists', 'An account is already registered with your email address. Please log in.'));
		}
		target.email = email;
		target.billing.email = email;
	}
	for (const field of ['first_name', 'last_name'] as const) {
		const value = fields[field];
		if (value === undefined) continue;
		if (typeof value !== 'string') throw new SandboxError(wooError(400, 'rest_invalid_param', `Invalid parameter(s): ${field}`));
		target[field] = value;
	}
	const phone = (fields.billing as { phone?: unknown } | undefined)?.phone;
	if (phone !== undefined) {
		if (typeof phone !== 'string') throw new SandboxError(wooError(400, 'rest_invalid_param', 'Invalid parameter(s): billing'));
		target.billing.phone = phone;
	}
	target.date_modified_gmt = stamp();
}

function createCustomer(state: WooState, fields: unknown): Customer {
	const body = (fields ?? {}) as Record<string, unknown>;
	if (typeof body.email !== 'string') throw new SandboxError(wooError(400, 'rest_missing_callback_param', 'Missing parameter(s): email'));
	const now = stamp();
	const customer: Customer = { id: state.id(), email: '', first_name: '', last_name: '', username: '', role: 'customer', billing: { email: '', phone: '' }, date_created_gmt: now, date_modified_gmt: now };
	applyCustomer(state, customer, body);
	customer.username = customer.email.split('@')[0];
	state.customers.set(customer.id, customer);
	return customer;
}

function createdCustomer(state: WooState, body: unknown, published: (customer: Customer) => void): SandboxResponse {
	const customer = createCustomer(state, body);
	published(customer);
	return { status: 201, body: customer };
}

function updatedCustomer(state: WooState, request: SandboxRequest, published: (customer: Customer) => void): SandboxResponse {
	const customer = state.customers.get(Number(request.params.id));
	if (!customer) return wooError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
	applyCustomer(state, customer, (request.body ?? {}) as Record<string, unknown>);
	published(customer);
	return { status: 200, body: customer };
}

/** `customers/batch`: at most 100 creates and updates together, each answered on its own. */
function customerBatch(state: WooState, request: SandboxRequest): SandboxResponse {
	const body = (request.body ?? {}) as { create?: unknown[]; update?: Array<Record<string, unknown>> };
	const creates = body.create ?? [];
	const updates = body.update ?? [];
	if (creates.length + updates.length > 100) return wooError(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.');
	const each = (work: () => Customer, id: unknown) => {
		try {
			return work();
		} catch (error) {
			if (error instanceof SandboxError) return { id, error: error.response.body };
			throw error;
		}
	};
	const create = creates.map((entry) => each(() => createCustomer(state, entry), 0));
	const update = updates.map((entry) =>
		each(() => {
			const target = state.customers.get(Number(entry.id));
			if (!target) throw new SandboxError(wooError(400, 'woocommerce_rest_invalid_id', 'Invalid resource ID.'));
			applyCustomer(state, target, entry);
			return target;
		}, entry.id),
	);
	return { status: 200, body: { ...(creates.length > 0 ? { create } : {}), update } };
}

/** An order placed on the store: its units leave stock in one step (as WooCommerce's own checkout does). */
function createOrder(state: WooState, request: SandboxRequest, publish: (order: Order) => void): SandboxResponse {
	const body = (request.body ?? {}) as { billing?: { email?: string }; line_items?: Array<{ product_id?: number; sku?: string; quantity?: number; total?: string }> };
	const lines = body.line_items ?? [];
	const resolved = lines.map((line) => {
		const target = line.product_id !== undefined ? state.products.get(Number(line.product_id)) : [...state.products.values()].find((entry) => entry.sku === line.sku);
		if (!target || !Number.isInteger(line.quantity) || (line.quantity as number) <= 0) {
			throw new SandboxError(wooError(400, 'woocommerce_rest_invalid_product_id', 'Invalid product or quantity.'));
		}
		return { target, quantity: line.quantity as number, total: Number(line.total ?? 0).toFixed(2) };
	});
	const now = stamp();
	const order: Order = {
		id: state.id(),
		status: 'processing',
		line_items: resolved.map(({ target, quantity, total }) => {
			if (target.manage_stock && target.stock_quantity !== null) state.setStock(target, target.stock_quantity - quantity);
			return { id: state.id(), product_id: target.id, sku: target.sku, quantity, total, price: Number(total) / quantity };
		}),
		billing: { email: body.billing?.email ?? '' },
		total: resolved.reduce((sum, line) => sum + Number(line.total), 0).toFixed(2),
		currency: 'USD',
		date_created_gmt: now,
		date_modified_gmt: now,
	};
	state.orders.push(order);
	publish(order);
	return { status: 201, body: order };
}

/**
 * `PUT orders/{id}` with a new `status`: an order cancelled from an open status gets its units back in stock, as
 * WooCommerce's wc_maybe_increase_stock_levels does (a refund restocks only what the refund says, so not here), and
 * order.updated is published.
 */
function updateOrderStatus(state: WooState, request: SandboxRequest, publish: (order: Order) => void): SandboxResponse {
	const order = state.orders.find((entry) => String(entry.id) === request.params.id);
	if (!order) return wooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
	const status = ((request.body ?? {}) as { status?: unknown }).status;
	if (typeof status !== 'string' || !ORDER_STATUSES.includes(status)) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): status');
	if (status === 'cancelled' && ['pending', 'processing', 'on-hold'].includes(order.status)) {
		for (const line of order.line_items) {
			const target = state.products.get(line.product_id);
			if (target?.manage_stock && target.stock_quantity !== null) state.setStock(target, target.stock_quantity + line.quantity);
		}
	}
	order.status = status;
	order.date_modified_gmt = stamp();
	publish(order);
	return { status: 200, body: order };
}

const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed'];

/** `{ products: [{ sku, stock_quantity, name?, manage_stock?, parentSku?, description?, regular_price?, sale_price?, status?, weight?, images? }] }`; `parentSku` makes a variation of that (variable) product. */
function seed(state: WooState, data: Record<string, unknown[]>): Record<string, unknown[]> {
	const stored: Product[] = [];
	for (const [collection, records] of Object.entries(data)) {
		if (collection === 'customers' && Array.isArray(records)) {
			for (const record of records) createCustomer(state, record);
			continue;
		}
		if (collection !== 'products' || !Array.isArray(records)) throw controlError(400, 'seed { products: [{ sku, stock_quantity }] } or { customers: [{ email, first_name?, last_name? }] }');
		for (const record of records as Array<Omit<Partial<Product>, 'images'> & { parentSku?: string; images?: Array<{ name: string; alt?: string }> }>) {
			if (typeof record.sku !== 'string') throw controlError(400, 'each product needs a sku');
			const existing = [...state.products.values()].find((entry) => entry.sku === record.sku);
			const parent = record.parentSku === undefined ? undefined : variableParent(state, record.parentSku);
			const entry: Product = existing ?? {
				id: state.id(),
				name: record.name ?? record.sku,
				sku: record.sku,
				type: parent ? 'variation' : 'simple',
				...(parent ? { parent_id: parent.id } : {}),
				manage_stock: record.manage_stock ?? true,
				stock_quantity: null,
				stock_status: 'instock',
				description: record.description ?? '',
				regular_price: record.regular_price ?? '',
				sale_price: record.sale_price ?? '',
				price: record.sale_price || record.regular_price || '',
				status: record.status ?? 'publish',
				weight: record.weight ?? '',
				date_modified_gmt: stamp(),
				meta_data: [],
				attributes: [],
				menu_order: 0,
				// Uploaded by the merchant: `images: [{ name: "tee.png", alt? }]`.
				images: (record.images ?? []).map((image) => state.attach(image.name, { bytes: pngBytes(image.name), contentType: 'image/png' }, image.alt ?? '')),
			};
			if (record.stock_quantity !== undefined) state.setStock(entry, record.stock_quantity as number);
			state.products.set(entry.id, entry);
			stored.push(entry);
		}
	}
	return { products: stored };
}

/** The variable product with this SKU, created (without stock of its own) when missing. */
function variableParent(state: WooState, sku: string): Product {
	const found = [...state.products.values()].find((entry) => entry.sku === sku);
	if (found) {
		found.type = 'variable';
		return found;
	}
	const parent: Product = {
		id: state.id(), name: sku, sku, type: 'variable', manage_stock: false, stock_quantity: null, stock_status: 'instock',
		description: '', regular_price: '', sale_price: '', price: '', status: 'publish', weight: '', date_modified_gmt: stamp(), meta_data: [], attributes: [], menu_order: 0, images: [],
	};
	state.products.set(parent.id, parent);
	return parent;
}

function settings(state: WooState): VendorSettings {
	return {
		get: () => ({ ...state.settings }),
		update: (patch) => {
			for (const [key, value] of Object.entries(patch)) {
				if (key !== 'duplicateWebhooks' || typeof value !== 'boolean') throw controlError(400, `unknown or invalid setting ${key}`);
				state.settings.duplicateWebhooks = value;
			}
			return { ...state.settings };
		},
	};
}
