import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';

const PAGE = 100;

/** Inventory locations (`GET /v3/inventory/locations`), page-numbered; filtered by label here. */
async function locations(transport: Transport, query: ResourceQuery) {
	const page = Number(query.cursor ?? 1) || 1;
	const body = await transport.request<{ data: Array<{ id: number; label: string; code?: string }>; meta?: { pagination?: { total_pages?: number } } }>({
		method: 'GET',
		url: '/inventory/locations',
		qs: { limit: PAGE, page },
	});
	const options = body.data.map((location) => ({ id: String(location.id), name: location.label || location.code || `Location ${location.id}` }));
	const pages = body.meta?.pagination?.total_pages ?? page;
	return { options: matching(options, query.filter), next: page < pages ? String(page + 1) : undefined };
}

export const bigCommerceResources: Record<string, ResourceLister> = { locations };
