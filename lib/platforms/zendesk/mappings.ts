import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

/** Zendesk's ticket statuses and priorities are fixed by Zendesk. */
const ticketStatuses = {
	NEW: 'new',
	OPEN: 'open',
	ESCALATED: 'open',
	WAITING_ON_CONTACT: 'pending',
	ON_HOLD: 'hold',
	CLOSED: 'closed',
	SOLVED: 'solved',
};

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
		{ internal: 'priority', external: 'priority', values: { out: ticketPriorities } },
		{ internal: 'status', external: 'status', values: { out: ticketStatuses } },
	],
};
