/**
 * The Usage Meter in the real n8n: the record template published as a webhook, the same usage delivered twice and
 * counted once, each answered 200 (a call without the caller key refused, counting nothing); invalid usage answered
 * 422 with the reason, counting nothing; a crossed quota emailed; the monthly invoice-preview template, its schedule
 * fired through the REST API, prices last month for every customer and emails each preview.
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
	const store = await openStore({ kind: 'sqlite', file: path.join(n8n.userFolder, '.n8n', 'integration-automation', 'state.sqlite') }, allMigrations);
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
	// The answer comes from Respond to Webhook, before the execution ends: wait for all six to be saved.
	let executions = await n8n.executions(recordWorkflowId);
	for (const deadline = Date.now() + 30_000; executions.filter((execution) => execution.finished).length < 6 && Date.now() < deadline; ) {
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

test('the monthly preview template shows the right charge for every customer', async () => {
	const workflowId = await n8n.importWorkflow(template('usage-monthly-invoice-preview.json'), { credentials: services.credentialIds });
	// The schedule fired from the REST API, as the editor's "Execute workflow" does.
	const run = await n8n.runManual(workflowId, 'First of the Month');
	expect(run.status).toBe('success');
	const invoices = run.outputs["Preview Last Month's Invoices"][0].map((item) => item.json);
	expect(invoices.map((invoice) => invoice.customerId)).toEqual(['acme', 'globex']);
	// Each customer's preview is emailed with its lines and total.
	const emails = ['acme', 'globex'].map((customer) => services.smtp.messages().find((message) => message.subject.startsWith(`Usage invoice preview for ${customer}:`)));
	expect(emails.map((email) => email?.subject)).toEqual(['Usage invoice preview for acme: 230.35 USD', 'Usage invoice preview for globex: 229.00 USD']);
	expect(emails[0]?.text).toContain('Total: 230.35 USD');
	// acme: 99 (Basic) + 100 setup + 2,000 syncs above the included 10,000 × 0.01 + (0.10 + 0.5% × 250.00) + 10.00 minimum on events
	expect(invoices[0].total).toEqual({ currency: 'USD', minor: 23_035, amount: '230.35' });
	// globex: 99 + 100 setup + 30,000 events × 0.001
	expect(invoices[1].total).toEqual({ currency: 'USD', minor: 22_900, amount: '229.00' });
	expect(invoices[0].status).toBe('open');
});
