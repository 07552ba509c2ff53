import type { StateStore } from '../store';

/**
 * Records that `trigger` let delivery `deliveryId` through; false when it had already (a redelivery). The row is the
 * claim: two workers receiving the same delivery at once insert it once, so only one starts an execution.
 */
export async function firstDelivery(store: StateStore, trigger: string, deliveryId: string, now: () => Date = () => new Date()): Promise<boolean> {
	const inserted = await store.db.run(
		'INSERT INTO trigger_deliveries (trigger_key, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
		[trigger, deliveryId, now().toISOString()],
	);
	return inserted.changes > 0;
}
