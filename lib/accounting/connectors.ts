import type { AccountingConnector, AccountingSettings } from '../platforms/accounting';
import { platformsServing } from '../platforms/catalog';
import type { PlatformDefinition } from '../platforms/definition';
import { parseSettings, resolveBaseUrl } from '../platforms/settings';
import type { PlatformProfile } from '../transport/types';
import type { StateStore } from '../store';
import type { Transport } from '../transport/transport';
import { AccountingBooks } from './books';

/** A connection's settings: the credential's (the company or tenant it reaches) and the node's mappings. */
export type ConnectionSettings = AccountingSettings & Record<string, unknown>;

interface AccountingPlatform {
	profile: () => PlatformProfile;
	credential: { type: string };
	/** The API base: the credential's Base URL when set, else the vendor's. */
	baseUrl: (values: Record<string, unknown>) => string;
	/** The credential field naming the company the entries go to: exactly once is per platform and this account. */
	accountField: string;
	connector: (transport: Transport, settings: ConnectionSettings) => AccountingConnector;
}

/** Accounting Sync's view of a platform the catalog declares with an accounting capability. */
function accountingPlatformOf(definition: PlatformDefinition): AccountingPlatform {
	const accounting = definition.accounting!;
	return {
		profile: definition.profile,
		credential: { type: definition.credentials.type },
		baseUrl: (values) => resolveBaseUrl(definition.credentials, values),
		accountField: accounting.accountSetting,
		connector: (transport, settings) => accounting.connector(transport, parseSettings(definition, settings), settings),
	};
}

/** The platforms Accounting Sync posts to. */
export const accountingPlatforms: Record<string, AccountingPlatform> = Object.fromEntries(
	platformsServing('accounting').map((definition) => [definition.id, accountingPlatformOf(definition)]),
);

export function accountingPlatform(platform: string): AccountingPlatform {
	const found = accountingPlatforms[platform];
	if (!found) throw new Error(`Accounting Sync does not post to "${platform}"; it posts to ${Object.keys(accountingPlatforms).join(', ')}`);
	return found;
}

/** The books of one accounting connection: the platform's connector over `transport`, entries once per its account. */
export function openAccountingBooks(options: { store: StateStore; platform: string; transport: Transport; settings: ConnectionSettings }): AccountingBooks {
	const entry = accountingPlatform(options.platform);
	const account = options.settings[entry.accountField];
	if (typeof account !== 'string' || account.trim() === '') throw new Error(`The ${options.platform} credential's ${entry.accountField} is empty: set it to the company the entries go to`);
	return new AccountingBooks({ store: options.store, connector: entry.connector(options.transport, options.settings), account: account.trim() });
}
