/** What only the SQLite backend has: a file it creates itself, WAL, and one connection guarded by a lock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
