/**
 * The neutral ticket model the support desks meet through: status and priority (internal values below, each desk's
 * own values in its vendor folder's mappings), the requester's and the assignee's emails, and the comments after the
 * description. A comment is its text, whether the requester sees it and its id; desks append comments, never rewrite
 * them. Comments are a ticket's thread (lib/sync/threads.ts): read with the desk's own ids, written with ours, each
 * copied once through the ID map of comments.
 */

/** A ticket comment as every desk is given and read back: plain text, public (a reply) or private (a note). */
export interface TicketComment {
	/** The desk's id of the comment when read; ours when the sync hands it to a desk to add. */
	id?: string;
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

/** A comment body a desk keeps as HTML, as text: breaks and paragraphs become new lines, tags go, common entities are decoded. */
export function plainText(html: string | null | undefined): string {
	return (html ?? '').replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>\s*<p>/gi, '\n').replace(/<[^>]+>/g, '')
		.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** One comment from a desk's own shape, or undefined for one with no text (an attachment alone). */
export function ticketComment(body: unknown, isPublic: boolean, id?: string | number): TicketComment | undefined {
	const text = typeof body === 'string' ? body.replace(/\r\n/g, '\n').trim() : '';
	return text === '' ? undefined : { ...(id !== undefined ? { id: String(id) } : {}), body: text, public: isPublic };
}

/**
 * The comments a write asks a desk to add, each checked: a list of `{ body, public, id }` (public defaults to true; the
 * id is ours, given back with the desk's id of the copy); anything else is an error naming the comment.
 */
export function wantedComments(value: unknown, where: string): TicketComment[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new TicketRefusal(`${where}: comments must be a list of { body, public }, got ${typeof value}`, 'INVALID_COMMENTS');
	return value.flatMap((entry, index) => {
		const item = entry as { body?: unknown; public?: unknown; id?: unknown } | null;
		if (typeof item !== 'object' || item === null || typeof item.body !== 'string') throw new TicketRefusal(`${where}: comment ${index + 1} has no text body`, 'INVALID_COMMENTS');
		if (item.public !== undefined && typeof item.public !== 'boolean') throw new TicketRefusal(`${where}: comment ${index + 1}'s "public" must be true or false`, 'INVALID_COMMENTS');
		const comment = ticketComment(item.body, item.public !== false, typeof item.id === 'string' || typeof item.id === 'number' ? item.id : undefined);
		return comment ? [comment] : [];
	});
}

/**
 * Adds each comment through `add` (which answers the desk's id of the copy), in order; the ids of those added so far
 * are kept in `added` (ours → the desk's), so a failure part-way still reports them and they are never added twice.
 */
export async function addComments(comments: TicketComment[], added: Record<string, string>, add: (comment: TicketComment) => Promise<string | undefined>): Promise<void> {
	for (const comment of comments) {
		const deskId = await add(comment);
		if (comment.id !== undefined && deskId !== undefined) added[comment.id] = deskId;
	}
}
