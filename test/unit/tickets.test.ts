/** The neutral ticket model's comments: checked on the way in, each added once, and those added reported even when a later one fails. */
import { addComments, TicketRefusal, wantedComments } from '../../lib/platforms/tickets';

test('comments are a list of { body, public, id }: anything else is refused naming the comment; blanks and CRLF are tidied; ids kept as text', () => {
	expect(wantedComments([{ body: ' Hi\r\nthere ', id: 7 }, { body: 'Note', public: false, id: 'zendesk:9' }, { body: '   ' }], 'here')).toEqual([{ id: '7', body: 'Hi\nthere', public: true }, { id: 'zendesk:9', body: 'Note', public: false }]);
	expect(wantedComments(undefined, 'here')).toEqual([]);
	expect(() => wantedComments('text', 'Zendesk ticket 1')).toThrow(new TicketRefusal('Zendesk ticket 1: comments must be a list of { body, public }, got string', 'INVALID_COMMENTS'));
	expect(() => wantedComments([{ body: 3 }], 'Zendesk ticket 1')).toThrow('Zendesk ticket 1: comment 1 has no text body');
	expect(() => wantedComments([{ body: 'x', public: 'yes' }], 'Zendesk ticket 1')).toThrow('Zendesk ticket 1: comment 1\'s "public" must be true or false');
});

test('comments are added in order; when one fails, those added before it are still reported with the desk ids', async () => {
	const added: Record<string, string> = {};
	const sent: string[] = [];
	const comments = [{ id: 'a', body: 'one', public: true }, { id: 'b', body: 'two', public: false }, { id: 'c', body: 'three', public: true }];
	await expect(addComments(comments, added, async (comment) => {
		if (comment.id === 'c') throw new TicketRefusal('refused', 'X');
		sent.push(comment.body);
		return `desk-${comment.id}`;
	})).rejects.toThrow('refused');
	expect(sent).toEqual(['one', 'two']);
	expect(added).toEqual({ a: 'desk-a', b: 'desk-b' });
});
