/**
 * A process that dies owning a payment: it routes one payment whose charge on Stripe never answers, reports that the
 * charge was sent (so it holds the payment's claim), and waits to be killed. Run with `node --import tsx`, forked with
 * an IPC channel. Env: PAYMENT_HOLDER_STORE (the state store config as JSON).
 */
import { defaultRoutingConfig, PaymentRouter } from '../../lib/payments';
import { allMigrations } from '../../lib/migrations';
import type { ChargeResult, PaymentConnector } from '../../lib/platforms/payments';
import { openStore, type StoreConfig } from '../../lib/store';
import { killedPayment } from './payments.kill.shared';

const hangingStripe: PaymentConnector = {
	processor: 'stripe',
	charge: async (): Promise<ChargeResult> => {
		process.send?.({ kind: 'charging' });
		return await new Promise<ChargeResult>(() => undefined);
	},
};

async function ownThePayment(): Promise<void> {
	const store = await openStore(JSON.parse(process.env.PAYMENT_HOLDER_STORE!) as StoreConfig, allMigrations);
	const router = new PaymentRouter({ db: store.db, connectors: { stripe: hangingStripe }, config: defaultRoutingConfig() });
	await router.process(killedPayment);
}

// Listening keeps the IPC channel, and so the process, alive until the parent kills it.
process.on('message', () => undefined);
ownThePayment().catch((error: unknown) => {
	process.send?.({ kind: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
});
