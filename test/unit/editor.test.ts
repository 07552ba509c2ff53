/**
 * What the editor shows before anything runs: node icons drawn as paths (no font-dependent glyphs), operations in
 * alphabetical order, subtitles in words (evaluated as the editor evaluates them), the pickers' resourceLocator
 * shape, and the notice that an integration's nodes share one state store.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { readManifest } from '../harness/build';
import { repoRoot } from '../harness/paths';

/** Every node the package declares, loaded from its TypeScript source. */
function packageNodes(): INodeType[] {
	return (readManifest().n8n.nodes ?? []).map((file) => {
		const source = path.join(repoRoot, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const exported = require(source) as Record<string, new () => INodeType>;
		return new (Object.values(exported)[0])();
	});
}

/** The subtitle's expression run as plain JavaScript over `$parameter`, which is what the editor does with it. */
function subtitleOf(node: INodeType, parameters: Record<string, unknown>): string {
	const expression = String(node.description.subtitle ?? '');
	const body = /^=\{\{([\s\S]*)\}\}$/.exec(expression)?.[1];
	if (!body) return expression;
	// eslint-disable-next-line @typescript-eslint/no-implied-eval
	return String(new Function('$parameter', `return (${body});`)(parameters));
}

const operationProperty = (node: INodeType) => node.description.properties.find((property) => property.name === 'operation');

/** Each property's default, as a node freshly added to the canvas has it. */
function defaults(node: INodeType): Record<string, unknown> {
	return Object.fromEntries(node.description.properties.map((property) => [property.name, property.default]));
}

test('node icons are drawn as paths, with no text glyphs that depend on fonts', () => {
	const icons = readdirSync(path.join(repoRoot, 'nodes'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.svg'));
	expect(icons.length).toBeGreaterThan(0);
	for (const icon of icons) {
		const svg = readFileSync(path.join(repoRoot, 'nodes', icon), 'utf8');
		expect({ icon, text: /<text[\s>]/.test(svg) }).toEqual({ icon, text: false });
		expect({ icon, drawn: /<(path|circle|rect|polygon|polyline|line|ellipse)[\s>]/.test(svg) }).toEqual({ icon, drawn: true });
	}
});

test('every node lists its operations in alphabetical order', () => {
	for (const node of packageNodes()) {
		const options = (operationProperty(node)?.options ?? []) as INodePropertyOptions[];
		const names = options.map((option) => option.name);
		expect({ node: node.description.name, names }).toEqual({ node: node.description.name, names: [...names].sort((a, b) => a.localeCompare(b)) });
	}
});

test('subtitles read as words for every operation, never a raw value or "undefined"', () => {
	for (const node of packageNodes()) {
		const operations = (operationProperty(node)?.options ?? []) as INodePropertyOptions[];
		for (const operation of operations.length > 0 ? operations : [undefined]) {
			const parameters = { ...defaults(node), ...(operation ? { operation: operation.value } : {}) };
			const subtitle = subtitleOf(node, parameters);
			const where = `${node.description.name}${operation ? ` ${String(operation.value)}` : ''}: "${subtitle}"`;
			expect({ where, undefined: subtitle.includes('undefined') }).toEqual({ where, undefined: false });
			expect({ where, words: /^[A-Z]/.test(subtitle) || subtitle === '' }).toEqual({ where, words: true });
			if (operation && /[a-z][A-Z]/.test(String(operation.value))) expect({ where, raw: subtitle.includes(String(operation.value)) }).toEqual({ where, raw: false });
		}
	}
});

test('CRM Sync says what it does to which platform', () => {
	const crmSync = packageNodes().find((node) => node.description.name === 'crmSync')!;
	expect(subtitleOf(crmSync, { operation: 'push', entity: 'contacts', platform: 'hubspot' })).toBe('Push contacts to HubSpot');
	expect(subtitleOf(crmSync, { operation: 'pull', entity: 'deals', platform: 'salesforce' })).toBe('Pull deals from Salesforce');
	expect(subtitleOf(crmSync, { operation: 'sync', entity: 'companies', platforms: ['hubspot', 'zendesk'] })).toBe('Sync companies: HubSpot, Zendesk');
	expect(subtitleOf(crmSync, { operation: 'verifyWebhook', webhookSource: 'intercom' })).toBe('Verify Intercom webhook');
});

test('vendor ids are resourceLocators with a searchable list the node can fill', () => {
	const picked = ['mailchimpAudienceId', 'hubspotSubscriptionId', 'marketoCampaignId', 'activeCampaignListId', 'shopifyLocation', 'bigcommerceLocation', 'magentoLocation'];
	const nodes = packageNodes();
	for (const name of picked) {
		const node = nodes.find((candidate) => candidate.description.properties.some((property) => property.name === name))!;
		const property = node.description.properties.find((candidate) => candidate.name === name) as INodeProperties;
		expect({ name, type: property.type }).toEqual({ name, type: 'resourceLocator' });
		const list = property.modes?.find((mode) => mode.name === 'list');
		const method = list?.typeOptions?.searchListMethod as string;
		expect({ name, searchable: list?.typeOptions?.searchable }).toEqual({ name, searchable: true });
		expect({ name, method: typeof (node.methods?.listSearch as Record<string, unknown> | undefined)?.[method] }).toEqual({ name, method: 'function' });
	}
});

test('every node that keeps state says its integration must share one state store', () => {
	const stateful = packageNodes().filter((node) => (node.description.credentials ?? []).some((credential) => credential.name === 'integrationStateStore'));
	expect(stateful.length).toBeGreaterThan(5);
	for (const node of stateful) {
		const notice = node.description.properties.find((property) => property.type === 'notice' && /same Integration State Store/.test(property.displayName));
		expect({ node: node.description.name, notice: notice !== undefined && notice.displayOptions === undefined }).toEqual({ node: node.description.name, notice: true });
	}
});

test("Smart Payment Router shows a processor's credential slot only while the processor is chosen", () => {
	const router = packageNodes().find((node) => node.description.name === 'smartPaymentRouter')!;
	const processors = router.description.properties.find((property) => property.name === 'processors')!;
	expect(processors.type).toBe('multiOptions');
	const ids = (processors.options as INodePropertyOptions[]).map((option) => option.value);
	const slots = (router.description.credentials ?? []).filter((credential) => credential.name !== 'integrationStateStore');
	expect(slots).toHaveLength(ids.length);
	for (const slot of slots) expect(ids).toContain(slot.displayOptions?.show?.processors?.[0]);
});

test("Social Publisher's Platforms list shows in the panel: no credential slot depends on it (n8n's editor hides such a parameter)", () => {
	const publisher = packageNodes().find((node) => node.description.name === 'socialPublisher')!;
	const platforms = publisher.description.properties.find((property) => property.name === 'platforms')!;
	expect(platforms.type).toBe('multiOptions');
	const slots = (publisher.description.credentials ?? []).filter((credential) => credential.name !== 'integrationStateStore');
	expect(slots.map((slot) => slot.name)).toEqual(['integrationXOAuth2Api', 'integrationLinkedInOAuth2Api', 'integrationFacebookPageApi', 'integrationInstagramOAuth2Api']);
	expect(slots.filter((slot) => slot.displayOptions !== undefined || slot.required)).toEqual([]);
});
