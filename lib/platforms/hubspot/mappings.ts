import type { FieldMapping } from '../../records/mapping';
import type { CrmEntity } from '../crm';

/**
 * HubSpot's default deal pipeline stages and support pipeline statuses by id (what records store; labels can be
 * renamed per portal). Several internal stages share one HubSpot stage: the first listed is the one read back.
 */
const dealStages = {
	PROSPECTING: 'appointmentscheduled',
	QUALIFICATION: 'qualifiedtobuy',
	NEEDS_ANALYSIS: 'qualifiedtobuy',
	VALUE_PROPOSITION: 'presentationscheduled',
	DECISION_MAKERS: 'decisionmakerboughtin',
	PERCEPTION_ANALYSIS: 'decisionmakerboughtin',
	PROPOSAL: 'contractsent',
	NEGOTIATION: 'contractsent',
	CLOSED_WON: 'closedwon',
	CLOSED_LOST: 'closedlost',
};

/**
 * Support pipeline stages: 1 New, 2 Waiting on contact, 3 Waiting on us, 4 Closed. Open is New; on hold (waiting on
 * a third party) is Waiting on us; solved and closed are both Closed, which reads back as CLOSED.
 */
const ticketStatuses = { OPEN: '1', PENDING: '2', ON_HOLD: '3', CLOSED: '4', SOLVED: '4' };

const ticketPriorities = { LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', URGENT: 'URGENT' };

/** The seed's contact mapping plus sensible defaults for the other entities. */
export const hubSpotDefaultMappings: Record<CrmEntity, FieldMapping[]> = {
	contacts: [
		{ internal: 'firstName', external: 'firstname', transforms: ['trim'] },
		{ internal: 'lastName', external: 'lastname', transforms: ['trim'] },
		{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
		{ internal: 'phone', external: 'phone', transforms: ['e164'] },
		{ internal: 'company', external: 'company', transforms: ['trim'] },
	],
	companies: [
		{ internal: 'name', external: 'name', transforms: ['trim'] },
		{ internal: 'domain', external: 'domain', transforms: ['trim', 'lowercase'] },
		{ internal: 'industry', external: 'industry' },
	],
	deals: [
		{ internal: 'name', external: 'dealname', transforms: ['trim'] },
		{ internal: 'amount', external: 'amount' },
		{ internal: 'stage', external: 'dealstage', values: { out: dealStages } },
		{ internal: 'closeDate', external: 'closedate', transforms: ['date'] },
	],
	tickets: [
		{ internal: 'subject', external: 'subject', transforms: ['trim'] },
		{ internal: 'description', external: 'content' },
		{ internal: 'priority', external: 'hs_ticket_priority', transforms: ['uppercase'], values: { out: ticketPriorities } },
		{ internal: 'status', external: 'hs_pipeline_stage', values: { out: ticketStatuses } },
		// The first associated contact; the owner; the notes (HubSpot notes are internal: comments arrive as notes).
		{ internal: 'requesterEmail', external: 'requester_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'assigneeEmail', external: 'owner_email', transforms: ['trim', 'lowercase'] },
		{ internal: 'comments', external: 'comments' },
	],
};
