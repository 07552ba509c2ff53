/**
 * The delivery ids a trigger has let through: a repeat within the memory is refused, each trigger keeps its own, and a
 * first delivery forgets the trigger's ids older than the memory (the table does not grow without end).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { DELIVERY_MEMORY_DAYS, firstDelivery } from '../../lib/triggers';

let store: StateStore;
const day = 86_400_000;
const start = Date.parse('2026-01-01T00:00:00Z');
const at = (days: number) => () => new Date(start + days * day);

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'trigger-deliveries-')), 'state.sqlite') }, allMigrations);
});

afterAll(async () => {
	await closeAllStores();
});

const remembered = async (trigger: string) =>
	(await store.db.query<{ delivery_id: string }>('SELECT delivery_id FROM trigger_deliveries WHERE trigger_key = ? ORDER BY delivery_id', [trigger])).map((row) => row.delivery_id);

it('lets a delivery id through once per trigger', async () => {
	expect(await firstDelivery(store, 'a', 'd1', at(0))).toBe(true);
	expect(await firstDelivery(store, 'a', 'd1', at(1))).toBe(false);
	expect(await firstDelivery(store, 'b', 'd1', at(1))).toBe(true);
});

it('forgets a trigger\'s ids older than the memory on its next first delivery, and no other trigger\'s', async () => {
	expect(await firstDelivery(store, 'a', 'd2', at(DELIVERY_MEMORY_DAYS - 1))).toBe(true);
	expect(await remembered('a')).toEqual(['d1', 'd2']);
	expect(await firstDelivery(store, 'a', 'd3', at(DELIVERY_MEMORY_DAYS + 0.5))).toBe(true);
	expect(await remembered('a')).toEqual(['d2', 'd3']);
	expect(await remembered('b')).toEqual(['d1']);
	expect(await firstDelivery(store, 'a', 'd2', at(DELIVERY_MEMORY_DAYS + 0.5))).toBe(false);
});
