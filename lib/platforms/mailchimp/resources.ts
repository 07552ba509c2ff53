import type { Transport } from '../../transport/transport';
import { matching, nextOffset, offsetOf, type ResourceLister, type ResourceQuery } from '../resources';

const PAGE = 100;

/** Audiences (lists), 100 a page; Mailchimp's list call cannot search, so the page is filtered here. */
async function audiences(transport: Transport, query: ResourceQuery) {
	const offset = offsetOf(query);
	const body = await transport.request<{ lists: Array<{ id: string; name: string }>; total_items: number }>({
		method: 'GET',
		url: '/lists',
		qs: { count: PAGE, offset, fields: 'lists.id,lists.name,total_items' },
	});
	const options = body.lists.map((list) => ({ id: list.id, name: list.name }));
	return { options: matching(options, query.filter), next: nextOffset(offset, PAGE, body.total_items) };
}

export const mailchimpResources: Record<string, ResourceLister> = { audiences };
