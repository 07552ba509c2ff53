/**
 * Injected failures, consumed in the order they were added. Latency faults add up and let the request go on; the first
 * matching terminal fault decides how the request ends.
 */
import { invalidMatch, matchesRequest } from './match';
import type { RequestMatch } from './types';

export type FaultKind = 'latency' | 'error' | 'rate_limit_storm' | 'connection_reset' | 'lost_response' | 'echo_credential';
export type TerminalFaultKind = Exclude<FaultKind, 'latency'>;

/** Body of `POST /__control/faults`. */
export interface FaultSpec {
	kind: FaultKind;
	match?: RequestMatch;
	/** How many matching requests it affects; -1 for every one. Default 1. */
	times?: number;
	/** latency: the delay (default 1000). rate_limit_storm: the wait the vendor asks for (default 1000). */
	ms?: number;
	/** error: the status (default 500). echo_credential: the status (default 400). */
	status?: number;
}

export interface ActiveFault extends Required<Pick<FaultSpec, 'kind' | 'times'>> {
	id: number;
	match?: RequestMatch;
	ms?: number;
	status?: number;
}

export interface FaultPlan {
	delayMs: number;
	terminal?: ActiveFault;
}

const kinds: FaultKind[] = ['latency', 'error', 'rate_limit_storm', 'connection_reset', 'lost_response', 'echo_credential'];

export class FaultInjector {
	private faults: ActiveFault[] = [];
	private nextId = 1;

	/** Throws an Error with a readable message for an invalid spec. */
	add(spec: FaultSpec): ActiveFault {
		validate(spec);
		const fault: ActiveFault = {
			id: this.nextId++,
			kind: spec.kind,
			times: spec.times ?? 1,
			match: spec.match,
			ms: spec.ms,
			status: spec.status,
		};
		this.faults.push(fault);
		return fault;
	}

	list(): ActiveFault[] {
		return this.faults.map((fault) => ({ ...fault }));
	}

	clear(): void {
		this.faults = [];
	}

	/** Consumes the faults this request triggers. */
	plan(method: string, path: string): FaultPlan {
		const plan: FaultPlan = { delayMs: 0 };
		for (const fault of this.faults) {
			if (!matchesRequest(fault.match, method, path)) continue;
			if (fault.kind === 'latency') {
				plan.delayMs += fault.ms ?? 1000;
				this.consume(fault);
			} else if (!plan.terminal) {
				plan.terminal = { ...fault };
				this.consume(fault);
			}
		}
		this.faults = this.faults.filter((fault) => fault.times !== 0);
		return plan;
	}

	private consume(fault: ActiveFault): void {
		if (fault.times > 0) fault.times--;
	}
}

function validate(spec: FaultSpec): void {
	if (!kinds.includes(spec?.kind)) throw new Error(`kind must be one of ${kinds.join(', ')}`);
	if (spec.times !== undefined && !(Number.isInteger(spec.times) && (spec.times > 0 || spec.times === -1))) {
		throw new Error('times must be a positive integer or -1');
	}
	if (spec.ms !== undefined && !(typeof spec.ms === 'number' && spec.ms >= 0)) throw new Error('ms must be >= 0');
	if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)) {
		throw new Error('status must be an HTTP error status (400-599)');
	}
	const matchProblem = invalidMatch(spec.match);
	if (matchProblem) throw new Error(matchProblem);
}
