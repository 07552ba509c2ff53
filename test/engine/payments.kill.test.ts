/**
 * A process killed with SIGKILL while it owns a payment (its charge sent, no answer yet) must not hold the payment for
 * minutes: the next submission of that payment takes it over within seconds (the claim's lease, renewed only while its
 * owner lives), settles the charge the dead owner sent (same processor, same idempotency key), and never charges
 * twice, on SQLite and on PostgreSQL. With the former 120 s lease it waited two minutes.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ClaimLostError, defaultRoutingConfig, PaymentRepository, PaymentRouter } from '../../lib/payments';
import { allMigrations } from '../../lib/migrations';
import type { ChargeRequest, ChargeResult, PaymentConnector } from '../../lib/platforms/payments';
import { closeAllStores, DEFAULT_LEASE_MS, openStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { killedPayment } from './payments.kill.shared';

jest.setTimeout(240_000);

let postgres: Awaited<ReturnType<typeof acquirePostgres>> | undefined;
let folder: string;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'payments-kill-'));
	postgres = await acquirePostgres().catch(() => undefined);
});

afterAll(async () => {
	await closeAllStores();
	await postgres?.release();
	rmSync(folder, { recursive: true, force: true });
});

/** Starts the owner and resolves once its charge is on the wire, the payment claimed. */
async function processDyingMidCharge(config: StoreConfig) {
	const child = fork(join(__dirname, 'payment-holder.ts'), [], {
		cwd: resolve(__dirname, '../..'),
		execArgv: ['--import', 'tsx'],
		env: { ...process.env, PAYMENT_HOLDER_STORE: JSON.stringify(config) },
		stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	await new Promise<void>((resolveCharging, reject) => {
		child.on('message', (message: { kind: string; message?: string }) => {
			if (message.kind === 'charging') resolveCharging();
			else reject(new Error(`payment owner failed: ${message.message}`));
		});
		child.once('exit', (code) => reject(new Error(`payment owner exited (${code}) before charging: ${stderr}`)));
	});
	return child;
}

async function killedOwnerIsTakenOver(config: StoreConfig): Promise<void> {
	const store = await openStore(config, allMigrations);
	const child = await processDyingMidCharge(config);
	const exited = new Promise((resolveExit) => child.once('exit', (_code, signal) => resolveExit(signal)));
	child.kill('SIGKILL');
	expect(await exited).toBe('SIGKILL');
	const killedAt = Date.now();

	const charges: ChargeRequest[] = [];
	const stripe: PaymentConnector = {
		processor: 'stripe',
		charge: async (request): Promise<ChargeResult> => {
			charges.push(request);
			return { outcome: 'succeeded', transactionId: 'pi_settled', processorStatus: 'succeeded' };
		},
	};
	// Default lease and wait, as the next n8n execution would have them.
	const router = new PaymentRouter({ db: store.db, connectors: { stripe }, config: defaultRoutingConfig() });
	const result = await router.process(killedPayment);
	const takenOverAfterMs = Date.now() - killedAt;
	expect(result).toMatchObject({ status: 'succeeded', processor: 'stripe', transactionId: 'pi_settled', replayed: false });
	// The charge the dead owner sent is settled under its key, not sent as a new one.
	expect(charges).toHaveLength(1);
	expect(charges[0]).toMatchObject({ resuming: true });
	const attempts = await router.payments.attempts(killedPayment.paymentId);
	expect(attempts.map((attempt) => attempt.idempotencyKey)).toEqual([charges[0].idempotencyKey, charges[0].idempotencyKey]);
	// Taken over once the dead owner's lease ran out, with no one releasing it: about one lease, never minutes.
	// The bound is generous (four leases of DEFAULT_LEASE_MS) for a loaded machine.
	expect(takenOverAfterMs).toBeLessThan(4 * DEFAULT_LEASE_MS);
}

test('SQLite: a payment whose owner was SIGKILLed mid-charge is taken over within seconds and charged once', async () => {
	await killedOwnerIsTakenOver({ kind: 'sqlite', file: join(folder, 'state.sqlite') });
});

test('PostgreSQL: a payment whose owner was SIGKILLed mid-charge is taken over within seconds and charged once', async () => {
	if (!postgres) throw new Error('no PostgreSQL available for this test (see test/support/postgres.ts)');
	await killedOwnerIsTakenOver({ kind: 'postgres', ...postgres.config, schema: uniqueName('payments') });
});

test('an owner whose lease ran out and was taken over can neither record a charge attempt nor finish the payment', async () => {
	const store = await openStore({ kind: 'sqlite', file: join(folder, 'lost-claim.sqlite') }, allMigrations);
	const repository = new PaymentRepository(store.db);
	const request = { paymentId: 'lost-claim', fingerprint: 'f', amountMinor: 100, currency: 'USD', leaseMs: 1_000, nowMs: 10_000 };
	const stale = await repository.claim(request);
	expect(await repository.claim({ ...request, nowMs: 11_000 })).toEqual({ status: 'in_progress' });
	const heir = await repository.claim({ ...request, nowMs: 11_001 });
	if (stale.status !== 'claimed' || heir.status !== 'claimed') throw new Error('expected two claims');
	await expect(repository.startAttempt('lost-claim', stale.owner, 'stripe', 'key', 1_000, 11_002)).rejects.toBeInstanceOf(ClaimLostError);
	const finish = { state: 'succeeded' as const, processor: 'stripe', result: { stale: true } };
	await expect(repository.finish('lost-claim', stale.owner, finish, 11_002)).rejects.toBeInstanceOf(ClaimLostError);
	expect(await repository.startAttempt('lost-claim', heir.owner, 'stripe', 'key', 1_000, 11_002)).toBe(1);
	await repository.finish('lost-claim', heir.owner, { ...finish, result: { heir: true } }, 11_003);
	expect(await repository.claim({ ...request, nowMs: 11_004 })).toEqual({ status: 'done', result: { heir: true } });
});
