/**
 * The Shopify Admin sandbox (PLATFORMS.md, specs/shopify 2025-01 inventory subset): X-Shopify-Access-Token auth,
 * GraphQL at /admin/api/{version}/graphql.json executed against the part of Shopify's 2025-01 schema it serves
 * (`schema.graphql`: inventory items and levels, orders, the two inventory mutations, products, customers with their
 * email marketing consent; only the selected fields come back, arguments inline or in variables), a cost bucket
 * answering "Throttled" in a 200 with extensions.cost, the legacy REST order create (which takes the sold units off the
 * location and publishes orders/create) and cancel (which puts them back and publishes orders/cancelled), and webhooks
 * signed with X-Shopify-Hmac-Sha256 carrying a stable X-Shopify-Webhook-Id per event. Product media: productSet's
 * `files` processed as Shopify does, after the mutation has answered: a new file is PROCESSING (no `image` yet) for
 * `mediaProcessingMs`, then fetched from its `originalSource` URL and READY, served from the sandbox's own CDN-like
 * path without a token, or FAILED with its `mediaErrors` (the source could not be downloaded, or is no image).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

import { headerAuth } from '../framework/auth';
import { GraphQLError } from 'graphql';

import { GraphqlExecutor, type GraphqlBody } from '../framework/graphql';
import { controlError } from '../framework/control';
import { pngBytes, SandboxMedia } from '../framework/media';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory, VendorSettings } from '../framework/types';
import type { WebhookSigner } from '../framework/webhooks';
import { ShopifyBulkOperations, type LineRunner } from './bulk';
import { shopifySchemaSdl } from './schema';

export const shopifyAccessToken = 'shpat_sandbox_token';
export const shopifyLocationId = 'gid://shopify/Location/1';
export const shopifyApiVersion = '2025-01';
/** The app's client secret, which signs the deliveries of webhooks registered through the API. */
export const shopifyAppSecret = 'shpss_sandbox_app_secret';
const WEBHOOK_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/cancelled', 'orders/paid', 'orders/fulfilled', 'refunds/create']);

interface Subscription {
	id: number;
	address: string;
	topic: string;
	format: string;
	api_version: string;
	created_at: string;
	updated_at: string;
}

const SHOPIFY_REASONS = new Set([
	'correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received',
	'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created',
	'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage',
]);

const QUERY_COST = 4;
const MUTATION_COST = 10;

interface Item {
	id: number;
	sku: string;
	/** Location gid → available. */
	levels: Map<string, number>;
}

interface Settings {
	throttleEnabled: boolean;
	maximumAvailable: number;
	restoreRate: number;
	/** Publish every webhook twice (same X-Shopify-Webhook-Id), as Shopify often does. */
	duplicateWebhooks: boolean;
	/** How long a new media stays PROCESSING before its source is fetched (then READY or FAILED). */
	mediaProcessingMs: number;
	/** New media stay PROCESSING while this is on (a test's "Shopify has not got to it yet"). */
	holdMediaProcessing: boolean;
}

const defaultSettings = (): Settings => ({ throttleEnabled: true, maximumAvailable: 1000, restoreRate: 100, duplicateWebhooks: false, mediaProcessingMs: 300, holdMediaProcessing: false });

interface UserError {
	field: string[] | null;
	message: string;
	code: string;
}

/** A product with its variants, the fields the package reads and writes (weight in kilograms). */
interface SandboxProduct {
	id: number;
	title: string;
	descriptionHtml: string;
	status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
	updatedAt: string;
	/** The options in order with their values in order (a product of one variant: Title / Default Title). */
	options: Array<{ name: string; values: string[] }>;
	/** In position order, each with its value of every option. */
	variants: Array<{ id: number; sku: string; price: string; compareAtPrice: string | null; weight: number | null; selectedOptions: Array<{ name: string; value: string }> }>;
	/** The product's media in order: images (MediaImage) and seeded videos. */
	media: SandboxMediaImage[];
}

interface SandboxMediaImage {
	id: number;
	/** A video is kept as it is (seeded only): sync sends it back by id. */
	kind?: 'VIDEO';
	alt: string;
	/** PROCESSING from its productSet until its source is fetched: READY with its copy, or FAILED with `errors`. */
	status: 'PROCESSING' | 'READY' | 'FAILED';
	/** Where the image is fetched from (`originalSource`). */
	originalSource: string;
	/** The copy's path on the sandbox's CDN, once READY. */
	path?: string;
	/** The name its copy is kept under (`filename`, or the source URL's last part). */
	fileName?: string;
	/** Why processing failed (MediaError: code, details, message). */
	errors?: Array<{ code: string; details: string | null; message: string }>;
}

/** Whether bytes open as an image Shopify processes (PNG, JPEG, GIF or WebP by their signature). */
function isImage(bytes: Buffer): boolean {
	const starts = (signature: number[], at = 0) => signature.every((byte, index) => bytes[at + index] === byte);
	return starts([0x89, 0x50, 0x4e, 0x47]) || starts([0xff, 0xd8, 0xff]) || starts([0x47, 0x49, 0x46, 0x38]) || (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8));
}

/** Where the sandbox serves product images, as Shopify's CDN does (`/s/files/...`). */
const MEDIA_PREFIX = '/s/files/1/0000/0001/files';

type MarketingState = 'NOT_SUBSCRIBED' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'REDACTED' | 'INVALID';

/** A customer, the fields the package reads and writes; the email marketing consent as 2025-01 keeps it on the customer. */
interface SandboxCustomer {
	id: number;
	email: string | null;
	firstName: string | null;
	lastName: string | null;
	phone: string | null;
	updatedAt: string;
	consent: { marketingState: MarketingState; marketingOptInLevel: string | null; consentUpdatedAt: string | null } | null;
}

class ShopifyState {
	items = new Map<string, Item>();
	products = new Map<number, SandboxProduct>();
	customers = new Map<number, SandboxCustomer>();
	adjustments: Array<{ id: number; reason: string; referenceDocumentUri: string | null; changes: unknown[]; createdAt: string }> = [];
	orders: unknown[] = [];
	subscriptions: Subscription[] = [];
	bulk = new ShopifyBulkOperations();
	settings = defaultSettings();
	media: SandboxMedia;
	private bucket = { available: 1000, at: Date.now() };
	private nextId = 1;
	/** Bumped by reset: media processing begun before it leaves the fresh state alone. */
	private generation = 0;

	constructor(baseUrl: () => string) {
		this.media = new SandboxMedia(MEDIA_PREFIX, baseUrl);
	}

	reset(): void {
		this.generation++;
		this.media.reset();
		this.items.clear();
		this.products.clear();
		this.customers.clear();
		this.adjustments = [];
		this.orders = [];
		this.subscriptions = [];
		this.bulk.reset();
		this.settings = defaultSettings();
		this.bucket = { available: this.settings.maximumAvailable, at: Date.now() };
		this.nextId = 1;
	}

	id(): number {
		return this.nextId++;
	}

	/**
	 * Processes a new media after the mutation that made it has answered, as Shopify does: `mediaProcessingMs` later its
	 * source is downloaded (later while holdMediaProcessing is on); an answer that is an image (by its signature) makes it READY with its copy, anything else
	 * FAILED with a media error (IMAGE_DOWNLOAD_FAILURE, or IMAGE_PROCESSING_FAILURE for bytes that are no image).
	 */
	process(image: SandboxMediaImage, generation = this.generation): void {
		setTimeout(() => {
			if (generation !== this.generation) return;
			if (this.settings.holdMediaProcessing) return this.process(image, generation);
			void (async () => {
				let result: Pick<SandboxMediaImage, 'status' | 'path' | 'errors'>;
				try {
					const file = await this.media.download(image.originalSource);
					result = isImage(file.bytes)
						? { status: 'READY', path: this.media.keep(image.fileName ?? SandboxMedia.fileName(image.originalSource), file) }
						: { status: 'FAILED', errors: [{ code: 'IMAGE_PROCESSING_FAILURE', details: null, message: 'Media could not be processed because the image could not be processed.' }] };
				} catch (error) {
					result = { status: 'FAILED', errors: [{ code: 'IMAGE_DOWNLOAD_FAILURE', details: (error as Error).message, message: 'Media could not be processed because the image could not be downloaded.' }] };
				}
				if (generation === this.generation) Object.assign(image, result);
			})();
		}, this.settings.mediaProcessingMs).unref();
	}

	/** Takes `cost` from the bucket, or reports the throttle status without taking anything. */
	spend(cost: number): { allowed: boolean; status: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } {
		const { maximumAvailable, restoreRate, throttleEnabled } = this.settings;
		const now = Date.now();
		this.bucket.available = Math.min(maximumAvailable, this.bucket.available + ((now - this.bucket.at) / 1000) * restoreRate);
		this.bucket.at = now;
		const allowed = !throttleEnabled || this.bucket.available >= cost;
		if (allowed && throttleEnabled) this.bucket.available -= cost;
		const currentlyAvailable = throttleEnabled ? Math.floor(this.bucket.available) : maximumAvailable;
		return { allowed, status: { maximumAvailable, currentlyAvailable, restoreRate } };
	}

	itemByGid(gid: unknown): Item | undefined {
		const id = Number(String(gid).replace('gid://shopify/InventoryItem/', ''));
		return [...this.items.values()].find((item) => item.id === id);
	}
}

const itemGid = (item: Item) => `gid://shopify/InventoryItem/${item.id}`;

const shopifyAuth = headerAuth('X-Shopify-Access-Token', shopifyAccessToken, () => ({
	status: 401,
	body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
}));

export const createShopifySandbox: VendorSandboxFactory = (services) => {
	const state = new ShopifyState(() => services.baseUrl());
	state.reset();
	/** One event to every subscription on its topic: the same X-Shopify-Webhook-Id on each of the `times` deliveries. */
	const emit = (topic: string, payload: unknown, times = 1) => {
		const webhookId = randomUUID();
		// The shop's domain is where its Admin API is: this sandbox's host, so two sandboxes are two shops.
		const shop = new URL(services.baseUrl()).host;
		const sign: WebhookSigner = (input) => ({ ...signShopifyWebhook(input), 'X-Shopify-Topic': topic, 'X-Shopify-Webhook-Id': webhookId, 'X-Shopify-Shop-Domain': shop });
		const targets = state.subscriptions.filter((subscription) => subscription.topic === topic);
		for (let time = 0; time < times; time++) for (const target of targets) services.deliverWebhook({ url: target.address, secret: shopifyAppSecret }, payload, sign);
		return { topic, webhookId, deliveries: targets.length * times, payload };
	};
	const publishOrder = (order: unknown, topic = 'orders/create') => {
		services.publishWebhook(order);
		if (state.settings.duplicateWebhooks) services.publishWebhook(order);
		emit(topic, order, state.settings.duplicateWebhooks ? 2 : 1);
	};
	return {
		credentials: { accessToken: shopifyAccessToken, locationId: shopifyLocationId, webhookSecret: shopifyAppSecret },
		// The staged-upload and bulk-result hosts are not Shopify's API: they take a signed form or URL, no token.
		authenticate: (request) => (/^\/(staged-uploads|bulk-results)(\/|$)/.test(request.path) || state.media.holds(request.path) ? undefined : shopifyAuth(request)),
		rateLimits: { defaults: [], headers: () => ({}), rejection: () => ({ status: 429, body: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, headers: { 'Retry-After': '2.0' } }) },
		errors: {
			serverError: (status) => ({ status, body: { errors: status === 503 ? 'Service Unavailable' : 'Internal Server Error' } }),
			notFound: () => ({ status: 404, body: { errors: 'Not Found' } }),
			badRequest: () => ({ status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } }),
		},
		routes: (router) => {
			router.post('/admin/api/:version/graphql.json', (request) => graphql(state, request));
			router.post('/staged-uploads', (request) => state.bulk.receiveUpload(request));
			router.get('/bulk-results/:file', (request) => state.bulk.resultFile(request, request.params.file));
			router.get(`${MEDIA_PREFIX}/:folder/:file`, (request) => state.media.serve(request));
			router.post('/admin/api/:version/orders.json', (request) => createOrder(state, request, publishOrder));
			router.post('/admin/api/:version/orders/:id/cancel.json', (request) => cancelOrder(state, request, (order) => publishOrder(order, 'orders/cancelled')));
			router.get('/admin/api/:version/webhooks.json', (request) => listSubscriptions(state, request));
			router.post('/admin/api/:version/webhooks.json', (request) => createSubscription(state, request));
			// The router matches whole segments: `{id}.json` is one.
			router.delete('/admin/api/:version/webhooks/:file', (request) => deleteSubscription(state, request.params.file.replace(/\.json$/, '')));
		},
		data: {
			reset: () => state.reset(),
			seed: (data) => seed(state, data),
			state: (collection) => view(state, collection),
		},
		signWebhook: signShopifyWebhook,
		settings: settingsOf(state),
		/** `{ topic, payload?, times? }`: `payload` defaults to the latest order (a refund of it for refunds/create). */
		emitEvent: ({ topic, payload, times }) => {
			if (typeof topic !== 'string' || !WEBHOOK_TOPICS.has(topic)) throw controlError(400, `topic must be one of ${[...WEBHOOK_TOPICS].join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			return emit(topic, payload ?? defaultPayload(state, topic), (times as number | undefined) ?? 1);
		},
	};
};

/** The latest order as Shopify sends it on an order topic, or a refund of it on refunds/create. */
function defaultPayload(state: ShopifyState, topic: string): unknown {
	const order = (state.orders.at(-1) as SandboxOrder | undefined) ?? { id: 5_000_000 + state.id(), name: '#1001', email: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString(), line_items: [] };
	if (topic === 'refunds/create') return { id: 8_000_000 + state.id(), order_id: order.id, created_at: new Date().toISOString(), refund_line_items: [] };
	return topic === 'orders/cancelled' ? { ...order, cancelled_at: new Date().toISOString(), cancel_reason: 'customer' } : order;
}

/** REST `GET webhooks.json`, filtered by `topic` and `address` as Shopify filters them. */
function listSubscriptions(state: ShopifyState, request: SandboxRequest): SandboxResponse {
	const topic = request.query.get('topic');
	const address = request.query.get('address');
	const webhooks = state.subscriptions.filter((entry) => (!topic || entry.topic === topic) && (!address || entry.address === address));
	return { status: 200, body: { webhooks } };
}

function createSubscription(state: ShopifyState, request: SandboxRequest): SandboxResponse {
	const webhook = ((request.body ?? {}) as { webhook?: { topic?: unknown; address?: unknown; format?: unknown } }).webhook;
	const errors: Record<string, string[]> = {};
	if (typeof webhook?.topic !== 'string' || !WEBHOOK_TOPICS.has(webhook.topic)) errors.topic = ['Invalid topic specified.'];
	if (typeof webhook?.address !== 'string' || !/^https?:\/\//.test(webhook.address)) errors.address = ["can't be blank"];
	else if (state.subscriptions.some((entry) => entry.topic === webhook.topic && entry.address === webhook.address)) errors.address = ['for this topic has already been taken'];
	if (Object.keys(errors).length > 0) return { status: 422, body: { errors } };
	const now = new Date().toISOString();
	const created: Subscription = { id: 1_100_000 + state.id(), address: webhook!.address as string, topic: webhook!.topic as string, format: 'json', api_version: shopifyApiVersion, created_at: now, updated_at: now };
	state.subscriptions.push(created);
	return { status: 201, body: { webhook: created } };
}

function deleteSubscription(state: ShopifyState, id: string): SandboxResponse {
	const before = state.subscriptions.length;
	state.subscriptions = state.subscriptions.filter((entry) => String(entry.id) !== id);
	return state.subscriptions.length === before ? { status: 404, body: { errors: 'Not Found' } } : { status: 200, body: {} };
}

export const signShopifyWebhook: WebhookSigner = ({ body, secret, timestamp }) => ({
	'X-Shopify-Hmac-Sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
	'X-Shopify-Topic': 'orders/create',
	'X-Shopify-Shop-Domain': 'sandbox.myshopify.com',
	'X-Shopify-API-Version': shopifyApiVersion,
	// One id per event: a redelivery of the same event carries the same id.
	'X-Shopify-Webhook-Id': createHash('sha256').update(body).digest('hex').slice(0, 32),
	'X-Shopify-Triggered-At': new Date(timestamp).toISOString(),
});

/** The schema subset served, executed by graphql-js (built once, on the first request). */
let executor: GraphqlExecutor | undefined;

async function graphql(state: ShopifyState, request: SandboxRequest): Promise<SandboxResponse> {
	const body = (request.body ?? {}) as GraphqlBody;
	if (typeof body.query !== 'string' || body.query.trim() === '') {
		return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
	}
	executor ??= new GraphqlExecutor(shopifySchemaSdl());
	const prepared = executor.prepare(body);
	if ('errors' in prepared) return { status: 200, body: { errors: prepared.errors } };
	const cost = prepared.operation.operation === 'mutation' ? MUTATION_COST : QUERY_COST;
	const spent = state.spend(cost);
	const extensions = (actual: number | null) => ({ cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: spent.status } });
	if (!spent.allowed) {
		return {
			status: 200,
			body: {
				errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
				extensions: extensions(null),
			},
		};
	}
	const root: Record<string, unknown> = {
		...bulkResolvers(state, `http://${String(request.headers.host ?? 'localhost')}`, async (mutation, variables) => {
			const line = (executor as GraphqlExecutor).prepare({ query: mutation, variables });
			return 'errors' in line ? { errors: line.errors } : await (executor as GraphqlExecutor).run(line, root);
		}),
		nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeById(state, id)),
		node: ({ id }: { id: string }) => nodeById(state, id),
		inventoryItem: ({ id }: { id: string }) => {
			const item = state.itemByGid(id);
			return item ? itemNode(item) : null;
		},
		inventoryItems: (args: { query?: string; first?: number; after?: string; last?: number }) => findItems(state, args),
		order: ({ id }: { id: string }) => {
			const order = (state.orders as SandboxOrder[]).find((candidate) => `gid://shopify/Order/${candidate.id}` === id);
			return order ? orderNode(order) : null;
		},
		orders: (args: { query?: string; first?: number; after?: string; last?: number }) => listOrders(state, args),
		locations: (args: { query?: string }) => listLocations(args),
		product: ({ id }: { id: string }) => {
			const product = state.products.get(Number(String(id).replace('gid://shopify/Product/', '')));
			return product ? productNode(state, product) : null;
		},
		products: (args: { query?: string; first?: number; after?: string; last?: number }) => listProducts(state, args),
		productSet: (args: { input: ProductSetInput }) => productSet(state, args.input),
		customer: ({ id }: { id: string }) => {
			const customer = state.customers.get(customerId(id));
			return customer ? customerNode(customer) : null;
		},
		customers: (args: { query?: string; first?: number; after?: string; last?: number; sortKey?: string }) => listCustomers(state, args),
		customerCreate: (args: { input: CustomerInput }) => customerCreate(state, args.input),
		customerUpdate: (args: { input: CustomerInput }) => customerUpdate(state, args.input),
		customerEmailMarketingConsentUpdate: (args: { input: { customerId: string; emailMarketingConsent: ConsentInput } }) => consentUpdate(state, args.input),
		inventoryAdjustQuantities: (args: { input: AdjustInput }) => adjust(state, args.input),
		inventorySetQuantities: (args: { input: SetInput }) => setQuantities(state, args.input),
	};
	const result = await executor.run(prepared, root);
	return { status: 200, body: { ...result, extensions: extensions(cost) } };
}

/** The bulk import's root fields (see bulk.ts); `runLine` runs one line's mutation against the same resolvers. */
function bulkResolvers(state: ShopifyState, origin: string, runLine: LineRunner) {
	return {
		stagedUploadsCreate: ({ input }: { input: Array<{ resource: string; filename: string; mimeType: string; httpMethod?: string }> }) => state.bulk.stagedUploadsCreate(input, origin),
		bulkOperationRunMutation: ({ mutation, stagedUploadPath }: { mutation: string; stagedUploadPath: string }) => state.bulk.run(mutation, stagedUploadPath, origin, runLine),
		currentBulkOperation: ({ type }: { type?: string }) => state.bulk.current(type ?? 'QUERY'),
	};
}

/** `node(id)` / `nodes(ids)`: products and bulk operations, each with its `__typename` for the Node interface. */
function nodeById(state: ShopifyState, id: string) {
	if (String(id).startsWith('gid://shopify/BulkOperation/')) return state.bulk.byGid(id);
	if (String(id).startsWith('gid://shopify/MediaImage/')) {
		const image = [...state.products.values()].flatMap((product) => product.media).find((entry) => entry.kind === undefined && mediaGid(entry.id) === id);
		return image ? mediaNode(state, image) : null;
	}
	const product = String(id).startsWith('gid://shopify/Product/') ? state.products.get(Number(String(id).replace('gid://shopify/Product/', ''))) : undefined;
	return product ? productNode(state, product) : null;
}

/** The sandbox's one location; `query: "name:*x*"` matches its name as Shopify's search syntax does. */
function listLocations(args: { query?: string }) {
	const locations = [{ id: shopifyLocationId, name: 'Sandbox warehouse' }];
	const wanted = /^name:\*?(.*?)\*?$/.exec(args.query ?? '')?.[1]?.toLowerCase();
	const nodes = wanted ? locations.filter((location) => location.name.toLowerCase().includes(wanted)) : locations;
	return { nodes, pageInfo: pageInfo(false, null, null) };
}

const pageInfo = (hasNextPage: boolean, startCursor: string | null, endCursor: string | null) => ({ hasNextPage, hasPreviousPage: startCursor !== null && startCursor !== Buffer.from('0').toString('base64'), startCursor, endCursor });

/** An InventoryItem node; `inventoryLevel(locationId)` and its `quantities(names)` read their own arguments. */
function itemNode(item: Item) {
	return {
		id: itemGid(item),
		legacyResourceId: String(item.id),
		sku: item.sku,
		tracked: true,
		inventoryLevel: ({ locationId }: { locationId: string }) => {
			if (!item.levels.has(locationId)) return null;
			return {
				id: `gid://shopify/InventoryLevel/${item.id}?inventory_item_id=${item.id}`,
				location: { id: locationId, name: 'Sandbox warehouse' },
				quantities: ({ names }: { names: string[] }) => names.map((name) => ({
					id: `gid://shopify/InventoryQuantity/${item.id}?name=${name}`,
					name,
					quantity: name === 'available' || name === 'on_hand' ? (item.levels.get(locationId) as number) : 0,
					updatedAt: null,
				})),
			};
		},
	};
}

interface SandboxOrder {
	id: number;
	name: string;
	email: string | null;
	created_at: string;
	updated_at: string;
	line_items: Array<{ id: number; sku: string; quantity: number }>;
	cancelled_at?: string;
	cancel_reason?: string;
}

/** `orders(first, after, query: "updated_at:>='<iso>'", sortKey: UPDATED_AT)`, cursor = position in that order. */
function listOrders(state: ShopifyState, variables: { query?: string; first?: number; after?: string; last?: number }) {
	const since = /updated_at:>=?'([^']+)'/.exec(String(variables.query ?? ''))?.[1];
	const sorted = (state.orders as SandboxOrder[])
		.filter((order) => since === undefined || order.updated_at >= new Date(since).toISOString())
		.sort((a, b) => a.updated_at.localeCompare(b.updated_at));
	return connection(sorted, variables, orderNode);
}

function orderNode(order: SandboxOrder) {
	return {
		id: `gid://shopify/Order/${order.id}`,
		legacyResourceId: String(order.id),
		name: order.name,
		email: order.email,
		createdAt: order.created_at,
		updatedAt: order.updated_at,
		lineItems: ({ first }: { first?: number }) => ({
			nodes: order.line_items.slice(0, first ?? order.line_items.length).map((line) => ({ id: `gid://shopify/LineItem/${line.id}`, sku: line.sku, quantity: line.quantity })),
			pageInfo: pageInfo(first !== undefined && order.line_items.length > first, null, null),
		}),
	};
}

/**
 * One page of a connection: `first` records (at most 250, as Shopify allows) after the cursor `after`. Shopify
 * requires `first` or `last`; the sandbox pages forward only, so `last` is refused by name.
 */
function connection<T>(records: T[], args: { first?: number; after?: string; last?: number }, node: (record: T) => unknown) {
	if (args.last !== undefined) throw new GraphQLError('The sandbox pages connections forward only (first / after), not with last / before.');
	if (args.first === undefined) throw new GraphQLError('you must provide one of first or last');
	const first = Math.min(args.first, 250);
	const start = args.after ? Number(Buffer.from(String(args.after), 'base64').toString('utf8')) : 0;
	const page = records.slice(start, start + first);
	const end = start + page.length;
	return {
		pageInfo: pageInfo(end < records.length, page.length ? Buffer.from(String(start)).toString('base64') : null, page.length ? Buffer.from(String(end)).toString('base64') : null),
		nodes: page.map(node),
	};
}

/** `inventoryItems(first, after, query: "sku:<sku>")`: the items with that SKU (all without a query), a page at a time. */
function findItems(state: ShopifyState, args: { query?: string; first?: number; after?: string; last?: number }) {
	const match = /sku:(?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(String(args.query ?? ''));
	const sku = match ? (match[1] !== undefined ? JSON.parse(`"${match[1]}"`) : match[2]) : undefined;
	const items = sku === undefined ? [...state.items.values()] : [...state.items.values()].filter((item) => item.sku === sku);
	return connection(items, args, itemNode);
}

interface AdjustInput {
	reason?: string;
	name?: string;
	referenceDocumentUri?: string;
	changes?: Array<{ delta: number; inventoryItemId: string; locationId: string }>;
}

interface SetInput {
	reason?: string;
	name?: string;
	referenceDocumentUri?: string;
	ignoreCompareQuantity?: boolean;
	quantities?: Array<{ inventoryItemId: string; locationId: string; quantity: number; compareQuantity?: number | null }>;
}

/** `nameCode`: the adjust mutation's code for a bad quantity name (INVALID_QUANTITY_NAME); the set mutation's is INVALID_NAME. */
function commonErrors(input: { reason?: string; name?: string; referenceDocumentUri?: string }, nameCode: string): UserError[] {
	const errors: UserError[] = [];
	if (!input.reason || !SHOPIFY_REASONS.has(input.reason)) errors.push({ field: ['input', 'reason'], message: 'The specified reason is invalid.', code: 'INVALID_REASON' });
	if (input.name !== 'available') errors.push({ field: ['input', 'name'], message: 'The quantity name must be available.', code: nameCode });
	if (input.referenceDocumentUri !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input.referenceDocumentUri)) {
		errors.push({ field: ['input', 'referenceDocumentUri'], message: 'The reference document URI is invalid.', code: 'INVALID_REFERENCE_DOCUMENT' });
	}
	return errors;
}

function stockedLevel(state: ShopifyState, itemId: string, locationId: string, field: string[]): { item: Item; error?: UserError } | { item?: undefined; error: UserError } {
	const item = state.itemByGid(itemId);
	if (!item) return { error: { field, message: 'The specified inventory item could not be found.', code: 'INVALID_INVENTORY_ITEM' } };
	if (!item.levels.has(locationId)) return { error: { field, message: 'The specified inventory item is not stocked at the location.', code: 'ITEM_NOT_STOCKED_AT_LOCATION' } };
	return { item };
}

function adjust(state: ShopifyState, input: AdjustInput) {
	const userErrors = commonErrors(input ?? {}, 'INVALID_QUANTITY_NAME');
	const changes = input?.changes ?? [];
	const found = changes.map((change, index) => stockedLevel(state, change.inventoryItemId, change.locationId, ['input', 'changes', String(index), 'inventoryItemId']));
	for (const entry of found) if (entry.error) userErrors.push(entry.error);
	if (userErrors.length > 0) return { inventoryAdjustmentGroup: null, userErrors };
	const applied = changes.map((change, index) => {
		const item = found[index].item as Item;
		const after = (item.levels.get(change.locationId) ?? 0) + change.delta;
		item.levels.set(change.locationId, after);
		return { name: 'available', delta: change.delta, quantityAfterChange: after, ledgerDocumentUri: null, item: itemNode(item), location: { id: change.locationId, name: 'Sandbox warehouse' } };
	});
	return { inventoryAdjustmentGroup: recordGroup(state, input.reason as string, input.referenceDocumentUri, applied), userErrors: [] };
}

function setQuantities(state: ShopifyState, input: SetInput) {
	const userErrors = commonErrors(input ?? {}, 'INVALID_NAME');
	const quantities = input?.quantities ?? [];
	quantities.forEach((entry, index) => {
		const error = quantityError(state, entry, ['input', 'quantities', String(index)], input.ignoreCompareQuantity === true);
		if (error) userErrors.push(error);
	});
	if (userErrors.length > 0) return { inventoryAdjustmentGroup: null, userErrors };
	const applied = quantities.map((entry) => {
		const item = state.itemByGid(entry.inventoryItemId) as Item;
		const delta = entry.quantity - (item.levels.get(entry.locationId) ?? 0);
		item.levels.set(entry.locationId, entry.quantity);
		return { name: 'available', delta, quantityAfterChange: entry.quantity, ledgerDocumentUri: null, item: itemNode(item), location: { id: entry.locationId, name: 'Sandbox warehouse' } };
	});
	return { inventoryAdjustmentGroup: recordGroup(state, input.reason as string, input.referenceDocumentUri, applied), userErrors: [] };
}

function quantityError(state: ShopifyState, entry: NonNullable<SetInput['quantities']>[number], field: string[], ignoreCompare: boolean): UserError | undefined {
	const found = stockedLevel(state, entry.inventoryItemId, entry.locationId, [...field, 'inventoryItemId']);
	if (!found.item) return found.error;
	if (!Number.isInteger(entry.quantity) || entry.quantity < 0) {
		return { field: [...field, 'quantity'], message: "The quantity can't be negative.", code: 'INVALID_QUANTITY_NEGATIVE' };
	}
	if (ignoreCompare) return undefined;
	if (entry.compareQuantity === undefined || entry.compareQuantity === null) {
		return { field: [...field, 'compareQuantity'], message: 'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.', code: 'COMPARE_QUANTITY_REQUIRED' };
	}
	if (found.item.levels.get(entry.locationId) !== entry.compareQuantity) {
		return { field: [...field, 'compareQuantity'], message: 'The compareQuantity argument no longer matches the persisted quantity.', code: 'COMPARE_QUANTITY_STALE' };
	}
	return undefined;
}

function recordGroup(state: ShopifyState, reason: string, referenceDocumentUri: string | undefined, changes: unknown[]) {
	const group = { id: state.id(), reason, referenceDocumentUri: referenceDocumentUri ?? null, changes, createdAt: new Date().toISOString() };
	state.adjustments.push(group);
	return { ...group, id: `gid://shopify/InventoryAdjustmentGroup/${group.id}` };
}

/** Legacy REST order create: the sold units leave the first location, then orders/create is published. */
function createOrder(state: ShopifyState, request: SandboxRequest, publish: (order: unknown) => void): SandboxResponse {
	const order = ((request.body ?? {}) as { order?: { email?: string; line_items?: Array<{ sku?: string; quantity?: number; price?: string }> } }).order;
	const lines = order?.line_items ?? [];
	if (lines.length === 0) return { status: 422, body: { errors: { line_items: ['must have at least one line item'] } } };
	for (const line of lines) {
		const item = state.items.get(String(line.sku));
		if (!item || !Number.isInteger(line.quantity) || (line.quantity as number) <= 0) {
			return { status: 422, body: { errors: { line_items: [`sku ${line.sku} is not a stocked variant or its quantity is invalid`] } } };
		}
	}
	const id = 5_000_000 + state.id();
	const created = {
		id,
		admin_graphql_api_id: `gid://shopify/Order/${id}`,
		name: `#${1000 + state.orders.length + 1}`,
		created_at: new Date().toISOString(),
		updated_at: new Date().toISOString(),
		email: order?.email ?? null,
		// Money as Shopify sends it: decimal strings in the shop's currency.
		total_price: lines.reduce((total, line) => total + Number(line.price ?? 0) * (line.quantity as number), 0).toFixed(2),
		currency: 'USD',
		line_items: lines.map((line) => {
			const item = state.items.get(String(line.sku)) as Item;
			item.levels.set(shopifyLocationId, (item.levels.get(shopifyLocationId) ?? 0) - (line.quantity as number));
			return { id: 9_000_000 + state.id(), sku: line.sku, quantity: line.quantity, price: Number(line.price ?? 0).toFixed(2) };
		}),
	};
	state.orders.push(created);
	publish(created);
	return { status: 201, body: { order: created } };
}

/**
 * The legacy REST order cancel (`POST orders/{id}/cancel.json`): the order's units go back to the location unless
 * `restock` is false (Shopify's "Restock items"), `cancelled_at` and `cancel_reason` are set, and orders/cancelled is
 * published. A second cancel is refused with 422, as Shopify refuses it.
 */
function cancelOrder(state: ShopifyState, request: SandboxRequest, publish: (order: unknown) => void): SandboxResponse {
	const order = (state.orders as SandboxOrder[]).find((entry) => String(entry.id) === request.params.id);
	if (!order) return { status: 404, body: { errors: 'Not Found' } };
	if (order.cancelled_at) return { status: 422, body: { error: 'Cannot cancel an order that has already been cancelled' } };
	const body = (request.body ?? {}) as { reason?: string; restock?: boolean };
	if (body.restock !== false) {
		for (const line of order.line_items) {
			const item = state.items.get(String(line.sku));
			if (item) item.levels.set(shopifyLocationId, (item.levels.get(shopifyLocationId) ?? 0) + line.quantity);
		}
	}
	order.cancelled_at = new Date().toISOString();
	order.cancel_reason = body.reason ?? 'other';
	order.updated_at = order.cancelled_at;
	publish(order);
	return { status: 200, body: { notice: 'Order has been cancelled', order } };
}

/** `products(first, after, query: "updated_at:>='<iso>'")`, oldest id first, a page at a time. */
function listProducts(state: ShopifyState, args: { query?: string; first?: number; after?: string; last?: number }) {
	const since = /updated_at:>=?'([^']+)'/.exec(String(args.query ?? ''))?.[1];
	const found = [...state.products.values()].filter((product) => since === undefined || product.updatedAt >= new Date(since).toISOString()).sort((a, b) => a.id - b.id);
	return connection(found, args, (product) => productNode(state, product));
}

function productNode(state: ShopifyState, product: SandboxProduct) {
	return {
		__typename: 'Product',
		id: `gid://shopify/Product/${product.id}`,
		legacyResourceId: String(product.id),
		title: product.title,
		descriptionHtml: product.descriptionHtml,
		status: product.status,
		updatedAt: product.updatedAt,
		options: ({ first }: { first?: number }) =>
			product.options.slice(0, first ?? product.options.length).map((option, index) => ({
				id: `gid://shopify/ProductOption/${product.id}${index + 1}`,
				name: option.name,
				position: index + 1,
				values: [...option.values],
				optionValues: option.values.map((value, valueIndex) => ({ id: `gid://shopify/ProductOptionValue/${product.id}${index + 1}${valueIndex + 1}`, name: value, hasVariants: product.variants.some((variant) => variant.selectedOptions.some((selected) => selected.name === option.name && selected.value === value)) })),
			})),
		variants: ({ first }: { first?: number }) => ({
			nodes: product.variants.slice(0, first ?? product.variants.length).map((variant) => ({
				id: `gid://shopify/ProductVariant/${variant.id}`,
				sku: variant.sku,
				price: variant.price,
				compareAtPrice: variant.compareAtPrice,
				selectedOptions: variant.selectedOptions.map((selected) => ({ ...selected })),
				inventoryItem: {
					id: `gid://shopify/InventoryItem/${variant.id}`,
					legacyResourceId: String(variant.id),
					sku: variant.sku,
					tracked: true,
					inventoryLevel: () => null,
					measurement: { id: `gid://shopify/InventoryItemMeasurement/${variant.id}`, weight: variant.weight === null ? null : { unit: 'KILOGRAMS', value: variant.weight } },
				},
			})),
			pageInfo: pageInfo(first !== undefined && product.variants.length > first, null, null),
		}),
		mediaCount: { count: product.media.length, precision: 'EXACT' },
		media: (args: { first?: number; after?: string; last?: number }) => connection(product.media, args, (image) => mediaNode(state, image)),
	};
}

/** A MediaImage: its copy's URL once READY (`image` is null until then, as on Shopify). */
function mediaNode(state: ShopifyState, image: SandboxMediaImage) {
	if (image.kind === 'VIDEO') return { __typename: 'Video', id: `gid://shopify/Video/${image.id}`, alt: image.alt, mediaContentType: 'VIDEO', status: 'READY' };
	return {
		__typename: 'MediaImage',
		id: mediaGid(image.id),
		alt: image.alt,
		mediaContentType: 'IMAGE',
		status: image.status,
		image: image.status === 'READY' && image.path ? { url: state.media.url(image.path), altText: image.alt } : null,
		originalSource: { url: image.originalSource },
		mediaErrors: image.errors ?? [],
	};
}

const mediaGid = (id: number) => `gid://shopify/MediaImage/${id}`;

interface ProductSetInput {
	id?: string;
	title?: string;
	descriptionHtml?: string;
	status?: SandboxProduct['status'];
	productOptions?: Array<{ name?: string; position?: number; values?: Array<{ name?: string }> }>;
	variants?: Array<{
		id?: string;
		sku?: string;
		position?: number;
		price?: string | number;
		compareAtPrice?: string | number | null;
		optionValues?: Array<{ optionName?: string; name?: string }>;
		inventoryItem?: { sku?: string; measurement?: { weight?: { value?: number; unit?: string } } };
	}>;
	files?: Array<{ id?: string; originalSource?: string; alt?: string; contentType?: string; filename?: string }>;
}

/** What synchronous productSet takes (shopify.dev productSet: 100 variants; 3 options a product). */
const SYNC_MAX_VARIANTS = 100;
const MAX_OPTIONS = 3;

/**
 * `productSet(input, synchronous: true)`: creates a product (no `id`) or replaces the given fields of one. List fields
 * replace the product's (shopify.dev, "Sync product data"): `productOptions` its options, `variants` its variants (a
 * variant with an `id` keeps it; one left out is deleted). A create with variants needs `productOptions`; each variant
 * names one listed value of every option (`optionValues`), no two variants alike.
 */
function productSet(state: ShopifyState, input: ProductSetInput) {
	const error = (field: string[], message: string, code: string) => ({ product: null, userErrors: [{ field, message, code }] });
	const existing = input.id === undefined ? undefined : state.products.get(Number(String(input.id).replace('gid://shopify/Product/', '')));
	if (input.id !== undefined && !existing) return error(['input', 'id'], 'Product does not exist', 'PRODUCT_DOES_NOT_EXIST');
	if (!existing && (typeof input.title !== 'string' || input.title === '')) return error(['input', 'title'], "Title can't be blank", 'INVALID');
	if (!existing && input.variants && !input.productOptions) return error(['input', 'productOptions'], 'Product options input is required when updating variants', 'PRODUCT_OPTIONS_INPUT_MISSING');
	// No options and no variants: a product with neither (its default option and variant are not modelled here).
	const optionsGiven = input.productOptions && (input.productOptions.length > 0 || input.variants) ? input.productOptions : undefined;
	if (optionsGiven && !input.variants) return error(['input', 'variants'], 'Variants input is required when updating product options', 'VARIANTS_INPUT_MISSING');
	const options = optionsGiven ? setOptions(optionsGiven) : { options: existing?.options ?? [] };
	if ('userError' in options) return { product: null, userErrors: [options.userError] };
	const variants = input.variants ? setVariants(state, input.variants, options.options, existing) : undefined;
	if (variants && 'userError' in variants) return { product: null, userErrors: [variants.userError] };
	const media = input.files ? setFiles(state, input.files, existing) : undefined;
	if (media && 'userError' in media) return { product: null, userErrors: [media.userError] };
	const product: SandboxProduct = existing ?? { id: 10_000 + state.id(), title: '', descriptionHtml: '', status: 'ACTIVE', updatedAt: '', options: [], variants: [], media: [] };
	if (input.title !== undefined) product.title = input.title;
	if (input.descriptionHtml !== undefined) product.descriptionHtml = input.descriptionHtml;
	if (input.status !== undefined) product.status = input.status;
	product.options = options.options;
	if (variants) product.variants = variants.variants;
	if (media) {
		product.media = media.media;
		for (const image of media.made) state.process(image);
	}
	product.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	state.products.set(product.id, product);
	return { product: productNode(state, product), userErrors: [] };
}

type SetError = { userError: UserError };

/**
 * `files` as the product's media, in the order given: a file by `id` is one of the product's (its alt text set when
 * given), one by `originalSource` a new image, PROCESSING until the sandbox has fetched it (`made`, processed once the
 * product is set); media left out are removed.
 */
function setFiles(state: ShopifyState, input: NonNullable<ProductSetInput['files']>, existing: SandboxProduct | undefined): { media: SandboxMediaImage[]; made: SandboxMediaImage[] } | SetError {
	const refuse = (index: number, field: string, message: string, code: string): SetError => ({ userError: { field: ['input', 'files', String(index), field], message, code } });
	const media: SandboxMediaImage[] = [];
	const made: SandboxMediaImage[] = [];
	for (const [index, file] of input.entries()) {
		if (file.contentType !== undefined && file.contentType !== 'IMAGE') return refuse(index, 'contentType', `The sandbox keeps images only, got ${file.contentType}`, 'INVALID');
		if (file.id !== undefined) {
			const kept = existing?.media.find((image) => (image.kind === 'VIDEO' ? `gid://shopify/Video/${image.id}` : mediaGid(image.id)) === file.id);
			if (!kept) return refuse(index, 'id', 'File does not exist', 'FILE_DOES_NOT_EXIST');
			if (media.includes(kept)) return refuse(index, 'id', 'File is listed twice', 'DUPLICATED_FILE');
			if (file.alt !== undefined) kept.alt = file.alt;
			media.push(kept);
			continue;
		}
		if (typeof file.originalSource !== 'string' || file.originalSource === '') return refuse(index, 'originalSource', 'File needs an id or an originalSource', 'INVALID');
		const image: SandboxMediaImage = { id: 30_000 + state.id(), alt: file.alt ?? '', status: 'PROCESSING', originalSource: file.originalSource, ...(file.filename ? { fileName: file.filename } : {}) };
		media.push(image);
		made.push(image);
	}
	return { media, made };
}

/** `productOptions` as the product's options: 1 to 3, names and values distinct, in the order given (or by `position`). */
function setOptions(input: NonNullable<ProductSetInput['productOptions']>): { options: SandboxProduct['options'] } | SetError {
	const refuse = (field: string[], message: string, code: string): SetError => ({ userError: { field: ['input', 'productOptions', ...field], message, code } });
	if (input.length === 0 || input.length > MAX_OPTIONS) return refuse([], `A product must have 1 to ${MAX_OPTIONS} options`, 'OPTIONS_OVER_LIMIT');
	const ordered = input.map((option, index) => ({ option, index })).sort((a, b) => (a.option.position ?? a.index + 1) - (b.option.position ?? b.index + 1));
	const options: SandboxProduct['options'] = [];
	for (const { option, index } of ordered) {
		if (typeof option.name !== 'string' || option.name === '') return refuse([String(index), 'name'], "Option name can't be blank", 'INVALID_INPUT');
		if (options.some((known) => known.name === option.name)) return refuse([String(index), 'name'], `Option '${option.name}' already exists`, 'DUPLICATED_OPTION_NAME');
		const values = (option.values ?? []).map((value) => value.name);
		if (values.length === 0 || values.some((value) => typeof value !== 'string' || value === '')) return refuse([String(index), 'values'], `Option '${option.name}' needs values`, 'OPTION_VALUES_MISSING');
		if (new Set(values).size !== values.length) return refuse([String(index), 'values'], `Option '${option.name}' has a value twice`, 'DUPLICATED_OPTION_VALUE');
		options.push({ name: option.name, values: values as string[] });
	}
	return { options };
}

/** `variants` as the product's variants: each naming one listed value of every option, no two alike, a kept id its own. */
function setVariants(state: ShopifyState, input: NonNullable<ProductSetInput['variants']>, options: SandboxProduct['options'], existing: SandboxProduct | undefined): { variants: SandboxProduct['variants'] } | SetError {
	const refuse = (index: number, field: string[], message: string, code: string): SetError => ({ userError: { field: ['input', 'variants', String(index), ...field], message, code } });
	if (input.length > SYNC_MAX_VARIANTS) return { userError: { field: ['input', 'variants'], message: `A synchronous productSet takes at most ${SYNC_MAX_VARIANTS} variants`, code: 'VARIANTS_OVER_LIMIT' } };
	const combinations = new Set<string>();
	const ordered = input.map((variant, index) => ({ variant, index })).sort((a, b) => (a.variant.position ?? a.index + 1) - (b.variant.position ?? b.index + 1));
	const variants: SandboxProduct['variants'] = [];
	for (const { variant, index } of ordered) {
		const kept = variant.id === undefined ? undefined : existing?.variants.find((entry) => `gid://shopify/ProductVariant/${entry.id}` === variant.id);
		if (variant.id !== undefined && !kept) return refuse(index, ['id'], 'Product variant does not exist', 'PRODUCT_VARIANT_DOES_NOT_EXIST');
		const given = variant.optionValues ?? [];
		const unknown = given.find((value) => !options.some((option) => option.name === value.optionName));
		if (unknown) return refuse(index, ['optionValues'], `Option '${String(unknown.optionName)}' does not exist`, 'OPTION_DOES_NOT_EXIST');
		const selectedOptions: Array<{ name: string; value: string }> = [];
		for (const option of options) {
			const chosen = given.filter((value) => value.optionName === option.name);
			if (chosen.length !== 1) return refuse(index, ['optionValues'], `The variant must have one value of option '${option.name}'`, 'OPTION_VALUES_MISSING');
			if (!option.values.includes(String(chosen[0].name))) return refuse(index, ['optionValues'], `Option value '${String(chosen[0].name)}' does not exist on option '${option.name}'`, 'OPTION_VALUE_DOES_NOT_EXIST');
			selectedOptions.push({ name: option.name, value: String(chosen[0].name) });
		}
		const combination = JSON.stringify(selectedOptions);
		if (combinations.has(combination)) return refuse(index, ['optionValues'], `The variant '${selectedOptions.map((selected) => selected.value).join(' / ')}' already exists`, 'INVALID_VARIANT');
		combinations.add(combination);
		variants.push({
			id: kept?.id ?? 20_000 + state.id(),
			sku: variant.inventoryItem?.sku ?? variant.sku ?? kept?.sku ?? '',
			price: variant.price === undefined ? (kept?.price ?? '0.00') : Number(variant.price).toFixed(2),
			compareAtPrice: variant.compareAtPrice === undefined ? (kept?.compareAtPrice ?? null) : variant.compareAtPrice === null ? null : Number(variant.compareAtPrice).toFixed(2),
			weight: variant.inventoryItem?.measurement?.weight?.value ?? kept?.weight ?? null,
			selectedOptions,
		});
	}
	return { variants };
}

const customerId = (gid: unknown) => Number(String(gid).replace('gid://shopify/Customer/', ''));
/** Shopify's times are to the second. */
const secondsNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `customers(first, after, query: "updated_at:>='<iso>'", sortKey)`: by update time (UPDATED_AT) or id, a page at a time. */
function listCustomers(state: ShopifyState, args: { query?: string; first?: number; after?: string; last?: number; sortKey?: string }) {
	const since = /updated_at:>=?'([^']+)'/.exec(String(args.query ?? ''))?.[1];
	const found = [...state.customers.values()].filter((customer) => since === undefined || customer.updatedAt >= new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z'));
	found.sort((a, b) => (args.sortKey === 'UPDATED_AT' ? a.updatedAt.localeCompare(b.updatedAt) : 0) || a.id - b.id);
	return connection(found, args, customerNode);
}

function customerNode(customer: SandboxCustomer) {
	return {
		id: `gid://shopify/Customer/${customer.id}`,
		legacyResourceId: String(customer.id),
		email: customer.email,
		firstName: customer.firstName,
		lastName: customer.lastName,
		phone: customer.phone,
		updatedAt: customer.updatedAt,
		emailMarketingConsent: customer.email === null ? null : (customer.consent ?? { marketingState: 'NOT_SUBSCRIBED', marketingOptInLevel: null, consentUpdatedAt: null }),
	};
}

interface ConsentInput {
	marketingState: MarketingState;
	marketingOptInLevel?: string | null;
	consentUpdatedAt?: string | null;
}

interface CustomerInput {
	id?: string;
	email?: string | null;
	firstName?: string | null;
	lastName?: string | null;
	phone?: string | null;
	emailMarketingConsent?: ConsentInput | null;
}

/** The checks Shopify makes of a customer's email and phone: well formed (phone in E.164) and each on one customer only. */
function contactErrors(state: ShopifyState, input: CustomerInput, self?: SandboxCustomer): UserError[] {
	const errors: UserError[] = [];
	const email = input.email?.trim().toLowerCase();
	if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: ['email'], message: 'Email is invalid', code: 'INVALID' });
	else if (email && [...state.customers.values()].some((other) => other !== self && other.email === email)) errors.push({ field: ['email'], message: 'Email has already been taken', code: 'TAKEN' });
	if (input.phone && !/^\+[1-9]\d{6,14}$/.test(input.phone)) errors.push({ field: ['phone'], message: 'Phone is invalid', code: 'INVALID' });
	else if (input.phone && [...state.customers.values()].some((other) => other !== self && other.phone === input.phone)) errors.push({ field: ['phone'], message: 'Phone has already been taken', code: 'TAKEN' });
	return errors;
}

const userErrors = (errors: UserError[]) => ({ customer: null, userErrors: errors.map(({ field, message }) => ({ field, message })) });

function applyContact(customer: SandboxCustomer, input: CustomerInput): void {
	if (input.email !== undefined) customer.email = input.email === null ? null : input.email.trim().toLowerCase();
	if (input.firstName !== undefined) customer.firstName = input.firstName;
	if (input.lastName !== undefined) customer.lastName = input.lastName;
	if (input.phone !== undefined) customer.phone = input.phone || null;
	customer.updatedAt = secondsNow();
}

/** `customerCreate`: a name, phone or email is needed; consent given with the create needs the email. */
function customerCreate(state: ShopifyState, input: CustomerInput) {
	if (input.id !== undefined) return userErrors([{ field: ['id'], message: 'Id is not allowed when creating a customer', code: 'INVALID' }]);
	if (!input.email && !input.phone && !input.firstName && !input.lastName) return userErrors([{ field: null, message: 'A name, phone number, or email address must be present', code: 'BLANK' }]);
	if (input.emailMarketingConsent && !input.email) return userErrors([{ field: ['email'], message: "Email can't be blank", code: 'BLANK' }]);
	const errors = contactErrors(state, input);
	if (errors.length > 0) return userErrors(errors);
	const customer: SandboxCustomer = { id: 30_000 + state.id(), email: null, firstName: null, lastName: null, phone: null, updatedAt: '', consent: null };
	applyContact(customer, input);
	if (input.emailMarketingConsent) customer.consent = consentOf(input.emailMarketingConsent);
	state.customers.set(customer.id, customer);
	return { customer: customerNode(customer), userErrors: [] };
}

/** `customerUpdate`: the given fields of one customer; a consent is refused here (Shopify takes it only through its own mutation). */
function customerUpdate(state: ShopifyState, input: CustomerInput) {
	const customer = input.id === undefined ? undefined : state.customers.get(customerId(input.id));
	if (!customer) return userErrors([{ field: ['id'], message: 'Customer does not exist', code: 'INVALID' }]);
	if (input.emailMarketingConsent) {
		return userErrors([{ field: ['emailMarketingConsent'], message: 'To update emailMarketingConsent, please use the dedicated mutation `customerEmailMarketingConsentUpdate` instead.', code: 'INVALID' }]);
	}
	const errors = contactErrors(state, input, customer);
	if (errors.length > 0) return userErrors(errors);
	applyContact(customer, input);
	return { customer: customerNode(customer), userErrors: [] };
}

function consentOf(input: ConsentInput): NonNullable<SandboxCustomer['consent']> {
	return { marketingState: input.marketingState, marketingOptInLevel: input.marketingOptInLevel ?? null, consentUpdatedAt: input.consentUpdatedAt ?? secondsNow() };
}

/** `customerEmailMarketingConsentUpdate`: the customer needs an email; a consent can be given, pending or withdrawn, not unasked. */
function consentUpdate(state: ShopifyState, input: { customerId: string; emailMarketingConsent: ConsentInput }) {
	const refuse = (field: string[], message: string, code: string) => ({ customer: null, userErrors: [{ code, field, message }] });
	const customer = state.customers.get(customerId(input.customerId));
	if (!customer) return refuse(['input', 'customerId'], 'Customer not found', 'INVALID');
	if (!customer.email) return refuse(['input', 'customerId'], 'Customer must have an email address', 'INVALID');
	if (!['SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING'].includes(input.emailMarketingConsent.marketingState)) {
		return refuse(['input', 'emailMarketingConsent', 'marketingState'], 'Marketing state is not included in the list', 'INCLUSION');
	}
	customer.consent = consentOf(input.emailMarketingConsent);
	customer.updatedAt = secondsNow();
	return { customer: customerNode(customer), userErrors: [] };
}

/** A seeded product: one variant (`sku`, `price`…), or several (`options` and `variants` with their `options` by name). */
interface SeededProduct {
	sku?: string;
	title?: string;
	price?: string;
	compareAtPrice?: string | null;
	status?: SandboxProduct['status'];
	weight?: number;
	descriptionHtml?: string;
	options?: Array<{ name: string; values: string[] }>;
	variants?: Array<{ sku: string; price?: string; compareAtPrice?: string | null; weight?: number; options: Record<string, string> }>;
	/** Images on the product, by file name (stand-in bytes), in order. */
	images?: Array<{ name: string; alt?: string }>;
	/** Videos on the product, after its images. */
	videos?: Array<{ alt?: string }>;
}

function seededProduct(record: SeededProduct): ProductSetInput {
	const variantOf = (variant: { sku?: string; price?: string; compareAtPrice?: string | null; weight?: number }, optionValues: Array<{ optionName: string; name: string }>) => ({
		price: variant.price ?? '0',
		compareAtPrice: variant.compareAtPrice ?? null,
		optionValues,
		inventoryItem: { sku: variant.sku, measurement: variant.weight === undefined ? undefined : { weight: { value: variant.weight, unit: 'KILOGRAMS' } } },
	});
	const base = { title: record.title ?? record.sku ?? record.variants?.[0]?.sku, descriptionHtml: record.descriptionHtml, status: record.status };
	if (!record.variants) return { ...base, productOptions: [{ name: 'Title', values: [{ name: 'Default Title' }] }], variants: [variantOf(record, [{ optionName: 'Title', name: 'Default Title' }])] };
	return {
		...base,
		productOptions: (record.options ?? []).map((option) => ({ name: option.name, values: option.values.map((name) => ({ name })) })),
		variants: record.variants.map((variant) => variantOf(variant, Object.entries(variant.options).map(([optionName, name]) => ({ optionName, name })))),
	};
}

/** `{ inventory: [{ sku, available, locationId? }] }` */
function seed(state: ShopifyState, data: Record<string, unknown[]>): Record<string, unknown[]> {
	for (const [collection, records] of Object.entries(data)) {
		if (collection === 'products' && Array.isArray(records)) {
			for (const record of records as SeededProduct[]) {
				const made = productSet(state, seededProduct(record));
				if (made.userErrors.length > 0) throw controlError(400, made.userErrors.map((error) => error.message).join('; '));
				const product = state.products.get(Number(made.product?.legacyResourceId));
				for (const image of record.images ?? []) {
					const path = state.media.keep(image.name, { bytes: pngBytes(image.name), contentType: 'image/png' });
					product?.media.push({ id: 30_000 + state.id(), alt: image.alt ?? '', status: 'READY', originalSource: state.media.url(path), path });
				}
				for (const video of record.videos ?? []) product?.media.push({ id: 30_000 + state.id(), kind: 'VIDEO', alt: video.alt ?? '', status: 'READY', originalSource: 'https://videos.invalid/video.mp4' });
			}
			continue;
		}
		if (collection === 'customers' && Array.isArray(records)) {
			for (const record of records as Array<CustomerInput & { marketingState?: MarketingState }>) {
				const made = customerCreate(state, { ...record, emailMarketingConsent: record.marketingState ? { marketingState: record.marketingState } : undefined });
				if (made.userErrors.length > 0) throw controlError(400, made.userErrors.map((error) => error.message).join('; '));
			}
			continue;
		}
		if (collection !== 'inventory' || !Array.isArray(records)) throw controlError(400, 'seed { inventory: [{ sku, available, locationId? }] }, { products: [{ sku, title?, price?, ... }] } or { customers: [{ email, firstName?, lastName?, phone?, marketingState? }] }');
		for (const record of records as Array<{ sku?: string; available?: number; locationId?: string }>) {
			if (typeof record.sku !== 'string' || !Number.isInteger(record.available)) throw controlError(400, 'each inventory record needs sku and an integer available');
			const item = state.items.get(record.sku) ?? { id: 7_000 + state.id(), sku: record.sku, levels: new Map() };
			item.levels.set(record.locationId ?? shopifyLocationId, record.available as number);
			state.items.set(record.sku, item);
		}
	}
	return { inventory: view(state, 'inventory') as unknown[] };
}

function view(state: ShopifyState, collection?: string): unknown {
	const inventory = () =>
		[...state.items.values()].flatMap((item) =>
			[...item.levels.entries()].map(([locationId, available]) => ({ sku: item.sku, inventoryItemId: itemGid(item), locationId, available })),
		);
	const all: Record<string, () => unknown> = { inventory, adjustments: () => state.adjustments, orders: () => state.orders, webhooks: () => state.subscriptions, products: () => [...state.products.values()], customers: () => [...state.customers.values()].map(customerNode), stagedUploads: () => state.bulk.view().stagedUploads, bulkOperations: () => state.bulk.view().bulkOperations };
	if (collection === undefined) return Object.fromEntries(Object.entries(all).map(([name, read]) => [name, read()]));
	return all[collection]?.();
}

function settingsOf(state: ShopifyState): VendorSettings {
	return {
		get: () => ({ ...state.settings }),
		update: (patch) => {
			for (const [key, value] of Object.entries(patch)) {
				if (!(key in state.settings)) throw controlError(400, `unknown setting ${key}`);
				if (typeof value !== typeof state.settings[key as keyof Settings]) throw controlError(400, `${key} must be a ${typeof state.settings[key as keyof Settings]}`);
				(state.settings as unknown as Record<string, unknown>)[key] = value;
			}
			return { ...state.settings };
		},
	};
}
