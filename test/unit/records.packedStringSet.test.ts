import { PackedStringSet } from '../../lib/records/packedStringSet';

describe('PackedStringSet', () => {
	it('holds each string once, through its tables growing, as a Set does', () => {
		const packed = new PackedStringSet();
		const reference = new Set<string>();
		// Multi-byte characters, the empty string, prefixes of one another and repeats, past several doublings of both tables.
		const values = Array.from({ length: 30_000 }, (_, index) => [`source:src-${index % 9_000}`, `é${index % 700}✓`, '', `source:src-${index % 9_000}0`][index % 4]);
		for (const value of values) expect(packed.add(value)).toBe(!reference.has(value) && reference.add(value) !== undefined);
		expect(packed.size).toBe(reference.size);
		for (const value of reference) expect(packed.add(value)).toBe(false);
		expect(packed.add('not there yet')).toBe(true);
		expect(packed.size).toBe(reference.size + 1);
	});

	it('tells apart strings UTF-8 cannot hold (lone surrogates, which it would write as the same U+FFFD)', () => {
		const packed = new PackedStringSet();
		expect(packed.add('id-\uD800')).toBe(true);
		expect(packed.add('id-\uD801')).toBe(true);
		expect(packed.add('id-\uFFFD')).toBe(true);
		expect(packed.add('id-\uD800')).toBe(false);
		expect(packed.add('id-\uFFFD')).toBe(false);
		expect(packed.size).toBe(3);
	});
});
