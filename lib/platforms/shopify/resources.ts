import type { Transport } from '../../transport/transport';
import type { ResourceLister, ResourceQuery } from '../resources';

const PAGE = 100;
const LOCATIONS = `query Locations($first: Int!, $after: String, $query: String) {
  locations(first: $first, after: $after, query: $query) { nodes { id name } pageInfo { hasNextPage endCursor } }
}`;

/** Locations through the Admin GraphQL API (ids are the `gid://shopify/Location/…` the inventory calls take), searched by name. */
async function locations(transport: Transport, query: ResourceQuery) {
	const search = query.filter?.trim();
	const body = await transport.request<{ data: { locations: { nodes: Array<{ id: string; name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>({
		method: 'POST',
		url: '/graphql.json',
		body: { query: LOCATIONS, variables: { first: PAGE, after: query.cursor ?? null, query: search ? `name:*${search}*` : null } },
	});
	const { nodes, pageInfo } = body.data.locations;
	return { options: nodes.map((location) => ({ id: location.id, name: location.name })), next: pageInfo.hasNextPage ? (pageInfo.endCursor ?? undefined) : undefined };
}

export const shopifyResources: Record<string, ResourceLister> = { locations };
