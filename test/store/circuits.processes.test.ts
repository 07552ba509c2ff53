/**
 * One circuit breaker shared by real processes through the store: failures recorded by different processes add up
 * to open it, every process is then refused, and when it turns half-open, of all the processes racing for it exactly
 * one gets the probe, round after round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type Admission, type CircuitPolicy, type StateStore } from '../../lib/store';
import { storeBackends } from './backends';
import type { CircuitOrder, CircuitReply } from './circuit-worker';

const repoRoot = resolve(__dirname, '../..');
const WORKERS = 4;
const ROUNDS = 3;
/** Real time: short, so the test is quick; a round waits for the parent to see the circuit half-open. */
const policy: CircuitPolicy = { minSamples: WORKERS, failureRate: 1, cooldownMs: 300, probeTimeoutMs: 60_000 };
const sleep = async (ms: number) => await new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

class Worker {
	private readonly child: ChildProcess;
	private readonly replies: CircuitReply[] = [];
	private waiting?: () => void;
	private stderr = '';

	constructor(env: Record<string, string>) {
		this.child = fork(join(__dirname, 'circuit-worker.ts'), [], {
			cwd: repoRoot,
			execArgv: ['--import', 'tsx'],
			env: { ...process.env, ...env },
			stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
		});
		this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
		this.child.on('message', (message: CircuitReply) => {
			this.replies.push(message);
			this.waiting?.();
		});
		this.child.on('exit', () => this.waiting?.());
	}

	async next(): Promise<unknown> {
		while (this.replies.length === 0) {
			if (this.child.exitCode !== null) throw new Error(`worker exited: ${this.stderr}`);
			await new Promise<void>((resolveNext) => (this.waiting = resolveNext));
		}
		const reply = this.replies.shift()!;
		if (reply.kind === 'failed') throw new Error(reply.message);
		return reply.kind === 'done' ? reply.result : undefined;
	}

	async call(order: CircuitOrder): Promise<unknown> {
		this.child.send(order);
		return await this.next();
	}

	stop(): void {
		if (this.child.exitCode === null) this.child.kill();
	}
}

describe.each(storeBackends())('one circuit breaker shared by processes on $name', (backend) => {
	let store: StateStore;
	let workers: Worker[] = [];

	beforeAll(async () => await backend.setUp());
	afterAll(async () => {
		for (const worker of workers) worker.stop();
		await closeAllStores();
		await backend.tearDown();
	});

	test(`${WORKERS} processes: their failures add up, all are refused, and each half-open round has one probe`, async () => {
		const config = await backend.freshConfig();
		store = await openStore(config, allMigrations);
		workers = Array.from({ length: WORKERS }, () => new Worker({ CIRCUIT_STORE: JSON.stringify(config) }));
		await Promise.all(workers.map(async (worker) => await worker.next()));
		const key = 'destination:analytics';

		// One failure from each process: none alone reaches the threshold, together they open the circuit. Its first
		// cool-down is long, so that however slowly a loaded machine asks, every process is asked while it is open.
		for (const worker of workers) await worker.call({ call: 'recordFailure', key, policy: { ...policy, cooldownMs: 600_000 } });
		expect(await store.circuits.state(key)).toMatchObject({ state: 'open', failures: WORKERS });
		const whileOpen = (await Promise.all(workers.map(async (worker) => await worker.call({ call: 'admit', key, policy })))) as Admission[];
		expect(whileOpen.every((admission) => !admission.admitted)).toBe(true);
		// A failure reported while open starts a new cool-down, the short one the rounds below wait out.
		await workers[0].call({ call: 'recordFailure', key, policy });

		const probesPerRound: number[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			while ((await store.circuits.state(key)).state !== 'half_open') await sleep(25);
			const admissions = (await Promise.all(workers.map(async (worker) => await worker.call({ call: 'admit', key, policy })))) as Admission[];
			const probers = workers.filter((_, index) => admissions[index].admitted);
			probesPerRound.push(probers.length);
			// The probe fails: reopened for a new cool-down.
			for (const prober of probers) await prober.call({ call: 'recordFailure', key, policy });
		}
		expect(probesPerRound).toEqual(Array.from({ length: ROUNDS }, () => 1));

		while ((await store.circuits.state(key)).state !== 'half_open') await sleep(25);
		const last = (await Promise.all(workers.map(async (worker) => await worker.call({ call: 'admit', key, policy })))) as Admission[];
		const prober = workers[last.findIndex((admission) => admission.admitted)];
		await prober.call({ call: 'recordSuccess', key, policy });
		const afterClose = (await Promise.all(workers.map(async (worker) => await worker.call({ call: 'admit', key, policy })))) as Admission[];
		expect(afterClose).toEqual(Array.from({ length: WORKERS }, () => ({ admitted: true, probe: false })));
	});
});
