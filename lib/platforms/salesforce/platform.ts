import { bearer, type PlatformDefinition } from '../definition';
import { SalesforceCrm } from './crm';
import { salesforceDefaultMappings } from './mappings';
import { salesforceProfile } from './profile';

export const salesforce: PlatformDefinition = {
	id: 'salesforce',
	displayName: 'Salesforce',
	profile: () => salesforceProfile(),
	credentials: {
		type: 'integrationSalesforceApi',
		baseUrlField: 'instanceUrl',
		secretFields: ['accessToken'],
		alternatives: [{ type: 'integrationSalesforceOAuth2Api', baseUrlField: 'instanceUrl', secretFields: [] }],
	},
	standaloneAuth: bearer('accessToken'),
	crm: { connector: (transport) => new SalesforceCrm(transport), defaultMappings: salesforceDefaultMappings },
};
