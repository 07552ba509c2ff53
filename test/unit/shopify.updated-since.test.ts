/**
 * Shopify's updated-at cursor with records held back (a product whose images Shopify still processes): the run ends
 * before the earliest held one, across pages, so the next run reads it again; without any, at the newest time seen.
 */
import { nextUpdatedSince, readUpdatedSinceCursor } from '../../lib/platforms/shopify/graphql';

const more = { hasNextPage: true, endCursor: 'c1' };
const last = { hasNextPage: false, endCursor: null };

test('the cursor ends at the newest time seen when nothing is held', () => {
	const page = nextUpdatedSince({ since: '2026-01-01T00:00:00.000Z' }, ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'], last);
	expect(page).toEqual({ cursor: '2026-01-03T00:00:00.000Z', done: true });
});

test('a record held on one page keeps the final cursor at its time, before newer records of later pages', () => {
	const first = nextUpdatedSince({ since: '2026-01-01T00:00:00.000Z' }, ['2026-01-02T00:00:00.000Z'], more, ['2026-01-02T12:00:00.000Z']);
	expect(first.done).toBe(false);
	const position = readUpdatedSinceCursor(first.cursor);
	expect(position).toEqual({ since: '2026-01-01T00:00:00.000Z', after: 'c1', newest: '2026-01-02T00:00:00.000Z', held: '2026-01-02T12:00:00.000Z' });
	expect(nextUpdatedSince(position, ['2026-01-05T00:00:00.000Z'], last)).toEqual({ cursor: '2026-01-02T12:00:00.000Z', done: true });
});

test('a held record newer than every record read leaves the cursor at the newest read; one with nothing read holds it', () => {
	expect(nextUpdatedSince({}, ['2026-01-02T00:00:00.000Z'], last, ['2026-01-04T00:00:00.000Z'])).toEqual({ cursor: '2026-01-02T00:00:00.000Z', done: true });
	expect(nextUpdatedSince({}, [], last, ['2026-01-04T00:00:00.000Z'])).toEqual({ cursor: '2026-01-04T00:00:00.000Z', done: true });
	// A cursor of an earlier release (three parts) reads as nothing held.
	expect(readUpdatedSinceCursor('s|a|n')).toEqual({ since: 's', after: 'a', newest: 'n', held: undefined });
});
