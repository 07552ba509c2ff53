/**
 * The batch-posting template (workflows/accounting-batch-posting.json) in the real n8n against the Xero sandbox, as a
 * user runs it: orders POSTed to its webhook with the caller key, one execution each (one delivered twice, one invalid),
 * are answered queued and send nothing to Xero; its 5-minute schedule, run from the REST API as the editor's button
 * does, posts one PAID invoice per order in one PUT of invoices and one of payments, and meters each entry once at
 * $0.25 in namespace `accounting`; a second scheduled run posts and meters nothing, and an order delivered again once
 * posted is answered with its invoice.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, withCallerKey, type TemplateServices } from '../harness/templateServices';
import { usageWorkflow } from '../harness/usage';
import type { WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { xeroCredential } from '../support/accounting';

jest.setTimeout(600_000);

const schedule = 'Every 5 Minutes';

let n8n: N8nServer;
let xero: RunningSandbox;
let control: SandboxControl;
let services: TemplateServices;
let workflowId: string;
let usageId: string;

beforeAll(async () => {
	xero = await startSandbox('xero');
	control = new SandboxControl(xero.baseUrl);
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	const ids = { ...services.credentialIds, integrationXeroOAuth2Api: await n8n.createCredential('integrationXeroOAuth2Api', 'Xero sandbox', xeroCredential(xero)) };
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'accounting-batch-posting.json'), 'utf8')) as WorkflowJson;
	workflowId = await n8n.importWorkflow(template, { credentials: ids });
	await n8n.activate(workflowId);
	// What the user opens to see the month's accounting usage, priced with the Accounting preset ($0.25 a transaction).
	usageId = await n8n.importWorkflow(usageWorkflow('accounting', 'demo', 'accounting'));
});

afterAll(async () => {
	await n8n?.stop();
	await services?.close();
	await xero?.close();
});

const order = (orderId: string, extra: Record<string, unknown> = {}) => ({
	orderId,
	currency: 'USD',
	email: `${orderId}@example.com`,
	name: `Buyer ${orderId}`,
	lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }],
	shipping: '4.00',
	...extra,
});

const invoicePuts = async () => (await control.requests()).filter((entry) => entry.method === 'PUT' && /\/(Invoices|Payments)$/.test(entry.path));

/** The accounting transactions metered this month, and what they run up at the Accounting price. */
async function accountingUsage(): Promise<{ transactions?: number; charge: string }> {
	const run = await n8n.runManual(usageId);
	expect(run.status).toBe('success');
	const json = run.outputs.Usage[0][0].json as { meters: Record<string, { quantity: number }>; runningCharge: { amount: string } };
	return { transactions: json.meters.transactions?.quantity, charge: json.runningCharge.amount };
}

/**
 * The template is published, so its schedule also fires on the clock (every fifth minute, at a second n8n derives from
 * the node: anywhere in the span's first minute): start the deliveries past that minute and at least 2.5 minutes before
 * the next span, so the run from the REST API is the one that finds the queue full (on a loaded machine, in queue mode
 * each delivery waiting for a worker, the deliveries and that run take minutes).
 */
async function awayFromTheSchedule(): Promise<void> {
	const intoSpan = Date.now() % 300_000;
	if (intoSpan < 62_000) await new Promise((resolve) => setTimeout(resolve, 62_000 - intoSpan));
	else if (intoSpan > 150_000) await new Promise((resolve) => setTimeout(resolve, 300_000 - intoSpan + 62_000));
}

test('orders queued one execution each are posted by the scheduled run: one paid invoice per sale, each metered once at $0.25', async () => {
	await awayFromTheSchedule();
	const ids = ['e2e-b-1', 'e2e-b-2', 'e2e-b-3', 'e2e-b-2', 'e2e-b-4'];
	const answers = [];
	for (const id of ids) answers.push(await n8n.callWebhook('accounting/sales', withCallerKey({ body: order(id) })));
	expect(answers.map((answer) => [answer.status, (answer.body as { queued?: boolean }).queued, (answer.body as { alreadyQueued?: boolean }).alreadyQueued])).toEqual([
		[202, true, false],
		[202, true, false],
		[202, true, false],
		[202, true, true],
		[202, true, false],
	]);
	const invalid = await n8n.callWebhook('accounting/sales', withCallerKey({ body: order('e2e-b-5', { lines: [{ description: 'Mug', unitPrice: '1.001' }] }) }));
	expect(invalid.status).toBe(422);
	expect(JSON.stringify(invalid.body)).toMatch(/unitPrice/);
	expect((await n8n.callWebhook('accounting/sales', { body: order('e2e-b-6') })).status).toBe(403);
	expect(await invoicePuts()).toHaveLength(0);

	const flushed = await n8n.runManual(workflowId, schedule);
	expect(flushed.status).toBe('success');
	expect(flushed.outputs['Post Queued Entries'][0].map((item) => item.json.sourceId).sort()).toEqual(['e2e-b-1', 'e2e-b-2', 'e2e-b-3', 'e2e-b-4']);
	const invoices = await control.state<Array<{ InvoiceNumber: string; Status: string; Total: number }>>('invoices');
	expect(invoices.map((invoice) => invoice.InvoiceNumber).sort()).toEqual(['e2e-b-1', 'e2e-b-2', 'e2e-b-3', 'e2e-b-4']);
	expect(invoices.every((invoice) => invoice.Status === 'PAID' && invoice.Total === 43.98)).toBe(true);
	expect(await control.state<unknown[]>('payments')).toHaveLength(4);
	expect((await invoicePuts()).map((entry) => entry.path.split('/').at(-1))).toEqual(['Invoices', 'Payments']);
	expect(await accountingUsage()).toEqual({ transactions: 4, charge: '1.00' });

	// The next scheduled run finds nothing queued: nothing posted, nothing metered again.
	const quiet = await n8n.runManual(workflowId, schedule);
	expect(quiet.status).toBe('success');
	expect(quiet.outputs['Post Queued Entries']?.[0] ?? []).toEqual([]);
	expect(await control.state<unknown[]>('invoices')).toHaveLength(4);
	expect(await accountingUsage()).toEqual({ transactions: 4, charge: '1.00' });

	// Delivered again once posted: answered with its invoice, and not queued again.
	const again = await n8n.callWebhook('accounting/sales', withCallerKey({ body: order('e2e-b-3') }));
	expect(again).toMatchObject({ status: 200, body: { sourceId: 'e2e-b-3', replayed: true, externalType: 'ACCREC' } });
	expect(await control.state<unknown[]>('invoices')).toHaveLength(4);
});
