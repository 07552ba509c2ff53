/**
 * A destination's circuit, on the store's circuit breaker (lib/store/circuitBreakers.ts), so every process and
 * queue-mode worker shares it: after `failureThreshold` failed deliveries in a row the circuit opens and deliveries
 * fail at once (to the dead letters) for `cooldownMs`; then one probe, across all workers, is let through, which
 * closes the circuit on success or opens it again on failure.
 */
import type { CircuitBreakers, CircuitPolicy } from '../store/circuitBreakers';
import type { CircuitBreakerSpec, DestinationSpec } from './types';

export class CircuitOpenError extends Error {
	constructor(readonly destinationId: string, readonly retryInMs: number) {
		super(`circuit open for destination "${destinationId}" after repeated failures; next probe in ${Math.ceil(retryInMs / 1000)} s`);
		this.name = 'CircuitOpenError';
	}
}

/** Failures in a row; `probeTimeoutMs`: as long as the slowest honest delivery may take, before another worker probes. */
export function destinationCircuitPolicy(spec: CircuitBreakerSpec, probeTimeoutMs: number): CircuitPolicy {
	return { minSamples: spec.failureThreshold, failureRate: 1, cooldownMs: spec.cooldownMs, probeTimeoutMs };
}

export class DestinationCircuit {
	/** By destination id and URL: a changed URL starts closed. */
	private readonly key: string;
	private readonly policy: CircuitPolicy;

	constructor(
		private readonly circuits: CircuitBreakers,
		private readonly destination: DestinationSpec,
		spec: CircuitBreakerSpec,
		probeTimeoutMs: number,
	) {
		this.key = JSON.stringify(['routing.destination', destination.id, destination.url ?? '']);
		this.policy = destinationCircuitPolicy(spec, probeTimeoutMs);
	}

	/** Throws CircuitOpenError when the circuit refuses this delivery. */
	async admit(): Promise<void> {
		const admission = await this.circuits.admit(this.key, this.policy);
		if (!admission.admitted) throw new CircuitOpenError(this.destination.id, admission.retryInMs);
	}

	async success(): Promise<void> {
		await this.circuits.recordSuccess(this.key, this.policy);
	}

	async failure(): Promise<void> {
		await this.circuits.recordFailure(this.key, this.policy);
	}

	state() {
		return this.circuits.state(this.key);
	}
}
