/**
 * A process killed with SIGKILL while it holds a (store, SKU) lock must not block that SKU for long: another process's
 * apply and reconcile of the same SKU complete within seconds (the lock's lease, renewed only while its holder lives),
 * on SQLite and on PostgreSQL. With the former 300 s lease they waited five minutes.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { InventoryFanOut } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import type { InventoryConnector, StockChange } from '../../lib/platforms/inventory';
import { closeAllStores, DEFAULT_LEASE_MS, openStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';

jest.setTimeout(180_000);

let postgres: Awaited<ReturnType<typeof acquirePostgres>> | undefined;
let folder: string;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'inventory-kill-'));
	postgres = await acquirePostgres().catch(() => undefined);
});

afterAll(async () => {
	await closeAllStores();
	await postgres?.release();
	rmSync(folder, { recursive: true, force: true });
});

class CountingStore implements InventoryConnector {
	readonly platform = 'woocommerce';
	readonly adjustPrimitive = 'read_modify_write' as const;
	readonly compareAndSet = false;
	quantity = 100;

	async getQuantity(): Promise<number> {
		return this.quantity;
	}

	async adjust(_sku: string, delta: number): Promise<StockChange> {
		const previous = this.quantity;
		this.quantity += delta;
		return { previous, next: this.quantity };
	}

	async set(_sku: string, quantity: number): Promise<StockChange> {
		const previous = this.quantity;
		this.quantity = quantity;
		return { previous, next: quantity };
	}
}

/** Starts the holder and resolves once it is inside its stock write, holding the lock on (woo, SKU-1). */
async function processDyingWithTheLock(config: StoreConfig) {
	const child = fork(join(__dirname, 'inventory-lock-holder.ts'), [], {
		cwd: resolve(__dirname, '../..'),
		execArgv: ['--import', 'tsx'],
		env: { ...process.env, LOCK_HOLDER_STORE: JSON.stringify(config) },
		stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	await new Promise<void>((resolveWriting, reject) => {
		child.on('message', (message: { kind: string; message?: string }) => {
			if (message.kind === 'writing') resolveWriting();
			else reject(new Error(`lock holder failed: ${message.message}`));
		});
		child.once('exit', (code) => reject(new Error(`lock holder exited (${code}) before writing: ${stderr}`)));
	});
	return child;
}

async function killedHolderFreesTheSku(config: StoreConfig): Promise<void> {
	const store = await openStore(config, allMigrations);
	const child = await processDyingWithTheLock(config);
	const exited = new Promise((resolveExit) => child.once('exit', (_code, signal) => resolveExit(signal)));
	child.kill('SIGKILL');
	expect(await exited).toBe('SIGKILL');
	const killedAt = Date.now();

	// Default lock options, as an n8n execution after the restart would have them.
	const woo = new CountingStore();
	const fanOut = new InventoryFanOut({ db: store.db, stores: [{ id: 'woo', connector: woo }] });
	const applied = await fanOut.apply([{ orderId: 'after-restart', lineId: '1', sku: 'SKU-1', quantity: 2, sourceStore: 'shop' }]);
	const appliedAfterMs = Date.now() - killedAt;
	expect(applied.outcomes).toEqual([expect.objectContaining({ orderId: 'after-restart', store: 'woo', status: 'applied' })]);
	expect(woo.quantity).toBe(98);
	const reconciled = await fanOut.reconcile(['SKU-1']);
	expect(reconciled).toEqual([expect.objectContaining({ store: 'woo', sku: 'SKU-1' })]);
	// The dead process's lock freed once its lease ran out, with no one releasing it: about one lease, never minutes.
	// The bound is generous (four leases of DEFAULT_LEASE_MS) for a loaded machine.
	expect(appliedAfterMs).toBeLessThan(4 * DEFAULT_LEASE_MS);
	expect(Date.now() - killedAt).toBeLessThan(4 * DEFAULT_LEASE_MS);
}

test('SQLite: a SIGKILLed process\'s SKU lock frees within seconds for another process\'s apply and reconcile', async () => {
	await killedHolderFreesTheSku({ kind: 'sqlite', file: join(folder, 'state.sqlite') });
});

test('PostgreSQL: a SIGKILLed process\'s SKU lock frees within seconds for another process\'s apply and reconcile', async () => {
	if (!postgres) throw new Error('no PostgreSQL available for this test (see test/support/postgres.ts)');
	await killedHolderFreesTheSku({ kind: 'postgres', ...postgres.config, schema: uniqueName('inventory') });
});
