import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

/** Zendesk's ticket statuses are fixed by Zendesk; a new ticket (not yet opened by an agent) reads back as OPEN. */
const ticketStatuses = { values: { OPEN: 'open', PENDING: 'pending', ON_HOLD: 'hold', SOLVED: 'solved', CLOSED: 'closed' }, in: { new: 'OPEN' } };

const ticketPriorities = { LOW: 'low', MEDIUM: 'normal', HIGH: 'high', URGENT: 'urgent' };

/** Zendesk users hold one `name`: first and last name are joined into it and split back. */
export const zendeskDefaultMappings: Partial<Record<CrmEntity, FieldMapping[]>> = {
	contacts: [
		{ internal: 'firstName+lastName', external: 'name', transforms: ['trim'] },
		{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
		{ internal: 'phone', external: 'phone', transforms: ['e164'] },
	],
	companies: [
		{ internal: 'name', external: 'name', transforms: ['trim'] },
		{ internal: 'industry', external: 'details' },
	],
	tickets: [
		{ internal: 'subject', external: 'subject', transforms: ['trim'] },
		{ internal: 'description', external: 'description' },
		{ internal: 'status', external: 'status', values: { out: ticketStatuses.values, in: ticketStatuses.in } },
		{ internal: 'priority', external: 'priority', values: { out: ticketPriorities } },
		{ internal: 'requesterEmail', external: 'requester_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'assigneeEmail', external: 'assignee_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'comments', external: 'comments' },
	],
};
