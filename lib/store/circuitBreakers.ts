import type { SqlDatabase, SqlExecutor } from './types';

/**
 * The one circuit breaker of the package, one row per key in `store_circuits`, so every process and queue-mode worker
 * sees the same circuit: a destination or processor that fails for one worker is left alone by all of them.
 *
 * closed → open when the outcomes counted in the window fail often enough; open refuses until `openUntil`; then it is
 * half-open: exactly one caller, across every process, claims the probe (an atomic update of the row) while the
 * others are still refused; the probe's success closes the circuit and its failure opens it again for a cool-down.
 * A probe whose caller never reports (it died) can be claimed again after `probeTimeoutMs`.
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitPolicy {
	/** Outcomes counted before the circuit may open (with failureRate 1: failures in a row). */
	minSamples: number;
	/**
	 * Share of the counted outcomes (0 ≤ rate ≤ 1) that must have failed to open the circuit. At 1 every counted outcome
	 * must be a failure, so a success clears the count: the circuit opens on `minSamples` failures in a row. At 0 any
	 * failure opens it once `minSamples` outcomes are counted.
	 */
	failureRate: number;
	/** Counted outcomes are forgotten once this long has passed since the first of them (absent: only a success or closing forgets them). */
	windowMs?: number;
	/** How long an open circuit refuses before one probe is let through. */
	cooldownMs: number;
	/** How long a claimed probe may take before another caller may probe instead (default 15 s). */
	probeTimeoutMs?: number;
}

export interface CircuitStatus {
	state: CircuitState;
	/** Failures and outcomes counted in the current window (cleared when the circuit closes). */
	failures: number;
	samples: number;
	/** Until when an open circuit refuses (ms since the epoch); 0 when closed. */
	openUntilMs: number;
	/** True while a half-open circuit's probe is out. */
	probing: boolean;
}

export type Admission = { admitted: true; probe: boolean } | { admitted: false; retryInMs: number };

export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

export const circuitMigration = {
	description: 'circuit breakers: one row per key (state, failures and samples in the window, open-until, the half-open probe)',
	statements: [
		`CREATE TABLE store_circuits (
			circuit_key TEXT PRIMARY KEY,
			state TEXT NOT NULL,
			failures BIGINT NOT NULL,
			samples BIGINT NOT NULL,
			window_started_ms BIGINT NOT NULL,
			open_until_ms BIGINT NOT NULL,
			probe_until_ms BIGINT NOT NULL
		)`,
	],
};

interface CircuitRow {
	state: 'closed' | 'open';
	failures: number;
	samples: number;
	windowStartedMs: number;
	openUntilMs: number;
	probeUntilMs: number;
}

const CLOSED: CircuitRow = { state: 'closed', failures: 0, samples: 0, windowStartedMs: 0, openUntilMs: 0, probeUntilMs: 0 };

/**
 * Checks a policy (every call does): a breaker that can never open, or opens on nothing, is a configuration error, and
 * a policy that went through JSON (Infinity becomes null) must not silently count nothing.
 */
export function assertCircuitPolicy(policy: CircuitPolicy): void {
	const problems: string[] = [];
	if (!(Number.isSafeInteger(policy.minSamples) && policy.minSamples >= 1)) problems.push('minSamples must be a whole number of at least 1');
	if (!(policy.failureRate >= 0 && policy.failureRate <= 1)) problems.push('failureRate must be from 0 to 1');
	if (policy.windowMs !== undefined && !(policy.windowMs > 0)) problems.push('windowMs must be above 0 when given');
	if (!(Number.isFinite(policy.cooldownMs) && policy.cooldownMs >= 0)) problems.push('cooldownMs must be 0 or more');
	if (policy.probeTimeoutMs !== undefined && !(Number.isFinite(policy.probeTimeoutMs) && policy.probeTimeoutMs > 0)) problems.push('probeTimeoutMs must be above 0');
	if (problems.length > 0) throw new Error(`Circuit breaker policy: ${problems.join('; ')}`);
}

export class CircuitBreakers {
	constructor(
		private readonly db: SqlDatabase,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * Whether a call may go ahead: always when closed; never while open; when half-open, only for the one caller that
	 * claims the probe (the row's probe slot, taken by a conditional update, so two processes never both probe).
	 */
	async admit(key: string, policy: CircuitPolicy): Promise<Admission> {
		assertCircuitPolicy(policy);
		const nowMs = Math.floor(this.now());
		const row = await this.read(this.db, key);
		if (row.state === 'closed') return { admitted: true, probe: false };
		if (nowMs < row.openUntilMs) return { admitted: false, retryInMs: row.openUntilMs - nowMs };
		const claimed = await this.db.run(
			`UPDATE store_circuits SET probe_until_ms = ?
			 WHERE circuit_key = ? AND state = 'open' AND open_until_ms <= ? AND probe_until_ms <= ?`,
			[nowMs + (policy.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS), key, nowMs, nowMs],
		);
		if (claimed.changes === 1) return { admitted: true, probe: true };
		const current = await this.read(this.db, key);
		// Closed meanwhile (the probe succeeded): go ahead; otherwise wait for the probe out, or for the new cool-down.
		if (current.state === 'closed') return { admitted: true, probe: false };
		return { admitted: false, retryInMs: Math.max(current.openUntilMs, current.probeUntilMs) - nowMs };
	}

	/** A success closes an open or half-open circuit and forgets its count; in a closed one it is counted (or clears a run of failures). */
	async recordSuccess(key: string, policy: CircuitPolicy): Promise<CircuitStatus> {
		assertCircuitPolicy(policy);
		const nowMs = Math.floor(this.now());
		const consecutive = policy.failureRate >= 1;
		const quick = await this.read(this.db, key);
		// Nothing to write: no failure counted, and a success would not be counted.
		if (consecutive && quick.state === 'closed' && quick.failures === 0) return this.status(quick, nowMs);
		return await this.update(key, (row) => {
			if (row.state === 'open' || consecutive) return { ...CLOSED, windowStartedMs: nowMs };
			const counted = this.inWindow(row, policy, nowMs);
			return { ...counted, samples: counted.samples + 1 };
		});
	}

	/** A failure is counted, and opens the circuit when the window's share of failures reaches the policy's; a failed probe reopens it. */
	async recordFailure(key: string, policy: CircuitPolicy): Promise<CircuitStatus> {
		assertCircuitPolicy(policy);
		const nowMs = Math.floor(this.now());
		return await this.update(key, (row) => {
			if (row.state === 'open') return { ...row, openUntilMs: nowMs + policy.cooldownMs, probeUntilMs: 0 };
			const counted = this.inWindow(row, policy, nowMs);
			const next = { ...counted, failures: counted.failures + 1, samples: counted.samples + 1 };
			const opens = next.samples >= policy.minSamples && next.failures >= policy.failureRate * next.samples;
			return opens ? { ...next, state: 'open' as const, openUntilMs: nowMs + policy.cooldownMs, probeUntilMs: 0 } : next;
		});
	}

	/** The circuit as every process sees it now. */
	async state(key: string): Promise<CircuitStatus> {
		return this.status(await this.read(this.db, key), Math.floor(this.now()));
	}

	/** Forgets the circuit: closed, nothing counted. */
	async reset(key: string): Promise<void> {
		await this.db.run('DELETE FROM store_circuits WHERE circuit_key = ?', [key]);
	}

	private inWindow(row: CircuitRow, policy: CircuitPolicy, nowMs: number): CircuitRow {
		const lapsed = row.samples === 0 || (policy.windowMs !== undefined && nowMs - row.windowStartedMs >= policy.windowMs);
		return lapsed ? { ...row, failures: 0, samples: 0, windowStartedMs: nowMs } : row;
	}

	/** Read-modify-write of one row in a transaction, the row locked first (Postgres; SQLite's write lock is the whole file). */
	private async update(key: string, change: (row: CircuitRow) => CircuitRow): Promise<CircuitStatus> {
		const nowMs = Math.floor(this.now());
		return await this.db.transaction(async (tx) => {
			await tx.run(
				`INSERT INTO store_circuits (circuit_key, state, failures, samples, window_started_ms, open_until_ms, probe_until_ms)
				 VALUES (?, 'closed', 0, 0, ?, 0, 0) ON CONFLICT (circuit_key) DO UPDATE SET state = store_circuits.state`,
				[key, nowMs],
			);
			const next = change(await this.read(tx, key));
			await tx.run(
				`UPDATE store_circuits SET state = ?, failures = ?, samples = ?, window_started_ms = ?, open_until_ms = ?, probe_until_ms = ?
				 WHERE circuit_key = ?`,
				[next.state, next.failures, next.samples, next.windowStartedMs, next.openUntilMs, next.probeUntilMs, key],
			);
			return this.status(next, nowMs);
		});
	}

	private async read(executor: SqlExecutor, key: string): Promise<CircuitRow> {
		const [row] = await executor.query<Record<string, string | number>>(
			'SELECT state, failures, samples, window_started_ms, open_until_ms, probe_until_ms FROM store_circuits WHERE circuit_key = ?',
			[key],
		);
		if (!row) return CLOSED;
		return {
			state: row.state === 'open' ? 'open' : 'closed',
			failures: Number(row.failures),
			samples: Number(row.samples),
			windowStartedMs: Number(row.window_started_ms),
			openUntilMs: Number(row.open_until_ms),
			probeUntilMs: Number(row.probe_until_ms),
		};
	}

	private status(row: CircuitRow, nowMs: number): CircuitStatus {
		const halfOpen = row.state === 'open' && nowMs >= row.openUntilMs;
		return {
			state: row.state === 'closed' ? 'closed' : halfOpen ? 'half_open' : 'open',
			failures: row.failures,
			samples: row.samples,
			openUntilMs: row.state === 'open' ? row.openUntilMs : 0,
			probing: halfOpen && row.probeUntilMs > nowMs,
		};
	}
}
