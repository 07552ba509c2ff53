/**
 * Refunds on each of the four processor sandboxes: several partial refunds up to the captured amount, one more
 * refused before any call, and exactly one refund per refund id across lost responses, re-submissions and concurrent
 * duplicates; two refund ids racing for what remains never refund more than was captured.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type RefundOutcome } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

const processors = ['stripe', 'square', 'paypal', 'braintree'] as const;
type Processor = (typeof processors)[number];

const okTokens = { stripe: 'pm_card_visa', square: 'cnon:card-nonce-ok', paypal: 'vault-ok', braintree: 'fake-valid-nonce' };

let sandboxes: Record<Processor, RunningSandbox>;
let control: Record<Processor, SandboxControl>;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let counter = 0;
/** The refund requests each processor's connector sent (by path), as the transport handed them over. */
let refundCalls: string[] = [];

beforeAll(async () => {
	const started = await Promise.all(processors.map((name) => startSandbox(name)));
	sandboxes = Object.fromEntries(processors.map((name, index) => [name, started[index]])) as Record<Processor, RunningSandbox>;
	control = Object.fromEntries(processors.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)])) as Record<Processor, SandboxControl>;
});

let releasePostgres: (() => Promise<void>) | undefined;

/** The same guarantees on the zero-configuration SQLite store and on PostgreSQL (n8n queue mode). */
async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-refunds-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('refunds') };
}

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

beforeEach(async () => {
	await Promise.all(processors.map((name) => control[name].reset()));
	refundCalls = [];
});

const isRefundCall = (url: string) => /refund/i.test(url);

/** The four processors (their refund calls recorded) through the standalone resolver and the payments entry. */
async function connectProcessors(): Promise<Record<string, PaymentConnector>> {
	const accounts = processors.map((name) => sandboxAccount(name, sandboxes[name].baseUrl, sandboxes[name].credentials));
	const platforms = standalonePlatforms(accounts, {
		retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
		client: (inner) => ({
			send: async (request) => {
				const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? '');
				if (request.method === 'POST' && (isRefundCall(request.url) || body.includes('refundTransaction'))) refundCalls.push(request.url);
				return inner.send(request);
			},
		}),
	});
	return await openPayments({ store, platforms }).connectors(processors);
}

function router(processor: Processor): PaymentRouter {
	return new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig({ rules: [{ type: 'pin', processor }] }), pollMs: 5 });
}

/** A captured payment of 50.00 USD on `processor`; Braintree's is settled first (it refunds only settled sales). */
async function charged(processor: Processor): Promise<string> {
	const paymentId = `refundable-${Date.now()}-${++counter}`;
	const result = await router(processor).process({ paymentId, amount: 50, currency: 'USD', country: 'US', tokens: okTokens });
	if (result.status !== 'succeeded' || result.processor !== processor) throw new Error(`not charged on ${processor}: ${JSON.stringify(result)}`);
	if (processor === 'braintree') await settleBraintree(result.transactionId);
	return paymentId;
}

async function settleBraintree(graphqlId: string): Promise<void> {
	const legacyId = Buffer.from(graphqlId, 'base64').toString('utf8').replace(/^transaction_/, '');
	const { merchantId, publicKey, privateKey } = sandboxes.braintree.credentials;
	const response = await fetch(`${sandboxes.braintree.baseUrl}/merchants/${merchantId}/transactions/${legacyId}/settle`, {
		method: 'PUT',
		headers: { Authorization: `Basic ${Buffer.from(`${publicKey}:${privateKey}`).toString('base64')}`, 'X-ApiVersion': '6', Accept: 'application/xml' },
	});
	if (response.status !== 200) throw new Error(`Braintree settle answered ${response.status}: ${await response.text()}`);
}

/** The refunds the processor itself holds (Braintree's are credit transactions). */
async function refundsAt(processor: Processor): Promise<Array<{ amount: unknown }>> {
	if (processor === 'braintree') return (await control.braintree.state<Array<{ type: string; amount: string }>>('transactions')).filter((transaction) => transaction.type === 'credit');
	return await control[processor].state<Array<{ amount: unknown }>>('refunds');
}

/** A refund's amount in minor units as each processor writes it. */
function minorOf(processor: Processor, refund: { amount: unknown }): number {
	if (processor === 'stripe') return refund.amount as number;
	if (processor === 'square') return (refund as unknown as { amount_money: { amount: number } }).amount_money.amount;
	if (processor === 'paypal') return Math.round(Number((refund.amount as { value: string }).value) * 100);
	return Math.round(Number(refund.amount) * 100);
}

function accepted(outcome: RefundOutcome): Extract<RefundOutcome, { status: 'succeeded' | 'pending' }> {
	if (outcome.status === 'failed') throw new Error(`refund failed: ${outcome.reason}: ${outcome.message}`);
	return outcome;
}

const lostRefundPath: Record<Processor, string> = { stripe: '/v1/refunds', square: '/v2/refunds', paypal: '/v2/payments/captures/', braintree: '/graphql' };

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		connectors = await connectProcessors();
	});

	describe.each(processors)('%s', (processor) => {
		test('two partial refunds reach the processor; a third above what remains is refused naming amount, before any call', async () => {
			const paymentId = await charged(processor);
			const refunds = router(processor);
			const first = accepted(await refunds.refund({ paymentId, refundId: `${paymentId}-r1`, amount: 20 }));
			expect(first).toMatchObject({ processor, amount: '20.00', currency: 'USD', remaining: '30.00', replayed: false });
			const second = accepted(await refunds.refund({ paymentId, refundId: `${paymentId}-r2`, amount: 12.35 }));
			expect(second).toMatchObject({ amount: '12.35', remaining: '17.65' });
			const callsBefore = refundCalls.length;
			const over = refunds.refund({ paymentId, refundId: `${paymentId}-r3`, amount: 17.66 });
			await expect(over).rejects.toThrow(InputError);
			await expect(refunds.refund({ paymentId, refundId: `${paymentId}-r3`, amount: 17.66 })).rejects.toThrow(/amount.*at most the 17\.65 USD that remains/);
			expect(refundCalls.length).toBe(callsBefore);
			const atProcessor = await refundsAt(processor);
			expect(atProcessor.map((refund) => minorOf(processor, refund)).sort((a, b) => a - b)).toEqual([1235, 2000]);
			// What remains may still be refunded in full, with no amount given.
			const rest = accepted(await refunds.refund({ paymentId, refundId: `${paymentId}-r4` }));
			expect(rest).toMatchObject({ amount: '17.65', remaining: '0.00' });
			await expect(refunds.refund({ paymentId, refundId: `${paymentId}-r5`, amount: 0.01 })).rejects.toThrow(/already fully refunded/);
			expect(await refundsAt(processor)).toHaveLength(3);
		});

		test('a response lost after the processor refunded, through every retry, is settled by the next submission under the same key: one refund', async () => {
			const paymentId = await charged(processor);
			// As many lost answers as the transport tries (Braintree's connector also searches its order id, 3 tries more):
			// the first submission cannot know whether it refunded.
			await control[processor].fault({ kind: 'lost_response', match: { path: lostRefundPath[processor] }, times: processor === 'braintree' ? 4 : 3 });
			const refunds = router(processor);
			const firstTry = await refunds.refund({ paymentId, refundId: `${paymentId}-lost`, amount: 10 });
			expect(firstTry).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
			expect(await refundsAt(processor)).toHaveLength(1);
			// What the unknown refund may have taken stays reserved: 40.01 more is refused.
			await expect(refunds.refund({ paymentId, refundId: `${paymentId}-more`, amount: 40.01 })).rejects.toThrow(InputError);
			const settled = await refunds.refund({ paymentId, refundId: `${paymentId}-lost`, amount: 10 });
			expect(accepted(settled)).toMatchObject({ amount: '10.00', remaining: '40.00' });
			expect(await refundsAt(processor)).toHaveLength(1);
		});

		test('concurrent duplicates of one refund id make one refund and all answer with it', async () => {
			const paymentId = await charged(processor);
			const outcomes = await Promise.all(Array.from({ length: 6 }, () => router(processor).refund({ paymentId, refundId: `${paymentId}-dup`, amount: 15 })));
			const refundIds = new Set(outcomes.map((outcome) => accepted(outcome).processorRefundId));
			expect(refundIds.size).toBe(1);
			expect(outcomes.filter((outcome) => outcome.status !== 'failed' && !outcome.replayed)).toHaveLength(1);
			expect(await refundsAt(processor)).toHaveLength(1);
		});

		test('six refund ids racing for more than remains: one refunds, the others are refused before any call', async () => {
			const paymentId = await charged(processor);
			const settled = await Promise.allSettled([30, 30, 30, 30, 30, 30].map((amount, index) => router(processor).refund({ paymentId, refundId: `${paymentId}-race-${index}`, amount })));
			expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
			const refused = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
			expect(refused).toHaveLength(5);
			for (const { reason } of refused) expect((reason as InputError).violations[0].field).toBe('amount');
			expect(await refundsAt(processor)).toHaveLength(1);
		});
	});

	test('a refund follows its state by lookup: a pending Square refund becomes succeeded', async () => {
		const paymentId = await charged('square');
		const refunds = router('square');
		const first = accepted(await refunds.refund({ paymentId, refundId: `${paymentId}-follow`, amount: 5 }));
		expect(first.status).toBe('pending');
		const followed = accepted(await refunds.refundStatus(`${paymentId}-follow`));
		expect(followed).toMatchObject({ status: 'succeeded', processorRefundId: first.processorRefundId, processorStatus: 'COMPLETED' });
	});

	test('refunds refuse what cannot be refunded: an unknown payment, a reused refund id, an amount finer than cents', async () => {
		const paymentId = await charged('stripe');
		const refunds = router('stripe');
		expect(await refunds.refund({ paymentId: 'never-submitted', refundId: 'r-unknown', amount: 1 })).toMatchObject({ status: 'failed', reason: 'unknown_payment' });
		accepted(await refunds.refund({ paymentId, refundId: `${paymentId}-once`, amount: 5 }));
		expect(await refunds.refund({ paymentId, refundId: `${paymentId}-once`, amount: 6 })).toMatchObject({ status: 'failed', reason: 'refund_id_reused' });
		await expect(refunds.refund({ paymentId, refundId: `${paymentId}-fine`, amount: 1.001 })).rejects.toThrow(/amount/);
		await expect(refunds.refund({ paymentId, refundId: undefined as unknown as string, amount: 1 })).rejects.toThrow(/refundId/);
		expect(await refundsAt('stripe')).toHaveLength(1);
	});
});
