/**
 * Zendesk ticket comments for a pull, read in bulk from the ticket events export (`include=comment_events`: 1,000 audits
 * a call, each with the comment it added) instead of one comments call per ticket. The export is read on from where the
 * last pull left it, at least as far as the newest ticket of the page; each comment read goes out with its ticket in
 * that page (a ticket not on the page is read with show_many), so every comment since the read began is handed out once
 * with the ticket it belongs to. Comments older than that beginning (the origin) were never read from events: a ticket
 * created before it has its comments listed, as before.
 */
import type { Transport } from '../../transport/transport';
import { ticketComment, type TicketComment } from '../tickets';

const SHOW_MANY_LIMIT = 100;

/** Where a ticket pull stands in the events export, in UNIX seconds. */
export interface EventsPosition {
	/** Every audit before this second has been read, its comments handed out with their tickets. */
	from: number;
	/** Comments before this second were never read from events. */
	origin: number;
}

interface Audit {
	ticket_id?: number;
	timestamp?: number;
	child_events?: Array<{ id?: number; event_type?: string; body?: string; plain_body?: string; public?: boolean }>;
}

interface CommentLike {
	id?: number;
	body?: string;
	plain_body?: string;
	public?: boolean;
}

export type Ticket = Record<string, unknown> & { id?: unknown; updated_at?: unknown; created_at?: unknown; status?: unknown };

/** Each ticket of a page with the comments after its description, and the tickets that commented off the page. */
export interface CommentedTickets {
	tickets: Array<{ ticket: Ticket; comments: TicketComment[] }>;
	events?: EventsPosition;
}

export class ZendeskTicketComments {
	constructor(private readonly transport: Transport) {}

	/**
	 * The page's tickets with their new comments, followed by the tickets (read by id) whose comments the events read
	 * for this page reached but which are not on it. `events` is where the last page left the export; none yet: it
	 * starts at `startTime`, or at the page's oldest change for a pull begun before events were read.
	 */
	async read(page: Ticket[], events: EventsPosition | undefined, startTime: number | undefined): Promise<CommentedTickets> {
		const stamps = page.map((ticket) => seconds(ticket.updated_at)).filter((stamp): stamp is number => stamp !== undefined);
		const start = events ?? (startTime !== undefined ? { from: startTime, origin: startTime } : stamps.length > 0 ? { from: Math.min(...stamps), origin: Math.min(...stamps) } : undefined);
		if (!start) return { tickets: page.map((ticket) => ({ ticket, comments: [] })) };
		// Read already past the page's newest change: its tickets' comments went out with them before.
		const through = Math.max(...stamps);
		const { comments, from } = stamps.length > 0 && through >= start.from ? await this.readEvents(start.from, through) : { comments: new Map<number, Map<string, TicketComment>>(), from: start.from };
		const onPage = new Set(page.map((ticket) => Number(ticket.id)));
		const others = await this.ticketsById([...comments.keys()].filter((id) => !onPage.has(id)));
		const tickets: CommentedTickets['tickets'] = [];
		for (const ticket of [...page, ...others]) tickets.push({ ticket, comments: await this.commentsOf(ticket, comments, start.origin) });
		return { tickets, events: { from, origin: start.origin } };
	}

	/** The comments of the audits from `from` through at least `through` (whole export pages), by ticket; descriptions left out. */
	private async readEvents(from: number, through: number): Promise<{ comments: Map<number, Map<string, TicketComment>>; from: number }> {
		const comments = new Map<number, Map<string, TicketComment>>();
		for (let start = from; ;) {
			const body = await this.transport.request<{ ticket_events?: Audit[]; end_time?: number; end_of_stream?: boolean }>({
				method: 'GET', url: '/api/v2/incremental/ticket_events.json', qs: { start_time: start, include: 'comment_events' },
			});
			for (const audit of body.ticket_events ?? []) collect(audit, comments);
			const next = typeof body.end_time === 'number' ? body.end_time : start;
			// A page that moves the export no further (a second holding more than a page) ends the read: the next pull goes on.
			if (body.end_of_stream || next <= start || next > through) return { comments, from: Math.max(start, next) };
			start = next;
		}
	}

	private async ticketsById(ids: number[]): Promise<Ticket[]> {
		const tickets: Ticket[] = [];
		for (let start = 0; start < ids.length; start += SHOW_MANY_LIMIT) {
			const body = await this.transport.request<{ tickets?: Ticket[] }>({ method: 'GET', url: '/api/v2/tickets/show_many.json', qs: { ids: ids.slice(start, start + SHOW_MANY_LIMIT).join(',') } });
			tickets.push(...(body.tickets ?? []).filter((ticket) => ticket.status !== 'deleted'));
		}
		return tickets;
	}

	/** A ticket's comments after its description: from events, or listed when it was created before events were read. */
	private async commentsOf(ticket: Ticket, read: Map<number, Map<string, TicketComment>>, origin: number): Promise<TicketComment[]> {
		if (ticket.status === 'deleted') return [];
		const created = seconds(ticket.created_at);
		if (created === undefined || created < origin) return (await this.listed(String(ticket.id))).slice(1);
		return [...(read.get(Number(ticket.id))?.values() ?? [])];
	}

	/** Every comment of a ticket, the description first (one call per 100 comments). */
	private async listed(ticketId: string): Promise<TicketComment[]> {
		const comments: TicketComment[] = [];
		for (let after: string | undefined; ;) {
			const body = await this.transport.request<{ comments?: CommentLike[]; meta?: { has_more?: boolean; after_cursor?: string } }>({
				method: 'GET', url: `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json`, qs: { 'page[size]': 100, ...(after ? { 'page[after]': after } : {}) },
			});
			// The description is kept even without text, so that dropping the first comment drops it.
			for (const comment of body.comments ?? []) comments.push(asComment(comment) ?? { id: String(comment.id), body: '', public: comment.public !== false });
			if (!body.meta?.has_more || !body.meta.after_cursor) return comments.filter((comment, index) => index === 0 || comment.body !== '');
			after = body.meta.after_cursor;
		}
	}
}

/** The comments an audit added, unless it created the ticket: that one's comment is the description. */
function collect(audit: Audit, into: Map<number, Map<string, TicketComment>>): void {
	const events = audit.child_events ?? [];
	if (typeof audit.ticket_id !== 'number' || events.some((event) => event.event_type === 'Create')) return;
	for (const event of events) {
		const comment = event.event_type === 'Comment' ? asComment(event) : undefined;
		if (!comment?.id) continue;
		const held = into.get(audit.ticket_id) ?? new Map<string, TicketComment>();
		held.set(comment.id, comment);
		into.set(audit.ticket_id, held);
	}
}

function asComment(comment: CommentLike): TicketComment | undefined {
	return ticketComment(comment.plain_body ?? comment.body, comment.public !== false, comment.id);
}

function seconds(stamp: unknown): number | undefined {
	const ms = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
