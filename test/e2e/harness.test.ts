/**
 * The real-n8n harness: this package packed and installed as a community package into the pinned n8n, beside the
 * throw-away probe package (a node that calls an HTTP API through a credential). The probe proves the whole path
 * (credential created through the public API, workflow imported with it, run manually and by webhook, executions
 * read back) whatever nodes this package declares; this package's own declared node types must be listed too.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { declaredNodeTypes, packFolder } from '../harness/build';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { probeCredentialType, probeNodeType, writeProbePackage } from '../harness/probePackage';

jest.setTimeout(600_000);

let n8n: N8nServer;
let api: Server;
let apiUrl: string;
const probeRoot = writeProbePackage();
let probeTarball: string;

beforeAll(async () => {
	api = createServer((request, response) => {
		const authorized = request.headers.authorization === 'Bearer e2e-token';
		response.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
		response.end(JSON.stringify(authorized ? { path: request.url, user: 'probe-user' } : { message: 'unauthorized' }));
	});
	await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
	apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
	probeTarball = await packFolder(probeRoot);
	n8n = await startN8n({ extraPackageTarballs: [probeTarball] });
	process.stderr.write(`[e2e] n8n ready ${n8n.startupSeconds.toFixed(1)}s after spawning\n`);
});

afterAll(async () => {
	await n8n?.stop();
	await new Promise((resolve) => api?.close(resolve));
	for (const dir of [probeRoot, probeTarball && path.dirname(probeTarball)]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const probeNode = { name: 'Probe', type: probeNodeType, typeVersion: 1, position: [220, 0], parameters: { path: '/whoami' } };

describe('real n8n harness', () => {
	it('loads the community packages: every node type this package declares, and the probe', async () => {
		const known = await n8n.nodeTypes();
		expect(known).toEqual(expect.arrayContaining([...declaredNodeTypes(), probeNodeType]));
		expect(known).toContain('n8n-nodes-base.manualTrigger');
	});

	it('runs a Manual Trigger workflow with a credential and reads the execution back', async () => {
		const credentialId = await n8n.createCredential(probeCredentialType, 'Probe', { baseUrl: apiUrl, token: 'e2e-token' });
		const workflowId = await n8n.importWorkflow(
			{
				name: 'Harness manual run',
				nodes: [
					{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ ...probeNode, credentials: { [probeCredentialType]: { id: 'template-placeholder', name: 'Probe' } } },
				],
				connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
			},
			{ credentials: { [probeCredentialType]: credentialId } },
		);

		const run = await n8n.runManual(workflowId);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(run.outputs.Probe[0].map((item) => item.json.response)).toEqual([{ path: '/whoami', user: 'probe-user' }]);

		const executions = await n8n.executions(workflowId);
		expect(executions.map((execution) => execution.id)).toContain(run.id);
		expect(executions.find((execution) => execution.id === run.id)?.mode).toBe('manual');
	});

	it('activates a webhook workflow, calls it and waits for its execution', async () => {
		const credentialId = await n8n.createCredential(probeCredentialType, 'Probe for webhook', { baseUrl: apiUrl, token: 'e2e-token' });
		const workflowId = await n8n.importWorkflow(
			{
				name: 'Harness webhook run',
				nodes: [
					{
						name: 'Hook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: 'c0ffee00-0000-4000-8000-000000000001',
						parameters: { path: 'harness-probe', httpMethod: 'POST', responseMode: 'lastNode' },
					},
					{ ...probeNode, credentials: { [probeCredentialType]: { id: 'template-placeholder', name: 'Probe' } } },
				],
				connections: { Hook: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
			},
			{ credentials: { [probeCredentialType]: credentialId } },
		);
		await n8n.activate(workflowId);

		const response = await n8n.callWebhook('harness-probe', { body: { order: 42 } });
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({ input: { body: { order: 42 } }, response: { user: 'probe-user' } });

		const execution = await n8n.waitForExecution(workflowId, (e) => e.status === 'success');
		expect(execution.mode).toBe('webhook');
		expect(execution.outputs.Hook[0][0].json.body).toEqual({ order: 42 });
	});
});
