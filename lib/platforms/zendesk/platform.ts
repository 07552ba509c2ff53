import type { PlatformDefinition } from '../definition';
import { ZendeskCrm } from './crm';
import { zendeskCrmWebhooks } from './crmWebhooks';
import { zendeskDefaultMappings } from './mappings';
import { zendeskProfile } from './profile';

export const zendesk: PlatformDefinition = {
	id: 'zendesk',
	displayName: 'Zendesk',
	profile: () => zendeskProfile(),
	credentials: { type: 'integrationZendeskApi', baseUrlField: 'baseUrl', secretFields: ['apiToken', 'webhookSecret'] },
	standaloneAuth: { kind: 'basic', user: '{email}/token', password: '{apiToken}' },
	crm: { connector: (transport) => new ZendeskCrm(transport), defaultMappings: zendeskDefaultMappings },
	crmWebhooks: zendeskCrmWebhooks,
};
