/**
 * An event's envelope is checked by type, never coerced (issue 21 §7): `data` that is a string, an id that is an
 * object, a fraction or blank, a type or source that is not text, each refuses the event with a reason naming the field.
 */
import fc from 'fast-check';

import { parseEvent } from '../../lib/routing';
import { jsonBytesAtMost } from '../../lib/routing/events';
import { malformedObject } from '../support/malformed';

const good = { id: 'evt-1', type: 'customer.created', source: 'crm', data: { email: 'ada@example.com' } };
// An absent id or data is allowed (the id is then a hash of the content, the data the fields besides the envelope).
const present = (value: unknown) => value !== undefined;
const malformedEventId = fc.oneof(fc.constantFrom(null, true, false, NaN, -1, 1.5, '', '  '), fc.object({ maxDepth: 1 }), fc.array(fc.integer(), { maxLength: 2 }));

describe.each([
	['data', malformedObject.filter(present)],
	['id', malformedEventId],
	['type', fc.oneof(fc.integer(), fc.boolean(), fc.object({ maxDepth: 1 }), fc.array(fc.string(), { maxLength: 2 }))],
	['source', fc.oneof(fc.integer(), fc.boolean(), fc.object({ maxDepth: 1 }))],
] as const)('an event whose %s is malformed', (field, values) => {
	test('is refused naming the field, as an object and as a webhook body', () => {
		fc.assert(
			fc.property(values, (value) => {
				const event = { ...good, [field]: value };
				for (const input of [event, { headers: {}, body: event }]) {
					const parsed = parseEvent(input);
					expect(parsed.ok).toBe(false);
					if (!parsed.ok) expect(parsed.reason).toMatch(new RegExp(`^event ${field} must be|^event has no type$`));
				}
			}),
			{ numRuns: 80 },
		);
	});
});

test('the data of an event is never replaced: a string data is refused, not routed as {}', () => {
	expect(parseEvent({ ...good, data: 'ada@example.com' })).toEqual({ ok: false, reason: 'event data must be an object, got a string', eventId: 'evt-1' });
	expect(parseEvent({ ...good, id: 42 })).toMatchObject({ ok: true, event: { id: '42' } });
	expect(parseEvent(good)).toMatchObject({ ok: true, event: { id: 'evt-1', data: good.data } });
});

describe('the size limit, counted without writing the event out', () => {
	const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

	test('the bound is never below the JSON text\'s bytes (escapes, emoji, nesting, arrays with holes)', () => {
		fc.assert(
			fc.property(fc.jsonValue(), fc.constantFrom(undefined, '\u0000\u001f"\\', '😀é', [undefined, () => 1]), (value, extra) => {
				const input = { value, extra };
				const bound = jsonBytesAtMost(input, Number.POSITIVE_INFINITY);
				if (bound !== undefined) expect(bound).toBeGreaterThanOrEqual(bytesOf(input));
			}),
			{ numRuns: 300 },
		);
		expect(jsonBytesAtMost({ at: new Date(0) }, Number.POSITIVE_INFINITY)).toBeUndefined();
		expect(jsonBytesAtMost({ big: 1n }, Number.POSITIVE_INFINITY)).toBeUndefined();
	});

	test('an event with an id is refused one byte over the limit and accepted at it, whatever its data', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
				const event = { id: 'evt-size', type: 'a.b', data };
				const size = bytesOf(event);
				expect(parseEvent(event, { maxEventBytes: size })).toMatchObject({ ok: true });
				expect(parseEvent(event, { maxEventBytes: size - 1 })).toEqual({ ok: false, reason: `event is ${size} bytes, over the ${size - 1}-byte limit`, eventId: 'evt-size' });
			}),
			{ numRuns: 200 },
		);
	});
});
