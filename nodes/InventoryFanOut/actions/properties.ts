import type { ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

import { picker } from '../../shared/resourceLocator';
import { platformListSearch } from '../../shared/resourceSearch';
import { storeOptions } from '../../shared/platformCredentials';
import { listedStoreExamples, ruleStoreOptions, storeAndListOptions } from '../../shared/storeLists';
import { namesInSentence, platformsServing } from '../../shared/platformOptions';

/** The stores: each platform with an inventory connector, then its second store (`shopify-2`), named by its id. */
const inventoryStores = storeOptions('inventory');
export const inventoryPlatforms = inventoryStores.map(({ name, value }) => ({ name, value }));

/** The stores' ids, as an order's Source Store names them. */
export const storeIds = `${inventoryPlatforms.map((option) => option.value).join(', ')} or a listed store (${listedStoreExamples('us')})`;

/** The platforms' names in a sentence: "A, B, C and D". */
export const storeNames = namesInSentence(platformsServing('inventory').map((definition) => definition.displayName), 'and');

export const storesProperty: INodeProperties = {
	displayName: 'Stores',
	name: 'stores',
	type: 'multiOptions',
	options: storeAndListOptions('inventory'),
	default: [],
	required: true,
	description:
		'The stores kept in step; set a credential for each (a second store of a platform has its own credential type; a Store List is one credential holding several stores of a platform, each named <platform>@<label>). The store named as an order\'s source is skipped.',
};

/** The stores whose stock lives at a location the store lists, as their inventory declarations say. */
export const locatedStores = platformsServing('inventory').flatMap((definition) => (definition.inventory?.location ? [{ platform: definition.id, displayName: definition.displayName, ...definition.inventory.location }] : []));

export const locationParameter = (platform: string) => `${platform}Location`;
const searchMethod = (platform: string, label: string) => `${platform}${label}Search`;

/** Per located store, the location whose stock is kept, picked from the store's own list; empty keeps the credential's. */
export function locationProperties(operations: string[]): INodeProperties[] {
	return locatedStores.map(({ platform, displayName, label, placeholder }) =>
		picker({
			displayName: `${displayName} ${label}`,
			name: locationParameter(platform),
			searchListMethod: searchMethod(platform, label),
			displayOptions: { show: { stores: [platform], operation: operations } },
			description: `The ${label.toLowerCase()} whose stock is kept on ${displayName}; empty uses the one on the credential`,
			typed: { name: 'id', displayName: 'By ID', placeholder },
		}),
	);
}

/** The stores a Channel Rule can name, the listed stores of the picked Store Lists among them. */
export const channelRuleLoadOptions = {
	async channelRuleStores(this: ILoadOptionsFunctions) {
		return await ruleStoreOptions(this, 'inventory', 'stores');
	},
	async baselineStores(this: ILoadOptionsFunctions) {
		return [{ name: 'None', value: '' }, ...(await ruleStoreOptions(this, 'inventory', 'stores'))];
	},
};

/** The lists behind the location pickers. */
export const locationListSearch = Object.fromEntries(locatedStores.map(({ platform, label, resource }) => [searchMethod(platform, label), platformListSearch(platform, resource)]));

export const rulesProperty: INodeProperties = {
	displayName: 'Channel Rules',
	name: 'channelRules',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Channel Rule',
	description: 'A store with rules gets an absolute listed quantity computed from the expected stock instead of a delta',
	options: [
		{
			name: 'rule',
			displayName: 'Rule',
			values: [
				{
					displayName: 'Store Name or ID',
					name: 'store',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'channelRuleStores', loadOptionsDependsOn: ['stores'] },
					default: inventoryPlatforms[0].value,
					description: `The store the rule is for: a store picked above, or a store of a Store List (${listedStoreExamples('us')}). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
				},
				{ displayName: 'Safety Buffer', name: 'safetyBuffer', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: 'Units held back: the store lists available minus this' },
				{ displayName: 'Allocation (%)', name: 'allocationPercent', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 100, description: 'Share of the available stock this store lists (rounded down)' },
				{ displayName: 'Maximum Listed', name: 'maxListed', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: 'The most this store ever lists; 0 for no maximum' },
			],
		},
	],
};
