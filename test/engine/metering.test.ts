/**
 * The Usage Meter node inside n8n-core's engine: the templates record usage from a webhook (a repeated delivery is
 * counted once, quota alerts fire once) and preview last month's invoice for every customer; the node's other
 * operations (usage with running charge, close, late usage, export, plan from fields, errors) on the same store.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DateTime } from 'luxon';

import { periodOf, UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
const recordTemplate = template('usage-record-webhook.json');
const previewTemplate = template('usage-monthly-invoice-preview.json');

let stateFile: string;
const env = () => ({ INTEGRATION_AUTOMATION_STATE_FILE: stateFile });
const lastMonth = DateTime.utc().minus({ months: 1 }).set({ day: 10, hour: 12 });

async function report(bodies: object[]) {
	const run = await runWorkflow(recordTemplate, { inputItems: bodies.map((body) => ({ json: { headers: {}, params: {}, query: {}, body } })), env: env() });
	expect(run.error).toBeUndefined();
	return run;
}

async function meterOf() {
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	return new UsageMeter({ db: store.db, namespace: 'demo' });
}

/** A one-node workflow around the Usage Meter with the given parameters, fed by a webhook. */
function usageMeterFlow(parameters: Record<string, unknown>): WorkflowJson {
	return {
		name: 'usage meter',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'x' } },
			{ name: 'Meter', type: 'n8n-nodes-integration-automation.usageMeter', typeVersion: 1, position: [200, 0], parameters: { namespace: 'demo', ...parameters } },
		],
		connections: { Hook: { main: [[{ node: 'Meter', type: 'main', index: 0 }]] } },
	};
}

const planJson = (recordTemplate.nodes.find((node) => node.name === 'Record Usage')!.parameters.planJson as string);

beforeEach(async () => {
	await closeAllStores();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'metering-engine-')), 'state.sqlite');
});
afterAll(async () => await closeAllStores());

test('the record template passes items on and counts a repeated delivery once', async () => {
	const bodies = [
		{ eventId: 'sync-1', customerId: 'acme', quantity: 3 },
		{ eventId: 'tx-1', customerId: 'acme', meter: 'transactions', amount: '150.99' },
		{ eventId: 'sync-1', customerId: 'acme', quantity: 3 },
	];
	const first = await report(bodies);
	expect(first.outputs['Answer Recorded'][0].map((item) => item.json.body)).toEqual(bodies);
	await report(bodies);
	const usage = await (await meterOf()).usage('acme');
	expect(usage.meters.syncs).toMatchObject({ quantity: 3, events: 1 });
	expect(usage.meters.transactions).toMatchObject({ quantity: 1, amountMinor: 15_099 });
});

test('two executions recording the same usage at once count it once and alert once', async () => {
	const bodies = Array.from({ length: 40 }, (_, index) => ({ eventId: `burst-${index}`, customerId: 'acme', quantity: 250 }));
	const runs = await Promise.all([report(bodies), report([...bodies].reverse())]);
	const usage = await (await meterOf()).usage('acme');
	expect(usage.meters.syncs).toMatchObject({ quantity: 10_000, events: 40 });
	const alerts = runs.flatMap((run) => run.outputs['Notify Quota Crossed']?.[0] ?? []).map((item) => item.json.thresholdPercent);
	expect(alerts.sort((a, b) => a - b)).toEqual([80, 100]);
});

test('the record template alerts once when the included quota is crossed', async () => {
	const first = await report([{ eventId: 'big-1', customerId: 'acme', quantity: 8_500 }]);
	expect(first.outputs['Notify Quota Crossed'][0].map((item) => [item.json.thresholdPercent, item.json.used])).toEqual([[80, 8_500]]);
	const second = await report([{ eventId: 'big-2', customerId: 'acme', quantity: 2_000 }, { eventId: 'big-1', customerId: 'acme', quantity: 8_500 }]);
	expect(second.outputs['Notify Quota Crossed'][0].map((item) => [item.json.thresholdPercent, item.json.used, (item.pairedItem as { item: number }).item])).toEqual([[100, 10_500, 0]]);
	const third = await report([{ eventId: 'big-3', customerId: 'acme', quantity: 1 }]);
	expect(third.outputs['Notify Quota Crossed']?.[0] ?? []).toEqual([]);
});

/** Last month of the demo customer, as the templates record it (the record template for namespace demo). */
async function recordDemoMonth() {
	const timestamp = lastMonth.toISO();
	await report([
		{ eventId: 'd-syncs', customerId: 'demo', quantity: 12_000, timestamp },
		{ eventId: 'd-platforms', customerId: 'demo', meter: 'platforms', quantity: 3, timestamp },
		{ eventId: 'd-orders', customerId: 'demo', meter: 'orders', quantity: 1_200, timestamp },
		{ eventId: 'd-products', customerId: 'demo', meter: 'products', quantity: 520, timestamp },
		{ eventId: 'd-stores', customerId: 'demo', meter: 'stores', quantity: 4, timestamp },
		{ eventId: 'd-pay-1', customerId: 'demo', meter: 'transactions', amount: '1000.00', timestamp },
		{ eventId: 'd-pay-2', customerId: 'demo', meter: 'transactions', amount: '40.00', timestamp },
		{ eventId: 'd-events', customerId: 'demo', meter: 'events', quantity: 25_000, timestamp },
		{ eventId: 'd-tickets', customerId: 'demo', meter: 'tickets', quantity: 420, timestamp },
		{ eventId: 'd-posts', customerId: 'demo', meter: 'posts', quantity: 30, timestamp },
		// This month: not in last month's preview.
		{ eventId: 'd-now', customerId: 'demo', quantity: 1 },
	]);
	// The marketing and accounting templates meter in namespaces of their own.
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	const at = lastMonth.toMillis();
	await new UsageMeter({ db: store.db, namespace: 'marketing' }).record([
		{ eventId: 'contacts', customerId: 'default', meter: 'contacts', quantity: 700, timestamp: at },
		{ eventId: 'welcomes', customerId: 'default', meter: 'campaigns', quantity: 300, timestamp: at },
	]);
	await new UsageMeter({ db: store.db, namespace: 'accounting' }).record([{ eventId: 'entries', customerId: 'demo', meter: 'transactions', quantity: 12, timestamp: at }]);
}

test('the monthly template previews last month under each plan the customers buy, priced as the product is sold', async () => {
	await recordDemoMonth();
	const run = await runWorkflow(previewTemplate, { env: env() });
	expect(run.error).toBeUndefined();
	const invoices = run.outputs['Email Invoice Preview'][0].map((item) => item.json);
	expect(invoices.every((invoice) => invoice.period.key === periodOf(lastMonth.toMillis()).key)).toBe(true);
	expect(invoices.map((invoice) => [invoice.customerId, invoice.planId, invoice.total.amount])).toEqual([
		// $99 + (12,000 − 10,000 included) × $0.01 + (3 − 2 included) platforms × $25.
		['demo', 'integration_starter', '144.00'],
		// $149 flat: stores, orders and products over the plan are reported, not billed.
		['demo', 'ecommerce_starter', '149.00'],
		// 2 × $0.10 + 0.5% × $1,040.00.
		['demo', 'payments', '5.40'],
		// 25,000 × $0.001, above the $10 minimum.
		['demo', 'events', '25.00'],
		// 420 × $0.10.
		['demo', 'support', '42.00'],
		// 30 × $0.05.
		['demo', 'social', '1.50'],
		// 700 × $0.02 + 300 × $0.10.
		['default', 'marketing', '44.00'],
		// 12 × $0.25.
		['demo', 'accounting', '3.00'],
	]);
	expect(invoices[1].overPlan.map((over: { meter: string; used: number; included: number }) => [over.meter, over.used, over.included])).toEqual([
		['stores', 4, 1],
		['orders', 1_200, 1_000],
		['products', 520, 500],
	]);
});

test('get usage shows the running charge; close keeps the invoice and later events go to Late Usage', async () => {
	await report([{ eventId: 's-1', customerId: 'acme', quantity: 10_100 }]);
	const common = { period: 'current', planSource: 'json', planJson };
	const usage = await runWorkflow(usageMeterFlow({ operation: 'getUsage', customerId: '={{ $json.customer }}', ...common }), { inputItems: [{ json: { customer: 'acme' } }], env: env() });
	expect(usage.outputs.Meter[0][0].json).toMatchObject({ customerId: 'acme', status: 'open', meters: { syncs: { quantity: 10_100 } }, runningCharge: { amount: '210.00' } });

	const closed = await runWorkflow(usageMeterFlow({ operation: 'closePeriod', allCustomers: true, ...common }), { inputItems: [{ json: {} }], env: env() });
	expect(closed.outputs.Meter[0].map((item) => [item.json.customerId, item.json.closedNow, item.json.total.amount])).toEqual([['acme', true, '210.00']]);

	const late = await report([{ eventId: 's-2', customerId: 'acme', quantity: 5 }]);
	expect(late.outputs['Review Late Usage'][0].map((item) => [item.json.eventId, item.json.status])).toEqual([['s-2', 'late']]);
	// Not counted, so not passed on as if it were: the template answers it 409.
	expect(late.outputs['Answer Recorded']).toBeUndefined();
	expect(late.outputs['Answer Period Closed'][0].map((item) => item.json.eventId)).toEqual(['s-2']);
	const preview = await runWorkflow(usageMeterFlow({ operation: 'previewInvoice', customerId: 'acme', ...common }), { inputItems: [{ json: {} }], env: env() });
	expect(preview.outputs.Meter[0][0].json).toMatchObject({ status: 'closed', total: { amount: '210.00' } });
});

test('export gives CloudEvents or a CSV file; a plan can be built from fields', async () => {
	await report([
		{ eventId: 'e-1', customerId: 'acme', quantity: 2, timestamp: '2026-11-02T10:00:00Z' },
		{ eventId: 'e-2', customerId: 'acme', meter: 'transactions', amount: '9.99', timestamp: '2026-11-03T10:00:00Z' },
	]);
	const exportFlow = (format: string) => usageMeterFlow({ operation: 'export', customerId: 'acme', period: 'date', periodDate: '2026-11-20', format });
	const cloud = await runWorkflow(exportFlow('cloudevents'), { inputItems: [{ json: {} }], env: env() });
	expect(cloud.outputs.Meter[0].map((item) => item.json)).toEqual([
		{ specversion: '1.0', id: 'e-1', source: 'n8n/usage-meter/demo', type: 'usage.syncs', subject: 'acme', time: '2026-11-02T10:00:00.000Z', datacontenttype: 'application/json', data: { meter: 'syncs', quantity: 2, period: '2026-11-01' } },
		{ specversion: '1.0', id: 'e-2', source: 'n8n/usage-meter/demo', type: 'usage.transactions', subject: 'acme', time: '2026-11-03T10:00:00.000Z', datacontenttype: 'application/json', data: { meter: 'transactions', quantity: 1, period: '2026-11-01', amount: '9.99', currency: 'USD' } },
	]);
	const csv = await runWorkflow(exportFlow('csv'), { inputItems: [{ json: {} }], env: env() });
	const [file] = csv.outputs.Meter[0];
	expect(file.json).toEqual({ fileName: 'usage-demo-2026-11-01.csv', events: 2 });
	const binary = (file.binary as Record<string, { data: string; mimeType: string; fileName: string }>).data;
	expect(binary).toMatchObject({ mimeType: 'text/csv', fileName: 'usage-demo-2026-11-01.csv' });
	expect(Buffer.from(binary.data, 'base64').toString('utf8')).toBe(
		'event_id,customer_id,meter,quantity,amount,currency,timestamp,period\ne-1,acme,syncs,2,,,2026-11-02T10:00:00.000Z,2026-11-01\ne-2,acme,transactions,1,9.99,USD,2026-11-03T10:00:00.000Z,2026-11-01\n',
	);

	const fields = {
		operation: 'previewInvoice',
		customerId: 'acme',
		period: 'date',
		periodDate: '2026-11-20',
		planSource: 'ui',
		planId: 'ui-plan',
		planCurrency: 'USD',
		recurringFee: '10.00',
		charges: { charge: [{ meter: 'syncs', model: 'volume', tiers: '[{"upTo": 1, "unitPrice": "1"}, {"upTo": null, "unitPrice": "0.25"}]', included: 0 }, { meter: 'transactions', model: 'per_transaction', fixed: '0.30', percent: '2.9' }] },
	};
	const preview = await runWorkflow(usageMeterFlow(fields), { inputItems: [{ json: {} }], env: env() });
	// 10 + 2 × 0.25 + (0.30 + 2.9% × 9.99 = 0.58971 → 0.59)
	expect(preview.outputs.Meter[0][0].json.lines.map((line: { amount: { amount: string } }) => line.amount.amount)).toEqual(['10.00', '0.50', '0.59']);
});

test('an invalid plan fails the node with the problem named, or becomes an error item with continue on fail', async () => {
	const flow = usageMeterFlow({ operation: 'previewInvoice', customerId: 'acme', period: 'current', planSource: 'json', planJson: '{"id": "bad", "currency": "USD", "charges": [{"meter": "syncs", "model": "per_unit", "unitPrice": "-1"}]}' });
	const failed = await runWorkflow(flow, { inputItems: [{ json: {} }], env: env() });
	expect(String((failed.error as Error).message)).toBe('Plan "bad" is invalid: charge 1 (syncs) unitPrice must not be negative, got "-1"');
	flow.nodes[1].continueOnFail = true;
	const continued = await runWorkflow(flow, { inputItems: [{ json: {} }], env: env() });
	expect(continued.outputs.Meter[0][0].json.error).toContain('unitPrice must not be negative');
});
