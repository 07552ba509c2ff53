/**
 * Braintree's own Node SDK (`braintree`) against the Braintree sandbox: the XML gateway for sales, settlement, voids,
 * refunds, search and customers; the SDK's GraphQL client against the same transactions; its typed exceptions and
 * `result.success === false` answers; and webhook notifications that the SDK's own `webhookNotification.parse` accepts.
 */
import braintree from 'braintree';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { startReceiver, type WebhookReceiver } from '../support/receiver';

let sandbox: RunningSandbox;
let control: SandboxControl;
let receiver: WebhookReceiver;

function gateway(privateKey = sandbox.credentials.privateKey, merchantId = sandbox.credentials.merchantId): braintree.BraintreeGateway {
	const port = String(sandbox.port);
	const environment = new braintree.Environment('127.0.0.1', port, '', false, '127.0.0.1', port);
	return new braintree.BraintreeGateway({ environment, merchantId, publicKey: sandbox.credentials.publicKey, privateKey });
}

/** The SDK's members that @types/braintree leaves out or types too narrowly. */
const errorTypes = (braintree as unknown as { errorTypes: Record<string, string> }).errorTypes;
type PartialSettlement = braintree.Transaction & { authorizedTransactionId: string };
const graphQL = () => (gateway() as unknown as { graphQLClient: { query(query: string, variables?: Record<string, unknown>): Promise<unknown> } }).graphQLClient;
/** deepErrors() and on() return arrays; the typings say a single error. */
const listed = (errors: unknown) => errors as braintree.ValidationError[];

beforeAll(async () => {
	sandbox = await startSandbox('braintree');
	control = new SandboxControl(sandbox.baseUrl);
	receiver = await startReceiver('/hooks/braintree');
});
afterAll(async () => {
	await receiver.close();
	await sandbox.close();
});
beforeEach(() => control.reset());

const sale = (amount: string, extra: Partial<braintree.TransactionRequest> = {}) =>
	gateway().transaction.sale({ amount, paymentMethodNonce: 'fake-valid-nonce', ...extra });

test('a sale authorizes; a partial submitForSettlement captures less; find reads it back; another is voided', async () => {
	const held = await sale('10.00', { orderId: 'order-1' });
	expect(held.success).toBe(true);
	expect(held.transaction).toMatchObject({ status: 'authorized', type: 'sale', amount: '10.00', orderId: 'order-1', processorResponseCode: '1000', currencyIsoCode: 'USD' });
	expect(held.transaction.creditCard).toMatchObject({ cardType: 'Visa', last4: '1111', maskedNumber: '411111******1111' });
	expect(held.transaction.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

	const captured = await gateway().transaction.submitForSettlement(held.transaction.id, '7.50');
	expect(captured).toMatchObject({ success: true, transaction: { id: held.transaction.id, status: 'submitted_for_settlement', amount: '7.50' } });
	const found = await gateway().transaction.find(held.transaction.id);
	expect(found.statusHistory!.map((event) => event.status)).toEqual(['authorized', 'submitted_for_settlement']);

	const other = await sale('3.00');
	const voided = await gateway().transaction.void(other.transaction.id);
	expect(voided).toMatchObject({ success: true, transaction: { status: 'voided' } });
	const again = await gateway().transaction.void(other.transaction.id);
	expect(again.success).toBe(false);
	expect(again.errors.deepErrors().map((error) => error.code)).toEqual(['91504']);
});

test('submitForSettlement in the sale; partial settlements of one authorization; refunds only once settled, never more than was paid', async () => {
	const paid = await sale('20.00', { options: { submitForSettlement: true } });
	expect(paid.transaction.status).toBe('submitted_for_settlement');
	const early = await gateway().transaction.refund(paid.transaction.id);
	expect(early.success).toBe(false);
	expect(listed(early.errors.deepErrors())[0]).toMatchObject({ code: '91506', attribute: 'base' });

	const settled = await gateway().testing.settle(paid.transaction.id);
	expect(settled.transaction.status).toBe('settled');
	expect(settled.transaction.statusHistory!.map((event) => event.status)).toEqual(['authorized', 'submitted_for_settlement', 'settled']);
	// GraphQL lists the same history newest first.
	const history = await graphQL().query('query History($input: TransactionSearchInput!) { search { transactions(input: $input) { edges { node { statusHistory { status terminal } } } } } }', { input: { id: { is: Buffer.from(`transaction_${paid.transaction.id}`).toString('base64') } } }) as { data: { search: { transactions: { edges: Array<{ node: { statusHistory: Array<{ status: string; terminal: boolean }> } }> } } } };
	expect(history.data.search.transactions.edges[0].node.statusHistory).toEqual([{ status: 'SETTLED', terminal: true }, { status: 'SUBMITTED_FOR_SETTLEMENT', terminal: false }, { status: 'AUTHORIZED', terminal: false }]);
	const partial = await gateway().transaction.refund(paid.transaction.id, '5.00');
	expect(partial).toMatchObject({ success: true, transaction: { type: 'credit', amount: '5.00', refundedTransactionId: paid.transaction.id } });
	const tooMuch = await gateway().transaction.refund(paid.transaction.id, '15.01');
	expect(listed(tooMuch.errors.for('transaction').on('amount'))[0].code).toBe('91521');
	const rest = await gateway().transaction.refund(paid.transaction.id);
	expect(rest.transaction.amount).toBe('15.00');
	expect((await gateway().transaction.find(paid.transaction.id)).refundIds!.sort()).toEqual([partial.transaction.id, rest.transaction.id].sort());

	const held = await sale('30.00');
	const first = await gateway().transaction.submitForPartialSettlement(held.transaction.id, '10.00');
	const second = await gateway().transaction.submitForPartialSettlement(held.transaction.id, '20.00');
	expect([first.transaction, second.transaction].map((partial) => (partial as PartialSettlement).authorizedTransactionId)).toEqual([held.transaction.id, held.transaction.id]);
	const over = await gateway().transaction.submitForPartialSettlement(held.transaction.id, '0.01');
	expect(listed(over.errors.deepErrors())[0].code).toBe('91522');
});

test('search by id and by order id, through the SDK\'s two-step search; a charge made over GraphQL is found, and the reverse', async () => {
	const one = await sale('1.00', { orderId: 'shared-order' });
	await sale('2.00', { orderId: 'shared-order' });
	await sale('3.00', { orderId: 'another-order' });
	const byOrder = await collect(gateway().transaction.search((search) => search.orderId().is('shared-order')));
	expect(byOrder.map((transaction) => transaction.amount).sort()).toEqual(['1.00', '2.00']);
	const byId = await collect(gateway().transaction.search((search) => search.id().is(one.transaction.id)));
	expect(byId.map((transaction) => transaction.id)).toEqual([one.transaction.id]);
	const paths = (await control.requests()).map((entry) => entry.path.replace(/^\/merchants\/[^/]+/, ''));
	expect(paths.filter((path) => path.startsWith('/transactions/advanced_search'))).toEqual([
		'/transactions/advanced_search_ids', '/transactions/advanced_search', '/transactions/advanced_search_ids', '/transactions/advanced_search',
	]);

	const viaGraphql = await graphQL().query(
		'mutation Charge($input: ChargePaymentMethodInput!) { chargePaymentMethod(input: $input) { transaction { id legacyId status } } }',
		{ input: { paymentMethodId: 'fake-valid-nonce', transaction: { amount: '4.00', orderId: 'graphql-order' } } },
	) as { data: { chargePaymentMethod: { transaction: { id: string; legacyId: string; status: string } } } };
	const charged = viaGraphql.data.chargePaymentMethod.transaction;
	expect(Buffer.from(charged.id, 'base64').toString()).toBe(`transaction_${charged.legacyId}`);
	expect(await gateway().transaction.find(charged.legacyId)).toMatchObject({ status: 'submitted_for_settlement', amount: '4.00', orderId: 'graphql-order' });

	const seen = await graphQL().query('query Find($input: TransactionSearchInput!) { search { transactions(input: $input) { edges { node { legacyId status amount { value } } } } } }', { input: { orderId: { is: 'shared-order' } } }) as { data: { search: { transactions: { edges: Array<{ node: { legacyId: string; status: string } }> } } } };
	expect(seen.data.search.transactions.edges.map((edge) => edge.node.status)).toEqual(['AUTHORIZED', 'AUTHORIZED']);
});

test('customers: create with a vaulted card, find, and pay with the customer or its token', async () => {
	const created = await gateway().customer.create({ id: 'cust-1', firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', paymentMethodNonce: 'fake-valid-mastercard-nonce' });
	expect(created).toMatchObject({ success: true, customer: { id: 'cust-1', firstName: 'Ann', email: 'ann@example.com' } });
	const found = await gateway().customer.find('cust-1');
	expect(found.creditCards![0]).toMatchObject({ cardType: 'MasterCard', default: true });
	const byCustomer = await gateway().transaction.sale({ amount: '5.00', customerId: 'cust-1' });
	expect(byCustomer.transaction.customer).toMatchObject({ id: 'cust-1', firstName: 'Ann' });
	const byToken = await gateway().transaction.sale({ amount: '6.00', paymentMethodToken: found.creditCards![0].token });
	expect(byToken.transaction.creditCard!.last4).toBe('4444');
	const taken = await gateway().customer.create({ id: 'cust-1' });
	expect(listed(taken.errors.for('customer').on('id'))[0].code).toBe('91609');
});

test('refusals come back as result.success false: validation errors nested by object, declines carrying the transaction', async () => {
	const noAmount = await gateway().transaction.sale({ paymentMethodNonce: 'fake-valid-nonce' } as braintree.TransactionRequest);
	expect(noAmount.success).toBe(false);
	expect(noAmount.errors.deepErrors().map((error) => [error.attribute, error.code])).toEqual([['amount', '81502']]);
	expect(noAmount.message).toBe('Amount is required.');
	const badCard = await gateway().transaction.sale({ amount: '1.00', creditCard: { number: '4111111111111112', expirationDate: '12/2030' } });
	expect(listed(badCard.errors.for('transaction').for('creditCard').on('number'))[0].code).toBe('81715');
	const unknownNonce = await gateway().transaction.sale({ amount: '1.00', paymentMethodNonce: 'not-a-nonce' });
	expect(listed(unknownNonce.errors.deepErrors())[0].code).toBe('91565');

	const declined = await sale('2001.00');
	expect(declined).toMatchObject({ success: false, message: 'Insufficient Funds', transaction: { status: 'processor_declined', processorResponseCode: '2001', processorResponseType: 'soft_declined' } });
	expect(declined.errors.deepErrors()).toEqual([]);
	const rejected = await gateway().transaction.sale({ amount: '1.00', paymentMethodNonce: 'fake-gateway-rejected-fraud-nonce' });
	expect(rejected.transaction).toMatchObject({ status: 'gateway_rejected', gatewayRejectionReason: 'fraud' });
	expect(await control.state('transactions')).toHaveLength(2);
});

test('errors come out as the SDK\'s exceptions: authentication, not found, too many requests, server error', async () => {
	await expect(gateway('wrong-key').transaction.find('anything')).rejects.toMatchObject({ type: errorTypes.authenticationError });
	await expect(gateway(undefined, 'someone-else').transaction.find('anything')).rejects.toMatchObject({ type: errorTypes.authenticationError });
	await expect(gateway().transaction.find('missing1')).rejects.toMatchObject({ type: errorTypes.notFoundError });
	await expect(gateway().customer.find('nobody')).rejects.toMatchObject({ type: errorTypes.notFoundError });
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/merchants/' } });
	await expect(sale('1.00')).rejects.toMatchObject({ type: errorTypes.tooManyRequestsError });
	await control.fault({ kind: 'error', status: 503, match: { path: '/merchants/' } });
	await expect(sale('1.00')).rejects.toMatchObject({ type: errorTypes.serviceUnavailableError });
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/graphql' } });
	await expect(graphQL().query('{ ping }')).rejects.toMatchObject({ type: errorTypes.tooManyRequestsError });
	expect(await control.state('transactions')).toEqual([]);
});

test('settling sends a bt_signature / bt_payload notification that the SDK parses, in the format of its own sample', async () => {
	await control.registerWebhook(receiver.url, 'unused: Braintree signs with the API keys');
	const paid = await sale('12.00', { options: { submitForSettlement: true } });
	await gateway().testing.settle(paid.transaction.id);
	await control.emitEvent({ kind: 'check' });
	const [settledDelivery, checkDelivery] = await receiver.waitFor(2);
	expect(settledDelivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
	const form = new URLSearchParams(settledDelivery.body);
	expect([...form.keys()].sort()).toEqual(['bt_payload', 'bt_signature']);
	const notification = await gateway().webhookNotification.parse(form.get('bt_signature')!, form.get('bt_payload')!);
	expect(notification.kind).toBe('transaction_settled');
	expect((notification as unknown as { transaction: braintree.Transaction }).transaction).toMatchObject({ id: paid.transaction.id, status: 'settled', amount: '12.00' });
	const check = new URLSearchParams(checkDelivery.body);
	expect((await gateway().webhookNotification.parse(check.get('bt_signature')!, check.get('bt_payload')!)).kind).toBe('check');

	const sample = gateway().webhookTesting.sampleNotification('check', '') as unknown as Record<string, string>;
	expect(Object.keys(sample).sort()).toEqual([...form.keys()].sort());
	await expect(gateway('another-private-key').webhookNotification.parse(form.get('bt_signature')!, form.get('bt_payload')!)).rejects.toMatchObject({ type: errorTypes.invalidSignatureError });
});

test('recurring billing: plans listed and found, a subscription created (its first cycle charged), changed, canceled once, with Braintree\'s refusals', async () => {
	// The SDK answers the plan list itself, with `plans` beside it (typed as the list only).
	const plans = (await gateway().plan.all()) as unknown as { plans: braintree.Plan[] };
	expect(plans.plans.map((plan) => [plan.id, plan.price, plan.billingFrequency, plan.currencyIsoCode])).toEqual([['bt-basic-monthly', '9.00', 1, 'USD'], ['bt-pro-monthly', '29.00', 1, 'USD']]);
	expect(await gateway().plan.find('bt-pro-monthly')).toMatchObject({ id: 'bt-pro-monthly', price: '29.00' });
	const customer = await gateway().customer.create({ id: 'subscriber-1', paymentMethodNonce: 'fake-valid-visa-nonce' });
	const token = customer.customer.creditCards![0].token!;

	const created = await gateway().subscription.create({ id: 'sub-one', planId: 'bt-basic-monthly', paymentMethodToken: token });
	expect(created.success).toBe(true);
	expect(created.subscription).toMatchObject({ id: 'sub-one', status: 'Active', planId: 'bt-basic-monthly', price: '9.00', currentBillingCycle: 1, paymentMethodToken: token });
	expect(created.subscription.transactions!.map((transaction) => [transaction.amount, transaction.status, transaction.subscriptionId, transaction.planId])).toEqual([['9.00', 'submitted_for_settlement', 'sub-one', 'bt-basic-monthly']]);
	const taken = await gateway().subscription.create({ id: 'sub-one', planId: 'bt-basic-monthly', paymentMethodToken: token });
	expect(listed(taken.errors.for('subscription').on('id'))[0].code).toBe('81902');
	const badPlan = await gateway().subscription.create({ planId: 'gold', paymentMethodToken: token });
	expect(listed(badPlan.errors.for('subscription').on('planId'))[0].code).toBe('91904');
	const badToken = await gateway().subscription.create({ planId: 'bt-basic-monthly', paymentMethodToken: 'nope' });
	expect(listed(badToken.errors.for('subscription').on('paymentMethodToken'))[0].code).toBe('91903');

	// The same billing frequency: the plan changes, the price stays unless given.
	const samePrice = await gateway().subscription.update('sub-one', { planId: 'bt-pro-monthly' });
	expect(samePrice.subscription).toMatchObject({ planId: 'bt-pro-monthly', price: '9.00' });
	const repriced = await gateway().subscription.update('sub-one', { planId: 'bt-pro-monthly', price: '29.00' });
	expect(repriced.subscription).toMatchObject({ planId: 'bt-pro-monthly', price: '29.00', status: 'Active' });

	const canceled = await gateway().subscription.cancel('sub-one');
	expect(canceled).toMatchObject({ success: true, subscription: { status: 'Canceled' } });
	const again = await gateway().subscription.cancel('sub-one');
	expect(again.success).toBe(false);
	expect(again.errors.for('subscription').on('status')).toEqual([expect.objectContaining({ code: '81905' })]);
	const edit = await gateway().subscription.update('sub-one', { price: '1.00' });
	expect(listed(edit.errors.for('subscription').on('base'))[0].code).toBe('81901');
	expect((await gateway().subscription.find('sub-one')).statusHistory!.map((event) => event.status)).toEqual(['Canceled', 'Active', 'Active', 'Active']);
	await expect(gateway().subscription.find('sub-none')).rejects.toMatchObject({ type: errorTypes.notFoundError });
});

/** Every transaction a search stream yields. */
function collect(stream: NodeJS.ReadableStream): Promise<braintree.Transaction[]> {
	return new Promise((resolve, reject) => {
		const found: braintree.Transaction[] = [];
		stream.on('data', (transaction: braintree.Transaction) => found.push(transaction));
		stream.on('error', reject);
		stream.on('end', () => resolve(found));
	});
}
