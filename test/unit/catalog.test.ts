/**
 * The catalog and what must exist beside it for each vendor: the vendor folder, its credential file listed in
 * package.json, a sandbox, a docs page; and the declared standalone auth is the one the vendor's sandbox accepts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { connectStandalone, platformCatalog, platformDefinition, platformsServing } from '../../lib/platforms/catalog';
import { isTokenRefusal, type CredentialBinding, type PlatformDefinition } from '../../lib/platforms/definition';
import { parseSettings } from '../../lib/platforms/settings';
import { sandboxNames, startSandbox, type SandboxName } from '../sandbox/registry';

const root = path.join(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { n8n: { credentials: string[] } };

/** Each credential type by name, with the file that declares it. */
function credentialFiles(): Map<string, { file: string; type: ICredentialType }> {
	const folder = path.join(root, 'credentials');
	const found = new Map<string, { file: string; type: ICredentialType }>();
	for (const file of readdirSync(folder).filter((name) => name.endsWith('.credentials.ts'))) {
		for (const CredentialClass of Object.values(require(path.join(folder, file)) as Record<string, new () => ICredentialType>)) {
			const type = new CredentialClass();
			found.set(type.name, { file, type });
		}
	}
	return found;
}

const credentials = credentialFiles();
const bindingsOf = (definition: PlatformDefinition): CredentialBinding[] => [definition.credentials, ...(definition.credentials.alternatives ?? [])];
const fieldOf = (binding: CredentialBinding, name: string): INodeProperties | undefined => credentials.get(binding.type)?.type.properties.find((field) => field.name === name);

describe('the catalog agrees with the folders, credentials, sandboxes and docs', () => {
	test('every folder in lib/platforms but the catalog is one vendor, declared under its folder name and listed once', () => {
		const platforms = path.join(root, 'lib/platforms');
		const folders = readdirSync(platforms).filter((entry) => entry !== 'catalog' && statSync(path.join(platforms, entry)).isDirectory());
		expect(platformCatalog.map((definition) => definition.id).sort()).toEqual(folders.sort());
		for (const folder of folders) expect((require(path.join(platforms, folder)) as Record<string, unknown>)[folder]).toBe(platformDefinition(folder));
	});

	test('every credential type a vendor binds has its file, listed in package.json n8n.credentials', () => {
		const missing = platformCatalog.flatMap(bindingsOf).flatMap((binding) => {
			const declared = credentials.get(binding.type);
			if (!declared) return [`${binding.type}: no credentials/ file declares it`];
			const listed = `dist/credentials/${declared.file.replace(/\.ts$/, '.js')}`;
			return packageJson.n8n.credentials.includes(listed) ? [] : [`${binding.type}: ${listed} is not in package.json`];
		});
		expect(missing).toEqual([]);
	});

	test("each binding's base-URL field exists with the vendor's default, and each secret field exists", () => {
		for (const definition of platformCatalog) {
			for (const binding of bindingsOf(definition)) {
				const baseUrl = fieldOf(binding, binding.baseUrlField);
				expect([binding.type, binding.baseUrlField, baseUrl?.default]).toEqual([binding.type, binding.baseUrlField, binding.defaultBaseUrl ?? '']);
				expect([binding.type, binding.secretFields.filter((field) => !fieldOf(binding, field))]).toEqual([binding.type, []]);
			}
		}
	});

	test('each declared setting is a credential field of the matching type and default', () => {
		const settings = platformCatalog.flatMap((definition) => (definition.settings ?? []).map((setting) => ({ definition, setting })));
		expect(settings.map(({ definition, setting }) => `${definition.id}.${setting.name}`)).toEqual(['freshdesk.plan', 'braintree.merchantId', 'shopify.locationId', 'magento.sourceCode', 'bigcommerce.locationId', 'quickbooks.realmId', 'xero.tenantId', 'freshbooks.accountId', 'linkedin.authorUrn', 'facebook.pageId', 'instagram.igUserId']);
		for (const { definition, setting } of settings) {
			const field = fieldOf(definition.credentials, setting.name);
			expect([setting.name, field?.type, field?.default || undefined]).toEqual([setting.name, setting.type === 'integer' ? 'number' : setting.options ? 'options' : 'string', setting.default || undefined]);
			if (setting.options) expect((field?.options ?? []).map((option) => (option as { value: string }).value)).toEqual(setting.options);
		}
	});

	test('every vendor has a sandbox and a docs/platforms page', () => {
		expect(platformCatalog.filter((definition) => !sandboxNames.includes(definition.id as SandboxName)).map((definition) => definition.id)).toEqual([]);
		expect(platformCatalog.filter((definition) => !existsSync(path.join(root, 'docs/platforms', `${definition.id}.md`))).map((definition) => definition.id)).toEqual([]);
	});

	test('the capabilities the nodes list come from the catalog', () => {
		expect(platformsServing('crm').map((definition) => definition.id)).toEqual(['hubspot', 'salesforce', 'zendesk', 'intercom', 'freshdesk']);
		expect(platformsServing('marketing').map((definition) => definition.id)).toEqual(['hubspot', 'mailchimp', 'marketo', 'activecampaign']);
		expect(platformsServing('payments').map((definition) => definition.id)).toEqual(['stripe', 'square', 'paypal', 'braintree']);
		expect(platformsServing('inventory').map((definition) => definition.id)).toEqual(['shopify', 'woocommerce', 'magento', 'bigcommerce']);
		expect(platformsServing('accounting').map((definition) => definition.id)).toEqual(['quickbooks', 'xero', 'freshbooks']);
		expect(platformsServing('social').map((definition) => definition.id)).toEqual(['x', 'linkedin', 'facebook', 'instagram']);
		expect(() => platformDefinition('nosuch')).toThrow(/Unknown platform "nosuch"/);
	});
});

describe('settings are parsed, never coerced', () => {
	const bigcommerce = platformDefinition('bigcommerce');
	const shopify = platformDefinition('shopify');
	const base = { baseUrl: 'http://127.0.0.1:9' };

	test('a whole number from n8n or as digits from a settings file; the default when empty', () => {
		expect(parseSettings(bigcommerce, { ...base, locationId: 7 })).toEqual({ ...base, locationId: 7 });
		expect(parseSettings(bigcommerce, { ...base, locationId: '7' })).toEqual({ ...base, locationId: 7 });
		expect(parseSettings(bigcommerce, { ...base, locationId: '' })).toEqual({ ...base, locationId: 1 });
	});

	test.each([['abc'], ['1.5'], [1.5], [-2], [true], [{ id: 1 }]])('BigCommerce location %p is refused naming the field', (locationId) => {
		expect(() => parseSettings(bigcommerce, { ...base, locationId })).toThrow(/BigCommerce credential: Location ID \(locationId\) must be a whole number/);
	});

	test('a required text setting left empty, or given a number, is an error naming it', () => {
		expect(() => parseSettings(shopify, { ...base, locationId: '' })).toThrow('Shopify credential: Location ID (locationId) is empty');
		expect(() => parseSettings(shopify, { ...base, locationId: 5 })).toThrow('Shopify credential: Location ID (locationId) must be text, got number');
		expect(parseSettings(shopify, { ...base, locationId: ' gid://shopify/Location/1 ' }).locationId).toBe('gid://shopify/Location/1');
	});

	test('a setting with options takes one of them, named exactly; anything else is refused naming the field', () => {
		const freshdesk = platformDefinition('freshdesk');
		expect(parseSettings(freshdesk, { ...base, plan: ' pro ' }).plan).toBe('pro');
		expect(parseSettings(freshdesk, { ...base, plan: '' }).plan).toBe('growth');
		expect(() => parseSettings(freshdesk, { ...base, plan: 'Pro' })).toThrow('Freshdesk credential: Plan (plan) must be one of trial, growth, pro, enterprise, got "Pro"');
		expect(() => parseSettings(freshdesk, { ...base, plan: 4 })).toThrow('Freshdesk credential: Plan (plan) must be text, got number');
	});

	test('the base URL: the field, else derived (Mailchimp), else the default; none at all is an error', () => {
		expect(parseSettings(platformDefinition('stripe'), {}).baseUrl).toBe('https://api.stripe.com');
		expect(parseSettings(platformDefinition('mailchimp'), { apiKey: 'k-us21' }).baseUrl).toBe('https://us21.api.mailchimp.com/3.0');
		expect(() => parseSettings(platformDefinition('zendesk'), { email: 'a@b.c' })).toThrow(/"baseUrl" is empty/);
	});
});

describe('standalone auth, against each vendor sandbox', () => {
	/** A request the vendor refuses for its credential: 401/403, or its declared token refusal (Marketo's 601 in a 200). */
	async function refused(definition: PlatformDefinition, values: Record<string, unknown>): Promise<boolean> {
		try {
			const { client, baseUrl } = connectStandalone(definition.id, values);
			const response = await client.send({ method: 'GET', url: `${baseUrl}/__catalog-probe` });
			return response.status === 401 || response.status === 403 || isTokenRefusal(definition, response);
		} catch (error) {
			// A client-credentials vendor refuses earlier: at the token endpoint.
			if (/token request failed/.test((error as Error).message)) return true;
			throw error;
		}
	}

	/** The credential field the standalone auth sends as the secret. */
	function authField(definition: PlatformDefinition): string {
		const auth = definition.standaloneAuth;
		if (auth.kind === 'clientCredentials') return 'clientSecret';
		// Basic auth's secret may be the user name (Freshdesk's API key, with "X" as password).
		const templates = auth.kind === 'headers' ? Object.values(auth.headers) : [auth.user, auth.password];
		return [...templates.join(' ').matchAll(/\{(\w+)\}/g)].map((match) => match[1]).at(-1) as string;
	}

	test.each(platformCatalog.map((definition) => [definition.id]))('%s accepts its declared auth and refuses a wrong secret', async (id) => {
		const definition = platformDefinition(id);
		const sandbox = await startSandbox(id as SandboxName);
		try {
			const values = { ...sandbox.credentials, [definition.credentials.baseUrlField]: sandbox.baseUrl };
			expect(await refused(definition, values)).toBe(false);
			expect(await refused(definition, { ...values, [authField(definition)]: 'wrong' })).toBe(true);
		} finally {
			await sandbox.close();
		}
	});

	test('a missing credential field is an error naming it, before any request', () => {
		expect(() => connectStandalone('shopify', { baseUrl: 'http://127.0.0.1:9', locationId: 'gid://shopify/Location/1' })).toThrow('Shopify credential: "accessToken" is not set');
	});
});
