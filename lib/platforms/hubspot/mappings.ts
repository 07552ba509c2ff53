import type { FieldMapping } from '../../sync/mapping';
import type { CrmEntity } from '../crm';

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
		{ internal: 'stage', external: 'dealstage' },
		{ internal: 'closeDate', external: 'closedate' },
	],
	tickets: [
		{ internal: 'subject', external: 'subject', transforms: ['trim'] },
		{ internal: 'description', external: 'content' },
		{ internal: 'priority', external: 'hs_ticket_priority', transforms: ['uppercase'] },
		{ internal: 'status', external: 'hs_pipeline_stage' },
	],
};
