import type { StoreContext } from '../store/stateStore';
import type { Transport } from '../transport/transport';
import type { RetryPolicy } from '../transport/types';
import type { PlatformSettings } from './definition';

/** One platform account as the engine reaches it: its transport and the settings its credential holds. */
export interface PlatformConnection {
	transport: Transport;
	/** The credential's settings (location, source code…) as the platform declares them, the base URL included. */
	settings: PlatformSettings;
}

export interface ConnectOptions {
	/** Which of several accounts of the platform (an inventory store's id); the platform's only account when absent. */
	account?: string;
	/** What the capability asks of retries (payments: fall back to another processor rather than wait). */
	retry?: Partial<RetryPolicy>;
}

/**
 * The one way the engine reaches a platform: given its id (and the account, where there are several), an authenticated
 * transport paced through the store. Implemented over n8n credentials in nodes/shared (engineContext.ts) and standalone,
 * from credential values with the vendor's declared auth, for the demo, benchmarks and tests (standalonePlatforms.ts).
 */
export interface PlatformResolver {
	connect(platform: string, options?: ConnectOptions): Promise<PlatformConnection>;
}

/** What every capability entry (`openInventory`, `openPayments`, `openSync`…) takes: the state store and the platforms. */
export interface EngineContext extends StoreContext {
	platforms: PlatformResolver;
}
