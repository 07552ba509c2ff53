/**
 * A node's codex (the `<Name>.node.json` n8n reads for the nodes panel's search and the documentation link) as the
 * build writes it into dist: the source file's words, with the names of the platforms the node reaches put first,
 * read from the catalog. The source codex names no vendor, so a new vendor needs no codex edit.
 */
import type { INodeTypeDescription } from 'n8n-workflow';

import { platformCatalog } from '../../lib/platforms/catalog';
import type { PlatformDefinition } from '../../lib/platforms/definition';

export interface NodeCodex {
	alias?: string[];
	[field: string]: unknown;
}

/** Every credential type a platform's account can be set up with: its main one, the alternatives, a second store's. */
function credentialTypes(definition: PlatformDefinition): string[] {
	const { type, alternatives = [], secondStore, storeList } = definition.credentials;
	return [type, ...alternatives.map((alternative) => alternative.type), ...(secondStore ? [secondStore.type] : []), ...(storeList ? [storeList.type] : [])];
}

/** The catalog platforms a node reaches: those with a credential slot on it, in catalog order. */
export function platformsOfNode(description: Pick<INodeTypeDescription, 'credentials'>): PlatformDefinition[] {
	const slots = new Set((description.credentials ?? []).map((credential) => credential.name));
	return platformCatalog.filter((definition) => credentialTypes(definition).some((type) => slots.has(type)));
}

/** The names a user finds the node by: its platforms' names (and their other names), then the source codex's words. */
export function nodeAliases(description: Pick<INodeTypeDescription, 'credentials'>, words: readonly string[] = []): string[] {
	const vendors = platformsOfNode(description).flatMap((definition) => [definition.displayName, ...(definition.searchAliases ?? [])]);
	return [...new Set([...vendors, ...words])];
}

/** The codex the build writes for a node: the source codex with the platforms' names added to its aliases. */
export function builtCodex(description: Pick<INodeTypeDescription, 'credentials'>, source: NodeCodex): NodeCodex {
	return { ...source, alias: nodeAliases(description, source.alias) };
}
