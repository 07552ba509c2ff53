import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';
import { INTERCOM_VERSION } from './crm';

/** The workspace's ticket types (one call, no paging; archived ones left out), for the type new tickets are created with. */
async function ticketTypes(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ data: Array<{ id: string; name: string; archived?: boolean }> }>({
		method: 'GET',
		url: '/ticket_types',
		headers: { 'Intercom-Version': INTERCOM_VERSION },
	});
	const options = body.data.filter((type) => !type.archived).map((type) => ({ id: String(type.id), name: type.name }));
	return { options: matching(options, query.filter) };
}

export const intercomResources: Record<string, ResourceLister> = { ticketTypes };
