/** HubSpot pull paging: late-indexed writes are caught, a page stamped in one millisecond pages on with `after`. */
import { HubSpotCrm } from '../../lib/platforms/hubspot';
import type { Transport } from '../../lib/transport';

interface Stored {
	id: string;
	modified: number;
	/** When search starts to show it. */
	visibleFrom: number;
}

/** A stand-in for HubSpot search over `records`, honouring GTE, ascending sort, limit and `after`. */
function searchOver(records: Stored[], clock: () => number): Transport {
	return {
		request: async (request: { url: string; body?: { filterGroups?: Array<{ filters: Array<{ value: string }> }>; limit?: number; after?: string } }) => {
			if (request.url.includes('/properties/')) return { results: [{ name: 'email' }] };
			const since = Number(request.body?.filterGroups?.[0].filters[0].value ?? 0);
			const offset = Number(request.body?.after ?? 0);
			const visible = records.filter((record) => record.visibleFrom <= clock() && record.modified >= since).sort((a, b) => a.modified - b.modified || (a.id < b.id ? -1 : 1));
			const page = visible.slice(offset, offset + (request.body?.limit ?? 200));
			return { results: page.map((record) => ({ id: record.id, properties: { lastmodifieddate: String(record.modified) } })) };
		},
	} as unknown as Transport;
}

async function pullAll(connector: HubSpotCrm, cursor: string | undefined): Promise<{ ids: string[]; cursor: string | undefined }> {
	const ids: string[] = [];
	for (let guard = 0; guard < 50; guard++) {
		const page = await connector.pullChanges('contacts', cursor);
		ids.push(...page.records.map((record) => record.externalId));
		cursor = page.cursor;
		if (page.done) return { ids, cursor };
	}
	throw new Error('pull did not finish');
}

test('a write that shows up in search after a later one is still pulled', async () => {
	let now = 1_000_000;
	const records: Stored[] = [
		{ id: 'early', modified: now - 5000, visibleFrom: now + 10_000 },
		{ id: 'later', modified: now - 1000, visibleFrom: now },
	];
	const connector = new HubSpotCrm(searchOver(records, () => now), () => now);
	const first = await pullAll(connector, undefined);
	expect(first.ids).toEqual(['later']);
	now += 20_000;
	const second = await pullAll(connector, first.cursor);
	expect(second.ids).toContain('early');
});

test('a full page of one timestamp pages on instead of repeating itself', async () => {
	const now = 10_000_000;
	const records: Stored[] = Array.from({ length: 450 }, (_, i) => ({ id: `c${String(i).padStart(3, '0')}`, modified: 5_000_000, visibleFrom: 0 }));
	const connector = new HubSpotCrm(searchOver(records, () => now), () => now);
	const { ids } = await pullAll(connector, undefined);
	expect(new Set(ids).size).toBe(450);
});
