/**
 * What the editor shows before anything runs: node icons drawn as paths (no font-dependent glyphs), operations in
 * alphabetical order, subtitles in words (evaluated as the editor evaluates them), the pickers' resourceLocator
 * shape, and the notice that an integration's nodes share one state store.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeHelpers, type INodeParameters, type INodeProperties, type INodePropertyOptions, type INodeType } from 'n8n-workflow';

import { platformDefinition, platformsServing } from '../../lib/platforms/catalog';
import { credentialChoices } from '../../nodes/shared/platformCredentials';

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
	const picked = [
		'mailchimpAudienceId', 'hubspotSubscriptionId', 'marketoCampaignId', 'activeCampaignListId', 'shopifyLocation', 'bigcommerceLocation', 'magentoLocation',
		'intercomTicketType', 'hubspotTicketPipeline', 'hubspotTicketStage', 'squareLocation', 'braintreeMerchantAccount',
		'hubspotNurtureWorkflowId', 'hubspotRetentionWorkflowId',
	];
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

/** Whether n8n's editor accepts a mode's value: every validation regex anchored at both ends (validateResourceLocatorParameter). */
function accepted(property: INodeProperties, mode: string, value: string): boolean {
	const validations = property.modes?.find((candidate) => candidate.name === mode)?.validation ?? [];
	return validations.every((validation) => typeof validation === 'object' && validation.type === 'regex' && new RegExp(`^${(validation.properties as { regex: string }).regex}$`).test(value));
}

/** The id a resourceLocator's mode extracts from a value, as n8n extracts it (the regex's one group). */
function extracted(property: INodeProperties, mode: string, value: string): string | undefined {
	const found = property.modes?.find((candidate) => candidate.name === mode);
	const regex = found?.extractValue?.type === 'regex' ? found.extractValue.regex : undefined;
	return regex ? new RegExp(regex).exec(value)?.[1] : value;
}

test("Mailchimp's journeys and steps, which its API cannot list, are given By URL or By ID, with a hint saying why", () => {
	const fanOut = packageNodes().find((node) => node.description.name === 'marketingFanOut')!;
	const property = (name: string) => fanOut.description.properties.find((candidate) => candidate.name === name) as INodeProperties;
	const triggerUrl = 'https://us21.api.mailchimp.com/3.0/customer-journeys/journeys/601/steps/9101/actions/trigger';
	for (const name of ['mailchimpJourneyId', 'mailchimpNurtureJourneyId', 'mailchimpRetentionJourneyId', 'mailchimpJourneyStepId', 'mailchimpNurtureStepId', 'mailchimpRetentionStepId']) {
		const journey = property(name);
		expect({ name, type: journey.type, modes: journey.modes?.map((mode) => mode.name), default: journey.default }).toEqual({ name, type: 'resourceLocator', modes: ['id', 'url'], default: { mode: 'id', value: '' } });
		expect({ name, hint: journey.hint }).toEqual({ name, hint: expect.stringMatching(/API lists no customer journeys/) });
		expect({ name, fromTriggerUrl: extracted(journey, 'url', triggerUrl), accepted: accepted(journey, 'url', triggerUrl) }).toEqual({ name, fromTriggerUrl: name.endsWith('StepId') ? '9101' : '601', accepted: true });
		// Optional: left empty By ID, the editor flags nothing.
		expect({ name, emptyAccepted: accepted(journey, 'id', '') }).toEqual({ name, emptyAccepted: true });
	}
	expect(extracted(property('mailchimpNurtureJourneyId'), 'url', 'https://us21.admin.mailchimp.com/customer-journey/builder?id=601')).toBe('601');
	expect(extracted(property('mailchimpNurtureStepId'), 'url', 'https://us21.admin.mailchimp.com/customer-journey/builder?id=601')).toBeUndefined();
});

test("HubSpot's workflows are also given by the workflow editor's URL", () => {
	const fanOut = packageNodes().find((node) => node.description.name === 'marketingFanOut')!;
	const nurture = fanOut.description.properties.find((candidate) => candidate.name === 'hubspotNurtureWorkflowId') as INodeProperties;
	expect(nurture.modes?.map((mode) => mode.name)).toEqual(['list', 'id', 'url']);
	expect(extracted(nurture, 'url', 'https://app.hubspot.com/workflows/4411/platform/flow/8101/edit')).toBe('8101');
	expect(accepted(nurture, 'url', 'https://app.hubspot.com/workflows/4411/platform/flow/8101/edit')).toBe(true);
	expect(accepted(nurture, 'url', 'https://app.hubspot.com/contacts/4411/lists')).toBe(false);
	expect(extracted(nurture, 'url', 'https://app-eu1.hubspot.com/workflows/4411/platform/flow/8101/edit')).toBe('8101');
});

test('every node that keeps state says its integration must share one state store', () => {
	const stateful = packageNodes().filter((node) => (node.description.credentials ?? []).some((credential) => credential.name === 'integrationStateStore'));
	expect(stateful.length).toBeGreaterThan(5);
	for (const node of stateful) {
		const notice = node.description.properties.find((property) => property.type === 'notice' && /same Integration State Store/.test(property.displayName));
		expect({ node: node.description.name, notice: notice !== undefined && notice.displayOptions === undefined }).toEqual({ node: node.description.name, notice: true });
	}
});

/**
 * The parameters n8n's editor leaves out of a node's panel because credential slots depend on them (its
 * getNodeAuthFields / getMainAuthField / isAuthRelatedParameter, n8n 2.40): the one it takes for the authentication
 * choice (named `authentication`, or every option of which selects a slot), shown in the credential dialog instead,
 * and, when there is such a choice, the parameters any credential-named parameter's display depends on.
 */
function hiddenByCredentials(node: INodeType): string[] {
	const credentials = node.description.credentials ?? [];
	const named = new Set(credentials.flatMap((credential) => Object.keys(credential.displayOptions?.show ?? {})));
	const authFields = node.description.properties.filter((property) => named.has(property.name));
	const selecting = (name: string) => credentials.flatMap((credential) => (credential.displayOptions?.show?.[name] ?? []).map(String));
	const main =
		authFields.find((field) => field.name === 'authentication' && !(field.options ?? []).some((option) => 'value' in option && option.value === 'none')) ??
		authFields.find((field) => (field.options ?? []).length > 0 && (field.options ?? []).every((option) => !('value' in option) || typeof option.value !== 'string' || selecting(field.name).includes(option.value)));
	const related = node.description.properties.filter((property) => authFields.some((field) => field.displayOptions?.show && property.name in field.displayOptions.show));
	return main ? [main.name, ...related.map((property) => property.name)] : [];
}

/** The credential slots the editor shows for these parameters, decided as n8n decides them. */
function shownSlots(node: INodeType, parameters: INodeParameters): string[] {
	return (node.description.credentials ?? [])
		.filter((credential) => credential.displayOptions === undefined || NodeHelpers.displayParameter(parameters, credential, null, node.description))
		.map((credential) => credential.name);
}

test('no multi-select is left out of a panel for credential slots depending on it (n8n moves such a parameter into the credential dialog)', () => {
	for (const node of packageNodes()) {
		const multiSelects = node.description.properties.filter((property) => property.type === 'multiOptions').map((property) => property.name);
		const hidden = hiddenByCredentials(node).filter((name) => multiSelects.includes(name));
		expect({ node: node.description.name, hidden }).toEqual({ node: node.description.name, hidden: [] });
	}
});

test('no parameter is left out of a panel for credential slots depending on it: platform choices stay in the panel, the dialog holds only credentials', () => {
	const hidden = packageNodes().flatMap((node) => hiddenByCredentials(node).map((parameter) => `${node.description.name}.${parameter}`));
	expect(hidden).toEqual([]);
});

test.each([
	['smartPaymentRouter', 'processors', 'payments'],
	['marketingFanOut', 'platforms', 'marketing'],
	['socialPublisher', 'platforms', 'social'],
] as const)("%s shows the %s multi-select and only the chosen ones' credential slots", (name, parameter, capability) => {
	const node = packageNodes().find((candidate) => candidate.description.name === name)!;
	const multiSelect = node.description.properties.find((property) => property.name === parameter)!;
	expect(multiSelect.type).toBe('multiOptions');
	const ids = (multiSelect.options as INodePropertyOptions[]).map((option) => String(option.value));
	expect(ids).toEqual(platformsServing(capability).map((definition) => definition.id));
	for (const chosen of [[ids[0]], [ids[1], ids[2]], ids]) {
		const expected = chosen.flatMap((id) => credentialChoices(id).map((choice) => choice.type));
		expect(shownSlots(node, { [parameter]: chosen }).filter((slot) => slot !== 'integrationStateStore').sort()).toEqual(expected.sort());
	}
	expect(shownSlots(node, { [parameter]: [] })).toEqual(['integrationStateStore']);
});

test.each([
	['accountingSync', 'accounting'],
	['orderTrigger', 'orderWebhooks'],
	['paymentEventTrigger', 'paymentWebhooks'],
	['crmEventTrigger', 'crmWebhooks'],
] as const)("%s shows its Platform choice in the panel and one required slot, the chosen platform's", (name, capability) => {
	const node = packageNodes().find((candidate) => candidate.description.name === name)!;
	const platform = node.description.properties.find((property) => property.name === 'platform')!;
	expect(platform.type).toBe('options');
	const ids = (platform.options as INodePropertyOptions[]).map((option) => String(option.value));
	// The Order Trigger also takes each store platform's list of stores, through its store list credential.
	const lists = name === 'orderTrigger' ? platformsServing(capability).filter((definition) => definition.credentials.storeList).map((definition) => `${definition.id}-list`) : [];
	expect(ids).toEqual([...platformsServing(capability).map((definition) => definition.id), ...lists]);
	for (const chosen of ids) {
		const slots = (node.description.credentials ?? []).filter((credential) => shownSlots(node, { platform: chosen }).includes(credential.name) && credential.name !== 'integrationStateStore');
		const listed = lists.includes(chosen) ? platformDefinition(chosen.replace(/-list$/, '')).credentials.storeList!.type : undefined;
		expect(slots).toEqual([expect.objectContaining(listed ? { name: listed, required: true, testedBy: 'integrationStoreListTest' } : { name: platformDefinition(chosen).credentials.type, required: true })]);
	}
});
