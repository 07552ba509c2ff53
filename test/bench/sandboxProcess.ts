/**
 * One sandbox in a process of its own, for benchmarks: a vendor's work (building pages, storing writes) runs on the
 * vendor's machine, not on the event loop being measured. `node --import tsx test/bench/sandboxProcess.ts <name>` prints
 * the sandbox as one JSON line and serves until stopped; startSandboxProcess does that and hands back a RunningSandbox.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';

export async function startSandboxProcess(name: SandboxName): Promise<RunningSandbox> {
	const child = spawn(process.execPath, ['--import', 'tsx', __filename, name], { stdio: ['ignore', 'pipe', 'inherit'] });
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const [line] = await Promise.race([
		new Promise<string[]>((resolve) => createInterface({ input: child.stdout }).once('line', (first) => resolve([first]))),
		exited.then(() => {
			throw new Error(`the ${name} sandbox process ended before it started`);
		}),
	]);
	const started = JSON.parse(line) as Omit<RunningSandbox, 'close'>;
	return {
		...started,
		async close() {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

async function serve(name: SandboxName): Promise<void> {
	const sandbox = await startSandbox(name);
	const { close: _close, ...shown } = sandbox;
	process.stdout.write(`${JSON.stringify(shown)}\n`);
	process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
}

if (require.main === module) void serve(process.argv[2] as SandboxName);
