import type { StoreContext } from '../store/stateStore';
import type { DeliveryEnvironment } from './delivery';
import { RoutingRepository, type DeadLetter, type DeadLetterQuery, type RouteLogRow } from './repository';
import { EventRouter, type RouterOptions } from './router';
import type { CompiledRoutes } from './rules';

export * from './types';
export { compileRoutes, RoutingConfigError, invalidPattern, type CompiledRoutes, type CompiledRule } from './rules';
export { parseEvent, deadLetterSchema, DEFAULT_MAX_EVENT_BYTES, type ParseOptions, type ParsedEvent } from './events';
export { compileTransform, TransformError } from './transform';
export { signHeaders, verify, generateSecret, secretKey, SECRET_PREFIX, type VerifyResult } from './standardWebhooks';
export { DestinationChannel, DeliveryError, renderTemplate, type DeliveryEnvironment, type DestinationSecrets } from './delivery';
export { CircuitOpenError, DestinationCircuit, destinationCircuitPolicy } from './circuitBreaker';
export { RoutingRepository, ALL_DESTINATIONS, type DeadLetter, type DeadLetterQuery, type RouteLogEntry, type RouteLogRow } from './repository';
export { EventRouter, idempotencyKey, DELIVERY_SCOPE, DEFAULT_DEDUP_WINDOW_MS, type RouterContext, type RouterOptions, type ReplayOutcome, type PerInput } from './router';
export { routingMigrations } from './migrations';
export type { HttpMethod } from '../transport';

/**
 * The routing capability over a store: the one way in for the Event Router node, the demo, benchmarks and tests.
 * Routers pace destinations through the store's rate buckets and keep destinations' circuits in its circuit breaker.
 */
export function openRouting({ store }: StoreContext) {
	const records = new RoutingRepository(store.db);
	return {
		/** A router over compiled routes for one execution. */
		router: (routes: CompiledRoutes, delivery: DeliveryEnvironment, options?: RouterOptions): EventRouter =>
			new EventRouter(routes, { store, options, delivery: { rateBuckets: store.rateBuckets, ...delivery } }),
		/** The route log, newest first. */
		routeLog: (filter?: { eventId?: string; limit?: number }): Promise<RouteLogRow[]> => records.routeLog(filter),
		/** The dead letter channel, oldest first (dead ones by default). */
		deadLetters: (query?: DeadLetterQuery): Promise<DeadLetter[]> => records.deadLetters(query),
	};
}

export type Routing = ReturnType<typeof openRouting>;
