/** The shapes of the per-capability fixtures a sandbox folder exports (listed in test/sandbox/fixtures.ts). */
import type { SandboxControl } from './controlClient';
import type { RunningSandbox } from '../registry';

/** A commerce sandbox as an inventory store. */
export interface InventoryFixture {
	/** The API base the store's credential points at (its base-URL field). */
	apiBase(sandbox: RunningSandbox): string;
	/** Puts `quantity` of each SKU on the store. */
	seed(control: SandboxControl, skus: string[], quantity: number): Promise<void>;
	/** The store's quantity of a SKU, read through the control API. */
	quantity(control: SandboxControl, sku: string): Promise<number | undefined>;
	/** A sale on the store itself, taking the units off there as its own checkout does. */
	sell(store: { sandbox: RunningSandbox; control: SandboxControl; apiBase: string }, sku: string, quantity: number): Promise<void>;
}

/** A marketing sandbox as Marketing Fan-out reaches it. */
export interface MarketingFixture {
	/** The API base the platform's credential points at (its base-URL field). */
	apiBase(sandbox: RunningSandbox): string;
	/** The node's parameters for this platform pointing at what `seed` set up (resourceLocator values where picked). */
	parameters: Record<string, unknown>;
	/** Seeds what marketers set up by hand (audiences, journeys, lists, campaigns, automations), after a reset. */
	seed(control: SandboxControl): Promise<void>;
}

/** A resourceLocator value as the editor saves it (`mode` "id", or "name" where the engine keys by name). */
export const picked = (value: string, mode: 'id' | 'name' | 'list' = 'id') => ({ __rl: true, mode, value });
