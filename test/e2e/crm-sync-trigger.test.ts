/**
 * The CRM Sync Trigger's Start From in the real n8n against the Salesforce sandbox, polling every minute. Publishing
 * runs a first poll at once: from the Beginning it emits the records the CRM already holds; from Now (the default) it
 * emits none of them, and the next poll emits only the record created after publishing.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
let n8n: N8nServer;
let salesforce: RunningSandbox;
let control: SandboxControl;
let tarball: string;
let credentialId: string;

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function pollingWorkflow(name: string, parameters: Record<string, unknown>) {
	return {
		name,
		nodes: [
			{
				name: 'CRM Sync Trigger',
				type: `${pkg}.crmSyncTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, platform: 'salesforce', entity: 'contacts', deletes: 'ignore', maxChanges: 100, mappingMode: 'defaults', ...parameters },
				credentials: { integrationSalesforceApi: { id: credentialId, name: 'Salesforce' } },
			},
		],
		connections: {},
	};
}

const emails = (execution: { outputs: Record<string, unknown[][]> }) => ((execution.outputs['CRM Sync Trigger']?.[0] ?? []) as Array<{ json: { email: string } }>).map((item) => item.json.email);

beforeAll(async () => {
	salesforce = await startSandbox('salesforce');
	control = new SandboxControl(salesforce.baseUrl);
	await control.seed({
		Contact: [
			{ LastName: 'Lovelace', Email: 'ada@example.com', SystemModstamp: daysAgo(300) },
			{ LastName: 'Hopper', Email: 'grace@example.com', SystemModstamp: daysAgo(3) },
		],
	});
	tarball = await packPackage();
	n8n = await startN8n({ packageTarball: tarball });
	credentialId = await n8n.createCredential('integrationSalesforceApi', 'Salesforce', { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl });
});

afterAll(async () => {
	await n8n?.stop();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	await salesforce?.close();
});

it('Start From: Beginning emits the records the CRM already holds when the workflow is published', async () => {
	const workflowId = await n8n.importWorkflow(pollingWorkflow('CRM Sync Trigger from the beginning', { integration: 'from-beginning', startFrom: 'beginning' }));
	await n8n.activate(workflowId);
	// The first poll runs on publishing; in queue mode its execution then waits for a worker, which on a loaded machine
	// (the clean-clone CI) took longer than 30 s.
	const first = await n8n.waitForExecution(workflowId, () => true, 150_000);
	expect(emails(first).sort()).toEqual(['ada@example.com', 'grace@example.com']);
	await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
});

it('Start From: Now replays nothing on publishing; the next poll emits only the record created since', async () => {
	const workflowId = await n8n.importWorkflow(pollingWorkflow('CRM Sync Trigger from now', { integration: 'from-now' }));
	await n8n.activate(workflowId);
	expect(await n8n.executions(workflowId)).toEqual([]);
	await control.seed({ Contact: [{ LastName: 'Hamilton', Email: 'margaret@example.com' }] });
	// Polls run on the minute; in queue mode the poll's execution then waits for a worker, slow on a loaded machine: 150 s.
	const next = await n8n.waitForExecution(workflowId, () => true, 150_000);
	expect(emails(next)).toEqual(['margaret@example.com']);
	expect(await n8n.executions(workflowId)).toHaveLength(1);
	await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
});
