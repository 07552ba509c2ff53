/** What only the SQLite backend has: a file it creates itself, WAL, and one connection guarded by a lock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { CursorRepository } from '../../lib/store/cursors';

const contacts = { integration: 'crm-sync', platform: 'hubspot', entity: 'contacts' };
let folder: string;
let store: StateStore;

beforeEach(async () => {
	folder = mkdtempSync(join(tmpdir(), 'iaut-sqlite-'));
	store = await openStore({ kind: 'sqlite', file: join(folder, 'n8n', 'integration-automation', 'state.sqlite') }, allMigrations);
});
afterEach(async () => {
	await closeAllStores();
	rmSync(folder, { recursive: true, force: true });
});

test('creates the file and its folders, in WAL mode so readers run beside the writer', async () => {
	expect(await store.db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
	expect(await store.db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
});

test('using the store instead of `tx` inside its own transaction fails at once instead of waiting forever', async () => {
	await expect(
		store.db.transaction(async (tx) => {
			await new CursorRepository(tx).set(contacts, 'page:1');
			await store.cursors.set(contacts, 'page:2');
		}),
	).rejects.toThrow(/use the transaction's executor/);
	expect(await store.cursors.get(contacts)).toBeUndefined();
});

test('work a transaction starts but does not await runs normally once the transaction is over', async () => {
	let detached: Promise<void> | undefined;
	let transactionOver: () => void = () => undefined;
	const over = new Promise<void>((resolve) => (transactionOver = resolve));
	await store.db.transaction(async (tx) => {
		await new CursorRepository(tx).set(contacts, 'page:1');
		// Started inside the transaction, run after it has committed (an event, not a time: a loaded machine may be slow).
		detached = over.then(async () => await store.cursors.set(contacts, 'page:2'));
	});
	transactionOver();
	await detached;
	expect(await store.cursors.get(contacts)).toBe('page:2');
});

const oldSpaceUsed = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;

test('rows read are ordinary short-lived objects: reading 100,000 rows leaves old space as it was', async () => {
	// node:sqlite's own row objects are allocated straight in old space, garbage there until a full collection: a sync
	// reading a row per record grew the heap (and RSS) with its size. Rows are built here from its arrays instead.
	await store.db.run('CREATE TABLE reads (id TEXT PRIMARY KEY, data TEXT NOT NULL, position INTEGER NOT NULL)');
	for (let position = 0; position < 100; position++) {
		await store.db.run('INSERT INTO reads VALUES (?, ?, ?)', [`row-${position}`, JSON.stringify({ email: `r${position}@example.com` }), position]);
	}
	expect(await store.db.query('SELECT id, position FROM reads WHERE position < 2 ORDER BY position')).toEqual([{ id: 'row-0', position: 0 }, { id: 'row-1', position: 1 }]);
	v8.setFlagsFromString('--expose-gc');
	const collectGarbage = vm.runInNewContext('gc') as () => void;
	collectGarbage();
	const before = oldSpaceUsed();
	let read = 0;
	for (let round = 0; round < 1000; round++) read += (await store.db.query('SELECT id, data, position FROM reads')).length;
	const grown = oldSpaceUsed() - before;
	expect(read).toBe(100_000);
	// Before: about 7 MB (70 bytes a row); a row that outlives two scavenges (none here) would be promoted.
	expect(grown).toBeLessThan(2 * 1048576);
});
