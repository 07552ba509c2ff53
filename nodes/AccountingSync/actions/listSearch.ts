import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import { platformOptions } from '../../shared/platformOptions';
import { platformListSearch } from '../../shared/resourceSearch';
import { accountingSearchMethods, CURRENCIES_METHOD, type AccountingResource } from './entryProperties';

/** Lists one kind of object (accounts, items, tax codes) of the platform the node is set to, through its credential. */
function searchChosenPlatform(resource: AccountingResource) {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const platform = this.getNodeParameter('platform', platformOptions('accounting')[0].value) as string;
		return await platformListSearch(platform, resource).call(this, filter, paginationToken);
	};
}

/** The pickers' lists: Sales, Tax and Payment Account, Default Item, Items by SKU, Tax Codes Picked. */
export const accountingListSearch = Object.fromEntries(
	(Object.entries(accountingSearchMethods) as Array<[AccountingResource, string]>).map(([resource, method]) => [method, searchChosenPlatform(resource)]),
);

/** The Currency option list: the chosen platform's currencies, every page of them. */
export const accountingLoadOptions = {
	async [CURRENCIES_METHOD](this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const platform = this.getNodeParameter('platform', platformOptions('accounting')[0].value) as string;
		const search = platformListSearch(platform, 'currencies');
		const options: INodePropertyOptions[] = [];
		let token: string | undefined;
		do {
			const page = await search.call(this, undefined, token);
			options.push(...page.results.map((result) => ({ name: result.name, value: result.value })));
			token = page.paginationToken as string | undefined;
		} while (token);
		return options;
	},
};
