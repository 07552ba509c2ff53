import type { IExecuteFunctions, IHookFunctions, ILoadOptionsFunctions, INodeCredentialDescription, INodePropertyOptions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { platformCatalog, platformDefinition, platformsServing, type Capability } from '../../lib/platforms/catalog';
import type { PlatformDefinition } from '../../lib/platforms/definition';
import type { HookStore } from '../../lib/platforms/sendingStore';
import { resolveBaseUrl } from '../../lib/platforms/settings';
import { parseStoreList, StoreListError, type ListedStore } from '../../lib/platforms/storeList';
import { shownWhileChosen, storeChoice, storeOptions } from './platformCredentials';
import { STORE_LIST_TEST } from './storeListCredentialTest';

/** A store of a list credential as the node reaches it: the entry, and the credential type it came from. */
export interface NodeListedStore extends ListedStore {
	credentialType: string;
}

/** A store picked on the node, as the engine takes it; `listed` for a store of a list credential. */
export interface PickedStore {
	platform: string;
	id: string;
	/** What the node's store list names it by: `shopify`, `shopify-2`, or a listed store's own id. */
	selection: string;
	listed?: NodeListedStore;
}

const LIST_SUFFIX = '-list';

/** The option that picks every store of a platform's list credential: `shopify-list`. */
export const storeListValue = (platform: string): string => `${platform}${LIST_SUFFIX}`;

const listPlatforms = (capability: Capability) => platformsServing(capability).filter((definition) => definition.credentials.storeList);

/** The platform whose list a selection picks (`shopify-list` → `shopify`), or undefined for a single store. */
export function listSelection(selection: string): string | undefined {
	if (!selection.endsWith(LIST_SUFFIX)) return undefined;
	const platform = selection.slice(0, -LIST_SUFFIX.length);
	return platformCatalog.find((definition) => definition.id === platform && definition.credentials.storeList)?.id;
}

/** The list options of the platforms with a store list credential among `platforms`: "Shopify (Store List)" → `shopify-list`. */
export function listOptionsOf(platforms: readonly PlatformDefinition[]): Array<{ name: string; value: string }> {
	return platforms.filter((definition) => definition.credentials.storeList).map((definition) => ({ name: `${definition.displayName} (Store List)`, value: storeListValue(definition.id) }));
}

/** The list options of the platforms serving the capability. */
export function storeListOptions(capability: Capability): Array<{ name: string; value: string }> {
	return listOptionsOf(platformsServing(capability));
}

/** A node's store choices: each platform, its second store, and its list of stores. */
export function storeAndListOptions(capability: Capability): Array<{ name: string; value: string }> {
	return [...storeOptions(capability).map(({ name, value }) => ({ name, value })), ...storeListOptions(capability)];
}

/**
 * One optional slot per list credential type (`integrationShopifyStoresApi`) of the platforms serving the capability,
 * each tested store by store by the node (see storeListCredentialTest.ts).
 */
export function storeListSlots(capability: Capability): INodeCredentialDescription[] {
	return listPlatforms(capability).map((definition) => ({ name: definition.credentials.storeList!.type, required: false, testedBy: STORE_LIST_TEST }));
}

/** For a single Platform choice (`parameter`): each list option's slot, required while that list is the one chosen. */
export function chosenListSlots(options: ReadonlyArray<{ value: string }>, parameter = 'platform'): INodeCredentialDescription[] {
	return options.flatMap(({ value }) => {
		const platform = listSelection(value);
		return platform ? [{ name: platformDefinition(platform).credentials.storeList!.type, required: true, displayOptions: shownWhileChosen(parameter, value), testedBy: STORE_LIST_TEST }] : [];
	});
}

function listedPlatform(capability: Capability, selection: string): string | undefined {
	const platform = listSelection(selection);
	return listPlatforms(capability).some((definition) => definition.id === platform) ? platform : undefined;
}

type Context = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions | IPollFunctions;

/** The stores of the platform's list credential on the node, each checked; a bad entry is an error naming it. */
export async function listedStores(context: Context, platform: string): Promise<NodeListedStore[]> {
	const definition = platformDefinition(platform);
	const binding = definition.credentials.storeList!;
	const credentialName = `${definition.displayName} Stores credential`;
	if (!context.getNode().credentials?.[binding.type]) {
		throw new NodeOperationError(context.getNode(), `${definition.displayName} (Store List) is selected: choose a ${definition.displayName} Stores (Integration Automation) API credential`);
	}
	try {
		return parseStoreList(definition, binding, await context.getCredentials(binding.type)).map((store) => ({ ...store, credentialType: binding.type }));
	} catch (error) {
		if (error instanceof StoreListError) throw new NodeOperationError(context.getNode(), `${credentialName}: ${error.message}`, { description: `Field: ${error.field}` });
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/** A listed store as its webhooks reach it: its id, label and API URL (which say who the vendor names), and its entry. */
export type ListedWebhookStore = HookStore & { entry: NodeListedStore };

/** The stores of the platform's list on the node, each with the API URL its deliveries are told apart by. */
export async function listedWebhookStores(context: Context, platform: string): Promise<ListedWebhookStore[]> {
	const binding = platformDefinition(platform).credentials.storeList!;
	return (await listedStores(context, platform)).map((entry) => ({ id: entry.id, label: entry.label, baseUrl: resolveBaseUrl(binding, entry.values), entry }));
}

/**
 * The stores picked on the node, lists expanded: a platform's store and second store under the node's Store Label
 * (`shopify@eu`), each store of a list credential under its own label (`shopify@us`). Two picks under one id are an
 * error: they would share one another's ledger rows and links.
 */
export async function pickedStores(context: Context, capability: Capability, selected: string[], label: string): Promise<PickedStore[]> {
	const picked: PickedStore[] = [];
	for (const selection of selected) {
		const listed = listedPlatform(capability, selection);
		if (listed === undefined) picked.push({ ...storeChoice(capability, selection, label), selection });
		else for (const store of await listedStores(context, listed)) picked.push({ platform: store.platform, id: store.id, selection: store.id, listed: store });
	}
	const ids = picked.map((store) => store.id);
	const twice = ids.find((id, index) => ids.indexOf(id) !== index);
	if (twice !== undefined) throw new NodeOperationError(context.getNode(), `Store "${twice}" is picked twice (a list's label and the node's Store Label give the same name): give each store a label of its own`);
	return picked;
}

/** The listed stores among the picked ones, for the platform resolver. */
export const listedOf = (stores: PickedStore[]): NodeListedStore[] => stores.flatMap((store) => (store.listed ? [store.listed] : []));

/**
 * The stores a Channel Rule can name: the node's store options and the stores of the lists picked on it (`shopify@us`),
 * read from their credentials. A list that cannot be read yet (no credential chosen, an entry not filled in) adds nothing.
 */
export async function ruleStoreOptions(context: ILoadOptionsFunctions, capability: Capability, parameter: string): Promise<INodePropertyOptions[]> {
	const selected = (context.getCurrentNodeParameter(parameter) as string[] | undefined) ?? [];
	const listed: INodePropertyOptions[] = [];
	for (const selection of selected) {
		const platform = listedPlatform(capability, selection);
		if (platform === undefined) continue;
		try {
			listed.push(...(await listedStores(context, platform)).map((store) => ({ name: `${platformDefinition(platform).displayName} ${store.label} (${store.id})`, value: store.id })));
		} catch {
			// The list is not usable yet: the node's run names the problem.
		}
	}
	return [...storeOptions(capability).map(({ name, value }) => ({ name, value })), ...listed];
}

/** Examples of listed stores' names for help texts (`shopify@us`), from the catalog's first inventory platforms. */
export function listedStoreExamples(label: string, count = 1): string {
	return platformsServing('inventory').slice(0, count).map((definition) => `${definition.id}@${label}`).join(', ');
}
