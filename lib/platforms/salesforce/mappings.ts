import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

/** Salesforce's standard opportunity stages (StageName picklist). */
const dealStages = {
	PROSPECTING: 'Prospecting',
	QUALIFICATION: 'Qualification',
	NEEDS_ANALYSIS: 'Needs Analysis',
	VALUE_PROPOSITION: 'Value Proposition',
	DECISION_MAKERS: 'Id. Decision Makers',
	PERCEPTION_ANALYSIS: 'Perception Analysis',
	PROPOSAL: 'Proposal/Price Quote',
	NEGOTIATION: 'Negotiation/Review',
	CLOSED_WON: 'Closed Won',
	CLOSED_LOST: 'Closed Lost',
};

/**
 * Salesforce's standard case statuses (New, Working, Escalated, Closed): open is New, pending and on hold are Working
 * (read back as PENDING), solved and closed are Closed (read back as CLOSED); an Escalated case reads as OPEN.
 */
const ticketStatuses = { values: { OPEN: 'New', PENDING: 'Working', ON_HOLD: 'Working', CLOSED: 'Closed', SOLVED: 'Closed' }, in: { Escalated: 'OPEN' } };

/** Salesforce's standard case priorities have no Urgent: it is sent as High. */
const ticketPriorities = { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', URGENT: 'High' };

/** The seed's Salesforce contact mapping (FirstName/LastName/Email/Phone/Company) and defaults for the other objects. */
export const salesforceDefaultMappings: Record<CrmEntity, FieldMapping[]> = {
	contacts: [
		{ internal: 'firstName', external: 'FirstName', transforms: ['trim'] },
		{ internal: 'lastName', external: 'LastName', transforms: ['trim'] },
		{ internal: 'email', external: 'Email', transforms: ['trim', 'lowercase'] },
		{ internal: 'phone', external: 'Phone', transforms: ['e164'] },
		{ internal: 'company', external: 'Company', transforms: ['trim'] },
	],
	companies: [
		{ internal: 'name', external: 'Name', transforms: ['trim'] },
		{ internal: 'domain', external: 'Website', transforms: ['trim', 'lowercase'] },
		{ internal: 'industry', external: 'Industry' },
	],
	deals: [
		{ internal: 'name', external: 'Name', transforms: ['trim'] },
		{ internal: 'amount', external: 'Amount' },
		{ internal: 'stage', external: 'StageName', values: { out: dealStages } },
		{ internal: 'closeDate', external: 'CloseDate', transforms: ['date'] },
	],
	tickets: [
		{ internal: 'subject', external: 'Subject', transforms: ['trim'] },
		{ internal: 'description', external: 'Description' },
		{ internal: 'priority', external: 'Priority', values: { out: ticketPriorities } },
		{ internal: 'status', external: 'Status', values: { out: ticketStatuses.values, in: ticketStatuses.in } },
		// The requester's address on the case ("Web Email"); the comments are CaseComments (public ones published).
		{ internal: 'requesterEmail', external: 'SuppliedEmail', transforms: ['trim', 'lowercase'] },
		// The case owner (OwnerId) by its user's email; the integration user and queues read as no assignee.
		{ internal: 'assigneeEmail', external: 'owner_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'comments', external: 'comments' },
	],
};
