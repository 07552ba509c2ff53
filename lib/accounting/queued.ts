/**
 * Entries queued for the next batch: an order that arrives on its own (one per execution) is noted in the store outbox
 * instead of posted, and a scheduled Post Queued Entries posts everything queued in the platform's batches (Xero: 50
 * invoices, then their 50 payments, in two calls instead of a hundred). Exactly once still holds: the queue keeps one
 * entry per (kind, source id) however often it is queued, a flush takes each queued entry for itself (two flushes at
 * once, in two processes, take different entries), and the posting goes through the same idempotency ledger and noted
 * writes as posting at once, so an entry a dead flush left in doubt is looked up before it is posted again. Each entry
 * is posted with the mappings (items, tax codes, accounts) of the node that queued it.
 */
import { InputError } from '../records/inputSchema';
import { outboxKey, type Outbox, type OutboxEntry } from '../store/outbox';
import { PlatformApiError } from '../transport/errors';
import type { AccountingBooks, EntryOutcome } from './books';
import type { AccountingSettings, EntryKind } from '../platforms/accounting';

/**
 * What a queued entry keeps: its kind, the input as given (checked when queued, read again when posted) and the
 * mappings of the node that queued it, which it is posted with (entries queued before they were kept have none: the
 * flushing node's apply).
 */
interface QueuedInput {
	kind: EntryKind;
	input: unknown;
	mappings?: AccountingSettings;
}

/** The caller's answer when an entry is queued rather than posted. */
export interface QueuedOutcome {
	queued: true;
	kind: EntryKind;
	sourceId: string;
	platform: string;
	/** When it was first queued. */
	queuedAt: string;
	/** True when this source transaction was queued before (a duplicate delivery): it is still posted once. */
	alreadyQueued: boolean;
}

/** One input's end when queued: queued, already recorded (its entry, replayed), or why it was refused. */
export type QueueResult = { queued: QueuedOutcome } | { outcome: EntryOutcome } | { error: unknown };

/** One queued entry's end in a flush: posted (or found posted), or failed (kept queued when `willRetry`). */
export type FlushResult = { sourceId: string; kind: EntryKind; outcome: EntryOutcome } | { sourceId: string; kind: EntryKind; error: unknown; willRetry: boolean };

export interface FlushOptions {
	/** At most this many queued entries in one flush (the oldest first). */
	limit?: number;
	/** How long a flush keeps the entries it took from other flushes; a flush that dies frees them after this. */
	holdMs?: number;
}

const STEP = 'post';
/** Invoices before the payments that may settle them. */
const KIND_ORDER: EntryKind[] = ['invoice', 'sale', 'refund', 'payment'];
export const DEFAULT_FLUSH_LIMIT = 1_000;
const DEFAULT_HOLD_MS = 15 * 60_000;

/** A failure that a later flush may get past (no answer, a 5xx, a 429 given up on, a busy claim); not the input or the platform's no. */
function worthRetrying(error: unknown): boolean {
	if (error instanceof InputError) return false;
	if (error instanceof PlatformApiError) return error.status === undefined || error.status >= 500 || error.status === 408 || error.status === 429;
	return true;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class EntryQueue {
	private readonly topic: string;
	private readonly outbox: Outbox;

	constructor(private readonly books: AccountingBooks) {
		this.topic = outboxKey('accounting.queued', books.connection);
		this.outbox = books.store.outbox;
	}

	/**
	 * Queues each input for the next flush, after checking it as posting would (a bad input fails alone, naming the
	 * field, and is not queued). A source transaction already recorded answers with its entry; one refused by the
	 * platform in an earlier flush is refused again, naming the refusal (post it corrected with Post: Now).
	 */
	async add(kind: EntryKind, inputs: unknown[]): Promise<QueueResult[]> {
		const results: QueueResult[] = [];
		for (const input of inputs) {
			try {
				results.push(await this.addOne(kind, input));
			} catch (error) {
				results.push({ error });
			}
		}
		return results;
	}

	/**
	 * Posts the queued entries, oldest first, each kind in the platform's batches; one result per entry taken. An entry
	 * posted (or found posted) leaves the queue; one the platform or its input refused leaves it as failed; one that
	 * failed otherwise (no answer, a 5xx, limits) stays for the next flush, whose first step is to look it up.
	 */
	async flush(options: FlushOptions = {}): Promise<FlushResult[]> {
		const taken = await this.outbox.takeDue<QueuedInput>(this.topic, options.holdMs ?? DEFAULT_HOLD_MS, options.limit ?? DEFAULT_FLUSH_LIMIT);
		const results: FlushResult[] = [];
		for (const kind of KIND_ORDER) {
			for (const entries of byMappings(taken.filter((entry) => entry.payload.kind === kind))) {
				const books = entries[0].payload.mappings ? this.books.withMappings(entries[0].payload.mappings) : this.books;
				results.push(...(await this.post(books, kind, entries)));
			}
		}
		return results;
	}

	/** One kind's entries queued with the same mappings, posted together; one result each. */
	private async post(books: AccountingBooks, kind: EntryKind, entries: Array<OutboxEntry<QueuedInput>>): Promise<FlushResult[]> {
		const results: FlushResult[] = [];
		const answers = await books.recordMany(kind, entries.map((entry) => entry.payload.input));
		for (const [index, entry] of entries.entries()) {
			const answer = answers[index];
			const sourceId = sourceIdOf(entry.key);
			if ('outcome' in answer) {
				await this.outbox.complete(this.topic, entry.key, STEP);
				results.push({ sourceId, kind, outcome: answer.outcome });
				continue;
			}
			const willRetry = worthRetrying(answer.error);
			if (willRetry) await this.outbox.fail(this.topic, entry.key, STEP, messageOf(answer.error), Date.now());
			else await this.refuse(entry.key, messageOf(answer.error));
			results.push({ sourceId, kind, error: answer.error, willRetry });
		}
		return results;
	}

	private async addOne(kind: EntryKind, input: unknown): Promise<QueueResult> {
		const { sourceId } = this.books.parse(kind, input);
		const recorded = await this.books.recorded(kind, sourceId);
		if (recorded) return { outcome: recorded };
		const { isNew, entry } = await this.outbox.add<QueuedInput>(this.topic, outboxKey(kind, sourceId), { kind, input, mappings: this.books.mappings }, [STEP], 0);
		if (!isNew && entry.pendingSteps.length === 0) {
			// Posted (or refused) by a flush since: its entry, or its refusal.
			const posted = await this.books.recorded(kind, sourceId);
			if (posted) return { outcome: posted };
			const refusal = (await this.books.entries.get(kind, sourceId))?.lastError;
			throw new Error(`Source transaction ${sourceId} was queued before and refused by ${this.books.platform} (${refusal ?? 'no reason given'}): post it corrected with Post: Now`);
		}
		return { queued: { queued: true, kind, sourceId, platform: this.books.platform, queuedAt: entry.createdAt, alreadyQueued: !isNew } };
	}

	/** A refused entry leaves the queue, its reason kept on its step. */
	private async refuse(key: string, reason: string): Promise<void> {
		await this.outbox.fail(this.topic, key, STEP, reason);
		await this.outbox.complete(this.topic, key, STEP);
	}
}

const sourceIdOf = (key: string): string => (JSON.parse(key) as string[])[1];

/** Entries in groups of the same mappings (in the order first met), so each group posts in the platform's batches. */
function byMappings(entries: Array<OutboxEntry<QueuedInput>>): Array<Array<OutboxEntry<QueuedInput>>> {
	const groups = new Map<string, Array<OutboxEntry<QueuedInput>>>();
	for (const entry of entries) {
		const key = JSON.stringify(entry.payload.mappings ?? null);
		groups.set(key, [...(groups.get(key) ?? []), entry]);
	}
	return [...groups.values()];
}
