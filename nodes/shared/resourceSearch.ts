import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';

import { platformDefinition } from '../../lib/platforms/catalog';
import { nodePlatforms, nodeStore } from './engineContext';

/**
 * A `listSearch` method listing one kind of the platform's objects (`resources` in its platform definition) through the
 * node's credential for that platform and the package's transport, with the vendor's paging as n8n's pagination token;
 * `withinParameter` names the picker whose pick the list depends on (a pipeline, for its stages).
 */
export function platformListSearch(platform: string, kind: string, withinParameter?: string) {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const lister = platformDefinition(platform).resources?.[kind];
		if (!lister) throw new NodeOperationError(this.getNode(), `${platformDefinition(platform).displayName} has no list of ${kind}`);
		const { transport, settings } = await nodePlatforms(this, await nodeStore(this)).connect(platform);
		const within = withinParameter ? pickedIn(this, withinParameter) : undefined;
		const page = await lister(transport, { filter, cursor: paginationToken || undefined, within }, settings);
		return { results: page.options.map((option) => ({ name: option.name, value: option.id, url: option.url })), paginationToken: page.next };
	};
}

/** The id picked in another resourceLocator of the panel, whatever its mode; undefined when nothing is picked. */
function pickedIn(context: ILoadOptionsFunctions, name: string): string | undefined {
	const value = context.getCurrentNodeParameter(name, { extractValue: true }) as unknown;
	const id = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : value;
	return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}
