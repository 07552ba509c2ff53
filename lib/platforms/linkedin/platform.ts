import { bearer, type PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { linkedInProductionUrl, linkedInProfile } from './profile';
import { LinkedInSocial, linkedInRules } from './social';

export const linkedin: PlatformDefinition = {
	id: 'linkedin',
	displayName: 'LinkedIn',
	profile: () => linkedInProfile(),
	credentials: {
		type: 'integrationLinkedInOAuth2Api',
		baseUrlField: 'baseUrl',
		// OAuth2: n8n keeps the client secret and tokens itself (credentialSecrets adds them from oauthTokenData).
		secretFields: [],
		deriveBaseUrl: () => linkedInProductionUrl,
	},
	// Outside n8n, a token obtained elsewhere (the sandbox's, a benchmark's).
	standaloneAuth: bearer('accessToken'),
	settings: [{ name: 'authorUrn', displayName: 'Author URN', type: 'string' }],
	social: {
		connector: (transport, settings) => new LinkedInSocial(transport, textSetting(settings, 'authorUrn')),
		rules: linkedInRules,
	},
};
