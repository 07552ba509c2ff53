/**
 * Store customers kept in step through the sync capability (entity `contacts`) across the commerce
 * sandboxes and copied to the HubSpot sandbox: matched by email through the ID map, created where missing and never
 * twice (two runs at once, as a webhook delivered twice starts them, do the work once); consent travels as a store
 * gave it and is never granted where the source says no or says nothing; HubSpot's other contacts stay out of the stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { openSync, type SyncSummary } from '../../lib/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';
import { sandboxAccount } from '../support/standalone';

jest.setTimeout(60_000);

interface BigCommerceCustomer {
	id: number;
	email: string;
	first_name: string;
	last_name: string;
	accepts_product_review_abandoned_cart_emails: boolean;
}
interface WooCustomer {
	id: number;
	email: string;
	first_name: string;
	last_name: string;
}
interface HubSpotContact {
	properties: Record<string, string | null>;
}

let sandboxes: CommerceSandboxes;
let hubspotSandbox: RunningSandbox;
let hubspot: SandboxControl;
let folder: string;
let store: StateStore;
let run = 0;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	hubspotSandbox = await startSandbox('hubspot', { rateLimits: { enabled: false } });
	hubspot = new SandboxControl(hubspotSandbox.baseUrl);
	folder = mkdtempSync(join(tmpdir(), 'customers-sync-'));
});
afterAll(async () => {
	await sandboxes.close();
	await hubspotSandbox.close();
	rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
	await sandboxes.reset();
	await hubspot.reset();
	store = await openStore({ kind: 'sqlite', file: join(folder, `state-${++run}.sqlite`) }, allMigrations);
});
afterEach(() => closeAllStores());

const sync = (): Promise<SyncSummary> =>
	openSync({
		store,
		platforms: standalonePlatforms([...sandboxes.stores.map(commerceAccount), sandboxAccount('hubspot', hubspotSandbox.baseUrl, hubspotSandbox.credentials)], { retry: { maxAttempts: 2, baseDelayMs: 1 } }),
	}).syncCustomers([{ platform: 'woocommerce' }, { platform: 'bigcommerce' }], {
		crm: 'hubspot',
		integration: 'customers',
		strategy: { kind: 'lastWriteWins' },
		runId: `run-${Date.now()}-${Math.random()}`,
		exclusive: { pollMs: 20 },
	});

const bigCommerce = () => sandboxes.controls.bigcommerce.state<BigCommerceCustomer[]>('customers');
const woo = () => sandboxes.controls.woocommerce.state<WooCustomer[]>('customers');
const contacts = () => hubspot.state<HubSpotContact[]>('contacts');
const customerWrites = async (platform: 'woocommerce' | 'bigcommerce') =>
	(await sandboxes.controls[platform].requests()).filter((entry) => ['POST', 'PUT'].includes(entry.method) && /customers/.test(entry.path)).length;

test('customers reach the other store and the CRM once, matched by email; a CRM contact of the same email is updated, not doubled; a quiet run writes nothing', async () => {
	await sandboxes.controls.woocommerce.seed({ customers: [{ email: 'Ada@Example.com', first_name: 'Ada', last_name: 'Lovelace' }] });
	await sandboxes.controls.bigcommerce.seed({ customers: [{ email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper', accepts_product_review_abandoned_cart_emails: true }] });
	await hubspot.seed({ contacts: [{ properties: { email: 'grace@example.com', firstname: 'G.', lastname: 'Hopper' } }, { properties: { email: 'lead@example.com', firstname: 'Only', lastname: 'Lead' } }] });

	const first = await sync();
	expect(first.failures).toEqual([]);
	expect((await woo()).map((customer) => `${customer.email} ${customer.first_name}`).sort()).toEqual(['ada@example.com Ada', 'grace@example.com Grace']);
	expect((await bigCommerce()).map((customer) => `${customer.email} ${customer.first_name}`).sort()).toEqual(['ada@example.com Ada', 'grace@example.com Grace']);
	const byEmail = Object.fromEntries((await contacts()).map((contact) => [contact.properties.email, contact.properties.firstname]));
	// Grace's contact was matched by email and updated; the CRM's own lead did not become a store customer.
	expect(byEmail).toEqual({ 'ada@example.com': 'Ada', 'grace@example.com': 'Grace', 'lead@example.com': 'Only' });

	const writes = { woocommerce: await customerWrites('woocommerce'), bigcommerce: await customerWrites('bigcommerce') };
	const quiet = await sync();
	expect(Object.values(quiet.platforms).every((counts) => counts.created === 0 && counts.updated === 0 && counts.pulled === 0)).toBe(true);
	expect({ woocommerce: await customerWrites('woocommerce'), bigcommerce: await customerWrites('bigcommerce') }).toEqual(writes);
	expect(await contacts()).toHaveLength(3);
});

test('consent travels as the store gave it: a refusal stays a refusal, and a store that keeps none never grants it', async () => {
	await sandboxes.controls.bigcommerce.seed({
		customers: [
			{ email: 'yes@example.com', first_name: 'Yes', last_name: 'Please', accepts_product_review_abandoned_cart_emails: true },
			{ email: 'no@example.com', first_name: 'No', last_name: 'Thanks', accepts_product_review_abandoned_cart_emails: false },
		],
	});
	await sandboxes.controls.woocommerce.seed({ customers: [{ email: 'unknown@example.com', first_name: 'Never', last_name: 'Asked' }] });
	expect((await sync()).failures).toEqual([]);
	const consent = Object.fromEntries((await bigCommerce()).map((customer) => [customer.email, customer.accepts_product_review_abandoned_cart_emails]));
	expect(consent).toEqual({ 'yes@example.com': true, 'no@example.com': false, 'unknown@example.com': false });

	// The customer refuses later on BigCommerce: the refusal is kept, and no later run grants it back.
	const [yes] = (await bigCommerce()).filter((customer) => customer.email === 'yes@example.com');
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const refused = await fetch(`${sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!.baseUrl}/customers`, {
		method: 'PUT',
		headers: { 'X-Auth-Token': String(sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!.settings.accessToken), 'content-type': 'application/json' },
		body: JSON.stringify([{ id: yes.id, accepts_product_review_abandoned_cart_emails: false }]),
	});
	expect(refused.status).toBe(200);
	expect((await sync()).failures).toEqual([]);
	expect((await bigCommerce()).find((customer) => customer.email === 'yes@example.com')?.accepts_product_review_abandoned_cart_emails).toBe(false);
});

test('two runs at once (a webhook delivered twice) copy a new customer once: the second waits for the first and finds nothing left', async () => {
	await sync();
	await sandboxes.controls.woocommerce.seed({ customers: [{ email: 'twice@example.com', first_name: 'Twice', last_name: 'Delivered' }] });
	const [a, b] = await Promise.all([sync(), sync()]);
	expect([...a.failures, ...b.failures]).toEqual([]);
	expect(a.platforms.bigcommerce.created + b.platforms.bigcommerce.created).toBe(1);
	expect(a.platforms.hubspot.created + a.platforms.hubspot.updated + b.platforms.hubspot.created + b.platforms.hubspot.updated).toBe(1);
	expect((await bigCommerce()).filter((customer) => customer.email === 'twice@example.com')).toHaveLength(1);
	expect((await contacts()).filter((contact) => contact.properties.email === 'twice@example.com')).toHaveLength(1);
	expect((await sandboxes.controls.bigcommerce.requests()).filter((entry) => entry.method === 'POST' && /customers/.test(entry.path))).toHaveLength(1);
});

test('a customer without an email is refused naming the field, and the others still go', async () => {
	const connector = await openSync({ store, platforms: standalonePlatforms(sandboxes.stores.map(commerceAccount)) }).customerConnector({ platform: 'bigcommerce' });
	const outcomes = await connector.write('contacts', [{ fields: { email: 'not-an-email', firstName: 'X' } }, { fields: { email: 'ok@example.com', firstName: 'Ok', lastName: 'Fine', acceptsMarketing: 'yes' } }, { fields: { email: 'fine@example.com', firstName: 'Fine', lastName: 'Too' } }]);
	expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : `${outcome.error.code}: ${outcome.error.message}`))).toEqual([
		'INVALID_CUSTOMER: email must be an email address, got "not-an-email"',
		'INVALID_CUSTOMER: acceptsMarketing must be true or false, got "yes"',
		'ok',
	]);
	expect((await bigCommerce()).map((customer) => customer.email)).toEqual(['fine@example.com']);
});

test('Magento customers: the newsletter subscription is their consent, both ways; a quiet run writes nothing', async () => {
	const magento = sandboxes.controls.magento;
	await magento.seed({ customers: [{ email: 'news@example.com', firstname: 'Ann', lastname: 'Reader', extension_attributes: { is_subscribed: true } }] });
	await sandboxes.controls.bigcommerce.seed({ customers: [{ email: 'quiet@example.com', first_name: 'Bo', last_name: 'Silent', accepts_product_review_abandoned_cart_emails: false }] });
	const syncAll = () =>
		openSync({ store, platforms: standalonePlatforms([...sandboxes.stores.map(commerceAccount), sandboxAccount('hubspot', hubspotSandbox.baseUrl, hubspotSandbox.credentials)]) }).syncCustomers(
			[{ platform: 'magento' }, { platform: 'bigcommerce' }, { platform: 'woocommerce' }],
			{ crm: 'hubspot', integration: 'customers', strategy: { kind: 'lastWriteWins' }, runId: `run-${Math.random()}` },
		);
	expect((await syncAll()).failures).toEqual([]);
	const onMagento = await magento.state<Array<{ email: string; firstname: string; extension_attributes: { is_subscribed: boolean } }>>('customers');
	expect(onMagento.map((customer) => `${customer.email} ${customer.firstname} ${customer.extension_attributes.is_subscribed}`).sort()).toEqual(['news@example.com Ann true', 'quiet@example.com Bo false']);
	expect(Object.fromEntries((await bigCommerce()).map((customer) => [customer.email, customer.accepts_product_review_abandoned_cart_emails]))).toEqual({ 'news@example.com': true, 'quiet@example.com': false });
	const quiet = await syncAll();
	expect(Object.values(quiet.platforms).every((counts) => counts.created === 0 && counts.updated === 0 && counts.pulled === 0)).toBe(true);
});

test('Shopify customers: a customer created on Shopify appears once in the CRM and on the other stores; a subscription is the consent, both ways; a quiet run writes nothing', async () => {
	const shopify = sandboxes.controls.shopify;
	interface ShopifyCustomer { email: string; firstName: string; emailMarketingConsent: { marketingState: string } | null }
	await shopify.seed({ customers: [{ email: 'Shop@Example.com', firstName: 'Sho', lastName: 'Pper', phone: '+14155550123', marketingState: 'SUBSCRIBED' }, { email: 'pending@example.com', firstName: 'Pen', lastName: 'Ding', marketingState: 'PENDING' }] });
	await sandboxes.controls.bigcommerce.seed({ customers: [{ email: 'big@example.com', first_name: 'Big', last_name: 'Buyer', accepts_product_review_abandoned_cart_emails: true }] });
	await sandboxes.controls.woocommerce.seed({ customers: [{ email: 'woo@example.com', first_name: 'Woo', last_name: 'Never Asked' }] });
	const syncAll = () =>
		openSync({ store, platforms: standalonePlatforms([...sandboxes.stores.map(commerceAccount), sandboxAccount('hubspot', hubspotSandbox.baseUrl, hubspotSandbox.credentials)]) }).syncCustomers(
			[{ platform: 'shopify' }, { platform: 'bigcommerce' }, { platform: 'woocommerce' }],
			{ crm: 'hubspot', integration: 'customers', strategy: { kind: 'lastWriteWins' }, runId: `run-${Math.random()}`, exclusive: { pollMs: 20 } },
		);
	const onShopify = async () => Object.fromEntries((await shopify.state<ShopifyCustomer[]>('customers')).map((customer) => [customer.email, `${customer.firstName} ${customer.emailMarketingConsent?.marketingState}`]));

	const first = await syncAll();
	expect(first.failures).toEqual([]);
	const everyone = ['big@example.com', 'pending@example.com', 'shop@example.com', 'woo@example.com'];
	expect((await contacts()).map((contact) => contact.properties.email).sort()).toEqual(everyone);
	expect(Object.fromEntries((await contacts()).map((contact) => [contact.properties.email, contact.properties.phone ?? '']))['shop@example.com']).toBe('+14155550123');
	// Only a subscription grants: pending confirmation travels as a no, and a store that keeps no consent never grants.
	expect(Object.fromEntries((await bigCommerce()).map((customer) => [customer.email, customer.accepts_product_review_abandoned_cart_emails]))).toEqual({
		'big@example.com': true, 'pending@example.com': false, 'shop@example.com': true, 'woo@example.com': false,
	});
	expect(await onShopify()).toEqual({ 'big@example.com': 'Big SUBSCRIBED', 'pending@example.com': 'Pen PENDING', 'shop@example.com': 'Sho SUBSCRIBED', 'woo@example.com': 'Woo NOT_SUBSCRIBED' });
	expect((await woo()).map((customer) => customer.email).sort()).toEqual(everyone);

	// Big withdraws on BigCommerce and is renamed: Shopify takes the name by customerUpdate and the withdrawal by its consent mutation.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const [big] = (await bigCommerce()).filter((customer) => customer.email === 'big@example.com');
	const bigStore = sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!;
	const withdrawn = await fetch(`${bigStore.baseUrl}/customers`, {
		method: 'PUT',
		headers: { 'X-Auth-Token': String(bigStore.settings.accessToken), 'content-type': 'application/json' },
		body: JSON.stringify([{ id: big.id, first_name: 'Bigger', accepts_product_review_abandoned_cart_emails: false }]),
	});
	expect(withdrawn.status).toBe(200);
	await shopify.clearRequests();
	const edit = await syncAll();
	expect(edit.failures).toEqual([]);
	expect((await onShopify())['big@example.com']).toBe('Bigger UNSUBSCRIBED');
	const mutations = (await shopify.requests()).map((entry) => /mutation (\w+)/.exec(String((entry.body as { query?: string } | undefined)?.query ?? ''))?.[1]).filter(Boolean);
	expect(mutations).toEqual(['Update', 'Consent']);

	const quiet = await syncAll();
	expect(Object.values(quiet.platforms).every((counts) => counts.created === 0 && counts.updated === 0 && counts.pulled === 0)).toBe(true);
	expect((await contacts()).filter((contact) => contact.properties.email === 'shop@example.com')).toHaveLength(1);
});
