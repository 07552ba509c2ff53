/**
 * Payment inputs are checked by type, never coerced: a missing or wrong-typed payment id, amount or currency is an
 * error naming the field, and no processor is called and nothing is stored (issue 21 §1: a payment without an id
 * was charged under "undefined", an object id as "[object Object]"); a correctly signed webhook body that is no event
 * is refused with the reason, never read as `{}` (§7).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';

import { checkPlans, defaultRoutingConfig, PaymentRouter, verifyPaymentEvent, type PaymentRequest } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import type { ChargeRequest, PaymentConnector } from '../../lib/platforms/payments';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore } from '../../lib/store';
import { malformedAmount, malformedCurrency, malformedId, malformedObject } from '../support/malformed';

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
			validity: { days: 7 },
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

test('a three-digit currency is charged in its own minor unit: 1.005 KWD is 1005 fils, reported as 1.005 (was refused as finer than 2 digits)', async () => {
	const charged: ChargeRequest[] = [];
	const connector = recordingConnector();
	const charge = connector.charge.bind(connector);
	connector.charge = async (request) => {
		charged.push(request);
		return await charge(request);
	};
	const result = await routerWith(connector).process({ ...valid(), amount: 1.005, currency: 'KWD' });
	expect(result).toMatchObject({ status: 'succeeded', amount: '1.005', currency: 'KWD' });
	expect(charged.map((request) => [request.amountMinor, request.currency])).toEqual([[1005, 'KWD']]);
	await expectRefused(routerWith(connector).process({ ...valid(), amount: 1.0005, currency: 'KWD' }), 'amount');
});

test('an amount that is not the decimal it looks like (0.1 + 0.2) is refused, not rounded to 0.30', async () => {
	const connector = recordingConnector();
	await expectRefused(routerWith(connector).process({ ...valid(), amount: 0.1 + 0.2 }), 'amount');
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

describe('payment webhook events (issue 21 §7)', () => {
	const secret = 'whsec_inputs';
	const nowMs = Date.UTC(2026, 0, 1);
	const stripeDelivery = (rawBody: string) => {
		const stamp = Math.floor(nowMs / 1000);
		const signature = createHmac('sha256', secret).update(`${stamp}.${rawBody}`).digest('hex');
		return { headers: { 'stripe-signature': `t=${stamp},v1=${signature}` }, rawBody, nowMs };
	};
	const squareUrl = 'https://n8n.example.com/webhook/square';
	const squareDelivery = (rawBody: string) => ({
		headers: { 'x-square-hmacsha256-signature': createHmac('sha256', secret).update(squareUrl + rawBody).digest('base64') },
		rawBody,
		notificationUrl: squareUrl,
		nowMs,
	});

	test('a correctly signed Stripe delivery with an empty body is refused, never read as {}', () => {
		expect(verifyPaymentEvent('stripe', stripeDelivery(''), secret)).toEqual({ valid: false, signed: true, reason: 'signed, but the body is empty: not an event' });
		expect(verifyPaymentEvent('stripe', stripeDelivery('{}'), secret)).toMatchObject({ valid: false, signed: true, violations: [{ field: 'id' }, { field: 'type' }, { field: 'data' }] });
	});

	test.each([
		['stripe', 'id', stripeDelivery, { id: 'evt_1', type: 'charge.succeeded', data: { object: { id: 'ch_1' } } }],
		['stripe', 'type', stripeDelivery, { id: 'evt_1', type: 'charge.succeeded', data: { object: { id: 'ch_1' } } }],
		['stripe', 'data', stripeDelivery, { id: 'evt_1', type: 'charge.succeeded', data: { object: { id: 'ch_1' } } }],
		['square', 'event_id', squareDelivery, { event_id: 'e1', type: 'payment.updated', data: { id: 'p1' } }],
		['square', 'data', squareDelivery, { event_id: 'e1', type: 'payment.updated', data: { id: 'p1' } }],
	] as const)('a signed %s event whose %s is malformed is refused naming the field', (source, field, deliver, event) => {
		expect(verifyPaymentEvent(source, deliver(JSON.stringify(event)), secret)).toEqual({ valid: true, event });
		fc.assert(
			fc.property(field === 'data' ? malformedObject : malformedId, (value) => {
				const body = JSON.stringify({ ...event, [field]: value });
				const check = verifyPaymentEvent(source, deliver(body), secret);
				expect(check).toMatchObject({ valid: false, signed: true });
				if (!check.valid) expect(check.violations?.map((violation) => violation.field) ?? []).toEqual([field]);
			}),
			{ numRuns: 80 },
		);
	});

	test('a signed body that is not JSON, or JSON but no object, is refused with the reason', () => {
		fc.assert(
			fc.property(fc.oneof(fc.constantFrom('{', 'evt_1', '[]', 'null', '42', '"text"'), fc.array(fc.integer()).map((list) => JSON.stringify(list))), (body) => {
				const check = verifyPaymentEvent('stripe', stripeDelivery(body), secret);
				expect(check).toMatchObject({ valid: false, signed: true, reason: expect.stringMatching(/^signed, but/) });
			}),
		);
	});
});

describe('subscription plans', () => {
	const plan = (amount: number, currency: string) => ({ id: 'pro', amount, currency, interval: 'month', processorPlans: { stripe: 'price_pro' } });

	test("an amount is exact in its currency's digits (1.005 KWD, 29.99 USD, 1500 JPY) and kept as given", () => {
		expect(checkPlans([plan(1.005, 'KWD'), plan(29.99, 'USD'), plan(1500, 'JPY')]).map((checked) => checked.amount)).toEqual([1.005, 29.99, 1500]);
	});

	test('an amount finer than its currency is refused naming the row, never rounded', () => {
		const refused = (() => {
			try {
				checkPlans([plan(29, 'USD'), plan(29.999, 'USD'), plan(15.5, 'JPY')]);
			} catch (error) {
				return error as InputError;
			}
			throw new Error('accepted');
		})();
		expect(refused).toBeInstanceOf(InputError);
		expect(refused.violations.map((violation) => violation.field)).toEqual(['plans[1].amount', 'plans[2].amount']);
		expect(refused.violations[0].problem).toMatch(/no more decimals than USD has \(2\), got 29\.999/);
	});
});
