/**
 * A circuit breaker per destination: after `failureThreshold` consecutive failed deliveries the circuit opens and
 * deliveries fail at once (to the dead letters) for `cooldownMs`; then one probe is let through, which closes the
 * circuit on success or opens it again on failure. Kept in memory per process: it protects this worker's time.
 */
import type { CircuitBreakerSpec } from './types';

export class CircuitOpenError extends Error {
	constructor(readonly destinationId: string, readonly retryInMs: number) {
		super(`circuit open for destination "${destinationId}" after repeated failures; next probe in ${Math.ceil(retryInMs / 1000)} s`);
		this.name = 'CircuitOpenError';
	}
}

export class CircuitBreaker {
	private failures = 0;
	private openUntil = 0;
	private probing = false;

	constructor(
		private readonly spec: CircuitBreakerSpec,
		private readonly now: () => number = Date.now,
	) {}

	get state(): 'closed' | 'open' | 'half_open' {
		if (this.failures < this.spec.failureThreshold && !this.probing) return 'closed';
		return this.now() < this.openUntil ? 'open' : 'half_open';
	}

	/** Throws CircuitOpenError when the circuit refuses this delivery. */
	admit(destinationId: string): void {
		if (this.failures < this.spec.failureThreshold) return;
		const wait = this.openUntil - this.now();
		if (wait > 0 || this.probing) throw new CircuitOpenError(destinationId, Math.max(wait, 0));
		this.probing = true;
	}

	success(): void {
		this.failures = 0;
		this.probing = false;
	}

	failure(): void {
		this.failures++;
		if (this.probing || this.failures >= this.spec.failureThreshold) this.openUntil = this.now() + this.spec.cooldownMs;
		this.probing = false;
	}
}

/** The breakers of one process, by destination id and URL (a changed URL starts closed). */
export class CircuitBreakerRegistry {
	private readonly breakers = new Map<string, CircuitBreaker>();

	constructor(private readonly now: () => number = Date.now) {}

	get(key: string, spec: CircuitBreakerSpec): CircuitBreaker {
		const id = `${key}\u0000${spec.failureThreshold}\u0000${spec.cooldownMs}`;
		let breaker = this.breakers.get(id);
		if (!breaker) {
			breaker = new CircuitBreaker(spec, this.now);
			this.breakers.set(id, breaker);
		}
		return breaker;
	}
}

export const processCircuitBreakers = new CircuitBreakerRegistry();
