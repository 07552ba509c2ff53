/**
 * CRM Sync (pull, sync, verify webhook), CRM Sync Trigger and Conflict Resolver inside n8n-core's engine, loaded from
 * the built package, against the HubSpot and Salesforce sandboxes and a SQLite store.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

let hubspot: RunningSandbox;
let salesforce: RunningSandbox;
let stateFile: string;

const pkg = 'n8n-nodes-integration-automation';
const hook = { name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'x' } };

function flow(node: Record<string, unknown>, start = hook) {
	return {
		name: 'crm nodes',
		nodes: [start, { name: 'Node', typeVersion: 1, position: [200, 0], ...node }],
		connections: { [start.name]: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	};
}

async function run(node: Record<string, unknown>, items: object[] = [{}]) {
	const result = await runWorkflow(flow(node), {
		inputItems: items.map((json) => ({ json })),
		credentials: {
			integrationHubSpotApi: { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl, clientSecret: 'hub-secret' },
			integrationSalesforceApi: { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl },
		},
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
	expect(result.error).toBeUndefined();
	return result.outputs.Node;
}

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	salesforce = await startSandbox('salesforce');
});
beforeEach(async () => {
	await new SandboxControl(hubspot.baseUrl).reset();
	await new SandboxControl(salesforce.baseUrl).reset();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'crm-nodes-')), 'state.sqlite');
});
afterAll(async () => {
	await closeAllStores();
	await hubspot.close();
	await salesforce.close();
});

describe('Conflict Resolver', () => {
	const resolver = (parameters: Record<string, unknown>) => ({ type: `${pkg}.conflictResolver`, parameters: { scope: 'billing', ...parameters } });
	const base = { name: 'Ann', plan: 'gold', city: 'Oslo' };

	it('routes one-sided changes to the other side, and with manual review queues a conflict, lists it and applies the decision', async () => {
		await run(resolver({ operation: 'resolve', strategy: 'manual' }), [{ id: 'r1', local: base, external: base }]);
		const [toLocal, toExternal, review] = await run(resolver({ operation: 'resolve', strategy: 'manual' }), [
			{ id: 'r1', local: { ...base, plan: 'silver', name: 'Local' }, external: { ...base, city: 'Bergen', name: 'External' } },
		]);
		expect(toLocal.map((item) => item.json.changes)).toEqual([{ city: 'Bergen' }]);
		expect(toExternal.map((item) => item.json.changes)).toEqual([{ plan: 'silver' }]);
		expect(review).toHaveLength(1);
		expect(review[0].json).toMatchObject({ recordKey: 'r1', fields: ['name'] });
		expect(review[0].pairedItem).toEqual({ item: 0 });

		const [, , listed] = await run(resolver({ operation: 'listReviews', status: 'pending', limit: 10 }));
		expect(listed.map((item) => item.json.reviewId)).toEqual([review[0].json.reviewId]);

		const [applyLocal, applyExternal] = await run(resolver({ operation: 'decide', reviewId: '={{ $json.reviewId }}', side: 'external', values: '{}' }), [{ reviewId: review[0].json.reviewId }]);
		expect(applyLocal.map((item) => item.json.changes)).toEqual([{ name: 'External' }]);
		expect(applyExternal).toEqual([]);
	});

	it('last write wins by the modified-time fields, with the tie going to the chosen side', async () => {
		await run(resolver({ operation: 'resolve', strategy: 'lastWriteWins' }), [{ id: 'r2', local: base, external: base }]);
		const [toLocal, toExternal] = await run(resolver({ operation: 'resolve', strategy: 'lastWriteWins', tieBreak: 'external' }), [
			{ id: 'r2', local: { ...base, name: 'L' }, external: { ...base, name: 'E' }, localModifiedAt: '2026-01-01T00:00:00Z', externalModifiedAt: '2026-01-01T00:00:00Z' },
		]);
		expect(toLocal.map((item) => item.json.changes)).toEqual([{ name: 'E' }]);
		expect(toExternal).toEqual([]);
	});
});

describe('CRM Sync and its trigger', () => {
	const crm = (parameters: Record<string, unknown>) => ({ type: `${pkg}.crmSync`, parameters: { integration: 'nodes', entity: 'contacts', mappingMode: 'defaults', ...parameters } });

	it('pull emits each change once, in internal field names', async () => {
		await new SandboxControl(hubspot.baseUrl).seed({ contacts: [{ properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ADA@example.com' } }] });
		const [changes] = await run(crm({ operation: 'pull', platform: 'hubspot', deletes: 'ignore', maxChanges: 100 }));
		expect(changes).toHaveLength(1);
		expect(changes[0].json).toMatchObject({ firstName: 'Ada', email: 'ada@example.com', _crm: { platform: 'hubspot', kind: 'created' } });
		const [again] = await run(crm({ operation: 'pull', platform: 'hubspot', deletes: 'ignore', maxChanges: 100 }));
		expect(again).toEqual([]);
	});

	it('sync reports its counts as one summary item', async () => {
		await new SandboxControl(salesforce.baseUrl).seed({ Contact: [{ FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@example.com' }] });
		const outputs = await run(crm({ operation: 'sync', platforms: ['hubspot', 'salesforce'], strategy: 'lastWriteWins', platformPriority: '', deletes: 'flag' }));
		// One output (failed records follow On Error, not an output of their own), one summary item.
		expect(outputs).toHaveLength(1);
		const [summary] = outputs;
		expect(summary).toHaveLength(1);
		expect(summary[0].json).toMatchObject({ entity: 'contacts', pending: 0, platforms: { hubspot: { created: 1 }, salesforce: { pulled: 1 } } });
	});

	it('sync takes Platform Priority as ordered picks, and refuses a platform it does not know naming the field', async () => {
		const sync = (platformPriority: unknown) => crm({ operation: 'sync', platforms: ['hubspot', 'salesforce'], strategy: 'lastWriteWins', platformPriority, deletes: 'flag' });
		const [summary] = await run(sync({ platform: [{ platform: 'salesforce' }, { platform: 'hubspot' }] }));
		expect(summary[0].json).toMatchObject({ entity: 'contacts', pending: 0 });
		await expect(run(sync({ platform: [{ platform: 'salesforce' }, { platform: 'hubspott' }] }))).rejects.toThrow(/Platform Priority: \\?"hubspott\\?" is not a CRM platform/);
		await expect(run(sync({ platform: [{ platform: 'salesforce' }, { platform: 'salesforce' }] }))).rejects.toThrow('Platform Priority: salesforce is listed twice');
	});

	it('verify webhook passes a genuine HubSpot delivery and fails a forged one with the reason', async () => {
		const body = [{ objectId: 1 }];
		const timestamp = Date.now();
		const url = 'https://n8n.example.com/webhook/crm/hubspot-events';
		const signature = createHmac('sha256', 'hub-secret').update(`POST${url}${JSON.stringify(body)}${timestamp}`).digest('base64');
		const delivery = (sig: string) => ({ headers: { 'X-HubSpot-Signature-v3': sig, 'x-hubspot-request-timestamp': String(timestamp) }, body, webhookUrl: url });
		const [verified, rejected] = await run(crm({ operation: 'verifyWebhook', webhookSource: 'hubspot', webhookUrl: '={{ $json.webhookUrl }}' }), [delivery(signature), delivery('forged')]);
		expect(verified.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(rejected[0].json).toMatchObject({ verified: false, reason: 'X-HubSpot-Signature-v3 does not match' });
	});

	const triggerRun = async (parameters: Record<string, unknown>) => {
		const trigger = { name: 'Trigger', type: `${pkg}.crmSyncTrigger`, typeVersion: 1, position: [0, 0], parameters: { platform: 'salesforce', entity: 'contacts', integration: 'watch', deletes: 'ignore', maxChanges: 10, mappingMode: 'defaults', ...parameters } };
		const result = await runWorkflow({ name: 'trigger', nodes: [trigger], connections: {} }, {
			credentials: { integrationSalesforceApi: { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl } },
			env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
		});
		expect(result.error).toBeUndefined();
		return (result.outputs.Trigger?.[0] ?? []).map((item) => item.json as { email: string; _crm: { kind: string } });
	};
	const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

	it('the trigger shows changed records in a manual run without consuming them (Start From: Beginning)', async () => {
		await new SandboxControl(salesforce.baseUrl).seed({ Contact: [{ FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@example.com', SystemModstamp: daysAgo(400) }] });
		for (let attempt = 0; attempt < 2; attempt++) {
			expect((await triggerRun({ startFrom: 'beginning' })).map((item) => [item.email, item._crm.kind])).toEqual([['grace@example.com', 'created']]);
		}
	});

	it('Start From a date leaves out the records changed before it', async () => {
		await new SandboxControl(salesforce.baseUrl).seed({
			Contact: [
				{ LastName: 'Old', Email: 'old@example.com', SystemModstamp: daysAgo(400) },
				{ LastName: 'New', Email: 'new@example.com', SystemModstamp: daysAgo(10) },
			],
		});
		expect((await triggerRun({ startFrom: 'date', startDate: daysAgo(20) })).map((item) => item.email)).toEqual(['new@example.com']);
	});

	it('Start From: Now (the default) with nothing new shows the latest records as a sample, and consumes nothing', async () => {
		await new SandboxControl(salesforce.baseUrl).seed({
			Contact: [
				{ LastName: 'Oldest', Email: 'oldest@example.com', SystemModstamp: daysAgo(400) },
				{ LastName: 'Recent', Email: 'recent@example.com', SystemModstamp: daysAgo(10) },
				{ LastName: 'Latest', Email: 'latest@example.com', SystemModstamp: daysAgo(5) },
			],
		});
		const sample = await triggerRun({});
		expect(sample.map((item) => [item.email, item._crm.kind])).toEqual([['recent@example.com', 'sample'], ['latest@example.com', 'sample']]);
		// The sample saved no snapshot and moved no cursor: from the beginning, every record is still a change.
		expect((await triggerRun({ startFrom: 'beginning' })).map((item) => [item.email, item._crm.kind])).toEqual([
			['oldest@example.com', 'created'], ['recent@example.com', 'created'], ['latest@example.com', 'created'],
		]);
	});

	it('Start From a date that is no date stops the run naming the parameter', async () => {
		const trigger = { name: 'Trigger', type: `${pkg}.crmSyncTrigger`, typeVersion: 1, position: [0, 0], parameters: { platform: 'salesforce', entity: 'contacts', integration: 'watch', mappingMode: 'defaults', startFrom: 'date', startDate: 'soon' } };
		const result = await runWorkflow({ name: 'trigger', nodes: [trigger], connections: {} }, {
			credentials: { integrationSalesforceApi: { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl } },
			env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
		});
		expect(String((result.error as { message?: string } | undefined)?.message)).toMatch(/Start Date must be a date/);
	});
});
