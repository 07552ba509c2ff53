import { platformDefinition } from '../platforms/catalog';
import type { CrmConnector, CrmEntity } from '../platforms/crm';
import type { CreateDefault } from '../platforms/definition';
import { productMappings, type ProductConnector } from '../platforms/products';
import type { FieldMapping } from '../records/mapping';
import type { EngineContext } from '../platforms/resolver';
import { pullChanges, sampleRecords, type PullOptions, type PullSummary, type SampledRecord } from './pull';
import { recordPurchase, type RecordPurchaseRequest, type RecordPurchaseResult } from './purchases';
import { pushRecords, type PushRequest, type PushResult } from './push';
import { syncPlatforms, type SyncOptions, type SyncSummary } from './sync';

export { pullChanges, sampleRecords, type DeletePolicy, type PulledChange, type PullOptions, type PullSummary, type SampledRecord } from './pull';
export { pushRecords, type InternalRecord, type PushOutcome, type PushRequest, type PushResult, type PushStatus } from './push';
export { syncPlatforms, syncScope, type SyncOptions, type SyncPlatform, type SyncSummary } from './sync';
export { recordPurchase, purchaseKeysSchema, purchaseMappings, customerTotals, toMinorUnits, type Purchase, type RecordPurchaseRequest, type RecordPurchaseResult } from './purchases';
export { readWebhookEvent, verifyWebhook, webhookSecretField, type WebhookSource, type WebhookEventCheck, type SignatureCheck } from './webhooks';
export { syncMigrations } from './migrations';
/** What the CRM side of a node speaks: the platforms' entities and connectors, field mappings and resolutions. */
export type { CrmConnector, CrmEntity, RecordEntity } from '../platforms/crm';
export type { CreateDefault } from '../platforms/definition';
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

/** The sync capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openSync({ store, platforms }: EngineContext) {
	const connector = async (platform: string): Promise<CrmConnector> => {
		const crm = platformDefinition(platform).crm;
		if (!crm) throw new Error(`${platformDefinition(platform).displayName} is not a CRM platform`);
		return crm.connector((await platforms.connect(platform)).transport);
	};
	const productConnector = async (platform: string): Promise<ProductConnector> => {
		const definition = platformDefinition(platform);
		if (!definition.products) throw new Error(`${definition.displayName} has no product catalogue this package keeps in step`);
		const { transport, settings } = await platforms.connect(platform);
		return definition.products.connector(transport, settings);
	};
	return {
		/** The CRM connector of one platform. */
		connector,
		/** One store's product connector. */
		productConnector,
		/**
		 * The stores' product catalogues kept in step (entity `products`): each store pulled since its updated-at cursor,
		 * products matched by SKU and linked in the ID map, created where missing, the winners written in each vendor's
		 * batches; our own writes coming back are not changes (no echo).
		 */
		syncProducts: async (stores: string[], options: Omit<SyncOptions, 'store' | 'platforms' | 'entity' | 'deletes'>): Promise<SyncSummary> => {
			const connected = [];
			for (const platform of stores) connected.push({ connector: await productConnector(platform), mappings: productMappings });
			return syncPlatforms({ ...options, entity: 'products', deletes: 'ignore', store, platforms: connected });
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
		/** Every platform pulled, conflicts resolved, the winners pushed to the others. */
		sync: async (chosen: Array<{ platform: string; mappings: FieldMapping[]; createDefaults?: Record<string, unknown> }>, options: Omit<SyncOptions, 'store' | 'platforms'>): Promise<SyncSummary> => {
			const connected = [];
			for (const { platform, mappings, createDefaults } of chosen) connected.push({ connector: await connector(platform), mappings, createDefaults });
			return syncPlatforms({ ...options, store, platforms: connected });
		},
		/** Records purchases on one platform: each counted once, the customer's totals written to the CRM contact. */
		purchaseRecorder: async (platform: string) => {
			const crm = await connector(platform);
			return (request: Omit<RecordPurchaseRequest, 'store' | 'connector'>): Promise<RecordPurchaseResult> => recordPurchase({ ...request, store, connector: crm });
		},
	};
}

export type Sync = ReturnType<typeof openSync>;
