/**
 * Payment inputs are checked by type, never coerced: a missing or wrong-typed payment id, amount or currency is an
 * error naming the field, and no processor is called and nothing is stored (issue 21 §1: a payment without an id
 * was charged under "undefined", an object id as "[object Object]").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';

import { defaultRoutingConfig, PaymentRouter, type PaymentRequest } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import type { ChargeRequest, PaymentConnector } from '../../lib/platforms/payments';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore } from '../../lib/store';
import { malformedAmount, malformedCurrency, malformedId } from '../support/malformed';

let store: StateStore;
let counter = 0;

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'inputs-payments-')), 'state.sqlite') }, [...coreMigrations, ...paymentMigrations]);
});

afterAll(async () => {
	await closeAllStores();
});

/** A processor that records every call it gets and charges successfully. */
function recordingConnector(): PaymentConnector & { calls: string[] } {
	const calls: string[] = [];
	return {
		processor: 'stripe',
		calls,
		async charge(request: ChargeRequest) {
			calls.push(`charge ${request.paymentId}`);
			return { outcome: 'succeeded', transactionId: `tx-${request.paymentId}`, processorStatus: request.capture === false ? 'requires_capture' : 'succeeded' };
		},
		authorization: {
			async capture(request) {
				calls.push(`capture ${request.transactionId}`);
				return { outcome: 'succeeded', processorStatus: 'succeeded' };
			},
			async cancel(request) {
				calls.push(`cancel ${request.transactionId}`);
				return { outcome: 'succeeded', processorStatus: 'canceled' };
			},
		},
	};
}

function routerWith(connector: PaymentConnector): PaymentRouter {
	const config = defaultRoutingConfig({ rules: [{ type: 'pin', processor: 'stripe' }] });
	return new PaymentRouter({ db: store.db, connectors: { stripe: connector }, config, pollMs: 1 });
}

function valid(): PaymentRequest {
	return { paymentId: `in-${++counter}`, amount: 12.5, currency: 'USD', country: 'US', tokens: { stripe: 'pm_card_visa' } };
}

async function transactionCount(): Promise<number> {
	const [row] = await store.db.query<{ count: number }>('SELECT COUNT(*) AS count FROM payment_transactions');
	return Number(row?.count);
}

async function expectRefused(promise: Promise<unknown>, field: string): Promise<void> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(InputError);
	expect((error as InputError).violations.map((violation) => violation.field)).toContain(field);
	expect((error as InputError).message).toContain(field);
}

const fields: Array<[keyof PaymentRequest, fc.Arbitrary<unknown>]> = [
	['paymentId', malformedId],
	['amount', malformedAmount],
	['currency', malformedCurrency],
];

describe.each(fields)('a malformed %s', (field, values) => {
	test('is refused by Route Payment, naming the field; nothing is charged or stored', async () => {
		const connector = recordingConnector();
		const router = routerWith(connector);
		const before = await transactionCount();
		await fc.assert(
			fc.asyncProperty(values, async (value) => {
				await expectRefused(router.process({ ...valid(), [field]: value } as PaymentRequest), field);
			}),
			{ numRuns: 60 },
		);
		expect(connector.calls).toEqual([]);
		expect(await transactionCount()).toBe(before);
	});

	test('is refused by Explain Route, naming the field', async () => {
		const router = routerWith(recordingConnector());
		await fc.assert(
			fc.asyncProperty(values, async (value) => {
				await expectRefused(router.explain({ ...valid(), [field]: value } as PaymentRequest), field);
			}),
			{ numRuns: 30 },
		);
	});
});

test('a missing payment id is never charged as "undefined", an object id never as "[object Object]"', async () => {
	const connector = recordingConnector();
	const router = routerWith(connector);
	for (const paymentId of [undefined, { id: 7 }]) {
		await expectRefused(router.process({ ...valid(), paymentId } as unknown as PaymentRequest), 'paymentId');
	}
	expect(connector.calls).toEqual([]);
	expect(await router.payments.transaction('undefined')).toBeUndefined();
	expect(await router.payments.transaction('[object Object]')).toBeUndefined();
});

test('an amount finer than the currency allows is refused naming the amount, never rounded', async () => {
	const connector = recordingConnector();
	await expectRefused(routerWith(connector).process({ ...valid(), amount: 10.005 }), 'amount');
	await expectRefused(routerWith(connector).process({ ...valid(), amount: 1.5, currency: 'JPY' }), 'amount');
	expect(connector.calls).toEqual([]);
});

test('a whole-number payment id is the id in decimal: a repeat as text is the same payment, charged once', async () => {
	const connector = recordingConnector();
	const router = routerWith(connector);
	const first = await router.process({ ...valid(), paymentId: 90_001 as unknown as string });
	const again = await router.process({ ...valid(), paymentId: '90001' });
	expect(first).toMatchObject({ status: 'succeeded', paymentId: '90001' });
	expect(again).toMatchObject({ status: 'succeeded', replayed: true });
	expect(connector.calls).toEqual(['charge 90001']);
});

test('Capture and Cancel refuse a malformed payment id, naming it; no processor is called', async () => {
	const connector = recordingConnector();
	const router = routerWith(connector);
	const authorized = await router.process({ ...valid(), capture: false });
	expect(authorized.status).toBe('authorized');
	const calls = [...connector.calls];
	await fc.assert(
		fc.asyncProperty(malformedId, fc.constantFrom('capture', 'cancel') as fc.Arbitrary<'capture' | 'cancel'>, async (paymentId, action) => {
			await expectRefused(router[action](paymentId as string), 'paymentId');
		}),
		{ numRuns: 60 },
	);
	expect(connector.calls).toEqual(calls);
});

test('tokens that are not strings, and a capture flag that is not a boolean, are refused by name', async () => {
	const connector = recordingConnector();
	const router = routerWith(connector);
	await expectRefused(router.process({ ...valid(), tokens: { stripe: 4242 } as unknown as Record<string, string> }), 'tokens.stripe');
	await expectRefused(router.process({ ...valid(), capture: 'false' as unknown as boolean }), 'capture');
	expect(connector.calls).toEqual([]);
});
