/** The Braintree GraphQL sandbox: chargePaymentMethod amount ranges, no idempotency, search by orderId, ping, auth. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let braintree: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	braintree = await startSandbox('braintree');
	control = new SandboxControl(braintree.baseUrl);
});
afterAll(() => braintree.close());
beforeEach(() => control.reset());

async function graphql(query: string, variables: Record<string, unknown> = {}, privateKey = braintree.credentials.privateKey) {
	const response = await fetch(`${braintree.baseUrl}/graphql`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(`${braintree.credentials.publicKey}:${privateKey}`).toString('base64')}`,
			'braintree-version': '2019-01-01',
			'content-type': 'application/json',
		},
		body: JSON.stringify({ query, variables }),
	});
	return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const charge = (amount: string, orderId = 'order-1') =>
	graphql('mutation Charge($input: ChargePaymentMethodInput!) { chargePaymentMethod(input: $input) { transaction { id orderId status } } }', {
		input: { paymentMethodId: 'fake-valid-nonce', transaction: { amount, orderId } },
	});

test.each([
	['10.00', 'SUBMITTED_FOR_SETTLEMENT', undefined],
	['2001.00', 'PROCESSOR_DECLINED', '2001'],
	['2000.00', 'PROCESSOR_DECLINED', '2000'],
	['3000.00', 'FAILED', '3000'],
	['5001.00', 'GATEWAY_REJECTED', undefined],
])('amount %s ends %s', async (amount, status, legacyCode) => {
	const reply = await charge(amount);
	expect(reply.status).toBe(200);
	expect(reply.body.data.chargePaymentMethod.transaction.status).toBe(status);
	if (legacyCode) expect(reply.body.errors[0].extensions.legacyCode).toBe(legacyCode);
});

test('a repeated charge is a second transaction (no idempotency); search by orderId finds them', async () => {
	await charge('10.00', 'same-order');
	await charge('10.00', 'same-order');
	expect(await control.state('settled')).toHaveLength(2);
	const found = await graphql('query Find($input: TransactionSearchInput!) { search { transactions(input: $input, first: 1) { edges { node { id orderId } } } } }', { input: { orderId: { is: 'same-order' } } });
	expect(found.body.data.search.transactions.edges).toHaveLength(2);
	const none = await graphql('query Find($input: TransactionSearchInput!) { search { transactions(input: $input) { edges { node { id } } } } }', { input: { orderId: { is: 'other' } } });
	expect(none.body.data.search.transactions.edges).toEqual([]);
});

test('ping answers; a wrong key is refused; amounts must be decimals', async () => {
	expect((await graphql('{ ping }')).body.data.ping).toBe('pong');
	expect((await graphql('{ ping }', {}, 'wrong')).status).toBe(401);
	expect((await charge('ten')).body.errors[0].extensions.legacyCode).toBe('81503');
});
