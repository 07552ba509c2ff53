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
			{
				displayName: 'HubSpot Welcome List',
				name: 'hubspotWelcomeList',
				default: 'Welcome',
				description: 'The contact list whose workflow sends the welcome; a name typed By Name is created when missing; empty for none',
				pick: { resource: 'lists', by: 'name', placeholder: 'e.g. Welcome' },
			},
			{
				displayName: 'HubSpot Subscription Type',
				name: 'hubspotSubscriptionId',
				default: '',
				description: 'The email subscription type an unsubscribe applies to (Settings → Marketing → Email → Subscription types)',
				pick: { resource: 'subscriptionTypes', by: 'id', placeholder: 'e.g. 7001', pattern: '^[0-9]+$', patternMessage: 'A HubSpot subscription type ID is a number' },
			},
		],
		settings: (parameter) => {
			const list = parameter('hubspotWelcomeList');
			return { welcome: list ? { id: list } : undefined, subscriptionId: parameter('hubspotSubscriptionId') || undefined };
		},
	},
};
