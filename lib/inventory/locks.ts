import { randomUUID } from 'node:crypto';

import { Mutex } from '../store/mutex';
import type { SqlDatabase } from '../store/types';

export interface LockOptions {
	/** How long a holder keeps the lock before another worker may take it (its holder is presumed dead). */
	leaseMs: number;
	pollMs: number;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
}

/**
 * One writer per (store, SKU) across every execution and worker: an in-process FIFO queue, so writers in one process
 * never poll, in front of a leased row in the state store, which the primary key makes exclusive across processes.
 * WooCommerce and Magento have no compare-and-set, so this is what keeps their read-modify-writes from losing updates.
 */
export class StockLocks {
	private readonly local = new Map<string, { mutex: Mutex; users: number }>();

	constructor(
		private readonly db: SqlDatabase,
		private readonly options: LockOptions,
	) {}

	async withLock<T>(storeId: string, sku: string, work: () => Promise<T>): Promise<T> {
		const key = `${storeId}\u0000${sku}`;
		const entry = this.local.get(key) ?? { mutex: new Mutex(), users: 0 };
		entry.users++;
		this.local.set(key, entry);
		try {
			return await entry.mutex.runExclusive(async () => {
				const owner = await this.acquire(storeId, sku);
				try {
					return await work();
				} finally {
					await this.db.run('DELETE FROM inventory_locks WHERE store_id = ? AND sku = ? AND owner = ?', [storeId, sku, owner]);
				}
			});
		} finally {
			if (--entry.users === 0) this.local.delete(key);
		}
	}

	private async acquire(storeId: string, sku: string): Promise<string> {
		const owner = randomUUID();
		for (;;) {
			const now = this.options.now();
			const until = now + this.options.leaseMs;
			const inserted = await this.db.run(
				'INSERT INTO inventory_locks (store_id, sku, owner, lease_until_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
				[storeId, sku, owner, until],
			);
			if (inserted.changes === 1) return owner;
			const takenOver = await this.db.run(
				'UPDATE inventory_locks SET owner = ?, lease_until_ms = ? WHERE store_id = ? AND sku = ? AND lease_until_ms < ?',
				[owner, until, storeId, sku, now],
			);
			if (takenOver.changes === 1) return owner;
			await this.options.sleep(this.options.pollMs * (0.5 + Math.random()));
		}
	}
}
