import type { INodeProperties } from 'n8n-workflow';

import { platformOptions } from '../../../lib/platforms/catalog';

/** The platforms with an inventory connector; each is one store, named by its platform (e.g. `shopify`). */
export const inventoryPlatforms = platformOptions('inventory');

export const storesProperty: INodeProperties = {
	displayName: 'Stores',
	name: 'stores',
	type: 'multiOptions',
	options: inventoryPlatforms,
	default: [],
	required: true,
	description: 'The stores kept in step; set a credential for each. The store named as an order\'s source is skipped.',
};

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
				{ displayName: 'Store', name: 'store', type: 'options', options: inventoryPlatforms, default: 'shopify' },
				{ displayName: 'Safety Buffer', name: 'safetyBuffer', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: 'Units held back: the store lists available minus this' },
				{ displayName: 'Allocation (%)', name: 'allocationPercent', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 100, description: 'Share of the available stock this store lists (rounded down)' },
				{ displayName: 'Maximum Listed', name: 'maxListed', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: 'The most this store ever lists; 0 for no maximum' },
			],
		},
	],
};
