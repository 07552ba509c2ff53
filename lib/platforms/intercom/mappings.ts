import type { FieldMapping } from '../../sync/mapping';
import type { CrmEntity } from '../crm';

export const intercomDefaultMappings: Partial<Record<CrmEntity, FieldMapping[]>> = {
	contacts: [
		{ internal: 'firstName+lastName', external: 'name', transforms: ['trim'] },
		{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
		{ internal: 'phone', external: 'phone', transforms: ['e164'] },
	],
};
