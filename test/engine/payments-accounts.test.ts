/**
 * The processor account payments go into, picked in Smart Payment Router: Square's locations listed from the sandbox
 * (`GET /v2/locations`, active ones, searchable) through the package transport, and a payment routed with a picked
 * location is taken there; without a pick, at the main location; at a location the seller lacks, refused with
 * nothing charged.
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
let control: SandboxControl;
let store: StateStore;
let counter = 0;

beforeAll(async () => {
	square = await startSandbox('square');
	control = new SandboxControl(square.baseUrl);
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-accounts-')), 'state.sqlite') }, allMigrations);
});
afterAll(async () => {
	await closeAllStores();
	await square.close();
});
beforeEach(() => control.reset());

const platforms = () => standalonePlatforms([sandboxAccount('square', square.baseUrl, square.credentials)], { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });

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
