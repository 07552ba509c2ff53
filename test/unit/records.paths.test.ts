/** The one dotted-path module: what a read reaches, and the rule for a write whose step already holds a value. */
import { sameValue } from '../../lib/records/json';
import { MappingError, validateMappings } from '../../lib/records/mapping';
import { flatten, getPath, PathConflictError, readPath, setPath, unflatten } from '../../lib/records/paths';

describe('reading a dotted path', () => {
	it('steps into nested objects and into arrays by index', () => {
		const order = { customer: { address: { city: 'Lyon' } }, lines: [{ sku: 'A-1' }, { sku: 'B-2' }] };
		expect(getPath(order, 'customer.address.city')).toBe('Lyon');
		expect(getPath(order, 'lines.1.sku')).toBe('B-2');
		expect(readPath(order, ['lines', '2'])).toEqual({ found: false, value: undefined });
	});

	it('tells a missing field from one that holds undefined or null, and never reads inherited properties', () => {
		expect(readPath({ a: null }, ['a'])).toEqual({ found: true, value: null });
		expect(readPath({ a: null }, ['a', 'b'])).toEqual({ found: false, value: undefined });
		expect(readPath({ a: 'text' }, ['a', 'length']).found).toBe(false);
		expect(readPath({}, ['constructor']).found).toBe(false);
	});
});

describe('writing a dotted path', () => {
	it('creates the objects on the way, also in place of null', () => {
		const record: Record<string, unknown> = { address: null };
		setPath(record, 'address.city', 'Lyon');
		setPath(record, 'name.first', 'Ada');
		expect(record).toEqual({ address: { city: 'Lyon' }, name: { first: 'Ada' } });
	});

	it('never replaces a step that holds a value: it throws naming that step and leaves the record as it was', () => {
		const record: Record<string, unknown> = { plan: 'pro', tags: ['a'], customer: { id: 7 } };
		const before = structuredClone(record);
		for (const [path, step] of [['plan.tier', 'plan'], ['tags.0', 'tags'], ['customer.id.kind', 'customer.id']]) {
			let thrown: unknown;
			try {
				setPath(record, path, 'x');
			} catch (error) {
				thrown = error;
			}
			expect(thrown).toBeInstanceOf(PathConflictError);
			expect((thrown as PathConflictError).path).toBe(step);
			expect((thrown as Error).message).toBe(`"${step}" is not an object`);
		}
		expect(record).toEqual(before);
	});

	it('overwrites the value at the end of the path itself, whatever it holds', () => {
		const record: Record<string, unknown> = { address: { city: 'Lyon' } };
		setPath(record, 'address', 'Rue 1');
		expect(record).toEqual({ address: 'Rue 1' });
	});
});

describe('flatten and unflatten', () => {
	it('round-trip nested objects; arrays, dates and null are values', () => {
		const when = new Date('2026-01-01T00:00:00Z');
		const record = { a: { b: 1, c: { d: 'x' } }, list: [1, { e: 2 }], when, none: null, gone: undefined };
		const flat = flatten(record);
		expect(flat).toEqual({ 'a.b': 1, 'a.c.d': 'x', list: [1, { e: 2 }], when, none: null });
		expect(unflatten(flat)).toEqual({ a: { b: 1, c: { d: 'x' } }, list: [1, { e: 2 }], when, none: null });
	});

	it('refuses paths of which one runs through the other\'s value, in either order', () => {
		expect(() => unflatten({ address: 'Rue 1', 'address.city': 'Lyon' })).toThrow('"address" is not an object');
		expect(() => unflatten({ 'address.city': 'Lyon', address: 'Rue 1' })).toThrow(PathConflictError);
	});
});

describe('sameValue', () => {
	it('treats blanks as one value and numbers as their text, and compares objects by content', () => {
		expect(sameValue(undefined, '  ')).toBe(true);
		expect(sameValue(null, 0)).toBe(false);
		expect(sameValue(5, '5')).toBe(true);
		expect(sameValue({ a: [1] }, { a: [1] })).toBe(true);
		expect(sameValue({ a: [1] }, { a: [2] })).toBe(false);
	});
});

describe('field mappings and the path rule', () => {
	it('refuses, before anything is written, mappings of which one fills a field inside another\'s', () => {
		const known = ['address', 'email', 'name'];
		const refusal = (mappings: Array<{ internal: string; external: string }>) => {
			try {
				validateMappings(mappings, known, 'acme contacts');
			} catch (error) {
				return error;
			}
			return undefined;
		};
		const platformSide = refusal([{ internal: 'street', external: 'address' }, { internal: 'city', external: 'address.city' }]);
		expect(platformSide).toBeInstanceOf(MappingError);
		expect((platformSide as Error).message).toBe('The field mappings for acme contacts fill the platform field "address" and "address.city" inside it: map one of them');
		const internalSide = refusal([{ internal: 'name', external: 'name' }, { internal: 'name.first+email', external: 'email' }]);
		expect((internalSide as Error).message).toBe('The field mappings for acme contacts fill the internal field "name" and "name.first" inside it: map one of them');
		expect(refusal([{ internal: 'address.city', external: 'address.city' }, { internal: 'address.street', external: 'address.street' }, { internal: 'addressLine', external: 'name' }])).toBeUndefined();
	});
});
