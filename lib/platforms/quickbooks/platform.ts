import { bearer, type PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { quickBooksResources } from './resources';
import { QuickBooksAccounting } from './accounting';
import { quickBooksProductionUrl, quickBooksProfile, quickBooksSandboxUrl } from './profile';

export const quickbooks: PlatformDefinition = {
	id: 'quickbooks',
	displayName: 'QuickBooks Online',
	searchAliases: ['QuickBooks'],
	profile: () => quickBooksProfile(),
	credentials: {
		type: 'integrationQuickBooksOAuth2Api',
		baseUrlField: 'baseUrl',
		// OAuth2: n8n keeps the client secret and tokens itself (credentialSecrets adds them from oauthTokenData).
		secretFields: [],
		deriveBaseUrl: (values) => (values.environment === 'sandbox' ? quickBooksSandboxUrl : quickBooksProductionUrl),
	},
	// Outside n8n, a token obtained elsewhere (the sandbox's, a benchmark's).
	standaloneAuth: bearer('accessToken'),
	resources: quickBooksResources,
	settings: [{ name: 'realmId', displayName: 'Realm ID', type: 'string' }],
	accounting: {
		connector: (transport, settings, mappings) => new QuickBooksAccounting(transport, { ...mappings, realmId: textSetting(settings, 'realmId') }),
		accountSetting: 'realmId',
		terms: { item: 'item ID', taxCode: 'tax code', whenEmpty: { defaultItem: 'the Services item', paymentAccount: 'the first bank account' } },
		pullsChanges: true,
	},
};
