/**
 * The event router: a content-based router (rules) feeding a recipient list (destinations) through an idempotent
 * consumer (one delivery per event and destination) with a dead letter channel. Destinations are delivered in
 * parallel, each with its own queue, so a slow or failing destination never holds up another.
 */
import { hash } from 'node:crypto';

import { assertInput } from '../records/inputSchema';
import { IdempotencyConflictError, type StateStore } from '../store';
import { DeliveryError, DestinationChannel, defaultDestinationRetry, DEFAULT_TIMEOUT_MS, type DeliveryEnvironment } from './delivery';
import { deadLetterSchema, parseEvent, type ParsedEvent, type ParseOptions } from './events';
import { cloneJson } from '../records/json';
import { invalidPath, splitPath, writePath } from '../records/paths';
import { ALL_DESTINATIONS, RoutingRepository, type DeadLetter, type RouteLogEntry, type RouteLogStatus } from './repository';
import type { CompiledRoutes, CompiledRule } from './rules';
import { TransformError } from './transform';
import type { DeliveredEnvelope, DeliveryResult, DestinationSpec, EventOutcome, HandedOffEvent, RoutingEvent, TransformFailure } from './types';

export const DELIVERY_SCOPE = 'routing.delivery';
export const DEFAULT_DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;
const DEFAULT_CONCURRENCY = 4;
/** Between the rules and the destinations of one route-log entry that names several. */
const LIST_SEPARATOR = ', ';

export interface RouterOptions extends ParseOptions {
	/** How long an incoming event id is remembered; 0 turns the deduplication window off. */
	dedupWindowMs?: number;
}

export interface RouterContext {
	store: StateStore;
	delivery: DeliveryEnvironment;
	options?: RouterOptions;
}

export interface ReplayOutcome {
	deadLetterId: string;
	eventId: string;
	ruleId: string;
	destinationId: string;
	status: 'replayed' | 'failed' | 'not_found';
	reason?: string;
	deliveries: DeliveryResult[];
}

export interface PerInput {
	/** The webhook bodies as received, for the ingest signature check. */
	rawBodies?: Array<string | undefined>;
	/**
	 * Fields to set on each event's data (dotted paths), e.g. values of n8n expressions evaluated per item; an Error
	 * (an expression that failed) rejects that event with its message.
	 */
	fields?: Array<Record<string, unknown> | Error | undefined>;
}

/** A delivery to the outside, and its place in its event's deliveries. */
interface DeliveryPlan {
	event: RoutingEvent;
	rule: CompiledRule;
	destination: DestinationSpec;
	envelope: DeliveredEnvelope;
	key: string;
	deliveries: DeliveryResult[];
	position: number;
}

/**
 * Placeholders of an event's deliveries and failed transforms until planning sets them: most events have no failed
 * transform, and an array apiece would be kept alive as long as the outcome. Never written to.
 */
const NONE_YET: DeliveryResult[] = [];
const NO_FAILURES: TransformFailure[] = [];

/** What planning an event gives: its deliveries (in destination order) and the transforms that failed. */
interface Planned {
	deliveries: DeliveryResult[];
	transformFailures: TransformFailure[];
}

/** The key a receiver deduplicates on: the same for every attempt and replay of one event to one destination. */
export function idempotencyKey(eventId: string, destinationId: string): string {
	return `msg_${hash('sha256', `${eventId}\u0000${destinationId}`).slice(0, 32)}`;
}

type RoutedOutcome = Extract<EventOutcome, { status: 'routed' }>;

export class EventRouter {
	readonly repository: RoutingRepository;
	private readonly now: () => number;

	constructor(
		private readonly routes: CompiledRoutes,
		private readonly context: RouterContext,
	) {
		this.now = context.delivery.now ?? Date.now;
		this.repository = new RoutingRepository(context.store.db, this.now);
	}

	/**
	 * Routes a batch of incoming events (items or webhook bodies); one outcome per input, in input order.
	 *
	 * Exactly once across executions: an event with effects before its route log is written (a delivery to the outside,
	 * a dead-lettered transform) is first looked up in the deduplication window; every handled event is looked up again
	 * under the route log's lock, in the transaction that logs it, and one another execution logged first meanwhile is a
	 * duplicate after all (nothing of it leaves on the node's outputs, which only happens once this returns). Its
	 * deliveries to the outside were kept from repeating by the idempotency ledger.
	 */
	async route(inputs: unknown[], perInput: PerInput = {}): Promise<EventOutcome[]> {
		const { rawBodies = [], fields = [] } = perInput;
		const options = this.context.options ?? {};
		const windowMs = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
		const outcomes: EventOutcome[] = [];
		const plans: DeliveryPlan[] = [];
		const handled = new Set<string>();
		for (let index = 0; index < inputs.length; index++) {
			const parsed = withFields(parseEvent(inputs[index], options, rawBodies[index]), fields[index]);
			if (!parsed.ok) {
				outcomes.push({ index, status: 'rejected', reason: parsed.reason, eventId: parsed.eventId, forged: parsed.forged === true });
				continue;
			}
			const { event } = parsed;
			if (handled.has(event.id)) {
				outcomes.push({ index, status: 'duplicate', event });
				continue;
			}
			handled.add(event.id);
			const rules = this.routes.match(event);
			if (rules.length === 0) {
				outcomes.push({ index, status: 'unmatched', event });
				continue;
			}
			const outcome: RoutedOutcome = { index, status: 'routed', event, rules: rules.map((rule) => rule.id), deliveries: NONE_YET, transformFailures: NO_FAILURES };
			outcomes.push(outcome);
			this.plan(event, rules, undefined, outcome, plans);
		}
		const effects = windowMs > 0 ? await this.dropSeenWithEffects(outcomes, plans, windowMs) : plans;
		for (const outcome of outcomes) {
			if (outcome.status === 'routed' && outcome.transformFailures.length > 0) await this.deadLetterTransformFailures(outcome.event, outcome.transformFailures);
		}
		await this.deliverAll(effects);
		// Logged once handled, not before: the route log is the deduplication window.
		if (windowMs === 0) await this.repository.log(routeLog(outcomes));
		else {
			await this.repository.logHandled(handled, windowMs, (loggedBefore) => {
				const log = routeLog(outcomes, loggedBefore);
				asDuplicates(outcomes, loggedBefore);
				return log;
			});
		}
		return outcomes;
	}

	/**
	 * Turns into duplicates the routed events with effects before their logging (deliveries to the outside, failed
	 * transforms) that were handled within the window; returns the deliveries left to make. Events only handed to node
	 * outputs wait for the look-up under the route log's lock.
	 */
	private async dropSeenWithEffects(outcomes: EventOutcome[], plans: DeliveryPlan[], windowMs: number): Promise<DeliveryPlan[]> {
		const withEffects = new Set<string>();
		for (const plan of plans) withEffects.add(plan.event.id);
		for (const outcome of outcomes) if (outcome.status === 'routed' && outcome.transformFailures.length > 0) withEffects.add(outcome.event.id);
		if (withEffects.size === 0) return plans;
		const seen = await this.repository.seenWithin(withEffects, windowMs);
		if (seen.size === 0) return plans;
		asDuplicates(outcomes, seen);
		return plans.filter((plan) => !seen.has(plan.event.id));
	}

	/**
	 * Replays dead letters through the current rules: the rule's transform again, then the destination (or, for a
	 * failed transform, all of the rule's destinations). Deliveries that already succeeded are not repeated.
	 */
	async replay(deadLetterIds: string[]): Promise<ReplayOutcome[]> {
		deadLetterIds.forEach((deadLetterId, index) => assertInput(deadLetterSchema, { deadLetterId }, `Dead letter ${index}`));
		const letters = await this.repository.deadLettersById(deadLetterIds);
		const found = new Map(letters.map((letter) => [letter.id, letter]));
		const outcomes: ReplayOutcome[] = [];
		const log: RouteLogEntry[] = [];
		for (const id of deadLetterIds) {
			const letter = found.get(id);
			if (!letter) {
				outcomes.push({ deadLetterId: id, eventId: '', ruleId: '', destinationId: '', status: 'not_found', reason: 'no such dead letter', deliveries: [] });
				continue;
			}
			const outcome = await this.replayOne(letter);
			outcomes.push(outcome);
			const { event } = letter;
			for (const delivery of outcome.deliveries) log.push({ ...logEntry(event, delivery), detail: `replay of ${letter.id}${delivery.error ? `: ${delivery.error}` : ''}` });
			if (outcome.status === 'failed' && outcome.deliveries.length === 0) {
				log.push({ eventId: event.id, eventType: event.type, source: event.source, ruleId: letter.ruleId, status: 'failed', attempts: 0, detail: outcome.reason });
			}
		}
		await this.repository.log(log);
		return outcomes;
	}

	private async replayOne(letter: DeadLetter): Promise<ReplayOutcome> {
		const base = { deadLetterId: letter.id, eventId: letter.eventId, ruleId: letter.ruleId, destinationId: letter.destinationId, deliveries: [] };
		const rule = this.routes.rules.find((candidate) => candidate.id === letter.ruleId);
		if (!rule) return { ...base, status: 'failed', reason: `rule "${letter.ruleId}" is no longer configured` };
		const only = letter.destinationId === ALL_DESTINATIONS ? undefined : letter.destinationId;
		if (only && !rule.destinations.some((destination) => destination.id === only)) {
			return { ...base, status: 'failed', reason: `rule "${rule.id}" no longer sends to destination "${only}"` };
		}
		const planned: Planned = { deliveries: NONE_YET, transformFailures: NO_FAILURES };
		const plans: DeliveryPlan[] = [];
		this.plan(letter.event, [rule], only, planned, plans);
		const failures = planned.transformFailures;
		if (failures.length > 0) {
			await this.deadLetterTransformFailures(letter.event, failures);
			return { ...base, status: 'failed', reason: failures[0].reason };
		}
		await this.deliverAll(plans);
		const { deliveries } = planned;
		const failed = deliveries.find((delivery) => delivery.status === 'failed');
		// A replayed transform failure is settled once the transform passes: each failed destination has its own letter now.
		if (!failed || !only) await this.repository.markReplayed(letter.id);
		return failed && only ? { ...base, status: 'failed', reason: failed.error, deliveries } : { ...base, status: 'replayed', deliveries };
	}

	/**
	 * Transforms the event per rule and gives each destination (the first rule naming it wins) its place in the event's
	 * deliveries: a hand-off to a node output is settled there and then; a delivery to the outside is planned, and
	 * deliverAll fills its place.
	 */
	private plan(event: RoutingEvent, rules: CompiledRule[], onlyDestination: string | undefined, into: Planned, plans: DeliveryPlan[]): void {
		// Sized for every destination the rules name, then cut to those reached: an event reaches one or two, and an
		// array grown by push would reserve sixteen places.
		let most = 0;
		for (const rule of rules) most += rule.destinations.length;
		const deliveries: DeliveryResult[] = new Array(most);
		let reached = 0;
		for (const rule of rules) {
			let data: unknown;
			try {
				data = rule.transform(event.data);
			} catch (error) {
				if (!(error instanceof TransformError)) throw error;
				// Dead-lettered by deadLetterTransformFailures, before any delivery: planning never waits on the store.
				if (into.transformFailures === NO_FAILURES) into.transformFailures = [];
				into.transformFailures.push({ ruleId: rule.id, reason: error.message, deadLetterId: '' });
				continue;
			}
			const time = event.time ?? new Date(this.now()).toISOString();
			let envelope: DeliveredEnvelope | undefined;
			for (const destination of rule.destinations) {
				if ((onlyDestination && destination.id !== onlyDestination) || alreadyReaches(deliveries, reached, plans, destination.id)) continue;
				const key = idempotencyKey(event.id, destination.id);
				// Handing an event to a node output has no outside effect: no queue, no ledger, no waiting. What leaves on
				// the branch is made here, once.
				if (destination.kind === 'output') {
					const handedOff: HandedOffEvent = { id: event.id, type: event.type, source: event.source, time, data, idempotencyKey: key, destination: destination.id };
					deliveries[reached++] = handOff(event, rule, destination, handedOff);
					continue;
				}
				envelope ??= { id: event.id, type: event.type, source: event.source, time, data };
				plans.push({ event, rule, destination, envelope, key, deliveries, position: reached++ });
			}
		}
		deliveries.length = reached;
		into.deliveries = deliveries;
	}

	/** Sends each failed transform of an event to the dead letters (the whole rule: no destination was tried). */
	private async deadLetterTransformFailures(event: RoutingEvent, failures: TransformFailure[]): Promise<void> {
		for (const failure of failures) {
			failure.deadLetterId = await this.repository.deadLetter({ event, ruleId: failure.ruleId, destinationId: ALL_DESTINATIONS, reason: failure.reason, attempts: 0 });
		}
	}

	/** One queue per destination, all running at once; each result goes to its place in its event's deliveries. */
	private async deliverAll(plans: DeliveryPlan[]): Promise<void> {
		const queues = new Map<string, DeliveryPlan[]>();
		for (const plan of plans) {
			const queue = queues.get(plan.destination.id);
			if (queue) queue.push(plan);
			else queues.set(plan.destination.id, [plan]);
		}
		await Promise.all(
			[...queues.values()].map(async (queue) => {
				const { destination } = queue[0];
				const channel = new DestinationChannel(destination, { circuits: this.context.store.circuits, ...this.context.delivery });
				let next = 0;
				const worker = async () => {
					while (next < queue.length) {
						const plan = queue[next++];
						plan.deliveries[plan.position] = await this.deliverOne(plan, channel);
					}
				};
				await Promise.all(Array.from({ length: Math.min(destination.concurrency ?? DEFAULT_CONCURRENCY, queue.length) }, worker));
			}),
		);
	}

	private async deliverOne(plan: DeliveryPlan, channel: DestinationChannel): Promise<DeliveryResult> {
		const { destination, envelope, key, event, rule } = plan;
		const started = this.now();
		const base = { eventId: event.id, ruleId: rule.id, destinationId: destination.id, kind: destination.kind, idempotencyKey: key };
		const ledgerOptions = { waitMs: deliveryWaitMs(destination), sleep: this.context.delivery.sleep };
		try {
			const { result, replayed } = await this.context.store.idempotency.runOnce(DELIVERY_SCOPE, key, () => channel.deliver(envelope, key), ledgerOptions);
			return replayed
				? { ...base, status: 'already_delivered', attempts: 0, durationMs: this.now() - started }
				: { ...base, status: 'delivered', attempts: result.attempts, httpStatus: result.httpStatus, durationMs: this.now() - started };
		} catch (error) {
			if (!(error instanceof DeliveryError) && !(error instanceof IdempotencyConflictError)) throw error;
			const attempts = error instanceof DeliveryError ? error.attempts : 0;
			const deadLetterId = await this.repository.deadLetter({ event, ruleId: rule.id, destinationId: destination.id, reason: error.message, attempts });
			return {
				...base,
				status: 'failed',
				attempts,
				httpStatus: error instanceof DeliveryError ? error.httpStatus : undefined,
				error: error.message,
				deadLetterId,
				durationMs: this.now() - started,
			};
		}
	}
}

/**
 * How long a second worker waits for the one delivering to `destination`: the slowest honest delivery; the claim itself
 * is renewed while its worker lives.
 */
function deliveryWaitMs(destination: DestinationSpec): number {
	const retry = { ...defaultDestinationRetry, ...destination.retry };
	return retry.maxTotalMs + (destination.timeoutMs ?? DEFAULT_TIMEOUT_MS) * 2 + 30_000;
}

/** An event handed to a node output: the deduplication window is guard enough, there is no outside effect. */
function handOff(event: RoutingEvent, rule: CompiledRule, destination: DestinationSpec, handedOff: HandedOffEvent): DeliveryResult {
	return {
		eventId: event.id,
		ruleId: rule.id,
		destinationId: destination.id,
		kind: destination.kind,
		idempotencyKey: handedOff.idempotencyKey,
		status: 'handed_off',
		attempts: 0,
		output: destination.output,
		envelope: handedOff,
		durationMs: 0,
	};
}

function withFields(parsed: ParsedEvent, fields: Record<string, unknown> | Error | undefined): ParsedEvent {
	if (!parsed.ok || fields === undefined) return parsed;
	if (fields instanceof Error) return { ok: false, reason: `field expression failed: ${fields.message}`, eventId: parsed.event.id };
	const badPath = Object.keys(fields).map(invalidPath).find(Boolean);
	if (badPath) return { ok: false, reason: `cannot set field: ${badPath}`, eventId: parsed.event.id };
	const data = cloneJson(parsed.event.data);
	try {
		for (const [path, value] of Object.entries(fields)) writePath(data, splitPath(path), value);
	} catch (error) {
		return { ok: false, reason: `cannot set field: ${(error as Error).message}`, eventId: parsed.event.id };
	}
	return { ok: true, event: { ...parsed.event, data } };
}

/** Each routed or unmatched outcome whose event is in `ids` becomes a duplicate: nothing of it is handed off. */
function asDuplicates(outcomes: EventOutcome[], ids: Set<string>): void {
	if (ids.size === 0) return;
	for (let position = 0; position < outcomes.length; position++) {
		const outcome = outcomes[position];
		if ((outcome.status === 'routed' || outcome.status === 'unmatched') && ids.has(outcome.event.id)) outcomes[position] = { index: outcome.index, status: 'duplicate', event: outcome.event };
	}
}

/**
 * The route-log entries of a batch's outcomes, in input order. Events another execution logged first (`loggedBefore`)
 * are logged as duplicates; what this execution delivered to the outside for one of them is logged still, as it happened.
 */
function routeLog(outcomes: EventOutcome[], loggedBefore?: Set<string>): RouteLogEntry[] {
	const log: RouteLogEntry[] = [];
	for (const outcome of outcomes) {
		if (outcome.status === 'rejected') {
			log.push({ eventId: outcome.eventId, status: 'rejected', attempts: 0, detail: outcome.reason });
			continue;
		}
		const { event } = outcome;
		if (loggedBefore?.has(event.id) && outcome.status !== 'duplicate') {
			log.push(eventEntry(event, 'duplicate'));
			if (outcome.status === 'routed') for (const delivery of outcome.deliveries) if (delivery.status === 'delivered') log.push(logEntry(event, delivery));
		} else if (outcome.status !== 'routed') {
			log.push(eventEntry(event, outcome.status));
		} else {
			for (const failure of outcome.transformFailures) log.push({ ...eventEntry(event, 'transform_failed'), ruleId: failure.ruleId, detail: failure.reason });
			logDeliveries(event, outcome.deliveries, log);
		}
	}
	return log;
}

function eventEntry(event: RoutingEvent, status: RouteLogStatus): RouteLogEntry {
	return { eventId: event.id, eventType: event.type, source: event.source, status, attempts: 0 };
}

/**
 * An event's route-log entries: one per delivery to the outside, and one for all of its hand-offs to node outputs naming
 * its rules and destinations, each once, in order (a rule's deliveries are consecutive: it is named at its first).
 */
function logDeliveries(event: RoutingEvent, deliveries: DeliveryResult[], log: RouteLogEntry[]): void {
	let ruleId: string | undefined;
	let destinationId = '';
	let lastRule = '';
	for (const delivery of deliveries) {
		if (delivery.status !== 'handed_off') {
			log.push(logEntry(event, delivery));
			continue;
		}
		if (ruleId === undefined) {
			ruleId = delivery.ruleId;
			destinationId = delivery.destinationId;
		} else {
			if (delivery.ruleId !== lastRule) ruleId += `${LIST_SEPARATOR}${delivery.ruleId}`;
			destinationId += `${LIST_SEPARATOR}${delivery.destinationId}`;
		}
		lastRule = delivery.ruleId;
	}
	if (ruleId !== undefined) log.push({ eventId: event.id, eventType: event.type, source: event.source, ruleId, destinationId, status: 'handed_off', attempts: 0 });
}

/** Whether an earlier rule already sends the event to this destination: among its deliveries so far, settled or planned. */
function alreadyReaches(deliveries: DeliveryResult[], reached: number, plans: DeliveryPlan[], destinationId: string): boolean {
	for (let position = 0; position < reached; position++) if (deliveries[position]?.destinationId === destinationId) return true;
	for (let position = plans.length - 1; position >= 0 && plans[position].deliveries === deliveries; position--) {
		if (plans[position].destination.id === destinationId) return true;
	}
	return false;
}

function logEntry(event: RoutingEvent, result: DeliveryResult): RouteLogEntry {
	return {
		eventId: event.id,
		eventType: event.type,
		source: event.source,
		ruleId: result.ruleId,
		destinationId: result.destinationId,
		status: result.status,
		attempts: result.attempts,
		detail: result.error,
	};
}
