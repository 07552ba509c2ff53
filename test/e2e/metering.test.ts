/**
 * The Usage Meter in the real n8n: the record template published as a webhook, the same usage delivered twice and
 * counted once, each answered 200 (a call without the caller key refused, counting nothing); invalid usage answered
 * 422 with the reason, counting nothing; a crossed quota emailed; the monthly invoice-preview template, its schedule
 * fired through the REST API, prices last month under each plan the customers buy (the Usage Meter's presets, checked
 * against the price list by hand) and emails each preview.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DateTime } from 'luxon';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, withCallerKey, type TemplateServices } from '../harness/templateServices';
import type { WorkflowJson } from '../harness/workflowJson';

jest.setTimeout(600_000);

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
const lastMonth = DateTime.utc().minus({ months: 1 }).set({ day: 12, hour: 9 }).toISO();

let n8n: N8nServer;
let services: TemplateServices;
let recordWorkflowId: string;

beforeAll(async () => {
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	recordWorkflowId = await n8n.importWorkflow(template('usage-record-webhook.json'), { credentials: services.credentialIds });
	await n8n.activate(recordWorkflowId);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
});

async function meterOnN8nStore(): Promise<UsageMeter> {
	const store = await openStore(n8n.stateStore, allMigrations);
	return new UsageMeter({ db: store.db, namespace: 'demo' });
}

test('usage recorded through the workflow twice is counted once, and the item passes through unchanged', async () => {
	const usage = [
		{ eventId: 'e2e-sync-1', customerId: 'acme', quantity: 12_000, timestamp: lastMonth },
		{ eventId: 'e2e-tx-1', customerId: 'acme', meter: 'transactions', amount: '250.00', timestamp: lastMonth },
		{ eventId: 'e2e-ev-1', customerId: 'globex', meter: 'events', quantity: 30_000, timestamp: lastMonth },
	];
	for (let run = 0; run < 2; run++) {
		for (const body of usage) {
			expect(await n8n.callWebhook('usage/record', withCallerKey({ body }))).toEqual({ status: 200, body: { recorded: true, eventId: body.eventId } });
		}
	}
	// The answer comes from Respond to Webhook, before the execution ends: wait for all six to be saved (up to 120 s:
	// the runs end late on a loaded machine, and in queue mode wait for a worker).
	let executions = await n8n.executions(recordWorkflowId);
	for (const deadline = Date.now() + 120_000; executions.filter((execution) => execution.finished).length < 6 && Date.now() < deadline; ) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		executions = await n8n.executions(recordWorkflowId);
	}
	expect(executions.filter((execution) => execution.status === 'success')).toHaveLength(6);
	const passedOn = executions.flatMap((execution) => execution.outputs['Answer Recorded']?.[0] ?? []).map((item) => item.json.body);
	expect(passedOn).toHaveLength(6);
	for (const body of usage) expect(passedOn.filter((item) => item.eventId === body.eventId)).toEqual([body, body]);
	const meter = await meterOnN8nStore();
	expect(await meter.repository.countEvents('demo')).toBe(3);
	const period = meter.period(DateTime.fromISO(lastMonth).toMillis());
	expect((await meter.usage('acme', period)).meters.syncs).toMatchObject({ quantity: 12_000, events: 1 });
});

test('usage without the caller key is refused and counts nothing', async () => {
	const meter = await meterOnN8nStore();
	const before = await meter.repository.countEvents('demo');
	const body = { eventId: 'e2e-no-key-1', customerId: 'acme', quantity: 1 };
	expect((await n8n.callWebhook('usage/record', { body })).status).toBe(403);
	expect((await n8n.callWebhook('usage/record', { body, headers: { 'X-Api-Key': 'a-wrong-key' } })).status).toBe(403);
	expect(await meter.repository.countEvents('demo')).toBe(before);
});

test('crossing 80% of the included syncs emails the quota alert', async () => {
	const body = { eventId: 'e2e-quota-1', customerId: 'initech', quantity: 8_500 };
	expect((await n8n.callWebhook('usage/record', withCallerKey({ body }))).status).toBe(200);
	const alert = await services.smtp.waitFor((message) => message.subject.includes('initech'));
	expect(alert).toMatchObject({ to: ['billing@example.com'], subject: 'Customer initech reached 80% of syncs' });
	expect(alert.text).toContain('has used 8500 syncs of the 10000 included');
});

test.each([
	['without an event id', { customerId: 'acme', quantity: 3, timestamp: lastMonth }, 'eventId must be a non-empty string or a whole number, got nothing'],
	['with a negative quantity', { eventId: 'e2e-neg-1', customerId: 'acme', quantity: -5, timestamp: lastMonth }, 'quantity must be a whole number of at least 0, got the number -5'],
	['without a customer', { eventId: 'e2e-nocustomer-1', quantity: 1, timestamp: lastMonth }, 'customerId must be a non-empty string or a whole number, got nothing'],
])('usage %s is answered 422 with the reason and counts nothing', async (_case, body, reason) => {
	const meter = await meterOnN8nStore();
	const before = await meter.repository.countEvents('demo');
	const reply = await n8n.callWebhook('usage/record', withCallerKey({ body }));
	expect(reply.status).toBe(422);
	expect((reply.body as { error: string }).error).toContain(reason);
	expect(await meter.repository.countEvents('demo')).toBe(before);
});

test('the monthly preview template prices last month under each plan the customers buy, as the product is sold, and emails each', async () => {
	// Last month of the demo customer, reported to the record template as the templates' meters would.
	const usage = [
		{ eventId: 'demo-syncs', customerId: 'demo', quantity: 12_000 },
		{ eventId: 'demo-platforms', customerId: 'demo', meter: 'platforms', quantity: 3 },
		{ eventId: 'demo-orders', customerId: 'demo', meter: 'orders', quantity: 1_200 },
		{ eventId: 'demo-stores', customerId: 'demo', meter: 'stores', quantity: 4 },
		{ eventId: 'demo-pay-1', customerId: 'demo', meter: 'transactions', amount: '1000.00' },
		{ eventId: 'demo-pay-2', customerId: 'demo', meter: 'transactions', amount: '40.00' },
		{ eventId: 'demo-events', customerId: 'demo', meter: 'events', quantity: 8_000 },
		{ eventId: 'demo-tickets', customerId: 'demo', meter: 'tickets', quantity: 420 },
		{ eventId: 'demo-posts', customerId: 'demo', meter: 'posts', quantity: 30 },
	];
	for (const body of usage) expect((await n8n.callWebhook('usage/record', withCallerKey({ body: { ...body, timestamp: lastMonth } }))).status).toBe(200);
	// The marketing and accounting templates meter in namespaces of their own.
	const store = await openStore(n8n.stateStore, allMigrations);
	const at = DateTime.fromISO(lastMonth).toMillis();
	await new UsageMeter({ db: store.db, namespace: 'marketing' }).record([
		{ eventId: 'e2e-contacts', customerId: 'default', meter: 'contacts', quantity: 700, timestamp: at },
		{ eventId: 'e2e-welcomes', customerId: 'default', meter: 'campaigns', quantity: 300, timestamp: at },
	]);
	await new UsageMeter({ db: store.db, namespace: 'accounting' }).record([{ eventId: 'e2e-entries', customerId: 'demo', meter: 'transactions', quantity: 12, timestamp: at }]);

	const workflowId = await n8n.importWorkflow(template('usage-monthly-invoice-preview.json'), { credentials: services.credentialIds });
	// The schedule fired from the REST API, as the editor's "Execute workflow" does.
	const run = await n8n.runManual(workflowId, 'First of the Month');
	expect(run.status).toBe('success');
	const expected = [
		// $99 + (12,000 − 10,000 included) × $0.01 + (3 − 2 included) platforms × $25.
		['demo', 'integration_starter', '144.00'],
		// $149 flat: the stores and orders over the plan are reported, not billed.
		['demo', 'ecommerce_starter', '149.00'],
		// 2 × $0.10 + 0.5% × $1,040.00.
		['demo', 'payments', '5.40'],
		// 8,000 × $0.001 = $8.00, below the $10 monthly minimum.
		['demo', 'events', '10.00'],
		// 420 × $0.10.
		['demo', 'support', '42.00'],
		// 30 × $0.05.
		['demo', 'social', '1.50'],
		// 700 × $0.02 + 300 × $0.10.
		['default', 'marketing', '44.00'],
		// 12 × $0.25.
		['demo', 'accounting', '3.00'],
	];
	const invoices = ['Preview Hub, Commerce, Payments and Events', 'Preview Marketing', 'Preview Accounting'].flatMap((node) => run.outputs[node][0].map((item) => item.json));
	expect(invoices.map((invoice) => [invoice.customerId, invoice.planId, invoice.total.amount])).toEqual(expected);
	expect(invoices[1].overPlan.map((over: { meter: string; used: number; included: number }) => [over.meter, over.used, over.included])).toEqual([
		['stores', 4, 1],
		['orders', 1_200, 1_000],
	]);
	// Each customer's plan is emailed with its lines and total.
	for (const [customer, plan, amount] of expected) {
		const email = await services.smtp.waitFor((message) => message.subject === `Usage invoice preview for ${customer} (${plan}): ${amount} USD`);
		expect(email.text).toContain(`Total: ${amount} USD`);
		if (plan === 'ecommerce_starter') expect(email.text).toContain('Over the plan: stores 4 of 1, orders 1200 of 1000');
	}
});
