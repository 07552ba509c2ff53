/**
 * Disputes on each of the four processor sandboxes, on SQLite and PostgreSQL: a payment charged through the router
 * is disputed; the processor's dispute events (Stripe charge.dispute.*, PayPal CUSTOMER.DISPUTE.*, Square dispute.*,
 * Braintree dispute_* notifications), registered and verified as the Payment Event Trigger does it, are read into one
 * neutral dispute and recorded once against the payment, whether delivered twice at once or out of order; an event
 * that is no dispute is refused naming its fields.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type DisputeOutcome, type PaymentDisputes } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PlatformResolver } from '../../lib/platforms/resolver';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { paymentWebhookScheme, receiveDelivery, registerHook, registersThroughApi, triggerMigrations, type HookRegistration } from '../../lib/triggers';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { sandboxAccount } from '../support/standalone';

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
type Processor = (typeof processors)[number];

const okTokens = { stripe: 'pm_card_visa', square: 'cnon:card-nonce-ok', paypal: 'vault-ok', braintree: 'fake-valid-nonce' };

/** How each sandbox emits the opening of a dispute, a step of its review, and its end (won). */
const emits: Record<Processor, { opened: Record<string, unknown>; reviewed: Record<string, unknown>; won: Record<string, unknown> }> = {
	stripe: { opened: { type: 'charge.dispute.created' }, reviewed: { type: 'charge.dispute.updated' }, won: { type: 'charge.dispute.closed' } },
	paypal: { opened: { event_type: 'CUSTOMER.DISPUTE.CREATED' }, reviewed: { event_type: 'CUSTOMER.DISPUTE.UPDATED' }, won: { event_type: 'CUSTOMER.DISPUTE.RESOLVED' } },
	square: { opened: { type: 'dispute.created' }, reviewed: { type: 'dispute.state.updated' }, won: { type: 'dispute.state.updated', status: 'WON' } },
	braintree: { opened: { kind: 'dispute_opened' }, reviewed: { kind: 'dispute_under_review' }, won: { kind: 'dispute_won' } },
};

/** Each processor's own words for the states the test reaches. */
const processorStatus: Record<Processor, { opened: string; won: string }> = {
	stripe: { opened: 'needs_response', won: 'won' },
	paypal: { opened: 'WAITING_FOR_SELLER_RESPONSE', won: 'RESOLVED: RESOLVED_SELLER_FAVOUR' },
	square: { opened: 'EVIDENCE_REQUIRED', won: 'WON' },
	braintree: { opened: 'open', won: 'won' },
};

let sandboxes: Record<Processor, RunningSandbox>;
let control: Record<Processor, SandboxControl>;
let receiver: Server;
let receiverUrl: string;
let releasePostgres: (() => Promise<void>) | undefined;
let counter = 0;

beforeAll(async () => {
	const started = await Promise.all(processors.map((name) => startSandbox(name)));
	sandboxes = Object.fromEntries(processors.map((name, index) => [name, started[index]])) as Record<Processor, RunningSandbox>;
	control = Object.fromEntries(processors.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)])) as Record<Processor, SandboxControl>;
	// Where the processors deliver: the deliveries are read back from the sandboxes, as sent.
	receiver = createServer((request, response) => request.resume().on('end', () => response.end('{}')));
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
	await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
	await Promise.all(processors.map((name) => control[name].reset()));
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-disputes-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('disputes') };
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	let store: StateStore;
	let platforms: PlatformResolver;
	let disputes: PaymentDisputes;

	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations, ...triggerMigrations]);
		platforms = standalonePlatforms(processors.map((name) => sandboxAccount(name, sandboxes[name].baseUrl, sandboxes[name].credentials)), { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
		disputes = openPayments({ store, platforms }).disputes();
	});

	async function charge(processor: Processor) {
		const connectors = await openPayments({ store, platforms }).connectors([processor]);
		const router = new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig({ rules: [{ type: 'pin', processor }] }), pollMs: 5 });
		const result = await router.process({ paymentId: `dispute-${backend}-${processor}-${++counter}`, amount: 25.5, currency: 'USD', country: 'US', tokens: okTokens });
		if (result.status !== 'succeeded') throw new Error(`not charged: ${JSON.stringify(result)}`);
		return result;
	}

	/** The trigger's registration of its Dispute Opened or Changed webhook, at a URL of its own. */
	async function subscribe(processor: Processor, url: string): Promise<Partial<HookRegistration>> {
		const scheme = paymentWebhookScheme(processor);
		if (!registersThroughApi(scheme)) {
			await control[processor].registerWebhook(url, 'unused: Braintree signs with the API keys');
			return {};
		}
		return await registerHook((await platforms.connect(processor)).transport, scheme, 'disputeChanged', url);
	}

	/** Emits one event, waits for its deliveries to `url`, and passes each through the trigger's checks: the payloads let through. */
	async function deliver(processor: Processor, url: string, registration: Partial<HookRegistration>, emit: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
		const before = (await control[processor].webhooks()).deliveries.filter((delivery) => delivery.url === url).length;
		await control[processor].emitEvent(emit);
		const deliveries = (await control[processor].webhooks()).deliveries.filter((delivery) => delivery.url === url).slice(before);
		const scheme = paymentWebhookScheme(processor);
		const payloads: Array<Record<string, unknown>> = [];
		for (const delivery of deliveries) {
			const outcome = await receiveDelivery(store, scheme, {
				event: 'disputeChanged',
				triggerKey: `disputes-${url}`,
				header: (name) => Object.entries(delivery.headers).find(([key]) => key.toLowerCase() === name)?.[1],
				rawBody: Buffer.from(delivery.body),
				url,
				registration,
				credentialSecret: processor === 'braintree' ? String(sandboxes.braintree.credentials.privateKey) : undefined,
				dropRepeats: false,
				api: scheme.verifiedThroughApi ? (await platforms.connect(processor)).transport : undefined,
			});
			if (outcome.outcome !== 'accepted') throw new Error(`${processor} delivery not accepted: ${JSON.stringify(outcome)}`);
			payloads.push(...outcome.events.map((event) => event.payload));
		}
		return payloads;
	}

	test.each(processors)('%s: a dispute is recorded once against its payment, twice delivered at once, and followed to its end', async (processor) => {
		const payment = await charge(processor);
		const url = `${receiverUrl}/${backend}/${processor}/${counter}`;
		const registration = await subscribe(processor, url);

		const [opened] = await deliver(processor, url, registration, emits[processor].opened);
		// The same event twice at once (a redelivery racing the first): one opens the record, the other changes nothing.
		const both = await Promise.all([disputes.record(processor, opened), disputes.record(processor, opened)]);
		expect(both.map((outcome) => outcome.change).sort()).toEqual(['opened', 'unchanged']);
		const first = both.find((outcome) => outcome.change === 'opened')!;
		expect(first).toMatchObject({
			processor,
			paymentId: payment.paymentId,
			transactionId: payment.transactionId,
			amountMinor: 2550,
			amount: '25.50',
			currency: 'USD',
			state: 'needs_response',
			processorStatus: processorStatus[processor].opened,
			stage: 'chargeback',
		});
		expect(first.reason).toMatch(/^(fraudulent|not_received)$/);
		// Every processor names when the evidence is due: days ahead, as an instant.
		expect(Date.parse(first.evidenceDueBy!)).toBeGreaterThan(Date.now() + 5 * 86_400_000);
		expect(await disputes.forPayment(payment.paymentId)).toEqual([expect.objectContaining({ disputeId: first.disputeId, state: 'needs_response' })]);

		const [reviewed] = await deliver(processor, url, registration, emits[processor].reviewed);
		expect(await disputes.record(processor, reviewed)).toMatchObject({ change: 'updated', disputeId: first.disputeId, state: 'under_review' });
		const [won] = await deliver(processor, url, registration, emits[processor].won);
		expect(await disputes.record(processor, won)).toMatchObject({ change: 'updated', state: 'won', processorStatus: processorStatus[processor].won });
		// The review's event delivered again after the end (processors retry for days) changes nothing.
		expect(await disputes.record(processor, reviewed)).toMatchObject({ change: 'unchanged', state: 'won' });
		expect(await disputes.forPayment(payment.paymentId)).toEqual([expect.objectContaining({ disputeId: first.disputeId, state: 'won' })]);
	});

	test('ten deliveries of one dispute event at once record it once', async () => {
		const payment = await charge('stripe');
		const url = `${receiverUrl}/${backend}/burst/${counter}`;
		const registration = await subscribe('stripe', url);
		const [opened] = await deliver('stripe', url, registration, emits.stripe.opened);
		const outcomes: DisputeOutcome[] = await Promise.all(Array.from({ length: 10 }, () => disputes.record('stripe', opened)));
		expect(outcomes.filter((outcome) => outcome.change === 'opened')).toHaveLength(1);
		expect(new Set(outcomes.map((outcome) => outcome.disputeId)).size).toBe(1);
		expect(await disputes.forPayment(payment.paymentId)).toHaveLength(1);
	});
});

describe('events that are no dispute', () => {
	let disputes: PaymentDisputes;

	beforeAll(async () => {
		const store = await openStore(await storeConfig('sqlite'), [...coreMigrations, ...paymentMigrations]);
		disputes = openPayments({ store, platforms: standalonePlatforms([]) }).disputes();
	});

	test('a dispute event without its amount or due date type is refused naming each field, and nothing is recorded', async () => {
		const event = { id: 'evt_1', type: 'charge.dispute.created', created: 1_800_000_000, data: { object: { id: 'dp_1', object: 'dispute', payment_intent: 'pi_1', amount: '25.50', currency: 'usd', reason: 'fraudulent', status: 'needs_response', evidence_details: { due_by: '2027-01-01' } } } };
		const refused = await disputes.record('stripe', event).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(InputError);
		expect((refused as InputError).violations.map((violation) => violation.field)).toEqual(['data.object.amount', 'data.object.evidence_details.due_by']);
		expect((refused as Error).message).toContain('Not a Stripe dispute event');
		expect(await disputes.get('stripe', 'dp_1')).toBeUndefined();
	});

	test('a PayPal dispute with an amount finer than its currency is refused, never rounded', async () => {
		const event = { id: 'WH-1', event_type: 'CUSTOMER.DISPUTE.CREATED', create_time: '2026-12-06T10:00:00Z', resource: { dispute_id: 'PP-D-1', status: 'OPEN', reason: 'UNAUTHORISED', dispute_amount: { currency_code: 'USD', value: '10.005' }, disputed_transactions: [{ seller_transaction_id: 'CAP1' }] } };
		await expect(disputes.record('paypal', event)).rejects.toThrow(/resource\.dispute_amount\.value must be an amount of USD/);
	});

	test('a dispute of a payment the router never charged is still recorded, without a payment id', async () => {
		const event = { event_id: 'sq-1', type: 'dispute.created', created_at: '2026-12-06T10:00:00Z', data: { type: 'dispute', id: 'D1', object: { dispute: { id: 'D1', amount_money: { amount: 700, currency: 'JPY' }, reason: 'NO_KNOWLEDGE', state: 'INQUIRY_EVIDENCE_REQUIRED', disputed_payment: { payment_id: 'elsewhere' }, updated_at: '2026-12-06T10:00:00Z' } } } };
		const recorded = await disputes.record('square', event);
		expect(recorded).toMatchObject({ change: 'opened', transactionId: 'elsewhere', amountMinor: 700, amount: '700', reason: 'fraudulent', state: 'needs_response', stage: 'inquiry' });
		expect(recorded.paymentId).toBeUndefined();
	});
});
