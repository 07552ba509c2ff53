import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';

test('sqlite store opens, migrates and links ids', async () => {
	const file = join(mkdtempSync(join(tmpdir(), 'iaut-')), 'state.sqlite');
	const store = await openStore({ kind: 'sqlite', file }, allMigrations);
	const key = { integration: 'i', platform: 'hubspot', entity: 'contacts' };
	expect((await store.idMap.link(key, 'c1', 'h1')).created).toBe(true);
	expect(await store.idMap.link(key, 'c1', 'h2')).toEqual({ internalId: 'c1', externalId: 'h1', created: false });
	const once = await store.idempotency.runOnce('s', 'k', async () => 42);
	const again = await store.idempotency.runOnce('s', 'k', async () => 43);
	expect([once, again]).toEqual([{ result: 42, replayed: false }, { result: 42, replayed: true }]);
	const bucket = { key: 'b', capacity: 2, windowMs: 1000 };
	expect(await store.rateBuckets.take([bucket], 1000)).toBe(0);
	expect(await store.rateBuckets.take([bucket], 1000)).toBe(0);
	expect(await store.rateBuckets.take([bucket], 1000)).toBe(1050);
	await closeAllStores();
});
