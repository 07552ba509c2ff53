import type { PlatformSettings } from '../definition';
import { matching, requiredSetting, type ResourceLister, type ResourceQuery } from '../resources';
import type { Transport } from '../../transport/transport';

type XeroRecord = Record<string, unknown>;

/**
 * One of the organisation's lists (Xero answers each whole, without paging), active entries only, filtered here by what
 * the user typed; the option's id is what the Options take: an account's Code, an item's Code, a tax rate's TaxType.
 */
function listLister(collection: string, id: string, label: (record: XeroRecord) => string): ResourceLister {
	return async (transport: Transport, query: ResourceQuery, settings?: PlatformSettings) => {
		const answer = await transport.request<Record<string, XeroRecord[] | undefined>>({
			method: 'GET',
			url: `/api.xro/2.0/${collection}`,
			headers: { 'xero-tenant-id': requiredSetting(settings, 'tenantId', 'Tenant ID') },
		});
		const records = (answer[collection] ?? []).filter((record) => record[id] && (record.Status === undefined || record.Status === 'ACTIVE'));
		return { options: matching(records.map((record) => ({ id: String(record[id]), name: label(record) })), query.filter) };
	};
}

/** Accounts, items, tax rates and the organisation's currencies, for the Accounting Sync pickers. */
export const xeroResources: Record<string, ResourceLister> = {
	currencies: listLister('Currencies', 'Code', (record) => `${String(record.Code)} – ${String(record.Description ?? record.Code)}`),
	accounts: listLister('Accounts', 'Code', (record) => `${String(record.Code)} – ${String(record.Name)} (${String(record.Type)})`),
	items: listLister('Items', 'Code', (record) => `${String(record.Code)}${record.Name ? ` – ${String(record.Name)}` : ''}`),
	taxCodes: listLister('TaxRates', 'TaxType', (record) => `${String(record.Name)} (${String(record.TaxType)}, ${String(record.EffectiveRate ?? 0)}%)`),
};
