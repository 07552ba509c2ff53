/**
 * A process that dies holding a SKU lock: it applies one order line to store "woo" whose stock write never returns,
 * reports that it is inside the write (so under the lock), and waits to be killed. Run with `node --import tsx`,
 * forked with an IPC channel. Env: LOCK_HOLDER_STORE (the state store config as JSON).
 */
import { InventoryFanOut } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import type { InventoryConnector, StockChange } from '../../lib/platforms/inventory';
import { openStore, type StoreConfig } from '../../lib/store';

const hangingStore: InventoryConnector = {
	platform: 'woocommerce',
	adjustPrimitive: 'read_modify_write',
	compareAndSet: false,
	getQuantity: async () => 100,
	adjust: async (): Promise<StockChange> => {
		process.send?.({ kind: 'writing' });
		return await new Promise<StockChange>(() => undefined);
	},
	set: async (): Promise<StockChange> => await new Promise<StockChange>(() => undefined),
};

async function holdTheLock(): Promise<void> {
	const store = await openStore(JSON.parse(process.env.LOCK_HOLDER_STORE!) as StoreConfig, allMigrations);
	const fanOut = new InventoryFanOut({ db: store.db, stores: [{ id: 'woo', connector: hangingStore }] });
	await fanOut.apply([{ orderId: 'dies-holding', lineId: '1', sku: 'SKU-1', quantity: 1, sourceStore: 'shop' }]);
}

// Listening keeps the IPC channel, and so the process, alive until the parent kills it.
process.on('message', () => undefined);
holdTheLock().catch((error: unknown) => {
	process.send?.({ kind: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
});
