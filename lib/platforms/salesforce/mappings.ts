import type { FieldMapping } from '../../sync/mapping';
import type { CrmEntity } from '../crm';

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
		{ internal: 'stage', external: 'StageName' },
		{ internal: 'closeDate', external: 'CloseDate' },
	],
	tickets: [
		{ internal: 'subject', external: 'Subject', transforms: ['trim'] },
		{ internal: 'description', external: 'Description' },
		{ internal: 'priority', external: 'Priority', transforms: [{ map: { HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' } }] },
		{ internal: 'status', external: 'Status' },
	],
};
