/** Turns what arrives (an item, or a webhook body) into a routable event, or a clear reason why it cannot be routed. */
import { hash } from 'node:crypto';

import { checkInput, describeViolations, id, nonEmptyString, object, text, type Rule } from '../records/inputSchema';
import { isPlainObject } from '../records/json';
import { verify } from './standardWebhooks';
import type { RoutingEvent } from './types';

export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

export interface ParseOptions {
	maxEventBytes?: number;
	/** Source for events that do not name one. */
	defaultSource?: string;
	/**
	 * When set, every input must be a webhook item (`{headers, body}`) signed per Standard Webhooks with this `whsec_`
	 * secret, over the raw body (given separately) or, without it, over the body's compact JSON.
	 */
	ingestSecret?: string;
	now?: () => number;
}

/** `forged`: the signature did not hold (a business outcome); otherwise the input is no event (an error). */
export type ParsedEvent = { ok: true; event: RoutingEvent } | { ok: false; reason: string; eventId?: string; forged?: boolean };

const envelopeFields = new Set(['id', 'type', 'source', 'time', 'data', 'specversion', 'datacontenttype']);

/** The envelope fields an event may carry, each checked by type when present (never coerced: a string `data` is refused). */
const ENVELOPE: Record<string, Rule<unknown>> = { id: id(), type: nonEmptyString(), source: text(), time: text(), data: object() };

/** What replaying one dead letter takes. */
export const deadLetterSchema = { deadLetterId: id() };

const ENVELOPE_ENTRIES = Object.entries(ENVELOPE);
const EVENT_ID = id();

/** Why an event's envelope is malformed, naming the fields; undefined when it is sound. */
function envelopeProblem(candidate: Record<string, unknown>, eventId: string | undefined): string | undefined {
	// What ENVELOPE's rules accept, checked inline: a sound envelope (nearly every event) runs no rule; the full check,
	// which words the message, runs only for the rest.
	if (
		(candidate.id === undefined || eventId !== undefined) &&
		typeof candidate.type === 'string' && candidate.type.trim() !== '' &&
		(candidate.source === undefined || typeof candidate.source === 'string') &&
		(candidate.time === undefined || typeof candidate.time === 'string') &&
		(candidate.data === undefined || isPlainObject(candidate.data))
	) return undefined;
	const present: Record<string, Rule<unknown>> = {};
	for (const [name, rule] of ENVELOPE_ENTRIES) if (candidate[name] !== undefined) present[name] = rule;
	const { violations } = checkInput(present, candidate);
	return violations ? `event ${describeViolations(violations)}` : undefined;
}

/**
 * Accepts an event object (`{id, type, source, time?, data}`, CloudEvents-like), or a webhook node's item whose
 * `body` holds one, as an object or as JSON text. Without `data`, the fields besides the envelope are the payload.
 * Without `id`, the id is a hash of the content, so a repeated delivery of the same event is still recognised. Envelope
 * fields of the wrong type (an id that is an object or a fraction, `data` that is a string) refuse the event, naming them.
 */
export function parseEvent(input: unknown, options: ParseOptions = {}, rawBody?: string): ParsedEvent {
	const maxBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
	if (options.ingestSecret) {
		const problem = signatureProblem(input, options.ingestSecret, rawBody, options.now);
		if (problem) return { ok: false, reason: problem, forged: true };
	}
	let candidate = input;
	if (isPlainObject(candidate) && !('type' in candidate) && 'body' in candidate) candidate = candidate.body;
	let text: string | undefined;
	if (typeof candidate === 'string') {
		text = candidate;
		if (Buffer.byteLength(text) > maxBytes) return { ok: false, reason: `event is ${Buffer.byteLength(text)} bytes, over the ${maxBytes}-byte limit` };
		try {
			candidate = JSON.parse(text);
		} catch {
			return { ok: false, reason: 'body is not JSON' };
		}
	}
	const eventId = isPlainObject(candidate) ? EVENT_ID.check(candidate.id, 'id').value : undefined;
	// An event with an id that is surely under the limit is not written out as JSON: its text would serve nothing.
	if (text === undefined && (eventId === undefined || jsonBytesAtMost(candidate, maxBytes) === undefined)) text = JSON.stringify(candidate) ?? '';
	if (text !== undefined) {
		// UTF-8 takes at most 3 bytes per UTF-16 unit: short text needs no byte count.
		const size = text.length * 3 <= maxBytes ? text.length : Buffer.byteLength(text);
		if (size > maxBytes) return { ok: false, reason: `event is ${size} bytes, over the ${maxBytes}-byte limit`, eventId };
	}
	if (!isPlainObject(candidate)) return { ok: false, reason: 'event is not a JSON object' };
	if (candidate.type === undefined || candidate.type === null || (typeof candidate.type === 'string' && candidate.type.trim() === '')) return { ok: false, reason: 'event has no type', eventId };
	const problem = envelopeProblem(candidate, eventId);
	if (problem) return { ok: false, reason: problem, eventId };
	const source = typeof candidate.source === 'string' && candidate.source !== '' ? candidate.source : (options.defaultSource ?? '');
	const data = isPlainObject(candidate.data) ? candidate.data : Object.fromEntries(Object.entries(candidate).filter(([key]) => !envelopeFields.has(key)));
	return {
		ok: true,
		event: {
			id: eventId ?? `sha256:${hash('sha256', text ?? JSON.stringify(candidate)).slice(0, 32)}`,
			type: candidate.type as string,
			source,
			time: typeof candidate.time === 'string' ? candidate.time : isoTime((options.now ?? Date.now)()),
			data,
		},
	};
}

let isoMs = Number.NaN;
let isoText = '';
/** The ISO time of a millisecond, written once per millisecond: a batch of events without a time shares a few. */
function isoTime(ms: number): string {
	if (ms !== isoMs) {
		isoText = new Date(ms).toISOString();
		isoMs = ms;
	}
	return isoText;
}

/**
 * At least as many UTF-8 bytes as `value` takes as JSON (a character escapes to at most 6), counted without writing
 * it; undefined past `limit`, or where only JSON.stringify can tell (toJSON, a class instance, a BigInt, deep nesting).
 */
export function jsonBytesAtMost(value: unknown, limit: number, depth = 0): number | undefined {
	if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'function' || typeof value === 'symbol') return 5;
	if (typeof value === 'number') return 25;
	if (typeof value === 'string') return value.length * 6 + 2;
	if (typeof value !== 'object' || depth > 32) return undefined;
	const prototype = Object.getPrototypeOf(value);
	const isArray = Array.isArray(value);
	if (!isArray && ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value)) return undefined;
	let total = 2;
	if (isArray) {
		for (let index = 0; index < value.length; index++) {
			const entry = jsonBytesAtMost(value[index], limit - total, depth + 1);
			if (entry === undefined) return undefined;
			total += entry + 1;
			if (total > limit) return undefined;
		}
		return total;
	}
	// for…in makes no array of the keys; a plain object's prototype (Object.prototype or none) adds no enumerable key.
	for (const key in value) {
		if (!Object.hasOwn(value, key)) continue;
		const entry = jsonBytesAtMost((value as Record<string, unknown>)[key], limit - total, depth + 1);
		if (entry === undefined) return undefined;
		total += entry + 1 + key.length * 6 + 3;
		if (total > limit) return undefined;
	}
	return total;
}

function signatureProblem(input: unknown, secret: string, rawBody: string | undefined, now: () => number = Date.now): string | undefined {
	if (!isPlainObject(input) || !isPlainObject(input.headers)) return 'signature rejected: not a webhook request (no headers)';
	const body = rawBody ?? (typeof input.body === 'string' ? input.body : JSON.stringify(input.body ?? null));
	const verdict = verify(secret, input.headers as Record<string, string>, body, Math.floor(now() / 1000));
	return verdict.ok ? undefined : `signature rejected: ${verdict.reason}`;
}
