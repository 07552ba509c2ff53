/** Store labels (a node of a store group): each store's id carries the label, and still reaches its own credential. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { readStoreLabel } from '../../nodes/InventoryFanOut/actions/storeLabel';
import { chosenCredential, storeChoice } from '../../nodes/shared/platformCredentials';

test('a labelled store keeps its platform and its own credential type: the first store the main one, the second store its own', () => {
	expect(storeChoice('products', 'bigcommerce', 'eu')).toEqual({ platform: 'bigcommerce', id: 'bigcommerce@eu' });
	expect(storeChoice('products', 'bigcommerce-2', 'eu')).toEqual({ platform: 'bigcommerce', id: 'bigcommerce-2@eu' });
	expect(storeChoice('customers', 'shopify-2', '')).toEqual({ platform: 'shopify', id: 'shopify-2' });
	expect(chosenCredential('bigcommerce', {}, 'bigcommerce-2@eu').type).toBe('integrationBigCommerceSecondStoreApi');
	expect(chosenCredential('bigcommerce', {}, 'bigcommerce@eu').type).toBe('integrationBigCommerceApi');
	expect(chosenCredential('shopify', {}, 'shopify-2').type).toBe('integrationShopifySecondStoreApi');
});

test('a Store Label that is not letters, digits, - or _ is refused naming the field; an empty one is no label', () => {
	const context = (label: unknown) => ({ getNodeParameter: () => label, getNode: () => ({ name: 'Fan Out', type: 'inventoryFanOut', typeVersion: 1, position: [0, 0], parameters: {} }) }) as unknown as IExecuteFunctions;
	expect(() => readStoreLabel(context('eu west'))).toThrow('Store Label must be letters, digits, - or _ only, got "eu west"');
	expect(() => readStoreLabel(context('a@b'))).toThrow('Store Label must be letters');
	expect(() => readStoreLabel(context(7))).toThrow('got 7');
	expect(readStoreLabel(context(' us-2 '))).toBe('us-2');
	expect(readStoreLabel(context(''))).toBe('');
});
