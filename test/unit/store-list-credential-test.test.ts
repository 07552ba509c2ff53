/**
 * A store list credential's test checks every listed store with its platform credential's own test request and names
 * each failing store by its label, never showing a secret. n8n's declarative `test` makes one request (it checked the
 * first store only), and n8n prefers a credential's `test` to a node's, so the list types declare none and every node
 * slot of a list type is tested by the node (`testedBy`).
 */
import path from 'node:path';
import type { ICredentialTestFunctions, ICredentialType, INodeCredentialTestResult, INodeType } from 'n8n-workflow';

import { platformCatalog } from '../../lib/platforms/catalog';
import { integrationStoreListTest, STORE_LIST_TEST } from '../../nodes/shared/storeListCredentialTest';
import { readManifest } from '../harness/build';
import { repoRoot } from '../harness/paths';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { shopifyStoreEntry } from '../sandbox/shopify/inventoryFixture';

jest.setTimeout(60_000);

const shopify = fixtureOf(inventoryFixtures, 'shopify', 'inventory');
let us: RunningSandbox;
let eu: RunningSandbox;

beforeAll(async () => {
	[us, eu] = await Promise.all([startSandbox('shopify'), startSandbox('shopify')]);
});
afterAll(async () => {
	await Promise.all([us, eu].map((sandbox) => sandbox?.close()));
});

/** n8n's `request` helper as a credential test gets it: request-style options, the full response when asked. */
const requestHelper: ICredentialTestFunctions['helpers']['request'] = async (options: string | object) => {
	const { method, uri, qs, headers, body } = options as { method: string; uri: string; qs?: Record<string, string>; headers?: Record<string, string>; body?: unknown };
	const url = new URL(uri);
	for (const [name, value] of Object.entries(qs ?? {})) url.searchParams.set(name, String(value));
	const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await response.text();
	return { statusCode: response.status, statusMessage: response.statusText, headers: Object.fromEntries(response.headers), body: text ? (JSON.parse(text) as unknown) : undefined };
};

const testCredential = (type: string, stores: unknown[]): Promise<INodeCredentialTestResult> =>
	integrationStoreListTest.call({ logger: console, helpers: { request: requestHelper } } as unknown as ICredentialTestFunctions, { id: 'c', name: 'stores', type, data: { stores: { store: stores } } } as never);


test('every listed store answering: OK, naming them', async () => {
	expect(await testCredential('integrationShopifyStoresApi', [shopifyStoreEntry('US', us), shopifyStoreEntry('EU', eu)])).toEqual({ status: 'OK', message: 'Every store answered (US, EU)' });
});

test('a store after the first whose token is wrong (a secret restored onto the wrong store) fails, named by its label, its token not shown', async () => {
	const wrong = 'shpat_token_of_another_shop';
	const result = await testCredential('integrationShopifyStoresApi', [shopifyStoreEntry('US', us), shopifyStoreEntry('EU', eu, { accessToken: wrong })]);
	expect(result).toEqual({ status: 'Error', message: "Store 'EU': 401 Unauthorized" });
});

test('every failing store is named, an unreachable one with why, no secret in the message', async () => {
	const closed = await startSandbox('shopify');
	const unreachable = shopify.apiBase(closed);
	await closed.close();
	const wrong = 'shpat_token_of_another_shop';
	const result = await testCredential('integrationShopifyStoresApi', [shopifyStoreEntry('', us, { accessToken: wrong }), shopifyStoreEntry('US', us), shopifyStoreEntry('Gone', us, { baseUrl: unreachable })]);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/^Store 'shopify': 401 Unauthorized; Store 'Gone': .+/);
	expect(result.message).not.toContain('US');
	for (const secret of [wrong, us.credentials.accessToken, us.credentials.webhookSecret]) expect(result.message).not.toContain(secret);
});

test('a list that cannot be used is refused naming the entry and field, before any request', async () => {
	expect(await testCredential('integrationShopifyStoresApi', [shopifyStoreEntry('US', us), shopifyStoreEntry('EU', eu, { accessToken: '' })])).toEqual({ status: 'Error', message: 'stores[1].accessToken is empty' });
	expect(await testCredential('integrationShopifyStoresApi', [shopifyStoreEntry('US', us), shopifyStoreEntry('US', eu)])).toEqual({ status: 'Error', message: 'stores[1].label "US" is also stores[0]\'s: each store needs a label of its own' });
});

/** Every node and credential type of the package, as package.json lists them. */
function packageTypes<T>(kind: 'nodes' | 'credentials'): T[] {
	return (readManifest().n8n[kind] ?? []).map((file) => {
		const exported = require(path.join(repoRoot, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))) as Record<string, new () => T>;
		return new (Object.values(exported)[0])();
	});
}

test('the list credential types declare no test of their own, and every node slot of one is tested by the node', () => {
	const listTypes = platformCatalog.flatMap((definition) => (definition.credentials.storeList ? [definition.credentials.storeList.type] : []));
	expect(listTypes.length).toBeGreaterThan(1);
	for (const credential of packageTypes<ICredentialType>('credentials').filter((type) => listTypes.includes(type.name))) expect({ [credential.name]: credential.test }).toEqual({ [credential.name]: undefined });
	const slots = packageTypes<INodeType>('nodes').flatMap((node) =>
		(node.description.credentials ?? []).filter((slot) => listTypes.includes(slot.name)).map((slot) => ({ node: node.description.name, slot: slot.name, testedBy: slot.testedBy, tests: typeof node.methods?.credentialTest?.[STORE_LIST_TEST] })),
	);
	expect([...new Set(slots.map((slot) => slot.node))].sort()).toEqual(['inventoryFanOut', 'orderPollTrigger', 'orderTrigger']);
	for (const slot of slots) expect(slot).toEqual({ ...slot, testedBy: STORE_LIST_TEST, tests: 'function' });
});
