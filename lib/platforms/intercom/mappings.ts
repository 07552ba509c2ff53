import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

/**
 * Intercom's ticket state categories (each workspace's states fall in one): submitted, in_progress,
 * waiting_on_customer, resolved. Open and on hold are in progress, pending is waiting on the customer, solved and
 * closed are resolved (read back as SOLVED); a submitted ticket reads back as OPEN.
 */
export const intercomTicketStates = {
	values: { OPEN: 'in_progress', PENDING: 'waiting_on_customer', ON_HOLD: 'in_progress', SOLVED: 'resolved', CLOSED: 'resolved' },
	in: { submitted: 'OPEN' },
};

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
	// Title and description are Intercom's default ticket attributes; a ticket is created for its requester's email and
	// the workspace's first customer ticket type unless a ticketTypeId is given. Intercom tickets have no priority.
	tickets: [
		{ internal: 'subject', external: '_default_title_', transforms: ['trim'] },
		{ internal: 'description', external: '_default_description_' },
		{ internal: 'ticketTypeId', external: 'ticket_type_id' },
		{ internal: 'status', external: 'state', values: { out: intercomTicketStates.values, in: intercomTicketStates.in } },
		{ internal: 'requesterEmail', external: 'contact_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'assigneeEmail', external: 'assignee_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'comments', external: 'comments' },
	],
};
