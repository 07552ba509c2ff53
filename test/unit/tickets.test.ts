/** The neutral ticket model's comments: checked on the way in, and only those a desk does not hold yet are written. */
import fc from 'fast-check';

import { missingComments, TicketRefusal, wantedComments, type TicketComment } from '../../lib/platforms/tickets';

const comment = fc.record({ body: fc.constantFrom('a', 'b', 'c'), public: fc.boolean() });

test('a held comment accounts for one wanted comment of the same text and visibility, in order', () => {
	const a = { body: 'a', public: true };
	const note = { body: 'a', public: false };
	expect(missingComments([a, a, note, { body: 'b', public: true }], [a, note])).toEqual([a, { body: 'b', public: true }]);
	expect(missingComments([a], [])).toEqual([a]);
	expect(missingComments([], [a])).toEqual([]);
});

test('writing what is missing and asking again leaves nothing missing, whatever the desk already held', () => {
	fc.assert(fc.property(fc.array(comment, { maxLength: 8 }), fc.array(comment, { maxLength: 8 }), (wanted: TicketComment[], held: TicketComment[]) => {
		const written = [...held, ...missingComments(wanted, held)];
		expect(missingComments(wanted, written)).toEqual([]);
		// Nothing the desk held is written again: only as many as it lacked.
		expect(written.length - held.length).toBeLessThanOrEqual(wanted.length);
	}));
});

test('comments are a list of { body, public }: anything else is refused naming the comment; blanks and CRLF are tidied', () => {
	expect(wantedComments([{ body: ' Hi\r\nthere ' }, { body: 'Note', public: false }, { body: '   ' }], 'here')).toEqual([{ body: 'Hi\nthere', public: true }, { body: 'Note', public: false }]);
	expect(wantedComments(undefined, 'here')).toEqual([]);
	expect(() => wantedComments('text', 'Zendesk ticket 1')).toThrow(new TicketRefusal('Zendesk ticket 1: comments must be a list of { body, public }, got string', 'INVALID_COMMENTS'));
	expect(() => wantedComments([{ body: 3 }], 'Zendesk ticket 1')).toThrow('Zendesk ticket 1: comment 1 has no text body');
	expect(() => wantedComments([{ body: 'x', public: 'yes' }], 'Zendesk ticket 1')).toThrow('Zendesk ticket 1: comment 1\'s "public" must be true or false');
});
