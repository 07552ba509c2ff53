import type { Transport } from '../../transport/transport';
import type { ResourceLister, ResourceQuery } from '../resources';

const PAGE = 100;

/** Inventory sources (MSI, `GET /V1/inventory/sources`), searched by name with Magento's search criteria. */
async function sources(transport: Transport, query: ResourceQuery) {
	const page = Number(query.cursor ?? 1) || 1;
	const search = query.filter?.trim();
	const body = await transport.request<{ items: Array<{ source_code: string; name: string }>; total_count: number }>({
		method: 'GET',
		url: '/V1/inventory/sources',
		qs: {
			'searchCriteria[pageSize]': PAGE,
			'searchCriteria[currentPage]': page,
			...(search
				? { 'searchCriteria[filterGroups][0][filters][0][field]': 'name', 'searchCriteria[filterGroups][0][filters][0][value]': `%${search}%`, 'searchCriteria[filterGroups][0][filters][0][conditionType]': 'like' }
				: {}),
		},
	});
	return { options: body.items.map((source) => ({ id: source.source_code, name: source.name })), next: page * PAGE < body.total_count ? String(page + 1) : undefined };
}

export const magentoResources: Record<string, ResourceLister> = { sources };
