/**
 * The engine outside n8n, as tests and benchmarks reach it: sandbox accounts for the standalone platform resolver,
 * and the capability entries over it. Checks of one connector get it through the entry too, over a scratch store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openInventory } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { openPayments } from '../../lib/payments';
import { platformDefinition } from '../../lib/platforms/catalog';
import { standalonePlatforms, type StandaloneAccount, type StandaloneOptions } from '../../lib/platforms/catalog/standalonePlatforms';
import type { InventoryConnector } from '../../lib/platforms/inventory';
import type { PaymentConnector } from '../../lib/platforms/payments';
import { openStore, type StateStore } from '../../lib/store';

/** A sandbox as one account of its platform: its credential values, the sandbox's API base in the base-URL field. */
export function sandboxAccount(platform: string, baseUrl: string, values: Readonly<Record<string, unknown>>, id?: string): StandaloneAccount {
	return { platform, id, values: { ...values, [platformDefinition(platform).credentials.baseUrlField]: baseUrl } };
}

let scratch: Promise<StateStore> | undefined;

/** A state store for checks whose work keeps no state (one connector's calls), opened once per test process. */
export function scratchStore(): Promise<StateStore> {
	scratch ??= openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'scratch-store-')), 'state.sqlite') }, allMigrations);
	return scratch;
}

/** One store's inventory connector, through the standalone resolver and the inventory entry. */
export async function inventoryConnector(account: StandaloneAccount, options: StandaloneOptions = {}): Promise<InventoryConnector> {
	const inventory = openInventory({ store: await scratchStore(), platforms: standalonePlatforms([account], options) });
	const [target] = await inventory.stores([{ platform: account.platform, id: account.id }]);
	return target.connector;
}

/** One processor's payment connector, through the standalone resolver and the payments entry. */
export async function paymentConnector(account: StandaloneAccount, options: StandaloneOptions = {}): Promise<PaymentConnector> {
	const payments = openPayments({ store: await scratchStore(), platforms: standalonePlatforms([account], options) });
	return (await payments.connectors([account.platform]))[account.platform];
}
