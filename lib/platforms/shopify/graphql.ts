import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';

/**
 * One Admin GraphQL call: the data, or a non-retryable error naming Shopify's messages (a throttle never gets here:
 * the transport reads it from the profile and waits for the bucket).
 */
export async function shopifyGraphql<T>(transport: Transport, query: string, variables: Record<string, unknown>): Promise<T> {
	const body = await transport.request<{ data?: T; errors?: Array<{ message: string }> }>({ method: 'POST', url: '/graphql.json', body: { query, variables } });
	if (body.errors?.length || !body.data) throw new PlatformApiError({ platform: 'shopify', message: body.errors?.map((error) => error.message).join('; ') ?? 'no data', status: 200, retryable: false, attempts: 1 });
	return body.data;
}

/**
 * Where a pull stands: records updated at or after `since`, the GraphQL cursor within them, the newest time seen, and
 * the earliest update time of a record left to read again next run (`held`).
 */
export interface UpdatedSinceCursor {
	since?: string;
	after?: string;
	newest?: string;
	held?: string;
}

export function readUpdatedSinceCursor(cursor: string | undefined): UpdatedSinceCursor {
	if (!cursor) return {};
	const [since, after, newest, held] = cursor.split('|');
	return after === undefined ? { since: cursor } : { since: since || undefined, after: after || undefined, newest: newest || undefined, held: held || undefined };
}

/**
 * The cursor after a page: the next page while there is one, else the newest update time seen (where the next run
 * starts), or the earliest of the records `held` back (left to read again) when that comes first.
 */
export function nextUpdatedSince(position: UpdatedSinceCursor, times: Array<string | undefined>, pageInfo: { hasNextPage: boolean; endCursor: string | null }, held: string[] = []): { cursor: string; done: boolean } {
	const newest = [position.newest, ...times].filter((time): time is string => !!time).sort().at(-1);
	const earliestHeld = [position.held, ...held].filter((time): time is string => !!time).sort()[0];
	if (pageInfo.hasNextPage && pageInfo.endCursor) return { cursor: `${position.since ?? ''}|${pageInfo.endCursor}|${newest ?? ''}|${earliestHeld ?? ''}`, done: false };
	const next = newest ?? position.since ?? '';
	return { cursor: earliestHeld !== undefined && (next === '' || earliestHeld < next) ? earliestHeld : next, done: true };
}

/** Shopify's search syntax for "updated at or after". */
export const updatedSinceQuery = (since: string | undefined) => (since ? `updated_at:>='${since}'` : null);
