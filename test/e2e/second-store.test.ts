/**
 * A second store of one platform in the real n8n: the BigCommerce Second Store credential type is offered by the
 * package, created through n8n's API, and Inventory Fan-out changes stock on both BigCommerce stores (two sandboxes)
 * once for an order placed on WooCommerce.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(600_000);

const bigCommerce = fixtureOf(inventoryFixtures, 'bigcommerce', 'inventory');

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let second: RunningSandbox;
let secondControl: SandboxControl;
let packageTarball: string;
let workflowId: string;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	second = await startSandbox('bigcommerce');
	secondControl = new SandboxControl(second.baseUrl);
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	const woocommerce = sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!;
	const first = sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!;
	const ids = {
		integrationWooCommerceApi: await n8n.createCredential('integrationWooCommerceApi', 'WooCommerce Store', { consumerKey: woocommerce.settings.consumerKey, consumerSecret: woocommerce.settings.consumerSecret, baseUrl: woocommerce.baseUrl }),
		integrationBigCommerceApi: await n8n.createCredential('integrationBigCommerceApi', 'BigCommerce EU', { accessToken: first.settings.accessToken, locationId: 1, baseUrl: first.baseUrl }),
		integrationBigCommerceSecondStoreApi: await n8n.createCredential('integrationBigCommerceSecondStoreApi', 'BigCommerce US', { accessToken: second.credentials.accessToken, locationId: 1, baseUrl: bigCommerce.apiBase(second) }),
	};
	workflowId = await n8n.importWorkflow(
		{
			name: 'Second store',
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					name: 'Fan Out',
					type: 'n8n-nodes-integration-automation.inventoryFanOut',
					typeVersion: 1,
					position: [260, 0],
					parameters: { operation: 'apply', stores: ['woocommerce', 'bigcommerce', 'bigcommerce-2'], kind: 'sale', orderId: 'w-9', sourceStore: 'woocommerce', lines: '={{ [{ "lineId": "1", "sku": "E2E-TWO", "quantity": 3 }] }}' },
					credentials: {
						integrationWooCommerceApi: { id: '', name: 'WooCommerce account' },
						integrationBigCommerceApi: { id: '', name: 'BigCommerce account' },
						integrationBigCommerceSecondStoreApi: { id: '', name: 'BigCommerce second store' },
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Fan Out', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
		{ credentials: ids },
	);
	await bigCommerce.seed(sandboxes.controls.bigcommerce, ['E2E-TWO'], 10);
	await bigCommerce.seed(secondControl, ['E2E-TWO'], 10);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await sandboxes?.close();
	await second?.close();
});

test('an order on WooCommerce changes both BigCommerce stores once, each through its own credential', async () => {
	const run = await n8n.runManual(workflowId, 'Start');
	expect(run.status).toBe('success');
	expect((run.outputs['Fan Out']?.[0] ?? []).map((item) => `${item.json.store} ${item.json.newQuantity}`).sort()).toEqual(['bigcommerce 7', 'bigcommerce-2 7']);
	const again = await n8n.runManual(workflowId, 'Start');
	expect(again.status).toBe('success');
	expect(await bigCommerce.quantity(sandboxes.controls.bigcommerce, 'E2E-TWO')).toBe(7);
	expect(await bigCommerce.quantity(secondControl, 'E2E-TWO')).toBe(7);
});
