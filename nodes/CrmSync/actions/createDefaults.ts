import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { crmCreateDefaults, type CreateDefault, type CrmEntity } from '../../../lib/sync';
import { platformsServing } from '../../shared/platformOptions';
import { picker, pickedValue } from '../../shared/resourceLocator';
import { platformListSearch } from '../../shared/resourceSearch';

/** Every CRM platform's declared create defaults (a ticket type, a pipeline and its stage), with the platform. */
const declared = platformsServing('crm').flatMap((definition) => (definition.crm?.createDefaults ?? []).map((createDefault) => ({ platform: definition.id, ...createDefault })));

const searchMethod = (createDefault: CreateDefault) => `${createDefault.name}Search`;

/**
 * A picker per declared default, for the records Push and Sync create: Push shows it while its platform is the one
 * chosen, Sync while its platform is among those synced (one parameter, declared for each operation).
 */
export const createDefaultProperties: INodeProperties[] = declared.flatMap((createDefault) =>
	[
		{ operation: 'push', chosenBy: 'platform' },
		{ operation: 'sync', chosenBy: 'platforms' },
	].map(({ operation, chosenBy }) =>
		picker({
			displayName: createDefault.displayName,
			name: createDefault.name,
			searchListMethod: searchMethod(createDefault),
			description: createDefault.description,
			displayOptions: { show: { operation: [operation], [chosenBy]: [createDefault.platform], entity: [createDefault.entity] } },
			typed: { name: 'id', displayName: 'By ID', placeholder: createDefault.pick.placeholder },
		}),
	),
);

/** The lists behind the pickers, each through the node's credential for its platform. */
export const createDefaultListSearch = Object.fromEntries(
	declared.map((createDefault) => [searchMethod(createDefault), platformListSearch(createDefault.platform, createDefault.pick.resource, createDefault.pick.within)]),
);

/** The platform fields picked for the records created on `platform` (field → id), or undefined when none is. */
export function pickedCreateDefaults(context: IExecuteFunctions, platform: string, entity: CrmEntity): Record<string, string> | undefined {
	const picked = crmCreateDefaults(platform, entity).map((createDefault) => [createDefault.field, pickedValue(context, createDefault.name)] as const).filter(([, value]) => value !== '');
	return picked.length > 0 ? Object.fromEntries(picked) : undefined;
}
