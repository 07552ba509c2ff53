/**
 * One Order Trigger on a Shopify Stores credential (two shops, `us` and `eu`, each a sandbox of its own) in the real n8n:
 * n8n's credential test, through the node's test of every listed shop, names the shop whose token is wrong; publishing
 * registers the trigger's one webhook URL on both shops; an order on either shop, delivered twice, starts one execution
 * carrying that shop's store id; unpublishing deletes the webhook on both.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { shopifyStoreEntry } from '../sandbox/shopify/inventoryFixture';
import { waitFor } from '../harness/vendorTrigger';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const trigger = 'Order Trigger';
const shopify = fixtureOf(inventoryFixtures, 'shopify', 'inventory');
/** Executions wait for a busy worker in queue mode on a loaded machine: wait for them generously. */
const executionTimeoutMs = 150_000;

let n8n: N8nServer;
let us: RunningSandbox;
let eu: RunningSandbox;
let tarball: string;
let listId: string;
let workflowId: string;


beforeAll(async () => {
	[us, eu] = await Promise.all([startSandbox('shopify'), startSandbox('shopify')]);
	tarball = await packPackage();
	n8n = await startN8n({ packageTarball: tarball });
	listId = await n8n.createCredential('integrationShopifyStoresApi', 'Shopify shops', { stores: { store: [shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu)] } });
	await Promise.all([us, eu].map((sandbox) => shopify.seed(new SandboxControl(sandbox.baseUrl), ['TEE'], 10)));
});

afterAll(async () => {
	await n8n?.stop();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	await Promise.allSettled([us, eu].map((sandbox) => sandbox?.close()));
});

const hooksOn = async (sandbox: RunningSandbox) =>
	(await new SandboxControl(sandbox.baseUrl).state<Array<{ topic: string; address: string }>>('webhooks')).filter((hook) => hook.address.startsWith(n8n.webhookBaseUrl));

/** An order placed on the shop, which the shop delivers twice: both answered 200 (or still in n8n's hands). */
async function orderOn(sandbox: RunningSandbox, email: string): Promise<void> {
	const control = new SandboxControl(sandbox.baseUrl);
	await control.updateSettings({ duplicateWebhooks: true });
	const response = await fetch(`${shopify.apiBase(sandbox)}/orders.json`, {
		method: 'POST',
		headers: { 'X-Shopify-Access-Token': sandbox.credentials.accessToken, 'content-type': 'application/json' },
		body: JSON.stringify({ order: { email, line_items: [{ sku: 'TEE', quantity: 1, price: '10.00' }] } }),
	});
	expect(response.status).toBe(201);
	const [hook] = await hooksOn(sandbox);
	const deliveries = await waitFor('both deliveries of the order', async () => (await control.webhooks()).deliveries.filter((delivery) => delivery.url === hook.address && delivery.body.includes(email)), (found) => found.length === 2, executionTimeoutMs);
	// A delivery the sandbox stopped waiting for (n8n busy on a loaded machine) has no status; none is refused.
	expect(deliveries.filter((delivery) => delivery.status !== null).map((delivery) => delivery.status)).toEqual(deliveries.filter((delivery) => delivery.status !== null).map(() => 200));
}

test("n8n's credential test checks every listed shop and names the one whose token is wrong, without the token", async () => {
	const wrong = 'shpat_token_of_another_shop';
	const data = { stores: { store: [shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu, { accessToken: wrong })] } };
	const id = await n8n.createCredential('integrationShopifyStoresApi', 'Shopify shops, EU token wrong', data);
	const response = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
		method: 'POST',
		headers: { cookie: n8n.cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ credentials: { id, name: 'Shopify shops, EU token wrong', type: 'integrationShopifyStoresApi', data } }),
	});
	expect(response.status).toBe(200);
	const body = (await response.json()) as { data: { status: string; message: string } };
	expect(body.data).toEqual({ status: 'Error', message: "Store 'eu': 401 Unauthorized" });
});

test('publishing registers the one webhook URL on both listed shops', async () => {
	workflowId = await n8n.importWorkflow({
		name: 'Orders of two shops',
		nodes: [
			{
				name: trigger,
				type: `${pkg}.orderTrigger`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: 'orders-of-two-shops',
				parameters: { platform: 'shopify-list', event: 'created' },
				credentials: { integrationShopifyStoresApi: { id: listId, name: 'Shopify shops' } },
			},
		],
		connections: {},
	});
	await n8n.activate(workflowId);
	const [onUs, onEu] = await Promise.all([hooksOn(us), hooksOn(eu)]);
	expect([onUs.map((hook) => hook.topic), onEu.map((hook) => hook.topic)]).toEqual([['orders/create'], ['orders/create']]);
	expect(onUs[0].address).toBe(onEu[0].address);
});

test("an order on either shop, delivered twice, starts one execution carrying that shop's store id", async () => {
	await orderOn(us, 'us-buyer@example.com');
	await orderOn(eu, 'eu-buyer@example.com');
	const runs = await waitFor('two order executions', async () => (await n8n.executions(workflowId)).filter((run) => run.mode === 'webhook'), (found) => found.length >= 2 && found.every((run) => run.finished || run.status === 'error'), executionTimeoutMs);
	// Give n8n the moment to save an execution a repeated delivery would have started.
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	expect(await n8n.executions(workflowId)).toHaveLength(2);
	const items = await Promise.all(
		runs.map(async (run) => {
			const execution = await n8n.waitForExecution(workflowId, (candidate) => candidate.id === run.id, executionTimeoutMs);
			return (execution.outputs[trigger]?.[0]?.[0] as { json: { sourceStore: string; platform: string; order: { email: string } } }).json;
		}),
	);
	expect(items.map((item) => `${item.platform} ${item.sourceStore} ${item.order.email}`).sort()).toEqual(['shopify shopify@eu eu-buyer@example.com', 'shopify shopify@us us-buyer@example.com']);
});

test('unpublishing deletes the webhook on both shops', async () => {
	await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	await waitFor('webhooks left after unpublishing', async () => [...(await hooksOn(us)), ...(await hooksOn(eu))], (hooks) => hooks.length === 0);
});
