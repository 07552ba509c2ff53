/**
 * The four commerce credentials: each one's test request, authenticated the way its `authenticate` block says, passes
 * against its sandbox with the sandbox's secrets and fails with a wrong one; secrets are password fields.
 */
import type { ICredentialType, IHttpRequestOptions } from 'n8n-workflow';

import { IntegrationBigCommerceApi } from '../../credentials/IntegrationBigCommerceApi.credentials';
import { IntegrationMagentoApi } from '../../credentials/IntegrationMagentoApi.credentials';
import { IntegrationShopifyApi } from '../../credentials/IntegrationShopifyApi.credentials';
import { IntegrationWooCommerceApi } from '../../credentials/IntegrationWooCommerceApi.credentials';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

let sandboxes: CommerceSandboxes;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
});
afterAll(() => sandboxes.close());

/** n8n's `={{$credentials.x}}` expressions, as far as these credentials use them. */
function resolve(value: unknown, data: Record<string, unknown>): unknown {
	if (typeof value === 'string' && value.startsWith('=')) return value.slice(1).replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, name: string) => String(data[name] ?? ''));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner, data)]));
	return value;
}

async function runCredentialTest(credential: ICredentialType, data: Record<string, unknown>): Promise<number> {
	const request = resolve(credential.test?.request, data) as IHttpRequestOptions & { baseURL: string };
	const auth = resolve((credential.authenticate as unknown as { properties: Record<string, unknown> }).properties, data) as {
		headers?: Record<string, string>;
		auth?: { username: string; password: string };
	};
	const url = new URL(`${request.baseURL}${request.url}`);
	for (const [name, value] of Object.entries(request.qs ?? {})) url.searchParams.set(name, String(value));
	const headers: Record<string, string> = { 'content-type': 'application/json', ...auth.headers };
	if (auth.auth) headers.authorization = `Basic ${Buffer.from(`${auth.auth.username}:${auth.auth.password}`).toString('base64')}`;
	const response = await fetch(url, { method: request.method ?? 'GET', headers, body: request.body ? JSON.stringify(request.body) : undefined });
	await response.arrayBuffer();
	return response.status;
}

const cases = [
	{ platform: 'shopify', credential: new IntegrationShopifyApi(), secret: 'accessToken' },
	{ platform: 'woocommerce', credential: new IntegrationWooCommerceApi(), secret: 'consumerSecret' },
	{ platform: 'magento', credential: new IntegrationMagentoApi(), secret: 'accessToken' },
	{ platform: 'bigcommerce', credential: new IntegrationBigCommerceApi(), secret: 'accessToken' },
] as const;

test.each(cases)('$platform: the credential test passes with the right secret and fails with a wrong one', async ({ platform, credential, secret }) => {
	const store = sandboxes.stores.find((entry) => entry.platform === platform)!;
	const data = { ...store.settings, baseUrl: store.baseUrl, locationId: store.settings.locationId ?? 1 };
	expect(await runCredentialTest(credential, data)).toBe(200);
	expect(await runCredentialTest(credential, { ...data, [secret]: 'wrong-secret' })).toBe(401);
	const field = credential.properties.find((property) => property.name === secret);
	expect(field?.typeOptions?.password).toBe(true);
	expect(credential.properties.find((property) => property.name === 'baseUrl')).toBeDefined();
});
