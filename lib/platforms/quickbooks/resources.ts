import type { PlatformSettings } from '../definition';
import { matching, offsetOf, requiredSetting, type ResourceLister, type ResourceQuery } from '../resources';
import type { Transport } from '../../transport/transport';
import { quote } from './accounting';
import { QUICKBOOKS_MINOR_VERSION } from './profile';

const PAGE = 100;

type QboRecord = Record<string, unknown>;

/**
 * One entity of the company, 100 a page (STARTPOSITION counts from 1), searched by name with LIKE; the option's id is
 * the entity's Id, which the Options take (Sales Account, Payment Account, Default Item, the mappings' values).
 */
function entityLister(entity: string, label: (record: QboRecord) => string): ResourceLister {
	return async (transport: Transport, query: ResourceQuery, settings?: PlatformSettings) => {
		const offset = offsetOf(query);
		const filter = query.filter?.trim();
		const where = filter ? ` WHERE Name LIKE ${quote(`%${filter}%`)}` : '';
		const answer = await transport.request<{ QueryResponse?: Record<string, QboRecord[] | undefined> }>({
			method: 'GET',
			url: `/v3/company/${requiredSetting(settings, 'realmId', 'Realm ID')}/query`,
			qs: { minorversion: QUICKBOOKS_MINOR_VERSION, query: `SELECT * FROM ${entity}${where} STARTPOSITION ${offset + 1} MAXRESULTS ${PAGE}` },
		});
		const records = answer.QueryResponse?.[entity] ?? [];
		return { options: records.map((record) => ({ id: String(record.Id), name: label(record) })), next: records.length === PAGE ? String(offset + PAGE) : undefined };
	};
}

/**
 * The company's currencies: its home currency (the preferences' CurrencyPrefs) and, with multicurrency on, the active
 * currencies added to it (CompanyCurrency, which leaves out the home one); the option's id is the ISO code.
 */
const currencyLister: ResourceLister = async (transport: Transport, query: ResourceQuery, settings?: PlatformSettings) => {
	const company = `/v3/company/${requiredSetting(settings, 'realmId', 'Realm ID')}`;
	const preferences = await transport.request<{ Preferences?: { CurrencyPrefs?: { MultiCurrencyEnabled?: boolean; HomeCurrency?: { value?: string } } } }>({
		method: 'GET',
		url: `${company}/preferences`,
		qs: { minorversion: QUICKBOOKS_MINOR_VERSION },
	});
	const prefs = preferences.Preferences?.CurrencyPrefs;
	const home = prefs?.HomeCurrency?.value;
	const options = home ? [{ id: home, name: `${home} (home currency)` }] : [];
	if (prefs?.MultiCurrencyEnabled) {
		const answer = await transport.request<{ QueryResponse?: { CompanyCurrency?: QboRecord[] } }>({
			method: 'GET',
			url: `${company}/query`,
			qs: { minorversion: QUICKBOOKS_MINOR_VERSION, query: 'SELECT * FROM CompanyCurrency WHERE Active = true STARTPOSITION 1 MAXRESULTS 1000' },
		});
		options.push(...(answer.QueryResponse?.CompanyCurrency ?? []).filter((record) => record.Code !== home).map((record) => ({ id: String(record.Code), name: `${String(record.Code)} – ${String(record.Name ?? record.Code)}` })));
	}
	return { options: matching(options, query.filter) };
};

/** Accounts (with their type), items, tax codes and currencies, for the Accounting Sync pickers. */
export const quickBooksResources: Record<string, ResourceLister> = {
	currencies: currencyLister,
	accounts: entityLister('Account', (record) => `${String(record.Name)} (${String(record.AccountType ?? 'account')})`),
	items: entityLister('Item', (record) => String(record.Name)),
	taxCodes: entityLister('TaxCode', (record) => `${String(record.Name)}${record.Description && record.Description !== record.Name ? ` – ${String(record.Description)}` : ''}`),
};
