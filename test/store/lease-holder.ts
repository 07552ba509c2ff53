/**
 * A process that claims one lease and holds it by heartbeat until it is killed (run with `node --import tsx`, forked
 * with an IPC channel). Env: LEASE_STORE (the store config as JSON), LEASE_NAME, LEASE_TTL_MS.
 */
import { allMigrations } from '../../lib/migrations';
import { Leases, openStore, type StoreConfig } from '../../lib/store';

export type HolderReport = { kind: 'held'; owner: string } | { kind: 'failed'; message: string };

async function hold(): Promise<HolderReport> {
	const config = JSON.parse(process.env.LEASE_STORE!) as StoreConfig;
	const store = await openStore(config, allMigrations);
	const holder = new Leases(store.db, { ttlMs: Number(process.env.LEASE_TTL_MS) }).holder();
	const taken = await holder.claim([process.env.LEASE_NAME!]);
	if (taken.size !== 1) return { kind: 'failed', message: `${process.env.LEASE_NAME} was already held` };
	return { kind: 'held', owner: holder.owner };
}

// Listening keeps the IPC channel, and so the process, alive until the parent kills it.
process.on('message', () => undefined);
hold().then(
	(report) => process.send?.(report),
	(error: unknown) => process.send?.({ kind: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) }),
);
