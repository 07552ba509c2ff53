import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

/**
 * Freshdesk's built-in ticket statuses (2 Open, 3 Pending, 4 Resolved, 5 Closed). Freshdesk has no built-in "on
 * hold": it is sent as Pending (map it to your own status's id in Value Maps to keep it apart), and Pending reads
 * back as PENDING.
 */
export const freshdeskTicketStatuses = { OPEN: '2', PENDING: '3', ON_HOLD: '3', SOLVED: '4', CLOSED: '5' };

/** The custom statuses new Freshdesk accounts start with, read back: 6 Waiting on Customer, 7 Waiting on Third Party. */
const freshdeskCustomStatuses = { '6': 'PENDING', '7': 'ON_HOLD' };

/** Freshdesk's priorities: 1 Low, 2 Medium, 3 High, 4 Urgent. */
export const freshdeskTicketPriorities = { LOW: '1', MEDIUM: '2', HIGH: '3', URGENT: '4' };

/** Contacts by email, companies by name, tickets through the neutral ticket model. */
export const freshdeskDefaultMappings: Partial<Record<CrmEntity, FieldMapping[]>> = {
	contacts: [
		{ internal: 'firstName+lastName', external: 'name', transforms: ['trim'] },
		{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
		{ internal: 'phone', external: 'phone', transforms: ['e164'] },
	],
	companies: [
		{ internal: 'name', external: 'name', transforms: ['trim'] },
		{ internal: 'industry', external: 'industry' },
	],
	tickets: [
		{ internal: 'subject', external: 'subject', transforms: ['trim'] },
		{ internal: 'description', external: 'description' },
		{ internal: 'status', external: 'status', values: { out: freshdeskTicketStatuses, in: freshdeskCustomStatuses } },
		{ internal: 'priority', external: 'priority', values: { out: freshdeskTicketPriorities } },
		{ internal: 'requesterEmail', external: 'email', transforms: ['trim', 'lowercase'] },
		{ internal: 'assigneeEmail', external: 'responder_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'comments', external: 'comments' },
	],
};
