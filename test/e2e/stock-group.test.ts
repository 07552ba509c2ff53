/**
 * A stock group in the real n8n: three Shopify shops (three sandboxes) over two Inventory Fan-out nodes sharing one
 * Stock Group and the default state store. Node A holds the first shop (the order's own) and the second; node B,
 * labelled `b`, the third shop on its own Shopify credential. Each node joins the group on a report-only Reconcile; an
 * order then changes every other shop once, whichever node writes it and however often the delivery comes.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';

jest.setTimeout(600_000);

const shopify = fixtureOf(inventoryFixtures, 'shopify', 'inventory');
const fanOutType = 'n8n-nodes-integration-automation.inventoryFanOut';

let n8n: N8nServer;
let shops: RunningSandbox[];
let packageTarball: string;
let joinId: string;
let orderId: string;

const shopCredential = (shop: RunningSandbox) => ({ accessToken: shop.credentials.accessToken, locationId: shop.credentials.locationId, baseUrl: shopify.apiBase(shop) });

/** Start → node A → node B (once, whatever A passes on), both with `parameters` and the group's settings. */
function twoNodes(name: string, parameters: Record<string, unknown>) {
	const group = { stockGroup: 'shops' };
	return {
		name,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'Node A',
				type: fanOutType,
				typeVersion: 1,
				position: [260, 0],
				alwaysOutputData: true,
				parameters: { ...parameters, ...group, stores: ['shopify', 'shopify-2'] },
				credentials: { integrationShopifyApi: { id: '', name: 'Shop 1' }, integrationShopifySecondStoreApi: { id: '', name: 'Shop 2' } },
			},
			{
				name: 'Node B',
				type: fanOutType,
				typeVersion: 1,
				position: [520, 0],
				executeOnce: true,
				parameters: { ...parameters, ...group, storeLabel: 'b', stores: ['shopify'] },
				credentials: { integrationShopifyApi: { id: '', name: 'Shop 3' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Node A', type: 'main', index: 0 }]] }, 'Node A': { main: [[{ node: 'Node B', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

beforeAll(async () => {
	shops = await Promise.all([1, 2, 3].map(() => startSandbox('shopify')));
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	const ids = {
		'integrationShopifyApi:Shop 1': await n8n.createCredential('integrationShopifyApi', 'Shop 1', shopCredential(shops[0])),
		'integrationShopifySecondStoreApi:Shop 2': await n8n.createCredential('integrationShopifySecondStoreApi', 'Shop 2', shopCredential(shops[1])),
		'integrationShopifyApi:Shop 3': await n8n.createCredential('integrationShopifyApi', 'Shop 3', shopCredential(shops[2])),
	};
	joinId = await n8n.importWorkflow(twoNodes('Join the stock group', { operation: 'reconcile', skus: 'E2E-GROUP', correct: false, baselineStore: '' }), { credentials: ids });
	orderId = await n8n.importWorkflow(
		twoNodes('Order on shop 1', {
			operation: 'apply',
			kind: 'sale',
			orderId: '5001',
			sourceStore: 'shopify',
			deliveryId: 'shop1-delivery-5001',
			lines: '={{ [{ "lineId": "1", "sku": "E2E-GROUP", "quantity": 4 }] }}',
		}),
		{ credentials: ids },
	);
	await Promise.all(shops.map((shop) => shopify.seed(new SandboxControl(shop.baseUrl), ['E2E-GROUP'], 10)));
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await Promise.all((shops ?? []).map((shop) => shop.close()));
});

const quantities = () => Promise.all(shops.map((shop) => shopify.quantity(new SandboxControl(shop.baseUrl), 'E2E-GROUP')));

test('an order on one shop changes the two other shops of the group once, each through the node that holds it', async () => {
	const joined = await n8n.runManual(joinId, 'Start');
	expect(joined.status).toBe('success');
	expect((joined.outputs['Node B']?.[1] ?? []).map((item) => `${item.json.store} ${item.json.status}`)).toEqual(['shopify@b no_baseline']);

	const first = await n8n.runManual(orderId, 'Start');
	expect(first.status).toBe('success');
	expect((first.outputs['Node A']?.[0] ?? []).map((item) => `${item.json.store} ${item.json.newQuantity}`)).toEqual(['shopify-2 6']);
	// The same delivery through node B: the third shop was owed the order from the start.
	expect((first.outputs['Node B']?.[0] ?? []).map((item) => `${item.json.store ?? 'delivery'} ${item.json.newQuantity ?? item.json.duplicateDelivery}`).sort()).toEqual([
		'delivery true',
		'shopify@b 6',
	]);
	const again = await n8n.runManual(orderId, 'Start');
	expect(again.status).toBe('success');
	expect(await quantities()).toEqual([10, 6, 6]);
});
