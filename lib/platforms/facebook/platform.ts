import { bearer, type PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { graphProductionUrl } from './graph';
import { facebookProfile } from './profile';
import { FacebookSocial, facebookRules } from './social';

export const facebook: PlatformDefinition = {
	id: 'facebook',
	displayName: 'Facebook Pages',
	searchAliases: ['Facebook'],
	profile: () => facebookProfile(),
	credentials: {
		type: 'integrationFacebookPageApi',
		baseUrlField: 'baseUrl',
		// A Page access token from a long-lived user token does not expire: it is the credential itself.
		secretFields: ['accessToken'],
		deriveBaseUrl: () => graphProductionUrl,
	},
	standaloneAuth: bearer('accessToken'),
	settings: [{ name: 'pageId', displayName: 'Page ID', type: 'string' }],
	social: {
		connector: (transport, settings) => new FacebookSocial(transport, textSetting(settings, 'pageId')),
		rules: facebookRules,
	},
};
