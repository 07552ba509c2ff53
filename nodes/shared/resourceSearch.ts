import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';

import { platformDefinition } from '../../lib/platforms/catalog';
import { nodePlatforms, nodeStore } from './engineContext';

/**
 * A `listSearch` method listing one kind of the platform's objects (`resources` in its platform definition) through the
 * node's credential for that platform and the package's transport, with the vendor's paging as n8n's pagination token.
 */
export function platformListSearch(platform: string, kind: string) {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const lister = platformDefinition(platform).resources?.[kind];
		if (!lister) throw new NodeOperationError(this.getNode(), `${platformDefinition(platform).displayName} has no list of ${kind}`);
		const { transport, settings } = await nodePlatforms(this, await nodeStore(this)).connect(platform);
		const page = await lister(transport, { filter, cursor: paginationToken || undefined }, settings);
		return { results: page.options.map((option) => ({ name: option.name, value: option.id, url: option.url })), paginationToken: page.next };
	};
}
