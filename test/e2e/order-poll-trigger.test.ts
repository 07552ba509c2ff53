/**
 * The Order Poll Trigger in the real n8n against the Magento sandbox, polling every minute. A manual test run with
 * nothing new shows the latest orders as a sample; publishing from Now replays none of the orders already there; an
 * order placed afterwards starts exactly one execution carrying it, and the next poll, which reads it again (Magento's
 * filter is "updated at or after"), starts none.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const trigger = 'Order Poll Trigger';
let n8n: N8nServer;
let magento: RunningSandbox;
let control: SandboxControl;
let tarball: string;
let credentialId: string;

interface OrderItem {
	orderId: string;
	sourceStore: string;
	lines: Array<{ lineId: string; sku: string; quantity: number }>;
	customerEmail?: string;
	total?: string;
	createdAt?: string;
	order: { entity_id?: number };
}

const orderItems = (execution: { outputs: Record<string, unknown[][]> }) => ((execution.outputs[trigger]?.[0] ?? []) as Array<{ json: OrderItem }>).map((item) => item.json);
const orderSearches = async () => (await control.requests()).filter((entry) => entry.method === 'GET' && entry.path.endsWith('/V1/orders')).length;

/** The executions polls started (the manual test run is left out). */
const polled = async (workflowId: string) => (await n8n.executions(workflowId)).filter((execution) => execution.mode !== 'manual');

async function placeOrder(email: string, sku: string, qty: number): Promise<void> {
	await control.seed({ orders: [{ customer_email: email, items: [{ sku, qty, price: 12.5 }] }] });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`${what} did not happen within ${timeoutMs / 1000}s`);
}

beforeAll(async () => {
	magento = await startSandbox('magento');
	control = new SandboxControl(magento.baseUrl);
	await control.seed({ sourceItems: [{ sku: 'TEE-M', quantity: 100 }, { sku: 'MUG', quantity: 100 }] });
	await placeOrder('before@example.com', 'MUG', 1);
	tarball = await packPackage();
	n8n = await startN8n({ packageTarball: tarball });
	credentialId = await n8n.createCredential('integrationMagentoApi', 'Magento', {
		accessToken: magento.credentials.accessToken,
		sourceCode: magento.credentials.sourceCode,
		baseUrl: `${magento.baseUrl}/rest/default`,
	});
});

afterAll(async () => {
	await n8n?.stop();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	await magento?.close();
});

it('from Now: a manual test shows a sample, publishing replays nothing, a new order starts one execution and the next poll none', async () => {
	const workflowId = await n8n.importWorkflow({
		name: 'Magento orders by polling',
		nodes: [
			{
				name: trigger,
				type: `${pkg}.orderPollTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, platform: 'magento', event: 'createdOrUpdated' },
				credentials: { integrationMagentoApi: { id: credentialId, name: 'Magento' } },
			},
		],
		connections: {},
	});

	// Nothing new since Now: the test run shows the order already there, so fields can be mapped.
	const manual = await n8n.runManual(workflowId, trigger);
	expect(manual.status).toBe('success');
	expect(orderItems(manual).map((order) => order.customerEmail)).toEqual(['before@example.com']);

	const searchesBefore = await orderSearches();
	await n8n.activate(workflowId);
	// Up to 120 s: on a loaded machine n8n's first poll after publishing comes late.
	await until(async () => (await orderSearches()) > searchesBefore, 120_000, 'the first poll on publishing');
	expect(await polled(workflowId)).toEqual([]);

	await placeOrder('buyer@example.com', 'TEE-M', 2);
	// Polls run on the minute; in queue mode the poll's execution then waits for a worker, which on a loaded machine
	// can take longer than the rest of the minute: allow two polls.
	const first = await n8n.waitForExecution(workflowId, (execution) => execution.mode !== 'manual', 150_000);
	const items = orderItems(first);
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({
		sourceStore: 'magento',
		customerEmail: 'buyer@example.com',
		total: '25',
		lines: [{ sku: 'TEE-M', quantity: 2, lineId: expect.any(String) }],
	});
	expect(items[0].orderId).toMatch(/^\d+$/);
	expect(items[0].order.entity_id).toEqual(expect.any(Number));
	expect(Date.parse(items[0].createdAt ?? '')).not.toBeNaN();

	// The next poll reads the same order again (updated at or after the cursor) and starts nothing.
	const searchesAfterFirst = await orderSearches();
	// Polls run on the minute; a loaded machine delays one: 150 s.
	await until(async () => (await orderSearches()) > searchesAfterFirst, 150_000, 'the next poll');
	// Give n8n the moment to save an execution that poll would have started.
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	expect(await polled(workflowId)).toHaveLength(1);
	await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
});
