import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { platformsServing } from '../../shared/platformOptions';
import { InputError } from '../../shared/inputs';
import { picker, pickedValue } from '../../shared/resourceLocator';
import { platformListSearch } from '../../shared/resourceSearch';

/** The processors whose payments go into an account picked on the node, as their vendor folders declare it. */
const accounted = platformsServing('payments').flatMap((definition) => (definition.payments?.account ? [{ processor: definition.id, displayName: definition.displayName, ...definition.payments.account }] : []));

const parameterName = (processor: string, label: string) => `${processor}${label.replace(/\s+/g, '')}`;
const searchMethod = (processor: string, label: string) => `${parameterName(processor, label)}Search`;

/** The operation that makes what a processor does only at a picked account. */
const OPERATION_OF = { subscriptions: 'createSubscription', invoices: 'createInvoice' } as const;

/** Per such processor, its account picked from the processor's own list, shown while the processor is chosen. */
export const accountProperties: INodeProperties[] = accounted.map(({ processor, displayName, label, placeholder, whenEmpty, requiredFor = [] }) =>
	picker({
		displayName: `${displayName} ${label}`,
		name: parameterName(processor, label),
		searchListMethod: searchMethod(processor, label),
		displayOptions: { show: { processors: [processor], operation: ['route', 'authorize', ...requiredFor.map((use) => OPERATION_OF[use])] } },
		description: `The ${label.toLowerCase()} ${displayName} takes the payments into; empty for ${whenEmpty}${requiredFor.length > 0 ? ` (${requiredFor.join(' and ')} need one picked)` : ''}`,
		typed: { name: 'id', displayName: 'By ID', placeholder },
	}),
);

/**
 * For a processor that makes `use` only at a picked account (Square: subscriptions and invoices at a location), the
 * item's error naming the field left empty; before anything is sent.
 */
export function requirePickedAccount(context: IExecuteFunctions, processor: unknown, use: keyof typeof OPERATION_OF, item: number): void {
	const account = accounted.find((candidate) => candidate.processor === processor && candidate.requiredFor?.includes(use));
	if (!account || pickedValue(context, parameterName(account.processor, account.label), item) !== '') return;
	const field = parameterName(account.processor, account.label);
	throw new InputError([{ field, problem: `is required: ${account.displayName} makes ${use} at one ${account.label.toLowerCase()}; pick it (the ${account.displayName} ${account.label} field)` }], `Item ${item}`);
}

/** The lists behind the account pickers, each through the node's credential for its processor. */
export const accountListSearch = Object.fromEntries(accounted.map(({ processor, label, resource }) => [searchMethod(processor, label), platformListSearch(processor, resource)]));

/** Processor → its picked account's setting, for the processors with one picked. */
export function pickedAccounts(context: IExecuteFunctions, processors: string[]): Record<string, Record<string, string>> {
	const picked = accounted.filter((account) => processors.includes(account.processor)).map((account) => [account, pickedValue(context, parameterName(account.processor, account.label))] as const);
	return Object.fromEntries(picked.filter(([, id]) => id !== '').map(([account, id]) => [account.processor, { [account.setting]: id }]));
}
