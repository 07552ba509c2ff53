/**
 * The in-process harness runs a workflow through n8n-core's engine: a node loaded from a package calls a local
 * HTTP server through `this.helpers.httpRequestWithAuthentication`, authenticated by a test credential.
 * It uses the throw-away probe package so it proves the harness whatever nodes this package declares.
 */
import { rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { declaredNodeTypes } from '../harness/build';
import { knownNodeTypes, runWorkflow } from '../harness/inProcess';
import { probeCredentialType, probeNodeType, writeProbePackage } from '../harness/probePackage';

let server: Server;
let baseUrl: string;
const probeRoot = writeProbePackage();
const seenHeaders: IncomingHttpHeaders[] = [];

beforeAll(async () => {
	server = createServer((request, response) => {
		seenHeaders.push(request.headers);
		const authorized = request.headers.authorization === 'Bearer s3cret';
		response.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
		response.end(JSON.stringify(authorized ? { path: request.url, user: 'probe-user' } : { message: 'unauthorized' }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	rmSync(probeRoot, { recursive: true, force: true });
});

const workflow = {
	name: 'probe',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ name: 'Probe', type: probeNodeType, typeVersion: 1, position: [200, 0], parameters: { path: '/whoami?x=1' } },
	],
	connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
};

describe('in-process harness', () => {
	it('loads every node type this package declares, from dist/ (built first if stale)', async () => {
		expect(await knownNodeTypes()).toEqual(expect.arrayContaining([...declaredNodeTypes(), 'n8n-nodes-base.manualTrigger']));
	});

	it('runs a packaged node that calls an HTTP server with its credential applied', async () => {
		const result = await runWorkflow(workflow, {
			packages: [probeRoot],
			credentials: { [probeCredentialType]: { baseUrl, token: 's3cret' } },
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.outputs.Start).toEqual([[expect.objectContaining({ json: {} })]]);
		expect(result.outputs.Probe[0].map((item) => item.json)).toEqual([{ input: {}, response: { path: '/whoami?x=1', user: 'probe-user' } }]);
		expect(seenHeaders.at(-1)?.authorization).toBe('Bearer s3cret');
	});

	it('seeds input items as the start node output for webhook-started flows', async () => {
		const webhookFlow = {
			...workflow,
			nodes: [{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'x' } }, workflow.nodes[1]],
			connections: { Hook: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
		};
		const result = await runWorkflow(webhookFlow, {
			packages: [probeRoot],
			credentials: { [probeCredentialType]: { baseUrl, token: 's3cret' } },
			inputItems: [{ json: { order: 1 } }, { json: { order: 2 } }],
		});
		expect(result.status).toBe('success');
		expect(result.outputs.Hook[0].map((item) => item.json)).toEqual([{ order: 1 }, { order: 2 }]);
		expect(result.outputs.Probe[0].map((item) => item.json.input)).toEqual([{ order: 1 }, { order: 2 }]);
	});

	it('reports a failing node as an error run', async () => {
		const result = await runWorkflow(workflow, {
			packages: [probeRoot],
			credentials: { [probeCredentialType]: { baseUrl, token: 'wrong' } },
		});
		expect(result.status).toBe('error');
		expect(String((result.error as Error).message)).toMatch(/401|Authorization failed|unauthorized/i);
	});
});
