import { randomUUID } from 'node:crypto';

let lastMs = 0;
let sequence = 0;
/** The id's first 15 characters (its millisecond and version), written once per millisecond. */
let prefix = '';
let prefixMs = -1;

function prefixFor(ms: number): string {
	if (ms !== prefixMs) {
		const time = ms.toString(16).padStart(12, '0');
		prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
		prefixMs = ms;
	}
	return prefix;
}

/** The sequence's three hex digits, written once each: a batch of ids makes no number strings. */
const SEQUENCE_HEX: string[] = [];

/** The last two groups (variant bits and 62 random bits), drawn once per millisecond of the clock. */
let tail = '';
let tailMs = -1;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit sequence within the millisecond, 62 random bits.
 * For keys of append-only tables (logs): ids that follow time land at the end of the primary-key index, where random
 * UUIDs would land anywhere in it and make every insert touch a different page (SQLite's route log inserts took 2–4×
 * as long with random ids, growing with the table). Unique across processes through the random bits, which are drawn
 * once per millisecond: within a process the millisecond and sequence already tell its ids apart (a batch of 20,000
 * log rows draws a few instead of 20,000).
 */
export function timeOrderedId(now: number = Date.now()): string {
	if (now > lastMs) {
		lastMs = now;
		sequence = 0;
	} else if (sequence < 0xfff) {
		sequence++;
	} else {
		// The millisecond's 4,096 ids are used up: borrow the next millisecond, so the order holds.
		lastMs++;
		sequence = 0;
	}
	if (lastMs !== tailMs) {
		// A version 4 UUID's last two groups, with the dash before them: its variant bits and 62 random bits.
		tail = randomUUID().slice(18);
		tailMs = lastMs;
	}
	return prefixFor(lastMs) + (SEQUENCE_HEX[sequence] ??= sequence.toString(16).padStart(3, '0')) + tail;
}
