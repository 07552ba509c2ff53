/**
 * Mailchimp's 10 simultaneous connections, held by real processes through the transport and the store: three
 * workers sending 20 requests each at once never have more than 10 open at the sandbox (it refuses the 11th with 429
 * and reports its peak), and every request succeeds. Processes with a store each keep their own 10, and the sandbox
 * refuses the excess; that case is run too, so the test shows the shared store is what keeps them under.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { MAILCHIMP_MAX_CONNECTIONS } from '../../lib/platforms/mailchimp';
import { closeAllStores } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { storeBackends } from './backends';
import type { CallerReport } from './mailchimp-caller';

const repoRoot = resolve(__dirname, '../..');
const WORKERS = 3;
const REQUESTS_EACH = 20;

class Caller {
	private readonly child: ChildProcess;
	private readonly reports: CallerReport[] = [];
	private wake?: () => void;
	private stderr = '';

	constructor(env: Record<string, string>) {
		this.child = fork(join(__dirname, 'mailchimp-caller.ts'), [], { cwd: repoRoot, execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
		this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
		this.child.on('message', (message: CallerReport) => {
			this.reports.push(message);
			this.wake?.();
		});
		this.child.on('exit', () => this.wake?.());
	}

	async next(): Promise<CallerReport> {
		while (this.reports.length === 0) {
			if (this.child.exitCode !== null) throw new Error(`caller exited: ${this.stderr}`);
			await new Promise<void>((wake) => (this.wake = wake));
		}
		const next = this.reports.shift()!;
		if (next.kind === 'failed') throw new Error(next.message);
		return next;
	}

	go(): void {
		this.child.send('go');
	}

	stop(): void {
		if (this.child.exitCode === null) this.child.kill();
	}
}

/** Each caller's store config: the same for all when they share one. */
async function race(sandbox: RunningSandbox, storeOf: (caller: number) => unknown): Promise<{ ok: number; refused: number; peak: number }> {
	const control = new SandboxControl(sandbox.baseUrl);
	await control.reset();
	// Each request stays open a while, so requests of different processes overlap: long enough that on a loaded machine
	// the processes, told to go one after another, still have theirs open at once (1.5 s: a loaded 2-core machine stalls
	// a process for longer than the 400 ms this was).
	await control.updateSettings({ responseDelayMs: 1_500 });
	const env = { CALLER_BASE_URL: sandbox.baseUrl, CALLER_API_KEY: String(sandbox.credentials.apiKey), CALLER_REQUESTS: String(REQUESTS_EACH) };
	const callers = Array.from({ length: WORKERS }, (_, index) => new Caller({ ...env, CALLER_STORE: JSON.stringify(storeOf(index)) }));
	try {
		await Promise.all(callers.map(async (caller) => await caller.next()));
		for (const caller of callers) caller.go();
		const reports = (await Promise.all(callers.map(async (caller) => await caller.next()))) as Array<{ ok: number; refused: number }>;
		const { peak } = await control.state<{ peak: number }>('connections');
		return { ok: reports.reduce((sum, r) => sum + r.ok, 0), refused: reports.reduce((sum, r) => sum + r.refused, 0), peak };
	} finally {
		for (const caller of callers) caller.stop();
	}
}

let sandbox: RunningSandbox;
beforeAll(async () => (sandbox = await startSandbox('mailchimp')));
afterAll(async () => await sandbox.close());

describe.each(storeBackends())('one Mailchimp account shared by processes on $name', (backend) => {
	beforeAll(async () => await backend.setUp());
	afterAll(async () => {
		await closeAllStores();
		await backend.tearDown();
	});

	test(`${WORKERS} processes × ${REQUESTS_EACH} requests at once: never more than ${MAILCHIMP_MAX_CONNECTIONS} open, none refused`, async () => {
		const shared = await backend.freshConfig();
		const outcome = await race(sandbox, () => shared);
		expect({ ok: outcome.ok, refused: outcome.refused }).toEqual({ ok: WORKERS * REQUESTS_EACH, refused: 0 });
		// At the limit, never past it; a loaded machine may not start the tenth call before one of the others ends.
		expect(outcome.peak).toBeLessThanOrEqual(MAILCHIMP_MAX_CONNECTIONS);
		expect(outcome.peak).toBeGreaterThan(MAILCHIMP_MAX_CONNECTIONS / 2);
	});
});

test('processes with a store each keep only their own limit: the sandbox refuses the excess', async () => {
	const folder = mkdtempSync(join(tmpdir(), 'mailchimp-callers-'));
	try {
		const outcome = await race(sandbox, (caller) => ({ kind: 'sqlite', file: join(folder, `caller-${caller}.sqlite`) }));
		expect(outcome.refused).toBeGreaterThan(0);
		expect(outcome.peak).toBe(MAILCHIMP_MAX_CONNECTIONS);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
});
