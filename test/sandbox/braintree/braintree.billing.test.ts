/**
 * The Braintree sandbox reports a subscription's billing from its own lifecycle, as Braintree does: a cycle billed
 * (`subscription_charged_successfully`, a new transaction on the subscription, its newest) or declined
 * (`subscription_charged_unsuccessfully`, the declined transaction its newest, the subscription Past Due), a cancel
 * through the gateway API (`subscription_canceled`). Each a bt_signature / bt_payload form that Braintree's own SDK
 * parses with the API keys (and refuses with others), and that the package's Braintree webhook scheme verifies; a
 * redelivery is the same notification. A canceled subscription is billed no more.
 */
import braintree from 'braintree';

import { braintreePaymentWebhooks } from '../../../lib/platforms/braintree/paymentWebhooks';
import { SandboxControl, type WebhookDelivery } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

function gateway(privateKey = sandbox.credentials.privateKey): braintree.BraintreeGateway {
	const port = String(sandbox.port);
	const environment = new braintree.Environment('127.0.0.1', port, '', false, '127.0.0.1', port);
	return new braintree.BraintreeGateway({ environment, merchantId: sandbox.credentials.merchantId, publicKey: sandbox.credentials.publicKey, privateKey });
}

/** What the SDK's parse gives of a subscription notification (@types/braintree types `subscription` loosely). */
interface Parsed {
	kind: string;
	timestamp: Date;
	subscription: { id: string; status: string; failureCount: number; transactions: Array<{ id: string; status: string; amount: string; currencyIsoCode: string; subscriptionId: string; processorResponseCode: string }> };
}

beforeAll(async () => {
	sandbox = await startSandbox('braintree');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	// Nobody listens there: the deliveries are read back from the control API.
	await control.registerWebhook('http://127.0.0.1:9/braintree', 'unused: Braintree signs with the API keys');
});

const deliveries = async (): Promise<WebhookDelivery[]> => (await control.webhooks()).deliveries;

async function parsed(delivery: WebhookDelivery, privateKey?: string): Promise<Parsed> {
	const form = new URLSearchParams(delivery.body);
	return (await gateway(privateKey).webhookNotification.parse(form.get('bt_signature')!, form.get('bt_payload')!)) as unknown as Parsed;
}

/** The package's check of a delivery, as the Payment Event Trigger makes it with the credential's private key. */
const packageVerifies = async (body: string) => (await braintreePaymentWebhooks.verify({ header: () => undefined, rawBody: Buffer.from(body), url: 'http://127.0.0.1:9/braintree', nowMs: Date.now() }, sandbox.credentials.privateKey)).valid;

async function subscription(id: string): Promise<string> {
	const customer = await gateway().customer.create({ paymentMethodNonce: 'fake-valid-visa-nonce' });
	const created = await gateway().subscription.create({ id, planId: 'bt-basic-monthly', paymentMethodToken: customer.customer.creditCards![0].token! });
	expect(created.success).toBe(true);
	return created.subscription.id;
}

test("a cycle billed is a new transaction on the subscription, notified once per delivery (twice: the same notification); a declined one the subscription's newest transaction, Past Due", async () => {
	const id = await subscription('sub-renewed');
	// Its creation and first charge notify nothing.
	expect(await deliveries()).toEqual([]);

	const charged = await control.emitEvent<{ kind: string; transactionId: string }>({ kind: 'subscription_charged_successfully', subscriptionId: id, times: 2 });
	expect(charged.kind).toBe('subscription_charged_successfully');
	const [first, second] = await deliveries();
	expect(second.body).toBe(first.body);
	expect(first.headers['content-type']).toBe('application/x-www-form-urlencoded');
	const renewal = await parsed(first);
	expect(renewal.kind).toBe('subscription_charged_successfully');
	expect(renewal.subscription).toMatchObject({ id, status: 'Active', failureCount: 0 });
	expect(renewal.subscription.transactions.map((transaction) => [transaction.id, transaction.status, transaction.amount, transaction.currencyIsoCode, transaction.subscriptionId])).toEqual([
		[charged.transactionId, 'submitted_for_settlement', '9.00', 'USD', id],
		[expect.any(String), 'submitted_for_settlement', '9.00', 'USD', id],
	]);
	expect(await packageVerifies(first.body)).toBe(true);
	await expect(parsed(first, 'another-private-key')).rejects.toMatchObject({ type: 'invalidSignatureError' });
	// One byte of the payload changed: the signature no longer matches.
	const form = new URLSearchParams(first.body);
	form.set('bt_payload', form.get('bt_payload')!.replace(/^./, (character) => (character === 'P' ? 'Q' : 'P')));
	expect(await packageVerifies(form.toString())).toBe(false);

	const declined = await control.emitEvent<{ kind: string; transactionId: string }>({ kind: 'subscription_charged_unsuccessfully', subscriptionId: id });
	expect(declined.kind).toBe('subscription_charged_unsuccessfully');
	const all = await deliveries();
	expect(all).toHaveLength(3);
	const failure = await parsed(all[2]);
	expect(failure.kind).toBe('subscription_charged_unsuccessfully');
	expect(failure.subscription).toMatchObject({ id, status: 'Past Due', failureCount: 1 });
	expect(failure.subscription.transactions[0]).toMatchObject({ id: declined.transactionId, status: 'processor_declined', processorResponseCode: '2001', amount: '9.00', currencyIsoCode: 'USD' });
	expect(failure.subscription.transactions).toHaveLength(3);
	expect(await packageVerifies(all[2].body)).toBe(true);
});

test('a cancel through the API notifies subscription_canceled once; its refused repeat nothing; a canceled subscription is billed no more', async () => {
	const id = await subscription('sub-canceled');
	expect(await gateway().subscription.cancel(id)).toMatchObject({ success: true, subscription: { status: 'Canceled' } });
	expect((await gateway().subscription.cancel(id)).success).toBe(false);
	const [delivery, ...more] = await deliveries();
	expect(more).toEqual([]);
	const canceled = await parsed(delivery);
	expect([canceled.kind, canceled.subscription.id, canceled.subscription.status]).toEqual(['subscription_canceled', id, 'Canceled']);
	expect(await packageVerifies(delivery.body)).toBe(true);

	await expect(control.emitEvent({ kind: 'subscription_charged_successfully', subscriptionId: id })).rejects.toThrow(/Canceled: only an Active or Past Due one is billed/);
	await expect(control.emitEvent({ kind: 'subscription_canceled', subscriptionId: id })).rejects.toThrow(/Canceled/);
	await expect(control.emitEvent({ kind: 'subscription_charged_successfully', subscriptionId: id, times: 0 })).rejects.toThrow(/times must be a whole number/);
	expect(await deliveries()).toHaveLength(1);
	const [stored] = await control.state<Array<{ transactionIds: string[] }>>('subscriptions');
	expect(stored.transactionIds).toHaveLength(1);
});
