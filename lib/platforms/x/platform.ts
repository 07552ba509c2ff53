import { bearer, type PlatformDefinition } from '../definition';
import { XSocial, xRules } from './social';
import { xProductionUrl, xProfile } from './profile';

export const x: PlatformDefinition = {
	id: 'x',
	displayName: 'X',
	searchAliases: ['Twitter'],
	profile: () => xProfile(),
	credentials: {
		type: 'integrationXOAuth2Api',
		baseUrlField: 'baseUrl',
		// OAuth2: n8n keeps the client secret and tokens itself (credentialSecrets adds them from oauthTokenData).
		secretFields: [],
		deriveBaseUrl: () => xProductionUrl,
	},
	// Outside n8n, a user access token obtained elsewhere (the sandbox's, a benchmark's).
	standaloneAuth: bearer('accessToken'),
	social: {
		connector: (transport) => new XSocial(transport),
		rules: xRules,
	},
};
