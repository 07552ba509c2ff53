import type { FieldMapping } from '../../sync/mapping';
import type { CrmEntity } from '../crm';

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
		{ internal: 'priority', external: 'priority', transforms: [{ map: { HIGH: 'high', MEDIUM: 'normal', LOW: 'low', URGENT: 'urgent' } }] },
		{ internal: 'status', external: 'status' },
	],
};
