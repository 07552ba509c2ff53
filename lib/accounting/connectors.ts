import type { AccountingConnector, AccountingSettings } from '../platforms/accounting';
import { QuickBooksAccounting, quickBooksProductionUrl, quickBooksProfile, quickBooksSandboxUrl } from '../platforms/quickbooks';
import { FreshBooksAccounting, freshBooksProductionUrl, freshBooksProfile } from '../platforms/freshbooks';
import { XeroAccounting, xeroProductionUrl, xeroProfile } from '../platforms/xero';
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

const textOf = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The platforms Accounting Sync posts to. */
export const accountingPlatforms: Record<string, AccountingPlatform> = {
	quickbooks: {
		profile: () => quickBooksProfile(),
		credential: { type: 'integrationQuickBooksOAuth2Api' },
		baseUrl: (values) => textOf(values.baseUrl) || (values.environment === 'sandbox' ? quickBooksSandboxUrl : quickBooksProductionUrl),
		accountField: 'realmId',
		connector: (transport, settings) => new QuickBooksAccounting(transport, { ...settings, realmId: textOf(settings.realmId) }),
	},
	xero: {
		profile: () => xeroProfile(),
		credential: { type: 'integrationXeroOAuth2Api' },
		baseUrl: (values) => textOf(values.baseUrl) || xeroProductionUrl,
		accountField: 'tenantId',
		connector: (transport, settings) => new XeroAccounting(transport, { ...settings, tenantId: textOf(settings.tenantId) }),
	},
	freshbooks: {
		profile: () => freshBooksProfile(),
		credential: { type: 'integrationFreshBooksOAuth2Api' },
		baseUrl: (values) => textOf(values.baseUrl) || freshBooksProductionUrl,
		accountField: 'accountId',
		connector: (transport, settings) => new FreshBooksAccounting(transport, { ...settings, accountId: textOf(settings.accountId) }),
	},
};

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
