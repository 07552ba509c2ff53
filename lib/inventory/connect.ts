import { connectStandalone, platformDefinition } from '../platforms/catalog';
import type { RateBucketRepository } from '../store/rateBuckets';
import { Transport, type HttpClient, type PlatformProfile, type RetryPolicy } from '../transport';
import type { StoreTarget } from './fanOut';
import type { ChannelRules } from './rules';

/** One store as configured: its platform, where it lives, its credential fields (incl. location) and channel rules. */
export interface InventoryStoreConfig {
	id: string;
	platform: string;
	baseUrl: string;
	settings: Record<string, unknown>;
	enabled?: boolean;
	rules?: ChannelRules;
}

export interface ConnectOptions {
	/** Shared rate windows; without them the platforms' limits are not paced here (limits lifted). */
	rateBuckets?: RateBucketRepository;
	/** The HTTP client for a store; a fetch client authenticated from the store's settings by default (outside n8n). */
	client?: (store: InventoryStoreConfig) => HttpClient;
	/** Overrides a platform's profile, e.g. a Pro plan's larger window. */
	profile?: (store: InventoryStoreConfig) => PlatformProfile | undefined;
	retry?: Partial<RetryPolicy>;
	sleep?: (ms: number) => Promise<void>;
}

/** Builds each store's connector over its own transport. Stores with the same account share rate windows by id. */
export function connectInventoryStores(stores: InventoryStoreConfig[], options: ConnectOptions = {}): StoreTarget[] {
	return stores.map((store) => {
		const definition = platformDefinition(store.platform);
		if (!definition.inventory) throw new Error(`${definition.displayName} has no inventory connector`);
		const standalone = connectStandalone(store.platform, { ...store.settings, [definition.credentials.baseUrlField]: store.baseUrl });
		const transport = new Transport({
			profile: options.profile?.(store) ?? definition.profile(),
			client: options.client?.(store) ?? standalone.client,
			baseUrl: store.baseUrl,
			accountKey: store.id,
			rateBuckets: options.rateBuckets,
			retry: options.retry,
			secrets: standalone.secrets,
			sleep: options.sleep,
		});
		return { id: store.id, enabled: store.enabled, rules: store.rules, connector: definition.inventory.connector(transport, standalone.settings) };
	});
}
