import type { StateStore } from '../store';

/**
 * How long a delivery id is remembered: longer than any vendor keeps redelivering (Stripe and PayPal retry for about
 * three days, Shopify for 48 hours), short enough that the table does not grow without end.
 */
export const DELIVERY_MEMORY_DAYS = 30;

/**
 * Records that `trigger` let delivery `deliveryId` through; false when it had already (a redelivery). The row is the
 * claim: two workers receiving the same delivery at once insert it once, so only one starts an execution. Each
 * first delivery also forgets the trigger's ids older than DELIVERY_MEMORY_DAYS.
 */
export async function firstDelivery(store: StateStore, trigger: string, deliveryId: string, now: () => Date = () => new Date()): Promise<boolean> {
	const at = now();
	const inserted = await store.db.run(
		'INSERT INTO trigger_deliveries (trigger_key, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
		[trigger, deliveryId, at.toISOString()],
	);
	if (inserted.changes === 0) return false;
	const forgetBefore = new Date(at.getTime() - DELIVERY_MEMORY_DAYS * 86_400_000).toISOString();
	await store.db.run('DELETE FROM trigger_deliveries WHERE trigger_key = ? AND received_at < ?', [trigger, forgetBefore]);
	return true;
}
