import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';

const PAGE = 200;

/** Smart campaigns a Web Service API call can request (`isTriggerable`), 200 a page through `nextPageToken`. */
async function campaigns(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ result?: Array<{ id: number; name: string }>; nextPageToken?: string }>({
		method: 'GET',
		url: '/rest/v1/campaigns.json',
		qs: { batchSize: PAGE, isTriggerable: 'true', ...(query.cursor ? { nextPageToken: query.cursor } : {}) },
	});
	const rows = body.result ?? [];
	const options = rows.map((campaign) => ({ id: String(campaign.id), name: campaign.name }));
	return { options: matching(options, query.filter), next: rows.length === PAGE ? body.nextPageToken : undefined };
}

export const marketoResources: Record<string, ResourceLister> = { campaigns };
