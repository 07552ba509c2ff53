import { bearer, type PlatformDefinition } from '../definition';
import { graphProductionUrl } from '../facebook/graph';
import { textSetting } from '../settings';
import { instagramProfile } from './profile';
import { InstagramSocial, instagramRules } from './social';

export const instagram: PlatformDefinition = {
	id: 'instagram',
	displayName: 'Instagram',
	profile: () => instagramProfile(),
	credentials: {
		type: 'integrationInstagramOAuth2Api',
		baseUrlField: 'baseUrl',
		// OAuth2: n8n keeps the client secret and tokens itself (credentialSecrets adds them from oauthTokenData).
		secretFields: [],
		deriveBaseUrl: () => graphProductionUrl,
	},
	// Outside n8n, a token obtained elsewhere (the sandbox's, a benchmark's).
	standaloneAuth: bearer('accessToken'),
	settings: [{ name: 'igUserId', displayName: 'Instagram Account ID', type: 'string' }],
	social: {
		connector: (transport, settings) => new InstagramSocial(transport, textSetting(settings, 'igUserId')),
		rules: instagramRules,
	},
};
