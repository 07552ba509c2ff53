import { timeOrderedId } from '../../lib/store/timeOrderedId';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids are UUID version 7 strings that sort in the order they were made, within and across milliseconds, past 4,096 in one', () => {
	const ids = [...Array.from({ length: 5_000 }, () => timeOrderedId(1_700_000_000_000)), ...Array.from({ length: 10 }, (_, index) => timeOrderedId(1_700_000_000_002 + index))];
	for (const made of ids) expect(made).toMatch(UUID_V7);
	expect([...ids].sort()).toEqual(ids);
	expect(new Set(ids).size).toBe(ids.length);
	expect(ids[0].replaceAll('-', '').slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, '0'));
});

test('a clock that steps back does not reorder the ids', () => {
	const later = timeOrderedId(1_800_000_000_000);
	expect(timeOrderedId(1_799_999_999_000) > later).toBe(true);
});

test('ids of one millisecond share their random bits, ids of another draw their own', () => {
	const tailOf = (made: string) => made.slice(19);
	const sameMillisecond = Array.from({ length: 100 }, () => timeOrderedId(1_900_000_000_000));
	expect(new Set(sameMillisecond.map(tailOf)).size).toBe(1);
	const later = Array.from({ length: 20 }, (_, index) => timeOrderedId(1_900_000_000_001 + index));
	expect(new Set(later.map(tailOf)).size).toBe(20);
});
