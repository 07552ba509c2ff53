import type { IAuthenticateGeneric, ICredentialTestRequest, INodeProperties } from 'n8n-workflow';

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

const FIRST_STORE = '$credentials.stores.store[0].';

/** The expression strings of an authentication or test request, reading the first listed store's fields. */
function onFirstStore<T>(value: T): T {
	if (typeof value === 'string') return value.replaceAll('$credentials.', FIRST_STORE) as T;
	if (Array.isArray(value)) return value.map(onFirstStore) as T;
	if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, onFirstStore(inner)])) as T;
	return value;
}

/** The platform credential's test, run against the first listed store (each store is checked on the node's run). */
export function firstStoreTest(test: ICredentialTestRequest): ICredentialTestRequest {
	return onFirstStore(test);
}

/** The platform credential's authentication for the first listed store: only the credential test uses it. */
export function firstStoreAuthentication(authenticate: IAuthenticateGeneric): IAuthenticateGeneric {
	return onFirstStore(authenticate);
}
