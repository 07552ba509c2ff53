import { bearer, type PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { FreshBooksAccounting } from './accounting';
import { freshBooksProductionUrl, freshBooksProfile } from './profile';

export const freshbooks: PlatformDefinition = {
	id: 'freshbooks',
	displayName: 'FreshBooks',
	profile: () => freshBooksProfile(),
	credentials: {
		type: 'integrationFreshBooksOAuth2Api',
		baseUrlField: 'baseUrl',
		// OAuth2: n8n keeps the client secret and tokens itself (credentialSecrets adds them from oauthTokenData).
		secretFields: [],
		deriveBaseUrl: () => freshBooksProductionUrl,
	},
	// Outside n8n, a token obtained elsewhere (the sandbox's, a benchmark's).
	standaloneAuth: bearer('accessToken'),
	settings: [{ name: 'accountId', displayName: 'Account ID', type: 'string' }],
	accounting: {
		connector: (transport, settings, mappings) => new FreshBooksAccounting(transport, { ...mappings, accountId: textSetting(settings, 'accountId') }),
		accountSetting: 'accountId',
		terms: { item: 'item ID', taxCode: 'tax name' },
	},
};
