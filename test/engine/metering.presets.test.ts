/**
 * The Usage Meter's plan presets and quota enforcement inside n8n-core's engine: a month of demo-like activity
 * recorded through the node and previewed under presets matches the price list by hand; with "Refuse the Item"
 * usage past a quota fails naming the quota and plan and counts nothing (or, under "Continue (using error output)",
 * only the refused item fails).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import type { WorkflowJson } from '../harness/workflowJson';

let stateFile: string;
const env = () => ({ INTEGRATION_AUTOMATION_STATE_FILE: stateFile });

function meterFlow(parameters: Record<string, unknown>, onError?: string): WorkflowJson {
	return {
		name: 'usage meter presets',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'x' } },
			{
				name: 'Meter',
				type: 'n8n-nodes-integration-automation.usageMeter',
				typeVersion: 1,
				position: [200, 0],
				...(onError ? { onError } : {}),
				parameters: { namespace: 'demo', ...parameters },
			},
		],
		connections: { Hook: { main: [[{ node: 'Meter', type: 'main', index: 0 }]] } },
	} as WorkflowJson;
}

type Usage = { eventId: string; customerId: string; meter: string; quantity: number; amount?: string };
const recordParameters = {
	operation: 'record',
	recordCustomerId: '={{ $json.customerId }}',
	meter: '={{ $json.meter }}',
	quantity: '={{ $json.quantity }}',
	eventId: '={{ $json.eventId }}',
	recordOptions: { amount: '={{ $json.amount ?? "" }}', currency: 'USD' },
};
const record = (usage: Usage[], extra: Record<string, unknown> = {}, onError?: string) =>
	runWorkflow(meterFlow({ ...recordParameters, ...extra }, onError), { inputItems: usage.map((json) => ({ json })), env: env() });
const preview = async (customerId: string, planPreset: string) => {
	const run = await runWorkflow(meterFlow({ operation: 'previewInvoice', customerId, period: 'current', planSource: 'preset', planPreset }), { inputItems: [{ json: {} }], env: env() });
	expect(run.error).toBeUndefined();
	return run.outputs.Meter[0][0].json as { planId: string; total: { amount: string }; lines: Array<{ meter?: string; kind: string; amount: { amount: string } }> };
};
async function usageOf(customerId: string) {
	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	return (await new UsageMeter({ db: store.db, namespace: 'demo' }).usage(customerId)).meters;
}

beforeEach(async () => {
	await closeAllStores();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'metering-presets-')), 'state.sqlite');
});
afterAll(async () => await closeAllStores());

test('a month of demo-like activity previews at the price list, by hand', async () => {
	// 30 daily CRM sync runs of 4,000 records synced each (120,000 records), the sync reporting 2 then 3 platforms.
	const syncs = Array.from({ length: 30 }, (_, day) => ({ eventId: `sync:${day}:contacts`, customerId: 'acme', meter: 'syncs', quantity: 4_000 }));
	const platforms = [2, 3, 3].map((quantity, index) => ({ eventId: `platforms:${index}`, customerId: 'acme', meter: 'platforms', quantity }));
	// Event router: 7,500 events; payments: 3 charges; marketing: 250 contacts and 4 campaign runs.
	const other: Usage[] = [
		{ eventId: 'events:1', customerId: 'shop', meter: 'events', quantity: 7_500 },
		{ eventId: 'pay:1', customerId: 'shop', meter: 'transactions', quantity: 1, amount: '123.45' },
		{ eventId: 'pay:2', customerId: 'shop', meter: 'transactions', quantity: 1, amount: '59.90' },
		{ eventId: 'pay:3', customerId: 'shop', meter: 'transactions', quantity: 1, amount: '1000.00' },
		{ eventId: 'mkt:1', customerId: 'shop', meter: 'contacts', quantity: 250 },
		{ eventId: 'mkt:2', customerId: 'shop', meter: 'campaigns', quantity: 4 },
	];
	const recorded = await record([...syncs, ...platforms, ...other]);
	expect(recorded.error).toBeUndefined();

	// Per record: 10,000 × 0.01 + 90,000 × 0.005 + 20,000 × 0.001 = 100 + 450 + 20
	expect((await preview('acme', 'crm_sync_per_record')).total.amount).toBe('570.00');
	// Basic: 99 + 110,000 syncs over (10,000 × 0.01 + 90,000 × 0.005 + 10,000 × 0.001 = 560) + 1 platform over × 25
	const basic = await preview('acme', 'crm_basic');
	expect(basic.lines.map((line) => [line.meter ?? line.kind, line.amount.amount])).toEqual([['recurring', '99.00'], ['syncs', '560.00'], ['platforms', '25.00']]);
	expect(basic.total.amount).toBe('684.00');
	// Professional: 299 + 20,000 over (10,000 × 0.01 + 10,000 × 0.005 = 150); 3 platforms are within 5
	expect((await preview('acme', 'crm_professional')).total.amount).toBe('449.00');
	expect((await preview('acme', 'crm_enterprise')).total.amount).toBe('999.00');
	// 7,500 × 0.001 = 7.50, below the 10.00 minimum
	expect((await preview('shop', 'events')).total.amount).toBe('10.00');
	// 3 × 0.10 + 0.5% × 1,183.35 = 0.30 + 5.91675 = 6.21675 → 6.22
	expect((await preview('shop', 'payments')).total.amount).toBe('6.22');
	// 250 × 0.02 + 4 × 0.10 = 5.00 + 0.40
	expect((await preview('shop', 'marketing')).total.amount).toBe('5.40');
});

const refuseOnBasic = { aboveQuota: 'refuse', planSource: 'preset', planPreset: 'crm_basic' };

test('refusing: a third platform on CRM Basic fails naming the quota and plan, and nothing is counted', async () => {
	const run = await record([
		{ eventId: 'sync:1', customerId: 'acme', meter: 'syncs', quantity: 500 },
		{ eventId: 'platforms:1', customerId: 'acme', meter: 'platforms', quantity: 3 },
	], refuseOnBasic);
	expect(run.status).toBe('error');
	expect((run.error as Error).message).toBe(
		'Over the platforms quota of plan "CRM Basic": it includes 2 platforms a period, customer "acme" has 0 in the period starting ' +
			`${new Date().toISOString().slice(0, 8)}01 and this would make 3; nothing was counted (item 1)`,
	);
	expect(await usageOf('acme')).toEqual({});
});

test('refusing: the 10,001st sync goes to the error output alone; billing (the default) counts it', async () => {
	const batch = (prefix: string): Usage[] => [
		{ eventId: `${prefix}:1`, customerId: 'acme', meter: 'syncs', quantity: 6_000 },
		{ eventId: `${prefix}:2`, customerId: 'acme', meter: 'syncs', quantity: 4_000 },
		{ eventId: `${prefix}:3`, customerId: 'acme', meter: 'syncs', quantity: 1 },
	];
	const run = await record(batch('a'), refuseOnBasic, 'continueErrorOutput');
	expect(run.status).toBe('success');
	const [counted, , , errors] = run.outputs.Meter;
	expect(counted.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(errors.map((item) => [item.pairedItem, item.json.error])).toEqual([[{ item: 2 }, expect.stringMatching(/^Over the syncs quota of plan "CRM Basic": it includes 10000 syncs a period, customer "acme" has 10000 .* would make 10001; nothing was counted \(item 2\)$/)]]);
	expect((await usageOf('acme')).syncs).toMatchObject({ quantity: 10_000, events: 2 });
	// A repeated delivery of counted usage is a duplicate, not a refusal.
	expect((await record(batch('a').slice(0, 1), refuseOnBasic)).status).toBe('success');

	expect((await record(batch('b').slice(2), { planSource: 'preset', planPreset: 'crm_basic' })).status).toBe('success');
	expect((await usageOf('acme')).syncs).toMatchObject({ quantity: 10_001 });
	expect((await preview('acme', 'crm_basic')).total.amount).toBe('99.01');
});
