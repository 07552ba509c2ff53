/**
 * The neutral ticket model the support desks meet through: status and priority (internal values below, each desk's
 * own values in its vendor folder's mappings), the requester's and the assignee's emails, and the comments after the
 * description. A comment is its text and whether the requester sees it; desks append comments, never rewrite them.
 */

/** A ticket comment as every desk is given and read back: plain text, public (a reply) or private (a note). */
export interface TicketComment {
	body: string;
	public: boolean;
}

/** A record a desk cannot be given as it is (a comment without text, an assignee who is no agent): that record fails, the others go on. */
export class TicketRefusal extends Error {
	constructor(message: string, readonly code: string) {
		super(message);
		this.name = 'TicketRefusal';
	}
}

/** One comment from a desk's own shape, or undefined for one with no text (an attachment alone). */
export function ticketComment(body: unknown, isPublic: boolean): TicketComment | undefined {
	const text = typeof body === 'string' ? body.replace(/\r\n/g, '\n').trim() : '';
	return text === '' ? undefined : { body: text, public: isPublic };
}

/**
 * The comments a record's `comments` value asks for, each checked: a list of `{ body, public }` (public defaults to
 * true); anything else is an error naming the comment.
 */
export function wantedComments(value: unknown, where: string): TicketComment[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new TicketRefusal(`${where}: comments must be a list of { body, public }, got ${typeof value}`, 'INVALID_COMMENTS');
	return value.map((entry, index) => {
		const item = entry as { body?: unknown; public?: unknown } | null;
		if (typeof item !== 'object' || item === null || typeof item.body !== 'string') throw new TicketRefusal(`${where}: comment ${index + 1} has no text body`, 'INVALID_COMMENTS');
		if (item.public !== undefined && typeof item.public !== 'boolean') throw new TicketRefusal(`${where}: comment ${index + 1}'s "public" must be true or false`, 'INVALID_COMMENTS');
		return ticketComment(item.body, item.public !== false) ?? { body: '', public: item.public !== false };
	}).filter((comment) => comment.body !== '');
}

/**
 * The wanted comments the desk does not hold yet, in order: each held comment accounts for one wanted comment with the
 * same text and visibility, so a comment written once is never written again, and two equal comments stay two.
 */
export function missingComments(wanted: TicketComment[], held: TicketComment[]): TicketComment[] {
	const remaining = new Map<string, number>();
	const key = (comment: TicketComment) => `${comment.public ? 'public' : 'private'}\u0000${comment.body}`;
	for (const comment of held) remaining.set(key(comment), (remaining.get(key(comment)) ?? 0) + 1);
	return wanted.filter((comment) => {
		const left = remaining.get(key(comment)) ?? 0;
		if (left > 0) {
			remaining.set(key(comment), left - 1);
			return false;
		}
		return true;
	});
}
