import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

export const intercomDefaultMappings: Partial<Record<CrmEntity, FieldMapping[]>> = {
	contacts: [
		{ internal: 'firstName+lastName', external: 'name', transforms: ['trim'] },
		{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
		{ internal: 'phone', external: 'phone', transforms: ['e164'] },
	],
	// Intercom companies have no domain field: the domain goes to `website`, the match field.
	companies: [
		{ internal: 'name', external: 'name', transforms: ['trim'] },
		{ internal: 'domain', external: 'website', transforms: ['trim', 'lowercase'] },
		{ internal: 'industry', external: 'industry' },
	],
	// Title and description are Intercom's default ticket attributes; a ticket is created for its requester's email.
	tickets: [
		{ internal: 'subject', external: '_default_title_', transforms: ['trim'] },
		{ internal: 'description', external: '_default_description_' },
		{ internal: 'ticketTypeId', external: 'ticket_type_id' },
		{ internal: 'requesterEmail', external: 'contact_email', transforms: ['trim', 'lowercase'] },
	],
};
