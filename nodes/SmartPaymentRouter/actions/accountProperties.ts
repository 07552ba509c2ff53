import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { platformsServing } from '../../shared/platformOptions';
import { picker, pickedValue } from '../../shared/resourceLocator';
import { platformListSearch } from '../../shared/resourceSearch';

/** The processors whose payments go into an account picked on the node, as their vendor folders declare it. */
const accounted = platformsServing('payments').flatMap((definition) => (definition.payments?.account ? [{ processor: definition.id, displayName: definition.displayName, ...definition.payments.account }] : []));

const parameterName = (processor: string, label: string) => `${processor}${label.replace(/\s+/g, '')}`;
const searchMethod = (processor: string, label: string) => `${parameterName(processor, label)}Search`;

/** Per such processor, its account picked from the processor's own list, shown while the processor is chosen. */
export const accountProperties: INodeProperties[] = accounted.map(({ processor, displayName, label, placeholder, whenEmpty }) =>
	picker({
		displayName: `${displayName} ${label}`,
		name: parameterName(processor, label),
		searchListMethod: searchMethod(processor, label),
		displayOptions: { show: { processors: [processor], operation: ['route', 'authorize'] } },
		description: `The ${label.toLowerCase()} ${displayName} takes the payments into; empty for ${whenEmpty}`,
		typed: { name: 'id', displayName: 'By ID', placeholder },
	}),
);

/** The lists behind the account pickers, each through the node's credential for its processor. */
export const accountListSearch = Object.fromEntries(accounted.map(({ processor, label, resource }) => [searchMethod(processor, label), platformListSearch(processor, resource)]));

/** Processor → its picked account's setting, for the processors with one picked. */
export function pickedAccounts(context: IExecuteFunctions, processors: string[]): Record<string, Record<string, string>> {
	const picked = accounted.filter((account) => processors.includes(account.processor)).map((account) => [account, pickedValue(context, parameterName(account.processor, account.label))] as const);
	return Object.fromEntries(picked.filter(([, id]) => id !== '').map(([account, id]) => [account.processor, { [account.setting]: id }]));
}
