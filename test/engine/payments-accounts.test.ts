/**
 * The processor account payments go into, picked in Smart Payment Router: Square's locations listed from the sandbox
 * (`GET /v2/locations`, active ones, searchable) and Braintree's merchant accounts (GraphQL
 * `viewer.merchant.merchantAccounts`, active ones, a page at a time) through the package transport; a payment routed
 * with a picked location or merchant account is taken there; without a pick, at the default one; at one the seller
 * lacks, refused with nothing charged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, type PaymentRequest } from '../../lib/payments';
import { platformDefinition } from '../../lib/platforms/catalog';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { sandboxAccount } from '../support/standalone';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

let square: RunningSandbox;
let braintree: RunningSandbox;
let control: SandboxControl;
let braintreeControl: SandboxControl;
let store: StateStore;
let counter = 0;

beforeAll(async () => {
	[square, braintree] = await Promise.all([startSandbox('square'), startSandbox('braintree')]);
	control = new SandboxControl(square.baseUrl);
	braintreeControl = new SandboxControl(braintree.baseUrl);
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-accounts-')), 'state.sqlite') }, allMigrations);
});
afterAll(async () => {
	await closeAllStores();
	await Promise.all([square.close(), braintree.close()]);
});
beforeEach(() => Promise.all([control.reset(), braintreeControl.reset()]));

const platforms = () => standalonePlatforms([sandboxAccount('square', square.baseUrl, square.credentials), sandboxAccount('braintree', braintree.baseUrl, braintree.credentials)], { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });

async function locations(filter?: string) {
	const { transport, settings } = await platforms().connect('square');
	const page = await platformDefinition('square').resources!.locations(transport, { filter }, settings);
	expect(page.next).toBeUndefined();
	return page.options;
}

const payment = (): PaymentRequest => ({ paymentId: `acct-${Date.now()}-${++counter}`, amount: 12.5, currency: 'USD', country: 'US', tokens: { square: 'cnon:card-nonce-ok' } });

async function routeAt(account?: Record<string, string>) {
	const router = await openPayments({ store, platforms: platforms() }).router(['square'], { config: defaultRoutingConfig(), pollMs: 5 }, account ? { square: account } : undefined);
	return await router.process(payment());
}

const takenAt = async () => (await control.state<Array<{ location_id: string; status: string }>>('payments')).map((entry) => [entry.location_id, entry.status]);

test("Square's account is its location, picked from the seller's active locations by name", async () => {
	expect(platformDefinition('square').payments!.account).toMatchObject({ setting: 'locationId', resource: 'locations' });
	expect(await locations()).toEqual([
		{ id: 'LSANDBOX', name: 'Sandbox Main Location' },
		{ id: 'LONLINE', name: 'Sandbox Online Store' },
	]);
	expect(await locations('online')).toEqual([{ id: 'LONLINE', name: 'Sandbox Online Store' }]);
});

test('a payment is taken at the picked location; without a pick at the main one', async () => {
	const [online] = await locations('online');
	expect(await routeAt({ locationId: online.id })).toMatchObject({ status: 'succeeded', processor: 'square' });
	expect(await routeAt()).toMatchObject({ status: 'succeeded', processor: 'square' });
	expect(await takenAt()).toEqual([['LONLINE', 'COMPLETED'], ['LSANDBOX', 'COMPLETED']]);
});

test('a location the seller lacks is refused and nothing is charged', async () => {
	const result = await routeAt({ locationId: 'LCLOSED' });
	expect(result.status).not.toBe('succeeded');
	expect(await takenAt()).toEqual([]);
});

async function merchantAccounts(filter?: string) {
	const { transport } = await platforms().connect('braintree');
	return (await platformDefinition('braintree').resources!.merchantAccounts(transport, { filter })).options;
}

async function routeBraintree(account?: Record<string, string>, currency = 'USD') {
	const request = { ...payment(), currency, tokens: { braintree: 'fake-valid-nonce' } };
	const router = await openPayments({ store, platforms: platforms() }).router(['braintree'], { config: defaultRoutingConfig(), pollMs: 5 }, account ? { braintree: account } : undefined);
	return await router.process(request);
}

const braintreeTakenIn = async () => (await braintreeControl.state<Array<{ merchantAccountId: string; currencyIsoCode: string }>>('transactions')).map((sale) => [sale.merchantAccountId, sale.currencyIsoCode]);

test("Braintree's account is its merchant account, picked from the merchant's active accounts, each with its currency", async () => {
	expect(platformDefinition('braintree').payments!.account).toMatchObject({ setting: 'merchantAccountId', resource: 'merchantAccounts' });
	// The suspended account is not offered: Braintree refuses payments into it.
	expect(await merchantAccounts()).toEqual([
		{ id: 'sandbox_merchant_account', name: 'Sandbox Store (USD, default)' },
		{ id: 'sandbox_store_eur', name: 'Sandbox Store Europe (EUR)' },
	]);
	expect(await merchantAccounts('europe')).toEqual([{ id: 'sandbox_store_eur', name: 'Sandbox Store Europe (EUR)' }]);
});

test("Braintree's merchant accounts are listed a page at a time, to the last page", async () => {
	const { transport } = await platforms().connect('braintree');
	const lister = platformDefinition('braintree').resources!.merchantAccounts;
	// More accounts than Braintree's page of 50: the cursor goes on until the last page.
	const accounts = Array.from({ length: 60 }, (_, index) => ({ id: `store_${String(index).padStart(2, '0')}`, dbaName: `Store ${index}`, currencyIsoCode: 'USD', status: 'active' }));
	await braintreeControl.seed({ merchantAccounts: accounts });
	const first = await lister(transport, {});
	expect(first.next).toBeDefined();
	const second = await lister(transport, { cursor: first.next });
	expect(second.next).toBeUndefined();
	expect([...first.options, ...second.options].map((option) => option.id)).toEqual(['sandbox_merchant_account', 'sandbox_store_eur', ...accounts.map((account) => account.id)]);
});

test('a Braintree payment is taken into the picked merchant account; without a pick into the default one', async () => {
	expect(await routeBraintree({ merchantAccountId: 'sandbox_store_eur' }, 'EUR')).toMatchObject({ status: 'succeeded', processor: 'braintree' });
	expect(await routeBraintree()).toMatchObject({ status: 'succeeded', processor: 'braintree' });
	expect(await braintreeTakenIn()).toEqual([['sandbox_store_eur', 'EUR'], ['sandbox_merchant_account', 'USD']]);
});

test('a Braintree merchant account the merchant lacks, or a suspended one, is refused and nothing is charged', async () => {
	for (const merchantAccountId of ['no_such_account', 'sandbox_store_gbp_closed']) {
		expect((await routeBraintree({ merchantAccountId })).status).not.toBe('succeeded');
	}
	expect(await braintreeTakenIn()).toEqual([]);
});

test('a payment in another currency than the picked merchant account takes is refused before anything is charged', async () => {
	const result = await routeBraintree({ merchantAccountId: 'sandbox_store_eur' }, 'USD');
	expect(result.status).not.toBe('succeeded');
	expect(JSON.stringify(result)).toContain('takes EUR, not USD');
	expect(await braintreeTakenIn()).toEqual([]);
});
