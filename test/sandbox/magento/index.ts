/**
 * The Magento 2.4 (MSI) sandbox (PLATFORMS.md, specs/magento admin-schema-2.4.8): Bearer integration token, REST at
 * /rest/{store}/V1, source items searched with searchCriteria filter groups (OR inside a group, AND across groups) and
 * saved by POST /V1/inventory/source-items as an absolute set keyed by SKU and source code: no relative adjust and no
 * compare, so concurrent read-modify-writes lose updates here as on Magento. Errors `{message, parameters}`.
 */
import { createHash, randomUUID } from 'node:crypto';

import { bearerAuth } from '../framework/auth';
import { pngBytes, SandboxMedia } from '../framework/media';
import { controlError } from '../framework/control';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory } from '../framework/types';
import { ConfigurableCatalog, type ConfigurableExtension } from './configurable';

export const magentoAccessToken = 'magento-sandbox-integration-token';
export const magentoSourceCode = 'default';

interface SourceItem {
	sku: string;
	source_code: string;
	quantity: number;
	status: number;
}

/** Named placeholders (`%fieldName`) take an object of parameters, numbered ones (`%1`) an array, as Magento sends them. */
const magentoError = (status: number, message: string, parameters?: Record<string, unknown> | unknown[]): SandboxResponse => ({
	status,
	body: parameters ? { message, parameters } : { message },
});

interface Filter {
	field: string;
	value: string;
	conditionType: string;
}

/** Reads `searchCriteria[filter_groups|filterGroups][g][filters][f][field|value|condition_type|conditionType]`. */
function filterGroups(query: URLSearchParams): Filter[][] {
	const groups = new Map<number, Map<number, Partial<Filter>>>();
	for (const [key, value] of query) {
		const match = /^searchCriteria\[(?:filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type|conditionType)\]$/.exec(key);
		if (!match) continue;
		const group = groups.get(Number(match[1])) ?? new Map<number, Partial<Filter>>();
		const filter = group.get(Number(match[2])) ?? {};
		const part = match[3] === 'condition_type' ? 'conditionType' : (match[3] as keyof Filter);
		filter[part] = value;
		group.set(Number(match[2]), filter);
		groups.set(Number(match[1]), group);
	}
	return [...groups.values()].map((group) => [...group.values()].map((filter) => ({ field: filter.field ?? '', value: filter.value ?? '', conditionType: filter.conditionType ?? 'eq' })));
}

function matches(item: object, filter: Filter): boolean {
	const actual = String((item as unknown as Record<string, unknown>)[filter.field] ?? '');
	switch (filter.conditionType) {
		case 'eq':
			return actual === filter.value;
		case 'neq':
			return actual !== filter.value;
		case 'in':
			return filter.value.split(',').includes(actual);
		case 'gteq':
			return actual >= filter.value;
		case 'gt':
			return actual > filter.value;
		case 'lteq':
			return actual <= filter.value;
		case 'lt':
			return actual < filter.value;
		case 'like':
			return new RegExp(`^${filter.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`).test(actual);
		default:
			throw new Error(`condition ${filter.conditionType}`);
	}
}

/** A customer (`customer-data-customer-interface`), the fields the package reads and writes. */
interface Customer {
	id: number;
	email: string;
	firstname: string;
	lastname: string;
	created_at: string;
	updated_at: string;
	extension_attributes: { is_subscribed: boolean };
}

/** A `sales-data-order-interface` with the fields the schema requires (totals, customer email) and those we read. */
interface Order {
	entity_id: number;
	increment_id: string;
	created_at: string;
	updated_at: string;
	customer_email: string;
	grand_total: number;
	base_grand_total: number;
	items: Array<{ item_id: number; order_id: number; sku: string; qty_ordered: number; price: number; row_total: number }>;
}

/** Magento's REST times: `YYYY-MM-DD HH:MM:SS`, UTC. */
/** A catalog product as `catalog-data-product-interface` has it, the fields the package reads and writes. */
interface CatalogProduct {
	id: number;
	sku: string;
	name: string;
	attribute_set_id: number;
	price: number;
	status: number;
	visibility: number;
	type_id: string;
	weight?: number;
	created_at: string;
	updated_at: string;
	custom_attributes: Array<{ attribute_code: string; value: unknown }>;
	/** A configurable product's options and its children's ids. */
	extension_attributes?: ConfigurableExtension;
	/** The product's images, each a file under the store's media URL (`<base_media_url>catalog/product<file>`). */
	media_gallery_entries: GalleryEntry[];
}

interface GalleryEntry {
	id: number;
	media_type: string;
	label: string | null;
	position: number;
	disabled: boolean;
	types: string[];
	file: string;
}

/** Custom attributes saved by code: a new value replaces the old one, the others stay. */
function mergeAttributes(current: CatalogProduct['custom_attributes'], incoming: CatalogProduct['custom_attributes']): CatalogProduct['custom_attributes'] {
	const merged = new Map(current.map((entry) => [entry.attribute_code, entry]));
	for (const entry of incoming) merged.set(entry.attribute_code, entry);
	return [...merged.values()];
}

const magentoNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

interface BulkOperation {
	id: number;
	bulk_uuid: string;
	topic_name: string;
	serialized_data: string;
	result_serialized_data: string;
	status: number;
	result_message: string;
	error_code: number;
}

export const createMagentoSandbox: VendorSandboxFactory = (services) => {
	const media = new SandboxMedia('/media/catalog/product', () => services.baseUrl());
	/**
	 * `media_gallery_entries` as Magento's product repository saves them: an entry with an `id` the product has is kept
	 * (label, position, types changed), one with `content` (base64 bytes, a MIME type and a file name; Magento fetches no
	 * URL) becomes a new file; entries left out are removed. Absent: the gallery stays as it is.
	 */
	const gallery = (current: GalleryEntry[], entries: unknown): GalleryEntry[] | SandboxResponse => {
		if (entries === undefined) return current;
		if (!Array.isArray(entries)) return magentoError(400, 'The "%1" value is invalid.', ['media_gallery_entries']);
		const saved: GalleryEntry[] = [];
		for (const entry of entries as Array<Partial<GalleryEntry> & { content?: { base64_encoded_data?: unknown; type?: unknown; name?: unknown } }>) {
			const base = { media_type: 'image', label: typeof entry.label === 'string' ? entry.label : null, position: Number(entry.position ?? saved.length + 1), disabled: entry.disabled === true, types: Array.isArray(entry.types) ? entry.types : [] };
			const kept = entry.id === undefined ? undefined : current.find((image) => image.id === Number(entry.id));
			if (kept) {
				saved.push({ ...kept, ...base });
				continue;
			}
			const content = entry.content;
			if (!content || typeof content.base64_encoded_data !== 'string' || typeof content.type !== 'string' || !/^image\/(jpeg|png|gif)$/.test(content.type) || typeof content.name !== 'string') {
				return magentoError(400, 'The image content is invalid. Verify the content and try again.');
			}
			const path = media.keep(content.name, { bytes: Buffer.from(content.base64_encoded_data, 'base64'), contentType: content.type });
			saved.push({ id: nextId++, ...base, file: path.slice(media.prefix.length) });
		}
		return saved.sort((a, b) => a.position - b.position);
	};
	const items = new Map<string, SourceItem>();
	const products = new Set<string>();
	/** Catalog products by SKU, the fields the package reads and writes (description and MSRP as custom attributes). */
	const catalog = new Map<string, CatalogProduct>();
	const configurable = new ConfigurableCatalog();
	const byId = (id: number) => [...catalog.values()].find((product) => product.id === id);

	/**
	 * `POST /V1/products` and `PUT /V1/products/{sku}`: Magento's product repository saves by SKU, so either creates a
	 * product that is missing and updates one that exists. Fields of the wrong type are refused naming them.
	 */
	const saveProduct = (sku: string | undefined) => (request: SandboxRequest): SandboxResponse => {
		const product = ((request.body ?? {}) as { product?: Partial<CatalogProduct> }).product;
		if (!product || typeof product !== 'object') return magentoError(400, '"%fieldName" is required. Enter and try again.', { fieldName: 'product' });
		const code = sku ?? product.sku;
		if (typeof code !== 'string' || code === '') return magentoError(400, '"%fieldName" is required. Enter and try again.', { fieldName: 'sku' });
		for (const [field, type] of [['name', 'string'], ['price', 'number'], ['status', 'number'], ['visibility', 'number'], ['weight', 'number']] as const) {
			if (product[field] !== undefined && typeof product[field] !== type) return magentoError(400, 'The "%1" value is invalid.', [field]);
		}
		const existing = catalog.get(code);
		const images = gallery(existing?.media_gallery_entries ?? [], (product as { media_gallery_entries?: unknown }).media_gallery_entries);
		if (!Array.isArray(images)) return images;
		const saved: CatalogProduct = {
			id: existing?.id ?? nextId++,
			sku: code,
			name: product.name ?? existing?.name ?? code,
			attribute_set_id: product.attribute_set_id ?? existing?.attribute_set_id ?? 4,
			price: product.price ?? existing?.price ?? 0,
			status: product.status ?? existing?.status ?? 1,
			visibility: product.visibility ?? existing?.visibility ?? 4,
			type_id: product.type_id ?? existing?.type_id ?? 'simple',
			weight: product.weight ?? existing?.weight,
			created_at: existing?.created_at ?? magentoNow(),
			updated_at: magentoNow(),
			custom_attributes: mergeAttributes(existing?.custom_attributes ?? [], product.custom_attributes ?? []),
			...(existing?.extension_attributes ? { extension_attributes: existing.extension_attributes } : {}),
			media_gallery_entries: images,
		};
		const checked = configurable.checkSave(saved, product.extension_attributes, byId);
		if ('problem' in checked) return checked.problem;
		if (checked.extension) saved.extension_attributes = checked.extension;
		catalog.set(code, saved);
		products.add(code);
		return { status: 200, body: saved };
	};
	let orders: Order[] = [];
	let customers: Customer[] = [];
	let nextId = 1;
	/** Asynchronous bulk requests by uuid: their entries run when a consumer gets to them (here: at the first status read). */
	const bulks = new Map<string, { entries: unknown[]; startTime: string; operations?: BulkOperation[] }>();

	/**
	 * `POST /async/bulk/V1/products`: an array of `{ product }` saves, accepted at once (202, one request item each) and
	 * run later by Magento's queue consumers; `GET /V1/bulk/{uuid}/detailed-status` answers their operations, open (4)
	 * until run, then complete (1) with the saved product serialized, or not retriably failed (3) with the message.
	 */
	const startBulk = (request: SandboxRequest): SandboxResponse => {
		if (!Array.isArray(request.body) || request.body.length === 0) return magentoError(400, 'Request body must be a non-empty array of entities.');
		const uuid = randomUUID();
		bulks.set(uuid, { entries: request.body, startTime: magentoNow() });
		const requestItems = request.body.map((entry, index) => ({ id: index, data_hash: createHash('sha256').update(JSON.stringify(entry)).digest('hex'), status: 'accepted' }));
		return { status: 202, body: { bulk_uuid: uuid, request_items: requestItems, errors: false } };
	};
	const bulkStatus = (request: SandboxRequest): SandboxResponse => {
		const bulk = bulks.get(request.params.uuid);
		if (!bulk) return magentoError(404, 'Bulk uuid %bulkUuid not exist', { bulkUuid: request.params.uuid });
		const topic = 'async.magento.catalog.api.productrepositoryinterface.save.post';
		const summary = { user_type: 2, bulk_id: request.params.uuid, description: `Topic ${topic}`, start_time: bulk.startTime, user_id: 1, operation_count: bulk.entries.length };
		if (!bulk.operations) {
			// The consumer runs now; this read still sees the operations open.
			bulk.operations = bulk.entries.map((entry, index) => {
				const answer = saveProduct(undefined)({ ...request, body: entry });
				const ok = answer.status === 200;
				return {
					id: index, bulk_uuid: request.params.uuid, topic_name: topic, serialized_data: JSON.stringify(entry), status: ok ? 1 : 3,
					result_serialized_data: ok ? JSON.stringify(answer.body) : '', result_message: ok ? 'Service execution success Magento\\Catalog\\Model\\ProductRepository\\Interceptor::save' : String((answer.body as { message?: string }).message), error_code: ok ? 0 : answer.status,
				};
			});
			return { status: 200, body: { ...summary, operations_list: bulk.operations.map((operation) => ({ ...operation, status: 4, result_serialized_data: '', result_message: '' })) } };
		}
		return { status: 200, body: { ...summary, operations_list: bulk.operations } };
	};

	/**
	 * `POST /V1/customers` (create) and `PUT /V1/customers/{id}` (update): `{ customer: { email, firstname, lastname,
	 * extension_attributes?: { is_subscribed } } }`; an email another customer of the website has is refused.
	 */
	const saveCustomer = (id: string | undefined) => (request: SandboxRequest): SandboxResponse => {
		const input = ((request.body ?? {}) as { customer?: Partial<Customer> }).customer;
		if (!input || typeof input !== 'object') return magentoError(400, '"%fieldName" is required. Enter and try again.', { fieldName: 'customer' });
		const existing = id === undefined ? undefined : customers.find((customer) => String(customer.id) === id);
		if (id !== undefined && !existing) return magentoError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'customerId', fieldValue: id });
		for (const field of ['email', 'firstname', 'lastname'] as const) {
			const value = input[field] ?? existing?.[field];
			if (typeof value !== 'string' || value === '') return magentoError(400, '"%fieldName" is required. Enter and try again.', { fieldName: field });
		}
		const email = (input.email ?? existing?.email ?? '').toLowerCase();
		if (customers.some((customer) => customer !== existing && customer.email === email)) return magentoError(400, 'A customer with the same email address already exists in an associated website.');
		const subscribed = input.extension_attributes?.is_subscribed;
		if (subscribed !== undefined && typeof subscribed !== 'boolean') return magentoError(400, 'The "%1" value is invalid.', ['is_subscribed']);
		const now = magentoNow();
		const saved: Customer = {
			id: existing?.id ?? nextId++,
			email,
			firstname: input.firstname ?? existing?.firstname ?? '',
			lastname: input.lastname ?? existing?.lastname ?? '',
			created_at: existing?.created_at ?? now,
			updated_at: now,
			extension_attributes: { is_subscribed: subscribed ?? existing?.extension_attributes.is_subscribed ?? false },
		};
		customers = [...customers.filter((customer) => customer !== existing), saved];
		return { status: 200, body: saved };
	};
	const key = (sku: string, source: string) => `${sku}\u0000${source}`;

	const search = (request: SandboxRequest): SandboxResponse => searchIn([...items.values()], request);

	function searchIn<T extends object>(records: T[], request: SandboxRequest): SandboxResponse {
		let groups: Filter[][];
		try {
			groups = filterGroups(request.query);
			for (const group of groups) for (const filter of group) matches({}, filter);
		} catch (error) {
			return magentoError(400, 'Invalid value of "%value" provided for the %fieldName field.', { value: (error as Error).message, fieldName: 'condition_type' });
		}
		const sortField = request.query.get('searchCriteria[sortOrders][0][field]');
		const descending = request.query.get('searchCriteria[sortOrders][0][direction]') === 'DESC';
		const found = records.filter((item) => groups.every((group) => group.some((filter) => matches(item, filter))));
		if (sortField) found.sort((a, b) => String((a as Record<string, unknown>)[sortField]).localeCompare(String((b as Record<string, unknown>)[sortField])) * (descending ? -1 : 1));
		const pageSize = Number(request.query.get('searchCriteria[pageSize]') ?? found.length) || found.length;
		const currentPage = Number(request.query.get('searchCriteria[currentPage]') ?? 1) || 1;
		return {
			status: 200,
			body: {
				items: found.slice((currentPage - 1) * pageSize, currentPage * pageSize),
				search_criteria: { filter_groups: groups.map((group) => ({ filters: group.map((filter) => ({ field: filter.field, value: filter.value, condition_type: filter.conditionType })) })), page_size: pageSize, current_page: currentPage },
				total_count: found.length,
			},
		};
	}

	const save = (request: SandboxRequest): SandboxResponse => {
		const sourceItems = ((request.body ?? {}) as { sourceItems?: Array<Partial<SourceItem>> }).sourceItems;
		if (!Array.isArray(sourceItems) || sourceItems.length === 0) return magentoError(400, '"%fieldName" is required. Enter and try again.', { fieldName: 'sourceItems' });
		for (const item of sourceItems) {
			if (typeof item.sku !== 'string' || !products.has(item.sku)) {
				return magentoError(400, 'Could not save Source Item Configuration', {});
			}
			if (item.source_code !== magentoSourceCode) return magentoError(400, 'Could not save Source Item Configuration', {});
			if (typeof item.quantity !== 'number' || !Number.isFinite(item.quantity)) return magentoError(400, 'The "%1" value is invalid.', ['quantity']);
		}
		// All or nothing, then every item replaced absolutely.
		for (const item of sourceItems) {
			const entry = { sku: item.sku as string, source_code: item.source_code as string, quantity: item.quantity as number, status: item.status ?? (Number(item.quantity) > 0 ? 1 : 0) };
			items.set(key(entry.sku, entry.source_code), entry);
		}
		return { status: 200, body: [] };
	};

	const authenticate = bearerAuth(magentoAccessToken, () => magentoError(401, "The consumer isn't authorized to access %resources.", { resources: 'Magento_InventoryApi::source_item' }));
	return {
		credentials: { accessToken: magentoAccessToken, sourceCode: magentoSourceCode },
		// Media files are public (served by the web server, not the API).
		authenticate: (request) => (media.holds(request.path) ? undefined : authenticate(request)),
		rateLimits: { defaults: [], headers: () => ({}), rejection: () => magentoError(429, 'Too Many Requests') },
		errors: {
			serverError: (status) => magentoError(status, 'Internal Error. Details are available in Magento log file. Report ID: webapi-sandbox'),
			notFound: (request) => magentoError(404, 'Request does not match any route.', { path: request.path }),
			badRequest: (message) => magentoError(400, `Decoding error: ${message}`),
		},
		routes: (router) => {
			router.get('/rest/:store/V1/inventory/sources', (request) => searchIn([{ source_code: magentoSourceCode, name: 'Default Source', enabled: true }], request));
			router.get('/rest/:store/V1/inventory/source-items', search).post('/rest/:store/V1/inventory/source-items', save);
			router.get('/rest/:store/V1/orders', (request) => searchIn(orders, request));
			router.get('/rest/:store/V1/products', (request) => searchIn([...catalog.values()], request));
			router.get('/rest/:store/V1/store/storeConfigs', () => ({
				status: 200,
				body: [{ id: 1, code: 'default', website_id: 1, locale: 'en_US', base_currency_code: 'USD', default_display_currency_code: 'USD', timezone: 'UTC', weight_unit: 'kgs', base_url: `${services.baseUrl()}/`, base_link_url: `${services.baseUrl()}/`, base_media_url: `${services.baseUrl()}/media/`, secure_base_url: `${services.baseUrl()}/`, secure_base_link_url: `${services.baseUrl()}/`, secure_base_media_url: `${services.baseUrl()}/media/` }],
			}));
			router.get(`${media.prefix}/:folder/:file`, (request) => media.serve(request));
			router.get('/rest/:store/V1/customers/search', (request) => searchIn(customers.map((customer) => ({ ...customer, entity_id: customer.id })), request));
			router.post('/rest/:store/V1/customers', saveCustomer(undefined));
			router.put('/rest/:store/V1/customers/:id', (request) => saveCustomer(request.params.id)(request));
			router.post('/rest/:store/V1/products', saveProduct(undefined));
			router.post('/rest/:store/async/bulk/V1/products', startBulk);
			router.get('/rest/:store/V1/bulk/:uuid/detailed-status', bulkStatus);
			router.put('/rest/:store/V1/products/:sku', (request) => saveProduct(request.params.sku)(request));
			router.get('/rest/:store/V1/products/attributes', (request) => searchIn(configurable.all(), request));
			router.get('/rest/:store/V1/products/attributes/:code', (request) => configurable.attribute(request.params.code));
			router.post('/rest/:store/V1/products/attributes/:code/options', (request) => configurable.addOption(request.params.code, request.body));
			router.get('/rest/:store/V1/configurable-products/:sku/children', (request) => {
				const parent = catalog.get(request.params.sku);
				if (!parent) return magentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");
				return { status: 200, body: (parent.extension_attributes?.configurable_product_links ?? []).map(byId).filter(Boolean) };
			});
			router.get('/rest/:store/V1/configurable-products/:sku/options/all', (request) => {
				const parent = catalog.get(request.params.sku);
				return parent ? { status: 200, body: parent.extension_attributes?.configurable_product_options ?? [] } : magentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");
			});
			/** `DELETE /V1/products/{sku}`: true; a deleted child leaves its parents' links. */
			router.delete('/rest/:store/V1/products/:sku', (request) => {
				const found = catalog.get(request.params.sku);
				if (!found) return magentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");
				catalog.delete(found.sku);
				products.delete(found.sku);
				for (const parent of catalog.values()) {
					const links = parent.extension_attributes?.configurable_product_links;
					if (links?.includes(found.id)) parent.extension_attributes = { ...parent.extension_attributes, configurable_product_links: links.filter((id) => id !== found.id) };
				}
				return { status: 200, body: true };
			});
			router.get('/rest/:store/V1/products/:sku', (request) =>
				products.has(request.params.sku)
					? { status: 200, body: catalog.get(request.params.sku) ?? { sku: request.params.sku, type_id: 'simple' } }
					: magentoError(404, "The product that was requested doesn't exist. Verify the product and try again."),
			);
		},
		data: {
			reset: () => {
				items.clear();
				products.clear();
				catalog.clear();
				configurable.reset();
				media.reset();
				bulks.clear();
				orders = [];
				customers = [];
				nextId = 1;
			},
			/**
			 * `{ sourceItems: [{ sku, quantity, source_code? }] }` also creates the products; `{ orders: [{ customer_email?,
			 * items: [{ sku, qty, price? }] }] }` places orders, which take their units off the default source.
			 */
			seed: (data) => {
				for (const [collection, records] of Object.entries(data)) {
					if (collection === 'customers' && Array.isArray(records)) {
						for (const record of records) {
							const answer = saveCustomer(undefined)({ body: { customer: record } } as SandboxRequest);
							if (answer.status !== 200) throw controlError(400, `customer refused: ${JSON.stringify(answer.body)}`);
						}
						continue;
					}
					if (collection === 'orders' && Array.isArray(records)) {
						for (const record of records as Array<{ customer_email?: string; items?: Array<{ sku: string; qty: number; price?: number }> }>) {
							const id = nextId++;
							const lines = (record.items ?? []).map((line) => {
								const item = items.get(key(line.sku, magentoSourceCode));
								if (!item) throw controlError(400, `no source item ${line.sku}`);
								item.quantity -= line.qty;
								const price = line.price ?? 10;
								return { item_id: 1000 + nextId++, order_id: id, sku: line.sku, qty_ordered: line.qty, price, row_total: price * line.qty };
							});
							const total = lines.reduce((sum, line) => sum + line.row_total, 0);
							orders.push({
								entity_id: id, increment_id: String(100000000 + id), created_at: magentoNow(), updated_at: magentoNow(),
								customer_email: record.customer_email ?? 'customer@example.com', grand_total: total, base_grand_total: total, items: lines,
							});
						}
						continue;
					}
					if (collection === 'products' && Array.isArray(records)) {
						for (const { images, ...record } of records as Array<Partial<CatalogProduct> & { images?: Array<{ name: string; label?: string }> }>) {
							// Uploaded by the merchant: `images: [{ name: "mug.png", label? }]`.
							const entries = images?.map((image, index) => ({ label: image.label ?? '', position: index + 1, types: index === 0 ? ['image', 'small_image', 'thumbnail'] : [], content: { base64_encoded_data: pngBytes(image.name).toString('base64'), type: 'image/png', name: image.name } }));
							const saved = saveProduct(record.sku)({ body: { product: { ...record, ...(entries ? { media_gallery_entries: entries } : {}) } } } as SandboxRequest);
							if (saved.status !== 200) throw controlError(400, `product refused: ${JSON.stringify(saved.body)}`);
						}
						continue;
					}
					if (collection !== 'sourceItems' || !Array.isArray(records)) throw controlError(400, 'seed { sourceItems: [{ sku, quantity }] } or { orders: [{ items: [{ sku, qty }] }] }');
					for (const record of records as Array<Partial<SourceItem>>) {
						if (typeof record.sku !== 'string' || typeof record.quantity !== 'number') throw controlError(400, 'each source item needs sku and quantity');
						products.add(record.sku);
						const source = record.source_code ?? magentoSourceCode;
						items.set(key(record.sku, source), { sku: record.sku, source_code: source, quantity: record.quantity, status: record.quantity > 0 ? 1 : 0 });
					}
				}
				return { sourceItems: [...items.values()], orders };
			},
			state: (collection) => {
				if (collection === undefined) return { sourceItems: [...items.values()], orders };
				if (collection === 'sourceItems') return [...items.values()];
				if (collection === 'products') return [...catalog.values()];
				if (collection === 'attributes') return configurable.all();
				if (collection === 'customers') return customers;
				return collection === 'orders' ? orders : undefined;
			},
		},
		signWebhook: () => ({}),
	};
};
