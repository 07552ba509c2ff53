import type { PlatformSettings } from '../definition';
import { offsetOf, requiredSetting, type ResourceLister, type ResourceQuery } from '../resources';
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

/** Accounts (with their type), items and tax codes, for the Accounting Sync pickers. */
export const quickBooksResources: Record<string, ResourceLister> = {
	accounts: entityLister('Account', (record) => `${String(record.Name)} (${String(record.AccountType ?? 'account')})`),
	items: entityLister('Item', (record) => String(record.Name)),
	taxCodes: entityLister('TaxCode', (record) => `${String(record.Name)}${record.Description && record.Description !== record.Name ? ` – ${String(record.Description)}` : ''}`),
};
