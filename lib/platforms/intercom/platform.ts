import { bearer, type PlatformDefinition } from '../definition';
import { IntercomCrm } from './crm';
import { intercomCrmWebhooks } from './crmWebhooks';
import { intercomDefaultMappings } from './mappings';
import { intercomProfile } from './profile';

export const intercom: PlatformDefinition = {
	id: 'intercom',
	displayName: 'Intercom',
	profile: () => intercomProfile(),
	credentials: { type: 'integrationIntercomApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api.intercom.io', secretFields: ['accessToken', 'clientSecret'] },
	standaloneAuth: bearer('accessToken'),
	crm: { connector: (transport) => new IntercomCrm(transport), defaultMappings: intercomDefaultMappings },
	crmWebhooks: intercomCrmWebhooks,
};
