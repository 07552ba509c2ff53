/**
 * The foundation's vertical slice, in-process: CRM Sync (push contacts) runs inside n8n-core's engine, calls the
 * HubSpot sandbox through httpRequestWithAuthentication and the transport, and records the ID map in the SQLite store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

interface HubSpotRecord {
	id: string;
	properties: Record<string, string>;
}

let hubspot: RunningSandbox;
let control: SandboxControl;
let stateFile: string;

/** `onError` as n8n stores it; none is n8n's default, Stop Workflow. */
const pushFlow = (entity = 'contacts', mappingMode = 'defaults', mappingsJson = '[]', onError?: string) => ({
	name: 'push slice',
	nodes: [
		{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'push' } },
		{
			name: 'Push',
			type: 'n8n-nodes-integration-automation.crmSync',
			typeVersion: 1,
			position: [200, 0],
			parameters: { operation: 'push', platform: 'hubspot', entity, integration: 'slice', recordIdField: 'id', mappingMode, mappingsJson },
			credentials: { integrationHubSpotApi: { id: 'hs', name: 'HubSpot sandbox' } },
			...(onError ? { onError } : {}),
		},
	],
	connections: { Hook: { main: [[{ node: 'Push', type: 'main', index: 0 }]] } },
});

const contacts = [
	{ id: 'c-1', firstName: ' Ada ', lastName: 'Lovelace', email: 'ADA@example.com', phone: '(555) 010-0001', company: 'Analytical' },
	{ id: 'c-2', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: '555 010 0002', company: 'Navy' },
	{ id: 'c-3', firstName: 'No', lastName: 'Email' },
];

async function push(items: object[], flow = pushFlow()) {
	return runWorkflow(flow, {
		inputItems: items.map((json) => ({ json })),
		credentials: { integrationHubSpotApi: { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl } },
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	control = new SandboxControl(hubspot.baseUrl);
});

beforeEach(async () => {
	await control.reset();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'slice-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await hubspot.close();
});

test('pushes contacts by batch upsert on email, maps fields, records the ID map, and fails only the record without an email (to the error output)', async () => {
	const result = await push(contacts, pushFlow('contacts', 'defaults', '[]', 'continueErrorOutput'));
	expect(result.error).toBeUndefined();
	const [succeeded, failed] = result.outputs.Push;
	expect(succeeded.map((item) => [item.json.internalId, item.json.status])).toEqual([['c-1', 'created'], ['c-2', 'created']]);
	// n8n's error output: the input item with the reason beside it.
	expect(failed.map((item) => [item.json.id, item.json.firstName, (item.json.details as { code: string }).code])).toEqual([['c-3', 'No', 'MISSING_MATCH_KEY']]);
	expect(String(failed[0].json.error)).toMatch(/^hubspot contacts c-3: /);
	expect(failed[0].pairedItem).toEqual({ item: 2 });

	const stored = await control.state<HubSpotRecord[]>('contacts');
	expect(stored).toHaveLength(2);
	const ada = stored.find((record) => record.properties.email === 'ada@example.com');
	expect(ada?.properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', phone: '+15550100001', company: 'Analytical' });

	const upserts = (await control.requests()).filter((entry) => entry.path === '/crm/v3/objects/contacts/batch/upsert');
	expect(upserts).toHaveLength(1);

	const store = await openStore({ kind: 'sqlite', file: stateFile }, allMigrations);
	const ids = await store.idMap.externalIds({ integration: 'slice', platform: 'hubspot', entity: 'contacts' }, ['c-1', 'c-2', 'c-3']);
	expect(Object.fromEntries(ids)).toEqual({ 'c-1': ada?.id, 'c-2': succeeded[1].json.externalId });
});

test('by default (On Error: Stop Workflow) a refused record stops the workflow naming the item; the others are still written once', async () => {
	const result = await push(contacts, pushFlow());
	expect(String((result.error as Error | undefined)?.message)).toMatch(/^hubspot contacts c-3: /);
	expect((result.error as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex).toBe(2);
	expect(await control.state<HubSpotRecord[]>('contacts')).toHaveLength(2);
});

test('under On Error: Continue each refused record is an error item on the one output, in input order', async () => {
	const result = await push(contacts, pushFlow('contacts', 'defaults', '[]', 'continueRegularOutput'));
	expect(result.error).toBeUndefined();
	const [output, errorOutput] = result.outputs.Push;
	expect(errorOutput ?? []).toEqual([]);
	expect(output.map((item) => item.json.status ?? (item.json.details as { code: string }).code)).toEqual(['created', 'created', 'MISSING_MATCH_KEY']);
	expect(Object.keys(output[2].json).sort()).toEqual(['details', 'error']);
});

test('re-running the same input creates no duplicates and writes nothing; a changed record is updated by id', async () => {
	await push(contacts.slice(0, 2));
	await control.clearRequests();
	const again = await push(contacts.slice(0, 2));
	expect(again.outputs.Push[0].map((item) => item.json.status)).toEqual(['skipped', 'skipped']);
	expect((await control.requests()).filter((entry) => entry.method === 'POST')).toHaveLength(0);

	const changed = await push([{ ...contacts[0], lastName: 'King' }, contacts[1]]);
	expect(changed.outputs.Push[0].map((item) => item.json.status)).toEqual(['updated', 'skipped']);
	const stored = await control.state<HubSpotRecord[]>('contacts');
	expect(stored).toHaveLength(2);
	expect(stored.find((record) => record.properties.email === 'ada@example.com')?.properties.lastname).toBe('King');
});

test('an existing HubSpot contact with the same email is linked, not duplicated', async () => {
	await control.seed({ contacts: [{ properties: { email: 'grace@example.com', firstname: 'G' } }] });
	const [existing] = await control.state<HubSpotRecord[]>('contacts');
	const result = await push([contacts[1]]);
	expect(result.outputs.Push[0].map((item) => [item.json.status, item.json.externalId])).toEqual([['updated', existing.id]]);
	expect(await control.state<HubSpotRecord[]>('contacts')).toHaveLength(1);
});

test('a mapping to a field HubSpot lacks fails before anything is written, naming the field', async () => {
	const flow = pushFlow('contacts', 'json', JSON.stringify([{ internal: 'email', external: 'email' }, { internal: 'shoe', external: 'shoe_size' }]));
	const result = await push(contacts, flow);
	expect(String((result.error as Error)?.message)).toContain('Field "shoe_size" does not exist on hubspot contacts');
	expect(await control.state<HubSpotRecord[]>('contacts')).toHaveLength(0);
});

test('a wrong token surfaces HubSpot\'s own 401 message without the token', async () => {
	const result = await runWorkflow(pushFlow(), {
		inputItems: [{ json: contacts[0] }],
		credentials: { integrationHubSpotApi: { accessToken: 'wrong-token-123456', baseUrl: hubspot.baseUrl } },
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
	const message = JSON.stringify(result.error);
	expect(message).toMatch(/401|authentication|credentials/i);
	expect(message).not.toContain('wrong-token-123456');
});
