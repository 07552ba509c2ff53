/**
 * The content-based router's rule table, validated and compiled once per execution: event-type patterns become an
 * exact-type index plus compiled wildcard matchers, filters become predicates, and the rules a (source, type)
 * pair can reach are cached, so routing one event is a map lookup plus that event's filters.
 */
import { compileFilter, invalidFilter, type EventPredicate } from './filters';
import { isPlainObject } from '../records/json';
import { compileTransform, invalidTransform, type CompiledTransform } from './transform';
import type { DestinationSpec, RouterConfig, RoutingEvent, RuleSpec } from './types';

/** A configuration mistake, naming the rule or destination at fault. */
export class RoutingConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RoutingConfigError';
	}
}

export interface CompiledRule {
	spec: RuleSpec;
	id: string;
	/** Position in the rule list: matches come back in this order. */
	order: number;
	transform: CompiledTransform;
	destinations: DestinationSpec[];
	matchesContent: EventPredicate;
	hasFilters: boolean;
}

export interface CompiledRoutes {
	rules: CompiledRule[];
	destinations: Map<string, DestinationSpec>;
	/** The enabled rules whose sources, type patterns and filters all accept the event, in rule-list order (do not modify the list). */
	match(event: RoutingEvent): CompiledRule[];
}

const patternShape = /^[\w:/*-]+(\.[\w:/*-]+)*$/;
const destinationKinds = ['webhook', 'http', 'output'];
const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Why an event-type pattern is unusable: letters, digits, `_ - : /`, dots as separators, `*` for any run of characters. */
export function invalidPattern(pattern: unknown): string | undefined {
	if (typeof pattern !== 'string' || pattern.trim() === '') return 'an event-type pattern must be a non-empty string';
	if (!patternShape.test(pattern)) {
		return `"${pattern}" is not an event-type pattern (use names like customer.created, customer.*, *.cancelled or *)`;
	}
	return undefined;
}

function patternMatcher(pattern: string): (type: string) => boolean {
	if (pattern === '*') return () => true;
	const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
	const expression = new RegExp(`^${source}$`);
	return (type) => expression.test(type);
}

function validateDestination(destination: unknown, outputs: ReadonlySet<string>, seen: Set<string>): DestinationSpec {
	if (!isPlainObject(destination) || typeof destination.id !== 'string' || destination.id.trim() === '') {
		throw new RoutingConfigError('Every destination needs a non-empty "id"');
	}
	const spec = destination as unknown as DestinationSpec;
	const fail = (problem: string) => new RoutingConfigError(`Destination "${spec.id}": ${problem}`);
	if (seen.has(spec.id)) throw fail('the id is used twice');
	seen.add(spec.id);
	if (!destinationKinds.includes(spec.kind)) throw fail(`kind must be one of ${destinationKinds.join(', ')}`);
	if (spec.kind === 'output') {
		if (!spec.output || !outputs.has(spec.output)) {
			throw fail(`output "${spec.output ?? ''}" is not one of the node outputs (${[...outputs].join(', ') || 'none declared'})`);
		}
		return spec;
	}
	if (typeof spec.url !== 'string' || spec.url === '') throw fail('a url is required');
	if (spec.kind === 'webhook' && !/^https?:\/\//i.test(spec.url)) throw fail(`url "${spec.url}" must be an absolute http(s) URL`);
	if (spec.method !== undefined && !httpMethods.includes(spec.method)) throw fail(`method must be one of ${httpMethods.join(', ')}`);
	for (const [name, value] of [
		['timeoutMs', spec.timeoutMs],
		['ratePerSecond', spec.ratePerSecond],
		['concurrency', spec.concurrency],
	] as const) {
		if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw fail(`${name} must be a positive number`);
	}
	for (const [name, value] of Object.entries(spec.retry ?? {})) {
		if (!(Number.isFinite(value) && value > 0)) throw fail(`retry.${name} must be a positive number`);
	}
	if (spec.headers !== undefined && !(isPlainObject(spec.headers) && Object.values(spec.headers).every((value) => typeof value === 'string'))) {
		throw fail('headers must be an object of header names to string values');
	}
	const breaker = spec.circuitBreaker;
	if (breaker !== undefined && !(breaker.failureThreshold >= 1 && breaker.cooldownMs >= 0)) {
		throw fail('circuitBreaker needs failureThreshold >= 1 and cooldownMs >= 0');
	}
	return spec;
}

function validateRule(rule: unknown, destinations: ReadonlyMap<string, DestinationSpec>, seen: Set<string>): RuleSpec {
	if (!isPlainObject(rule) || typeof rule.id !== 'string' || rule.id.trim() === '') {
		throw new RoutingConfigError('Every rule needs a non-empty "id"');
	}
	const spec = rule as unknown as RuleSpec;
	const fail = (problem: string) => new RoutingConfigError(`Rule "${spec.id}": ${problem}`);
	if (seen.has(spec.id)) throw fail('the id is used twice');
	seen.add(spec.id);
	if (spec.sources !== undefined && !(Array.isArray(spec.sources) && spec.sources.every((s) => typeof s === 'string' && s !== ''))) {
		throw fail('sources must be a list of source names');
	}
	if (!Array.isArray(spec.eventTypes) || spec.eventTypes.length === 0) throw fail('at least one event-type pattern is required');
	for (const pattern of spec.eventTypes) {
		const problem = invalidPattern(pattern);
		if (problem) throw fail(problem);
	}
	if (spec.filters !== undefined && !Array.isArray(spec.filters)) throw fail('filters must be a list');
	for (const filter of spec.filters ?? []) {
		const problem = invalidFilter(filter);
		if (problem) throw fail(problem);
	}
	const transformProblem = invalidTransform(spec.transform);
	if (transformProblem) throw fail(transformProblem);
	if (!Array.isArray(spec.destinations) || spec.destinations.length === 0) throw fail('at least one destination is required');
	for (const id of spec.destinations) {
		if (!destinations.has(id)) throw fail(`destination "${String(id)}" is not defined (known: ${[...destinations.keys()].join(', ') || 'none'})`);
	}
	return spec;
}

/** Validates the whole configuration (throws RoutingConfigError naming the rule or destination) and compiles it. */
export function compileRoutes(config: RouterConfig): CompiledRoutes {
	if (!Array.isArray(config.rules)) throw new RoutingConfigError('Rules must be a list');
	if (!Array.isArray(config.destinations)) throw new RoutingConfigError('Destinations must be a list');
	const outputs = new Set(config.outputs ?? []);
	const seenDestinations = new Set<string>();
	const destinations = new Map(
		config.destinations.map((destination) => {
			const spec = validateDestination(destination, outputs, seenDestinations);
			return [spec.id, spec] as const;
		}),
	);
	const seenRules = new Set<string>();
	const rules = config.rules.map((rule, order): CompiledRule => {
		const spec = validateRule(rule, destinations, seenRules);
		const filters = (spec.filters ?? []).map(compileFilter);
		return {
			spec,
			id: spec.id,
			order,
			transform: compileTransform(spec.transform),
			destinations: spec.destinations.map((id) => destinations.get(id)!),
			matchesContent: filters.length === 0 ? () => true : (envelope) => filters.every((filter) => filter(envelope)),
			hasFilters: filters.length > 0,
		};
	});
	return { rules, destinations, match: buildMatcher(rules) };
}

interface IndexedRule {
	rule: CompiledRule;
	sources?: ReadonlySet<string>;
	typeMatches?: (type: string) => boolean;
}

/** Rules with only exact type patterns are found by map lookup; wildcard ones are tested, once per (source, type). */
function buildMatcher(rules: CompiledRule[]): (event: RoutingEvent) => CompiledRule[] {
	const byExactType = new Map<string, IndexedRule[]>();
	const wildcard: IndexedRule[] = [];
	for (const rule of rules) {
		if (rule.spec.enabled === false) continue;
		const sources = rule.spec.sources?.length ? new Set(rule.spec.sources) : undefined;
		const exact = rule.spec.eventTypes.filter((pattern) => !pattern.includes('*'));
		const patterns = rule.spec.eventTypes.filter((pattern) => pattern.includes('*')).map(patternMatcher);
		if (patterns.length > 0) {
			const exactSet = new Set(exact);
			wildcard.push({ rule, sources, typeMatches: (type) => exactSet.has(type) || patterns.some((matches) => matches(type)) });
		} else {
			for (const type of new Set(exact)) byExactType.set(type, [...(byExactType.get(type) ?? []), { rule, sources }]);
		}
	}
	// Candidates per source, then per type: two map lookups per event once warm, no key strings to build.
	const candidatesBySource = new Map<string, Map<string, { rules: CompiledRule[]; filtered: boolean }>>();
	let cached = 0;
	const candidates = (source: string, type: string) => {
		let byType = candidatesBySource.get(source);
		if (!byType) {
			byType = new Map();
			candidatesBySource.set(source, byType);
		}
		let found = byType.get(type);
		if (!found) {
			const rules = [...(byExactType.get(type) ?? []), ...wildcard.filter((entry) => entry.typeMatches!(type))]
				.filter((entry) => !entry.sources || entry.sources.has(source))
				.map((entry) => entry.rule)
				.sort((a, b) => a.order - b.order);
			found = { rules, filtered: rules.some((rule) => rule.hasFilters) };
			// Event types and sources come from outside: keep the cache bounded.
			if (++cached > 10_000) {
				candidatesBySource.clear();
				cached = 0;
			}
			byType.set(type, found);
		}
		return found;
	};
	return (event) => {
		const { rules: reachable, filtered } = candidates(event.source, event.type);
		if (!filtered) return reachable;
		const envelope = event as unknown as Record<string, unknown>;
		return reachable.filter((rule) => rule.matchesContent(envelope));
	};
}
