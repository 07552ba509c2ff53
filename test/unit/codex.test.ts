/**
 * The nodes panel finds each node by the platforms it reaches: the build writes every codex's aliases from the catalog
 * (nodes/shared/codex.ts, gulpfile.js), so the source codex files name no vendor and a new vendor needs no codex edit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { platformCatalog } from '../../lib/platforms/catalog';
import { builtCodex, type NodeCodex } from '../../nodes/shared/codex';
import { readManifest } from '../harness/build';
import { repoRoot } from '../harness/paths';

interface PackageNode {
	folder: string;
	node: INodeType;
	codex: NodeCodex;
}

const nodes: PackageNode[] = (readManifest().n8n.nodes ?? []).map((file) => {
	const source = path.join(repoRoot, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const exported = require(source) as Record<string, new () => INodeType>;
	return { folder: path.basename(path.dirname(source)), node: new (Object.values(exported)[0])(), codex: JSON.parse(readFileSync(source.replace(/\.ts$/, '.json'), 'utf8')) as NodeCodex };
});

/** The catalog platforms a node offers in its option lists (a Platform choice, Processors, a webhook source…). */
function offeredPlatforms(node: INodeType): string[] {
	const values = (properties: readonly INodeProperties[]): string[] =>
		properties.flatMap((property) => [
			...((property.type === 'options' || property.type === 'multiOptions' ? (property.options ?? []) : []) as INodePropertyOptions[]).map((option) => String(option.value)),
			...(property.type === 'collection' || property.type === 'fixedCollection' ? values((property.options ?? []).flatMap((option) => ('values' in option ? option.values : 'name' in option && 'type' in option ? [option as INodeProperties] : []))) : []),
		]);
	const offered = new Set(values(node.description.properties));
	return platformCatalog.filter((definition) => offered.has(definition.id)).map((definition) => definition.displayName);
}

test.each(nodes.map((entry) => [entry.folder, entry] as const))("%s's built aliases name every platform it offers or takes a credential for", (_folder, { node, codex }) => {
	const aliases = builtCodex(node.description, codex).alias ?? [];
	const slots = new Set((node.description.credentials ?? []).map((credential) => credential.name));
	const credentialed = platformCatalog.filter((definition) => slots.has(definition.credentials.type)).map((definition) => definition.displayName);
	expect(aliases).toEqual(expect.arrayContaining([...offeredPlatforms(node), ...credentialed]));
	// The node's own words stay, after the platforms' names.
	expect(aliases.slice(-(codex.alias ?? []).length)).toEqual(codex.alias ?? []);
});

test('the nodes that reach vendors are found by them: Accounting Sync by QuickBooks, Xero and FreshBooks; Social Publisher by Twitter', () => {
	const aliasesOf = (folder: string) => {
		const { node, codex } = nodes.find((entry) => entry.folder === folder)!;
		return builtCodex(node.description, codex).alias;
	};
	expect(aliasesOf('AccountingSync')).toEqual(['QuickBooks Online', 'QuickBooks', 'Xero', 'FreshBooks', 'bookkeeping', 'sales receipt', 'invoice', 'refund', 'credit note', 'ledger']);
	expect(aliasesOf('SocialPublisher')).toEqual(expect.arrayContaining(['X', 'Twitter', 'LinkedIn', 'Facebook Pages', 'Instagram']));
	expect(aliasesOf('UsageMeter')).toEqual(nodes.find((entry) => entry.folder === 'UsageMeter')!.codex.alias);
});

test('the source codex files name no vendor (the catalog is the one list) and keep their documentation link', () => {
	const vendorNames = platformCatalog.flatMap((definition) => [definition.displayName, ...(definition.searchAliases ?? [])]);
	const named = nodes.flatMap(({ folder, codex }) => (codex.alias ?? []).filter((alias) => vendorNames.includes(alias)).map((alias) => `${folder}: ${alias}`));
	expect(named).toEqual([]);
	for (const { folder, node, codex } of nodes) {
		const built = builtCodex(node.description, codex);
		expect({ folder, resources: built.resources }).toEqual({ folder, resources: codex.resources });
		expect({ folder, documented: (codex.resources as { primaryDocumentation?: unknown[] } | undefined)?.primaryDocumentation?.length }).toEqual({ folder, documented: 1 });
	}
});
