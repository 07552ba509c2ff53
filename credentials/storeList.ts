import type { ICredentialTestRequest, INodeProperties } from 'n8n-workflow';

import { IntegrationBigCommerceApi } from './IntegrationBigCommerceApi.credentials';
import { IntegrationMagentoApi } from './IntegrationMagentoApi.credentials';
import { IntegrationShopifyApi } from './IntegrationShopifyApi.credentials';
import { IntegrationWooCommerceApi } from './IntegrationWooCommerceApi.credentials';

/**
 * A list of stores in one credential: n8n's credential form renders a `fixedCollection` with several values (its
 * ParameterInputExpanded shows FixedCollectionParameter), and n8n masks the password fields inside each entry
 * (CredentialsService.redactValues → redactCollectionOption) and restores them on save. Each entry is a label and the
 * platform credential's own fields. Saved values are restored by position, so the list is not sortable.
 */
export function storeListProperties(platform: string, id: string, store: INodeProperties[]): INodeProperties[] {
	return [
		{
			displayName: 'Stores',
			name: 'stores',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			required: true,
			placeholder: 'Add Store',
			description: `Each ${platform} store with a label of its own; the node names it <platform>@<label> (e.g. ${id}@us)`,
			options: [
				{
					name: 'store',
					displayName: 'Store',
					values: [
						{
							displayName: 'Label',
							name: 'label',
							type: 'string',
							default: '',
							placeholder: 'e.g. us',
							description: `Names this store (letters, digits, - or _): the store is ${id}@<label>, also as an order's Source Store. One store may have none: it is then ${id}, as a node's single ${platform} store. Keep it once set.`,
						},
						...store,
					],
				},
			],
		},
	];
}

/**
 * Each platform credential's own test request, by its type: a list credential declares no `test` (n8n's declarative test
 * makes one request, and n8n prefers it to a node's), so the nodes taking a list test every store with it (testedBy,
 * nodes/shared/storeListCredentialTest.ts).
 */
const STORE_TESTS: ReadonlyMap<string, ICredentialTestRequest['request']> = new Map(
	[new IntegrationShopifyApi(), new IntegrationWooCommerceApi(), new IntegrationMagentoApi(), new IntegrationBigCommerceApi()].map((credential) => [credential.name, credential.test.request]),
);

/** A test request's value with one store's fields in place of its `{{$credentials.field}}` expressions. */
function withStoreValues<T>(value: T, values: Record<string, unknown>): T {
	if (typeof value === 'string' && value.startsWith('=')) {
		const filled = value.slice(1).replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, field: string) => String(values[field] ?? ''));
		if (filled.includes('{{')) throw new Error(`The test request reads more than credential fields: ${value}`);
		return filled as T;
	}
	if (Array.isArray(value)) return value.map((inner: unknown) => withStoreValues(inner, values)) as T;
	if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withStoreValues(inner, values)])) as T;
	return value;
}

/** The platform credential's test request for one listed store (its values), or undefined for a type without one. */
export function storeTestRequest(platformCredentialType: string, values: Record<string, unknown>): ICredentialTestRequest['request'] | undefined {
	const request = STORE_TESTS.get(platformCredentialType);
	return request && withStoreValues(request, values);
}
