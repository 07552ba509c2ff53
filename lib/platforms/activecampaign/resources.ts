import type { Transport } from '../../transport/transport';
import { matching, nextOffset, offsetOf, type ResourceLister, type ResourceOption, type ResourceQuery } from '../resources';

const PAGE = 100;

/** One of ActiveCampaign's offset-paged collections (`{<key>: [...], meta: {total}}`), filtered by name here. */
function collection(path: string, key: string, nameOf: (row: Record<string, unknown>) => string, idOf = (row: Record<string, unknown>) => String(row.id)): ResourceLister {
	return async (transport: Transport, query: ResourceQuery) => {
		const offset = offsetOf(query);
		const qs: Record<string, string | number> = { limit: PAGE, offset };
		if (key === 'tags' && query.filter) qs.search = query.filter.trim();
		const body = await transport.request<Record<string, unknown> & { meta?: { total?: string | number } }>({ method: 'GET', url: path, qs });
		const rows = (body[key] ?? []) as Array<Record<string, unknown>>;
		const options: ResourceOption[] = rows.map((row) => ({ id: idOf(row), name: nameOf(row) }));
		return { options: matching(options, query.filter), next: nextOffset(offset, PAGE, Number(body.meta?.total ?? rows.length)) };
	};
}

export const activeCampaignResources: Record<string, ResourceLister> = {
	lists: collection('/lists', 'lists', (row) => String(row.name)),
	automations: collection('/automations', 'automations', (row) => String(row.name)),
	// The engine adds the welcome tag by its name.
	tags: collection('/tags', 'tags', (row) => String(row.tag), (row) => String(row.tag)),
};
