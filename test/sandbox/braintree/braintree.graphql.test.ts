/**
 * The Braintree sandbox answers as Braintree's published GraphQL schema says, for every operation the Braintree
 * payment connector sends and every root field the sandbox serves: the query validates, the response holds only
 * the selected fields, each of its schema type, and arguments are read inline or from variables alike.
 */
import { readFileSync } from 'node:fs';

import { platformDefinition } from '../../../lib/platforms/catalog';
import { standalonePlatforms } from '../../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../../lib/platforms/payments';
import { openPayments } from '../../../lib/payments';
import { paymentConnector, sandboxAccount, scratchStore } from '../../support/standalone';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { GraphqlConformance } from '../support/graphqlConformance';
import { servedSubset, subsetFile, vendorSchema } from '../support/graphqlSchemas';
import { callApi } from '../support/http';
import { servedFields } from './schema';

const schema = vendorSchema('braintree');
const conformance = new GraphqlConformance(schema, /^\/graphql$/);
let sandbox: RunningSandbox;
let control: SandboxControl;
let braintree: PaymentConnector;

beforeAll(async () => {
	sandbox = await startSandbox('braintree', { onExchange: conformance.record });
	control = new SandboxControl(sandbox.baseUrl);
	braintree = await paymentConnector(sandboxAccount('braintree', sandbox.baseUrl, sandbox.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	conformance.clear();
});

async function graphql(query: string, variables?: Record<string, unknown>) {
	const reply = await callApi(sandbox.baseUrl, '/graphql', {
		method: 'POST',
		body: { query, ...(variables ? { variables } : {}) },
		headers: { authorization: `Basic ${Buffer.from(`${sandbox.credentials.publicKey}:${sandbox.credentials.privateKey}`).toString('base64')}`, 'braintree-version': '2019-01-01' },
	});
	return reply.body as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const charge = (paymentId: string, amountMinor: number, resuming = false) => braintree.charge({
	paymentId, idempotencyKey: `key-${paymentId}`, amountMinor, currency: 'USD', method: 'card', token: 'fake-valid-nonce', resuming,
});

test('the served schema is exactly the published schema cut to the fields the sandbox serves', () => {
	expect(readFileSync(subsetFile('braintree'), 'utf8')).toBe(servedSubset(schema, servedFields));
});

test('the connector charges, is declined, rejected and failed, and finds an earlier charge, with answers that match the schema', async () => {
	expect(await charge('p-1', 1000)).toMatchObject({ outcome: 'succeeded' });
	expect(await charge('p-2', 200_100)).toMatchObject({ code: '2001' });
	expect(await charge('p-3', 500_100)).toMatchObject({ code: 'APPLICATION_INCOMPLETE' });
	expect(await charge('p-4', 300_000)).toMatchObject({ code: '3000' });
	expect(await charge('p-1', 1000, true)).toMatchObject({ outcome: 'succeeded' });
	expect(await control.state<unknown[]>('transactions')).toHaveLength(4);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(['mutation chargePaymentMethod', 'query search']);
});

test('a response holds exactly the selected fields: aliases, fragments on the status events, __typename', async () => {
	const created = await graphql('mutation Charge($input: ChargePaymentMethodInput!) { chargePaymentMethod(input: $input) { transaction { id } } }', {
		input: { paymentMethodId: 'fake-valid-nonce', transaction: { amount: '2004.00', orderId: 'o-1' } },
	});
	expect(created.data).toEqual({ chargePaymentMethod: { transaction: { id: expect.any(String) } } });
	const found = await graphql(`{
		alive: ping
		search { transactions(input: { orderId: { is: "o-1" } }) { edges { node { state: status amount { value } statusHistory { __typename ... on ProcessorDeclinedEvent { processorResponse { legacyCode } } } } } } }
	}`);
	expect(found.data).toEqual({
		alive: 'pong',
		search: { transactions: { edges: [{ node: { state: 'PROCESSOR_DECLINED', amount: { value: '2004.00' }, statusHistory: [{ __typename: 'ProcessorDeclinedEvent', processorResponse: { legacyCode: '2004' } }] } }] } },
	});
	expect(conformance.problems()).toEqual([]);
});

test('arguments are read the same inline and from variables', async () => {
	const inline = await graphql('mutation { chargePaymentMethod(input: { paymentMethodId: "fake-valid-nonce", transaction: { amount: "12.34", orderId: "inline" } }) { transaction { orderId amount { value } status } } }');
	const byVariables = await graphql('mutation Charge($input: ChargePaymentMethodInput!) { chargePaymentMethod(input: $input) { transaction { orderId amount { value } status } } }', {
		input: { paymentMethodId: 'fake-valid-nonce', transaction: { amount: '12.34', orderId: 'variables' } },
	});
	expect(inline.data.chargePaymentMethod.transaction).toEqual({ orderId: 'inline', amount: { value: '12.34' }, status: 'SUBMITTED_FOR_SETTLEMENT' });
	expect(byVariables.data.chargePaymentMethod.transaction).toEqual({ orderId: 'variables', amount: { value: '12.34' }, status: 'SUBMITTED_FOR_SETTLEMENT' });
	const searchInline = await graphql('{ search { transactions(input: { orderId: { is: "inline" } }) { edges { node { orderId } } } } }');
	const searchVariables = await graphql('query Find($input: TransactionSearchInput!) { search { transactions(input: $input) { edges { node { orderId } } } } }', { input: { orderId: { is: 'inline' } } });
	expect(searchInline.data).toEqual({ search: { transactions: { edges: [{ node: { orderId: 'inline' } }] } } });
	expect(searchVariables.data).toEqual(searchInline.data);
	expect(conformance.problems()).toEqual([]);
});

test('a query off the schema, or an amount Braintree refuses, is answered with errors as Braintree does', async () => {
	const unknownField = await graphql('{ search { transactions(input: {}) { edges { node { colour } } } } }');
	const missingInput = await graphql('mutation { chargePaymentMethod(input: { transaction: { amount: "1.00" } }) { transaction { id } } }');
	const badAmount = await graphql('mutation { chargePaymentMethod(input: { paymentMethodId: "fake-valid-nonce", transaction: { amount: "1.001" } }) { transaction { id } } }');
	expect(unknownField).toEqual({ errors: [expect.objectContaining({ message: expect.stringContaining('colour') })], extensions: expect.any(Object) });
	expect(missingInput.errors?.[0].message).toContain('paymentMethodId');
	expect(badAmount).toMatchObject({ data: { chargePaymentMethod: null }, errors: [{ message: 'Amount is an invalid format.', extensions: { legacyCode: '81503' } }] });
	// The checker flags the two requests themselves; the answers (errors, no data) are in Braintree's shape.
	expect(conformance.problems()).toEqual([expect.stringContaining('Cannot query field "colour"'), expect.stringContaining('paymentMethodId')]);
});

test('authorize-only: the connector authorizes, captures part and reverses (voids) another, with answers that match the schema', async () => {
	const authorize = (paymentId: string) => braintree.charge({ paymentId, idempotencyKey: `key-${paymentId}`, amountMinor: 5000, currency: 'USD', method: 'card', token: 'fake-valid-nonce', resuming: false, capture: false });
	const held = await authorize('a-1');
	const released = await authorize('a-2');
	if (held.outcome !== 'succeeded' || released.outcome !== 'succeeded') throw new Error('not authorized');
	expect(held).toMatchObject({ processorStatus: 'AUTHORIZED', authorization: { expiresAt: expect.any(String) } });
	expect(await braintree.authorization!.capture({ transactionId: held.transactionId, idempotencyKey: 'cap', amountMinor: 3000, currency: 'USD', resuming: false })).toMatchObject({ outcome: 'succeeded', processorStatus: 'SUBMITTED_FOR_SETTLEMENT' });
	expect(await braintree.authorization!.cancel({ transactionId: released.transactionId, idempotencyKey: 'void', currency: 'USD', resuming: false })).toMatchObject({ outcome: 'succeeded', processorStatus: 'VOIDED' });
	// Captured already: Braintree refuses a second capture (91507); a repeat that resumes reads it as captured instead.
	expect(await braintree.authorization!.capture({ transactionId: held.transactionId, idempotencyKey: 'cap', amountMinor: 3000, currency: 'USD', resuming: false })).toMatchObject({ outcome: 'failed', code: '91507' });
	expect(await braintree.authorization!.capture({ transactionId: held.transactionId, idempotencyKey: 'cap', amountMinor: 3000, currency: 'USD', resuming: true })).toMatchObject({ outcome: 'succeeded' });
	const sales = await control.state<Array<{ status: string; amount: string }>>('transactions');
	expect(sales.map((sale) => [sale.status, sale.amount])).toEqual([['submitted_for_settlement', '30.00'], ['voided', '50.00']]);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['mutation authorizePaymentMethod', 'mutation captureTransaction', 'mutation reverseTransaction', 'query search']));
});

test("the merchant-account picker's list and a charge into a picked account match the schema; an unknown account is Braintree's validation error", async () => {
	const account = sandboxAccount('braintree', sandbox.baseUrl, sandbox.credentials);
	const { transport } = await standalonePlatforms([account]).connect('braintree');
	const listed = await platformDefinition('braintree').resources!.merchantAccounts(transport, {});
	expect(listed.options.map((option) => option.id)).toEqual(['sandbox_merchant_account', 'sandbox_store_eur']);
	const { braintree: eur } = await openPayments({ store: await scratchStore(), platforms: standalonePlatforms([account]) }).connectors(['braintree'], { braintree: { merchantAccountId: 'sandbox_store_eur' } });
	expect(await eur.charge({ paymentId: 'm-1', idempotencyKey: 'key-m-1', amountMinor: 1000, currency: 'EUR', method: 'card', token: 'fake-valid-nonce', resuming: false })).toMatchObject({ outcome: 'succeeded' });
	const found = await graphql('{ search { transactions(input: { orderId: { is: "key-m-1" } }) { edges { node { merchantAccountId amount { value currencyCode } } } } } }');
	expect(found.data.search.transactions.edges).toEqual([{ node: { merchantAccountId: 'sandbox_store_eur', amount: { value: '10.00', currencyCode: 'EUR' } } }]);
	const unknown = await graphql('mutation { chargePaymentMethod(input: { paymentMethodId: "fake-valid-nonce", transaction: { amount: "1.00", merchantAccountId: "nope" } }) { transaction { id } } }');
	expect(unknown).toMatchObject({ data: { chargePaymentMethod: null }, errors: [{ message: 'Merchant account ID is invalid.', extensions: { legacyCode: '91577', inputPath: ['input', 'transaction', 'merchantAccountId'] } }] });
	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['query viewer', 'mutation chargePaymentMethod']));
});
