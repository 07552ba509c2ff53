import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';

const PAGE = 100;

/** Contact lists by HubSpot's own search (name contains the query); the engine keys the welcome list by name. */
async function lists(transport: Transport, query: ResourceQuery) {
	const offset = Number(query.cursor ?? 0) || 0;
	const body = await transport.request<{ lists: Array<{ listId: string; name: string }>; hasMore: boolean; offset: number }>({
		method: 'POST',
		url: '/crm/v3/lists/search',
		body: { query: query.filter?.trim() ?? '', count: PAGE, offset },
	});
	return { options: body.lists.map((list) => ({ id: list.name, name: list.name })), next: body.hasMore ? String(body.offset) : undefined };
}

/** Email subscription types (one call, no paging). */
async function subscriptionTypes(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ subscriptionDefinitions: Array<{ id: string | number; name: string }> }>({ method: 'GET', url: '/communication-preferences/v3/definitions' });
	return { options: matching(body.subscriptionDefinitions.map((definition) => ({ id: String(definition.id), name: definition.name })), query.filter) };
}

export const hubSpotResources: Record<string, ResourceLister> = { lists, subscriptionTypes };
