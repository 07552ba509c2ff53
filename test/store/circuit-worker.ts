/**
 * A process sharing one circuit breaker through the store (run with `node --import tsx`, forked with an IPC channel).
 * Env: CIRCUIT_STORE (the store config as JSON). Each message is one call on the breaker; the reply is its result.
 */
import { allMigrations } from '../../lib/migrations';
import { openStore, type CircuitPolicy, type StoreConfig } from '../../lib/store';

export type CircuitOrder = { call: 'admit' | 'recordFailure' | 'recordSuccess'; key: string; policy: CircuitPolicy };
export type CircuitReply = { kind: 'ready' } | { kind: 'done'; result: unknown } | { kind: 'failed'; message: string };

const opening = openStore(JSON.parse(process.env.CIRCUIT_STORE!) as StoreConfig, allMigrations);
const reply = (message: CircuitReply) => process.send?.(message);
const failed = (error: unknown) => reply({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });

opening.then(() => reply({ kind: 'ready' }), failed);
process.on('message', (order: CircuitOrder) => {
	opening
		.then(async (store) => await store.circuits[order.call](order.key, order.policy))
		.then((result) => reply({ kind: 'done', result }), failed);
});
