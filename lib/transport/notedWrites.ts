/**
 * A write whose answer can be lost (a platform without idempotency keys, a crash between the write and its record):
 * each attempt is noted in the store's outbox before it is sent, so whoever comes next knows it may have landed and
 * looks it up on the platform before writing again. The attempt's entry is open while its outcome is unknown, and
 * closed once the platform holds the write (no error) or refused it (the refusal kept as its error); it counts every
 * attempt and keeps the last error, and its creation is the first attempt's time.
 */
import type { OutboxTopic, QueuedEntry } from '../store/outbox';
import { PlatformApiError } from './errors';

/** Where a noted write stands: `attempting` (its outcome unknown: it may have landed), `landed` or `refused`. */
export type AttemptState = 'attempting' | 'landed' | 'refused';

export interface NotedAttempts {
	state: AttemptState;
	attempts: number;
	lastError?: string;
	/** When the first attempt was noted. */
	firstAttemptAt: Date;
	updatedAt: string;
}

/** A refusal (a 4xx, a 429 the transport gave up on, an error before sending) left nothing behind; no answer or a 5xx may have. */
export function mayHaveLanded(error: unknown): boolean {
	if (!(error instanceof PlatformApiError)) return false;
	return error.status === undefined || error.status >= 500 || error.status === 408;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The attempts of one kind of write, one outbox entry per write, its payload what names the write (its record's key). */
export class AttemptLog<P> {
	constructor(private readonly topic: OutboxTopic<P>) {}

	/** Durably notes, before the write is sent, that it may land. */
	async attempting(key: string, payload: P, group?: string): Promise<void> {
		await this.topic.noteAttempt({ key, payload, group });
	}

	/** The platform holds the write (it answered, or a look-up found it): no longer in doubt. */
	async landed(key: string): Promise<void> {
		await this.topic.settle(key, { error: null });
	}

	/** The platform said no: nothing landed; a corrected retry may write it. */
	async refused(key: string, message: string): Promise<void> {
		await this.topic.settle(key, { error: { message } });
	}

	/** An attempt whose outcome is still unknown stays open; the error is noted. */
	async unanswered(key: string, payload: P, message: string, group?: string): Promise<void> {
		await this.topic.recordFailures([{ key, payload, group, error: { message }, attempts: 0 }]);
	}

	async get(key: string): Promise<NotedAttempts | undefined> {
		const entry = await this.topic.get(key);
		return entry && noted(entry);
	}

	async getMany(keys: string[]): Promise<Map<string, NotedAttempts>> {
		const entries = await this.topic.getMany(keys);
		return new Map([...entries].map(([key, entry]) => [key, noted(entry)]));
	}
}

function noted(entry: QueuedEntry<unknown>): NotedAttempts {
	const state: AttemptState = entry.open ? 'attempting' : entry.error ? 'refused' : 'landed';
	return { state, attempts: entry.attempts, lastError: entry.error?.message, firstAttemptAt: new Date(entry.createdAt), updatedAt: entry.updatedAt };
}

export interface NotedWrite<P, R> {
	log: AttemptLog<P>;
	/** The write's entry in the log, and what names it. */
	key: string;
	payload: P;
	group?: string;
	/** Sends the write. */
	write(): Promise<R>;
	/** Looks for a write that may have landed; `since`: the first attempt's time. */
	lookUp(since: Date): Promise<R | undefined>;
	/** Keeps what the platform holds (written or found), before the attempt is closed as landed. */
	record(result: R): Promise<void>;
	/** Whether a failed write may still have landed (no answer, a 5xx): looked up then, else refused. */
	mayHaveLanded?: (error: unknown) => boolean;
	/** Writes whose outcome stayed unknown are looked up and tried again up to this many times in all. */
	maxAttempts: number;
}

/**
 * Writes once, as far as the platform can tell: an earlier attempt still in doubt is looked up first; then each
 * attempt is noted, sent, and on a failure that may have landed looked up before the next one, up to `maxAttempts`.
 * A refusal is noted and thrown at once. The caller answers a write already recorded before calling this.
 */
export async function writeNoted<P, R>(write: NotedWrite<P, R>): Promise<R> {
	const earlier = await write.log.get(write.key);
	if (earlier?.state === 'attempting') {
		const landed = await lookUp(write, earlier.firstAttemptAt);
		if (landed) return landed;
	}
	const couldLand = write.mayHaveLanded ?? mayHaveLanded;
	for (let attempt = 1; ; attempt++) {
		await write.log.attempting(write.key, write.payload, write.group);
		try {
			const result = await write.write();
			await write.record(result);
			await write.log.landed(write.key);
			return result;
		} catch (error) {
			if (!couldLand(error)) {
				await write.log.refused(write.key, messageOf(error));
				throw error;
			}
			await write.log.unanswered(write.key, write.payload, messageOf(error), write.group);
			const since = (await write.log.get(write.key))?.firstAttemptAt ?? new Date();
			const landed = await lookUp(write, since);
			if (landed) return landed;
			if (attempt >= write.maxAttempts) throw error;
		}
	}
}

async function lookUp<P, R>(write: NotedWrite<P, R>, since: Date): Promise<R | undefined> {
	const found = await write.lookUp(since);
	if (found === undefined) return undefined;
	await write.record(found);
	await write.log.landed(write.key);
	return found;
}
