import { bearer, type PlatformDefinition } from '../definition';
import { HubSpotCrm } from './crm';
import { hubSpotCrmWebhooks } from './crmWebhooks';
import { HubSpotMarketing } from './lists';
import { hubSpotDefaultMappings } from './mappings';
import { hubSpotProfile } from './profile';
import { hubSpotResources } from './resources';

export const hubspot: PlatformDefinition = {
	id: 'hubspot',
	displayName: 'HubSpot',
	profile: () => hubSpotProfile(),
	credentials: { type: 'integrationHubSpotApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api.hubapi.com', secretFields: ['accessToken', 'clientSecret'] },
	resources: hubSpotResources,
	standaloneAuth: bearer('accessToken'),
	crm: { connector: (transport) => new HubSpotCrm(transport), defaultMappings: hubSpotDefaultMappings },
	crmWebhooks: hubSpotCrmWebhooks,
	marketing: {
		connector: (transport, settings) => new HubSpotMarketing(transport, settings),
		parameters: [
			{ displayName: 'HubSpot Welcome List', name: 'hubspotWelcomeList', default: 'Welcome', description: 'Name of the contact list whose workflow sends the welcome (created when missing); empty for none' },
			{ displayName: 'HubSpot Subscription Type ID', name: 'hubspotSubscriptionId', default: '', description: 'The email subscription type an unsubscribe applies to (Settings → Marketing → Email → Subscription types)' },
		],
		settings: (parameter) => {
			const list = parameter('hubspotWelcomeList');
			return { welcome: list ? { id: list } : undefined, subscriptionId: parameter('hubspotSubscriptionId') || undefined };
		},
	},
};
