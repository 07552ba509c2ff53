/**
 * A throw-away community package (plain CommonJS, nothing to compile) that exercises what this package's nodes
 * rely on: a node loaded from a package, a credential with generic header auth, and
 * `this.helpers.httpRequestWithAuthentication`. The harness tests use it so they prove the harness itself,
 * whatever nodes this package declares at the time.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const probePackageName = 'n8n-nodes-harness-probe';
export const probeNodeType = `${probePackageName}.probe`;
export const probeCredentialType = 'harnessProbeApi';

const packageJson = {
	name: probePackageName,
	version: '0.0.1',
	license: 'MIT',
	keywords: ['n8n-community-node-package'],
	files: ['dist'],
	n8n: {
		n8nNodesApiVersion: 1,
		nodes: ['dist/nodes/Probe/Probe.node.js'],
		credentials: ['dist/credentials/HarnessProbeApi.credentials.js'],
	},
	peerDependencies: { 'n8n-workflow': '*' },
};

const credentialSource = `
class HarnessProbeApi {
	constructor() {
		this.name = '${probeCredentialType}';
		this.displayName = 'Harness Probe API';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		];
		this.authenticate = { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } } };
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/whoami' } };
	}
}
module.exports = { HarnessProbeApi };
`;

/** GETs `path` from the credential's base URL for every input item and returns the response beside the item. */
const nodeSource = `
class Probe {
	constructor() {
		this.description = {
			displayName: 'Harness Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'Calls the probe API',
			defaults: { name: 'Harness Probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: '${probeCredentialType}', required: true }],
			properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/whoami' }],
		};
	}
	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('${probeCredentialType}');
		const results = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const response = await this.helpers.httpRequestWithAuthentication.call(this, '${probeCredentialType}', {
				method: 'GET',
				url: credentials.baseUrl + this.getNodeParameter('path', itemIndex),
				json: true,
			});
			results.push({ json: { input: items[itemIndex].json, response }, pairedItem: { item: itemIndex } });
		}
		return [results];
	}
}
module.exports = { Probe };
`;

/** Writes the probe package into a fresh temp folder and returns that folder (the package root). */
export function writeProbePackage(): string {
	const root = mkdtempSync(path.join(tmpdir(), 'n8n-harness-probe-'));
	const files: Record<string, string> = {
		'package.json': JSON.stringify(packageJson, null, '\t'),
		'dist/nodes/Probe/Probe.node.js': nodeSource,
		'dist/credentials/HarnessProbeApi.credentials.js': credentialSource,
	};
	for (const [relativePath, content] of Object.entries(files)) {
		const filePath = path.join(root, relativePath);
		mkdirSync(path.dirname(filePath), { recursive: true });
		writeFileSync(filePath, content);
	}
	return root;
}
