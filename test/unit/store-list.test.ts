/**
 * A list of stores in one credential, as the engine reads it: each entry a store named <platform>@<label> (one may go
 * without a label: the platform's own store), every entry checked before any is used, errors naming the entry and
 * field and never a secret's value.
 */
import { platformDefinition } from '../../lib/platforms/catalog';
import { parseStoreList } from '../../lib/platforms/storeList';

const bigcommerce = platformDefinition('bigcommerce');
const binding = bigcommerce.credentials.storeList!;
const secret = 'bc-secret-token-0451';
const entry = (label: unknown, overrides: Record<string, unknown> = {}) => ({ label, accessToken: secret, baseUrl: 'https://api.bigcommerce.com/stores/abc/v3', locationId: 1, ...overrides });
const parse = (entries: unknown) => parseStoreList(bigcommerce, binding, { stores: { store: entries } });

test('the list type is the platform credential type with Stores', () => {
	expect(binding.type).toBe('integrationBigCommerceStoresApi');
});

test('each entry is a store of its own; one without a label is the platform\'s own store', () => {
	expect(parse([entry('us'), entry(''), entry(' eu ')]).map((store) => store.id)).toEqual(['bigcommerce@us', 'bigcommerce', 'bigcommerce@eu']);
});

test.each([
	[[entry('us'), entry('eu', { accessToken: '' })], 'stores[1].accessToken is empty'],
	[[entry('us'), entry('eu', { accessToken: 42 })], 'stores[1].accessToken must be text, got number'],
	[[entry('us'), entry('us')], 'stores[1].label "us" is also stores[0]\'s: each store needs a label of its own'],
	[[entry(''), entry(undefined)], 'stores[1].label is empty, as is stores[0]\'s: only one store may go without a label'],
	[[entry('u.s')], 'stores[0].label must be letters, digits, - or _ only, got "u.s"'],
	[[entry(7)], 'stores[0].label must be text, got number'],
	[[entry('us', { locationId: 'main' })], 'stores[0].locationId must be a whole number, got "main"'],
	[[entry('us', { baseUrl: '' })], 'stores[0].baseUrl is empty'],
	[['us'], 'stores[0] must be a store (label and fields)'],
	[[], 'stores lists no store'],
])('%j is refused: %s', (entries, message) => {
	expect(() => parse(entries)).toThrow(message);
	try {
		parse(entries);
	} catch (error) {
		expect(String(error)).not.toContain(secret);
	}
});

test('a credential with no list at all is refused naming the field', () => {
	expect(() => parseStoreList(bigcommerce, binding, {})).toThrow('stores lists no store');
});
