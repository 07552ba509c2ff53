import { platformDefinition } from '../platforms/catalog';
import type { CrmConnector, CrmEntity } from '../platforms/crm';
import type { CreateDefault } from '../platforms/definition';
import { CUSTOMER_ENTITY, customerMappings, type CustomerConnector } from '../platforms/customers';
import { withImageOrigins } from './productImages';
import { productMappingsOf, type ProductConnector } from '../platforms/products';
import { runExclusive, type ExclusiveOptions } from '../store/exclusive';
import { leaseName } from '../store/leases';
import type { FieldMapping } from '../records/mapping';
import type { EngineContext } from '../platforms/resolver';
import { pullChanges, sampleRecords, type PullOptions, type PullSummary, type SampledRecord } from './pull';
import { recordPurchase, type RecordPurchaseRequest, type RecordPurchaseResult } from './purchases';
import { pushRecords, type PushRequest, type PushResult } from './push';
import { syncPlatforms, type SyncOptions, type SyncPlatform, type SyncSummary } from './sync';

export { pullChanges, sampleRecords, type DeletePolicy, type PulledChange, type PullOptions, type PullSummary, type SampledRecord } from './pull';
export { pushRecords, type InternalRecord, type PushOutcome, type PushRequest, type PushResult, type PushStatus } from './push';
export { syncPlatforms, syncScope, type SyncOptions, type SyncPlatform, type SyncSummary } from './sync';
export { recordPurchase, purchaseKeysSchema, purchaseMappings, customerTotals, toMinorUnits, type Purchase, type RecordPurchaseRequest, type RecordPurchaseResult } from './purchases';
export { readWebhookEvent, verifyWebhook, webhookSecretField, type WebhookSource, type WebhookEventCheck, type SignatureCheck } from './webhooks';
export { syncMigrations } from './migrations';
/** What the CRM side of a node speaks: the platforms' entities and connectors, field mappings and resolutions. */
export type { CrmConnector, CrmEntity, RecordEntity } from '../platforms/crm';
export type { CreateDefault } from '../platforms/definition';
export { CUSTOMER_FIELDS, type CustomerFields } from '../platforms/customers';
export { PRODUCT_FIELDS, type ProductFields, type ProductStatus } from '../platforms/products';
export { type FieldMapping, MappingError, type ValueTransform, withValueMaps } from '../records/mapping';
export type { ConflictStrategy, FieldPolicy } from '../records/resolve';

/** The fields a CRM platform lets the user pick for the records it creates (a ticket type, a pipeline), as its vendor folder declares them. */
export function crmCreateDefaults(platform: string, entity: CrmEntity): CreateDefault[] {
	return (platformDefinition(platform).crm?.createDefaults ?? []).filter((declared) => declared.entity === entity);
}

/** A CRM platform's built-in field mappings for an entity, as its vendor folder declares them. */
export function crmDefaultMappings(platform: string, entity: CrmEntity): FieldMapping[] | undefined {
	return platformDefinition(platform).crm?.defaultMappings[entity];
}

/** One store of a platform: the platform and, where the node has several stores of it, the store's own id. */
export interface StoreChoice {
	platform: string;
	/** Names the store in the ID map, outcomes and errors; the platform id by default (one store of the platform). */
	id?: string;
}

export interface CustomerSyncOptions extends Omit<SyncOptions, 'store' | 'platforms' | 'entity' | 'deletes'> {
	/** The CRM the stores' customers are copied to (its contacts, matched by email); none keeps only the stores in step. */
	crm?: string;
	/** The CRM's contact mappings; its defaults when absent. */
	crmMappings?: FieldMapping[];
	/** How long a run waits for another run of the same directory to finish. */
	exclusive?: ExclusiveOptions;
}

export interface ProductSyncOptions extends Omit<SyncOptions, 'store' | 'platforms' | 'entity' | 'deletes'> {
	/** How long a run waits for another run of the same catalogue to finish. */
	exclusive?: ExclusiveOptions;
}

/**
 * A connector answering under the store's id instead of its platform's, so two stores of one platform keep apart in
 * the ID map and the outcomes. Everything else is the connector's own (it is the prototype).
 */
function underStoreId<T extends { platform: string }>(connector: T, id: string): T {
	return id === connector.platform ? connector : Object.create(connector, { platform: { value: id, enumerable: true } });
}

/** The stores' ids, each once: two stores under one id would share one another's links. */
function storeIds(stores: StoreChoice[]): string[] {
	const ids = stores.map(({ platform, id = platform }) => id);
	const twice = ids.find((id, index) => ids.indexOf(id) !== index);
	if (twice !== undefined) throw new Error(`Store "${twice}" is chosen twice: give each store of a platform its own id`);
	return ids;
}

/** The sync capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openSync({ store, platforms }: EngineContext) {
	const connector = async (platform: string): Promise<CrmConnector> => {
		const crm = platformDefinition(platform).crm;
		if (!crm) throw new Error(`${platformDefinition(platform).displayName} is not a CRM platform`);
		return crm.connector((await platforms.connect(platform)).transport);
	};
	/** One store's connector for its products or customers, through the store's own account, answering under its id. */
	const storeConnector = async <C extends CrmConnector>(capability: 'products' | 'customers', choice: string | StoreChoice): Promise<C> => {
		const { platform, id = platform } = typeof choice === 'string' ? { platform: choice } : choice;
		const definition = platformDefinition(platform);
		const declared = definition[capability];
		if (!declared) throw new Error(`${definition.displayName} has no ${capability === 'products' ? 'product catalogue' : 'customers'} this package keeps in step`);
		const { transport, settings } = await platforms.connect(platform, { account: id });
		return underStoreId(declared.connector(transport, settings) as C, id);
	};
	const productConnector = (choice: string | StoreChoice): Promise<ProductConnector> => storeConnector('products', choice);
	const customerConnector = (choice: StoreChoice): Promise<CustomerConnector> => storeConnector('customers', choice);
	return {
		/** The CRM connector of one platform. */
		connector,
		/** One store's customer connector. */
		customerConnector,
		/**
		 * The stores' customers kept in step with one another and copied to the CRM (entity `contacts`): matched by email
		 * through the ID map, created where missing and never twice; the CRM receives and is not pulled (its other contacts
		 * stay out of the stores). Consent travels as each store gave it; a store that keeps none never grants it. One run
		 * of a directory at a time across every process: a run started meanwhile (a webhook delivered twice) waits, then
		 * finds nothing left to do.
		 */
		syncCustomers: async (stores: StoreChoice[], options: CustomerSyncOptions): Promise<SyncSummary> => {
			const { crm, crmMappings, exclusive, ...rest } = options;
			storeIds(stores);
			if (stores.length === 0 || (stores.length < 2 && !crm)) throw new Error('Choose at least two stores, or a store and a CRM, to keep customers in step');
			const connected: SyncPlatform[] = [];
			for (const choice of stores) {
				const customers = await customerConnector(choice);
				connected.push({ connector: customers, mappings: customerMappings(await customers.fieldNames(CUSTOMER_ENTITY)) });
			}
			if (crm) {
				const mappings = crmMappings ?? crmDefaultMappings(crm, CUSTOMER_ENTITY);
				if (!mappings) throw new Error(`${platformDefinition(crm).displayName} has no contact mappings`);
				connected.push({ connector: await connector(crm), mappings, receiveOnly: true });
			}
			return runExclusive(store.leases, leaseName('sync', rest.integration, CUSTOMER_ENTITY), () =>
				syncPlatforms({ ...rest, entity: CUSTOMER_ENTITY, deletes: 'ignore', store, platforms: connected }),
			exclusive);
		},
		/** One store's product connector. */
		productConnector,
		/**
		 * The stores' product catalogues kept in step (entity `products`): each store pulled since its updated-at cursor,
		 * products matched by SKU and linked in the ID map, created where missing, the winners written in each vendor's
		 * batches; our own writes coming back are not changes (no echo). Several runs may share a catalogue over different
		 * stores (nodes of one store group): one runs at a time, and each brings its stores up to what the others agreed.
		 */
		syncProducts: async (stores: Array<string | StoreChoice>, options: ProductSyncOptions): Promise<SyncSummary> => {
			const { exclusive, ...rest } = options;
			storeIds(stores.map((choice) => (typeof choice === 'string' ? { platform: choice } : choice)));
			const connected: SyncPlatform[] = [];
			for (const choice of stores) {
				const products = withImageOrigins(await productConnector(choice), store, rest.integration);
				connected.push({ connector: products, mappings: productMappingsOf(await products.fieldNames('products')) });
			}
			// One run of a catalogue at a time, whichever node of its store group starts it: they share one inbox and hub.
			return runExclusive(store.leases, leaseName('sync', rest.integration, 'products'), () =>
				syncPlatforms({ ...rest, entity: 'products', deletes: 'ignore', store, platforms: connected }),
			exclusive);
		},
		/** Changes on one platform since its cursor. */
		pull: async (platform: string, options: Omit<PullOptions, 'store' | 'connector'>): Promise<PullSummary> =>
			pullChanges({ ...options, store, connector: await connector(platform) }),
		/** The latest records of one platform, for mapping fields when nothing changed (the cursor stays). */
		sample: async (platform: string, options: Omit<Parameters<typeof sampleRecords>[0], 'store' | 'connector'>): Promise<SampledRecord[]> =>
			sampleRecords({ ...options, store, connector: await connector(platform) }),
		/** Internal records to one platform, through the ID map. */
		push: async (platform: string, request: Omit<PushRequest, 'store' | 'connector'>): Promise<PushResult> =>
			pushRecords({ ...request, store, connector: await connector(platform) }),
		/**
		 * Every platform pulled, conflicts resolved, the winners pushed to the others. One run of an integration's entity
		 * at a time across every process: two runs at once (a webhook delivered twice) would both find the same change
		 * unsynced and both write it (a second ticket, a comment twice); the later one waits, then finds nothing left.
		 */
		sync: async (chosen: Array<{ platform: string; mappings: FieldMapping[]; createDefaults?: Record<string, unknown> }>, options: Omit<SyncOptions, 'store' | 'platforms'> & { exclusive?: ExclusiveOptions }): Promise<SyncSummary> => {
			const { exclusive, ...rest } = options;
			const connected: SyncPlatform[] = [];
			for (const { platform, mappings, createDefaults } of chosen) connected.push({ connector: await connector(platform), mappings, createDefaults });
			return runExclusive(store.leases, leaseName('sync', rest.integration, rest.entity), () => syncPlatforms({ ...rest, store, platforms: connected }), exclusive);
		},
		/** Records purchases on one platform: each counted once, the customer's totals written to the CRM contact. */
		purchaseRecorder: async (platform: string) => {
			const crm = await connector(platform);
			return (request: Omit<RecordPurchaseRequest, 'store' | 'connector'>): Promise<RecordPurchaseResult> => recordPurchase({ ...request, store, connector: crm });
		},
	};
}

export type Sync = ReturnType<typeof openSync>;
