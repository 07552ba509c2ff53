import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';
import { SQUARE_VERSION } from './profile';

/** The seller's active locations (one call: Square lists them all, by name), for the location payments are taken at. */
async function locations(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ locations?: Array<{ id: string; name: string; status?: string }> }>({ method: 'GET', url: '/v2/locations', headers: { 'Square-Version': SQUARE_VERSION } });
	const active = (body.locations ?? []).filter((location) => location.status !== 'INACTIVE').map((location) => ({ id: location.id, name: location.name }));
	return { options: matching(active, query.filter) };
}

export const squareResources: Record<string, ResourceLister> = { locations };
