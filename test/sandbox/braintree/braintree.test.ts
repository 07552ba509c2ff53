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

/** The XML gateway as Braintree's non-Node SDKs call it: XML bodies, `X-ApiVersion`, Basic keys. */
async function gatewayCall(path: string, body: string | undefined, headers: Record<string, string> = {}) {
	const response = await fetch(`${braintree.baseUrl}/merchants/${braintree.credentials.merchantId}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(`${braintree.credentials.publicKey}:${braintree.credentials.privateKey}`).toString('base64')}`,
			'x-apiversion': '6',
			accept: 'application/xml',
			'content-type': 'application/xml',
			...headers,
		},
		body,
	});
	return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('the XML gateway reads XML bodies (typed booleans, nested options) and answers XML', async () => {
	const sale = await gatewayCall('/transactions', '<?xml version="1.0" encoding="UTF-8"?><transaction><type>sale</type><amount>12.50</amount><order-id>xml-1</order-id><payment-method-nonce>fake-valid-nonce</payment-method-nonce><options><submit-for-settlement type="boolean">true</submit-for-settlement></options></transaction>');
	expect(sale.status).toBe(201);
	expect(sale.type).toMatch(/^application\/xml/);
	expect(sale.text).toMatch(/<status>submitted_for_settlement<\/status>/);
	expect(sale.text).toMatch(/<order-id>xml-1<\/order-id>/);
	const refused = await gatewayCall('/transactions', '<transaction><type>sale</type><payment-method-nonce>fake-valid-nonce</payment-method-nonce></transaction>');
	expect(refused.status).toBe(422);
	expect(refused.text).toContain('<code>81502</code><attribute type="symbol">amount</attribute>');
});

test('the gateway refuses what Braintree refuses before any route: no X-ApiVersion (426), another merchant (401), a search it cannot do (400)', async () => {
	expect((await gatewayCall('/transactions/abc', undefined, { 'x-apiversion': '' })).status).toBe(426);
	const other = await fetch(`${braintree.baseUrl}/merchants/someone-else/transactions/abc`, { headers: { authorization: `Basic ${Buffer.from(`${braintree.credentials.publicKey}:${braintree.credentials.privateKey}`).toString('base64')}`, 'x-apiversion': '6' } });
	expect(other.status).toBe(401);
	const search = await gatewayCall('/transactions/advanced_search_ids', '<search><credit-card-number><starts-with>4111</starts-with></credit-card-number></search>');
	expect(search).toMatchObject({ status: 400, text: expect.stringContaining('creditCardNumber') });
	expect(await control.state('transactions')).toEqual([]);
});
