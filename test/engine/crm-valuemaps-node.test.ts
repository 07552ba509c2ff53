/**
 * CRM Sync's Value Maps parameter inside n8n-core's engine (the built package), against the HubSpot and Salesforce
 * sandboxes: a user's entry extends the default deal-stage map, naming HubSpot's stage by its label as the
 * pipelines API lists it; a value map for a field no mapping fills stops the node with the field's name.
 */
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

const hook = { name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'x' } };

/** `onError` as n8n stores it; none is n8n's default, Stop Workflow. */
function syncDeals(valueMaps: object, onError?: string) {
	const node = {
		name: 'Node', typeVersion: 1, position: [200, 0], type: 'n8n-nodes-integration-automation.crmSync', ...(onError ? { onError } : {}),
		parameters: {
			operation: 'sync', integration: 'valuemaps', entity: 'deals', mappingMode: 'defaults', platforms: ['hubspot', 'salesforce'],
			strategy: 'lastWriteWins', platformPriority: '', deletes: 'ignore', valueMaps: JSON.stringify(valueMaps),
		},
	};
	return runWorkflow({ name: 'value maps', nodes: [hook, node], connections: { Hook: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } } }, {
		inputItems: [{ json: {} }],
		credentials: {
			integrationHubSpotApi: { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl, clientSecret: 'hub-secret' },
			integrationSalesforceApi: { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl },
		},
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	salesforce = await startSandbox('salesforce');
});
beforeEach(async () => {
	await new SandboxControl(hubspot.baseUrl).reset();
	await new SandboxControl(salesforce.baseUrl).reset();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'crm-valuemaps-node-')), 'state.sqlite');
});
afterAll(async () => {
	await closeAllStores();
	await hubspot.close();
	await salesforce.close();
});

test('a Value Maps entry extends the default stage map, by the HubSpot stage label', async () => {
	await new SandboxControl(salesforce.baseUrl).seed({
		Opportunity: [
			{ Name: 'Standard', StageName: 'Prospecting', CloseDate: '2026-12-31' },
			{ Name: 'Custom', StageName: 'Discovery Call', CloseDate: '2026-12-31' },
		],
	});
	const result = await syncDeals({ hubspot: { dealstage: { 'Discovery Call': 'Presentation Scheduled' } } }, 'continueErrorOutput');
	expect(result.error).toBeUndefined();
	const [summary, failed] = result.outputs.Node;
	expect(failed).toEqual([]);
	expect(summary).toHaveLength(1);
	expect(summary[0].json).toMatchObject({ entity: 'deals', pending: 0, platforms: { hubspot: { created: 2 } } });
	const deals = await new SandboxControl(hubspot.baseUrl).state<Array<{ properties: Record<string, string> }>>('deals');
	expect(Object.fromEntries(deals.map((deal) => [deal.properties.dealname, deal.properties.dealstage]))).toEqual({
		Standard: 'appointmentscheduled',
		Custom: 'presentationscheduled',
	});
});

test('without the entry the same stage fails its record on the error output, naming field and value', async () => {
	await new SandboxControl(salesforce.baseUrl).seed({ Opportunity: [{ Name: 'Custom', StageName: 'Discovery Call', CloseDate: '2026-12-31' }] });
	const result = await syncDeals({}, 'continueErrorOutput');
	expect(result.error).toBeUndefined();
	// n8n's own error output (On Error: Continue (using error output)): the record's reason, the summary stays on Output.
	const [summary, failed] = result.outputs.Node;
	expect(summary).toHaveLength(1);
	expect(failed).toHaveLength(1);
	expect(failed[0].json).toMatchObject({ details: { platform: 'hubspot', status: 'failed', code: 'UNMAPPED_VALUE' } });
	expect(String(failed[0].json.error)).toMatch(/"dealstage".*"Discovery Call"/);
});

test('by default (On Error: Stop Workflow) the refused record stops the workflow, naming the record and its reason', async () => {
	await new SandboxControl(salesforce.baseUrl).seed({ Opportunity: [{ Name: 'Custom', StageName: 'Discovery Call', CloseDate: '2026-12-31' }] });
	const result = await syncDeals({});
	expect(String((result.error as Error | undefined)?.message)).toMatch(/^hubspot deals .*"dealstage".*"Discovery Call"/);
});

test('a value map for a field no mapping fills stops the node, naming the field', async () => {
	const result = await syncDeals({ hubspot: { deal_stage: { PROSPECTING: 'appointmentscheduled' } } });
	expect(String((result.error as Error | undefined)?.message)).toContain('"deal_stage"');
});
