import { bearer, type PlatformDefinition } from '../definition';
import { IntercomCrm } from './crm';
import { intercomCrmWebhooks } from './crmWebhooks';
import { intercomDefaultMappings } from './mappings';
import { intercomProfile } from './profile';
import { intercomResources } from './resources';

export const intercom: PlatformDefinition = {
	id: 'intercom',
	displayName: 'Intercom',
	profile: () => intercomProfile(),
	credentials: { type: 'integrationIntercomApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api.intercom.io', secretFields: ['accessToken', 'clientSecret'] },
	standaloneAuth: bearer('accessToken'),
	crm: {
		connector: (transport) => new IntercomCrm(transport),
		defaultMappings: intercomDefaultMappings,
		createDefaults: [
			{
				entity: 'tickets',
				field: 'ticket_type_id',
				name: 'intercomTicketType',
				displayName: 'Intercom Ticket Type',
				description: 'The type of the tickets created on Intercom (Intercom needs one), unless a record carries its own ticketTypeId',
				pick: { resource: 'ticketTypes', placeholder: 'e.g. 7' },
			},
		],
	},
	resources: intercomResources,
	crmWebhooks: intercomCrmWebhooks,
};
