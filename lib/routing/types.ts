/** The event router's vocabulary: events, rules, destinations and the outcome of routing one event. */
import type { HttpMethod, RetryPolicy } from '../transport';

/** An event as the router sees it once accepted: CloudEvents-like envelope around a JSON payload. */
export interface RoutingEvent {
	id: string;
	type: string;
	/** The system it came from (crm, support, billing, ecommerce …); '' when the event does not say. */
	source: string;
	time?: string;
	data: Record<string, unknown>;
}

export type Scalar = string | number | boolean | null;

/** A condition on one field of the event (paths are dotted, from the envelope: `data.plan`, `source`). */
export type FilterSpec =
	| { path: string; equals: Scalar | Scalar[] }
	| { path: string; prefix: string }
	| { path: string; range: NumericRange }
	| { path: string; exists: boolean }
	| { path: string; anythingBut: Scalar | Scalar[] };

export interface NumericRange {
	gt?: number;
	gte?: number;
	lt?: number;
	lte?: number;
}

/** One transform step, applied to the event's `data` in order. Paths are dotted (`customer.address.city`). */
export type TransformStep =
	| { rename: Record<string, string> }
	| { pick: string[] }
	| { drop: string[] }
	| { set: Record<string, unknown> }
	| { require: string[] };

export interface RuleSpec {
	id: string;
	description?: string;
	/** Source systems the rule listens to; all sources when empty or absent. */
	sources?: string[];
	/** Event-type patterns: `customer.created`, `customer.*`, `*.cancelled`, `*` (`*` spans any characters). */
	eventTypes: string[];
	/** Every filter must hold. */
	filters?: FilterSpec[];
	transform?: TransformStep[];
	/** Destination ids. */
	destinations: string[];
	/** False keeps the rule in the list but out of routing. */
	enabled?: boolean;
}

export type DestinationKind = 'webhook' | 'http' | 'output';

export interface CircuitBreakerSpec {
	/** Consecutive failed deliveries that open the circuit. */
	failureThreshold: number;
	/** How long an open circuit refuses deliveries before one probe is let through. */
	cooldownMs: number;
}

export interface DestinationSpec {
	id: string;
	/** webhook: signed POST (Standard Webhooks); http: any HTTP API through a credential; output: a node output branch. */
	kind: DestinationKind;
	/** webhook: absolute URL. http: absolute URL or a path under the credential's base URL. */
	url?: string;
	/** http only; POST by default. */
	method?: HttpMethod;
	/** http only: extra headers. */
	headers?: Record<string, string>;
	/** http only: the body, with `{{path}}` placeholders filled from the delivered envelope; the envelope itself when absent. */
	bodyTemplate?: unknown;
	/** output only: the node output branch the event leaves on. */
	output?: string;
	/** Per attempt; 10 s by default. */
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/** At most this many deliveries per second (shared by every execution through the store). */
	ratePerSecond?: number;
	circuitBreaker?: CircuitBreakerSpec;
	/** Deliveries in flight at once to this destination; 4 by default. */
	concurrency?: number;
}

export interface RouterConfig {
	rules: RuleSpec[];
	destinations: DestinationSpec[];
	/** Node output branch names that `output` destinations may use. */
	outputs?: string[];
}

/** What is delivered: the event envelope with the rule's transform applied to `data`. */
export interface DeliveredEnvelope {
	id: string;
	type: string;
	source: string;
	time: string;
	data: unknown;
}

/** What leaves on a node output branch: the delivered envelope, the key a receiver deduplicates on, the destination. */
export interface HandedOffEvent extends DeliveredEnvelope {
	idempotencyKey: string;
	destination: string;
}

export type DeliveryStatus = 'delivered' | 'already_delivered' | 'handed_off' | 'failed';

export interface DeliveryResult {
	eventId: string;
	ruleId: string;
	destinationId: string;
	kind: DestinationKind;
	status: DeliveryStatus;
	attempts: number;
	idempotencyKey: string;
	/** HTTP status of the last attempt, when one arrived. */
	httpStatus?: number;
	error?: string;
	/** Set when the failure went to the dead letters. */
	deadLetterId?: string;
	/** For `output` destinations: the branch and what leaves on it. */
	output?: string;
	envelope?: HandedOffEvent;
	durationMs: number;
}

export type EventOutcome =
	| { index: number; status: 'rejected'; reason: string; eventId?: string; /** The signature did not hold; otherwise the input is no event. */ forged: boolean }
	| { index: number; status: 'duplicate'; event: RoutingEvent }
	| { index: number; status: 'unmatched'; event: RoutingEvent }
	| { index: number; status: 'routed'; event: RoutingEvent; rules: string[]; deliveries: DeliveryResult[]; transformFailures: TransformFailure[] };

export interface TransformFailure {
	ruleId: string;
	reason: string;
	deadLetterId: string;
}
