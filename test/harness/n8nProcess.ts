/** The n8n server as a process: provisioned once into the cache, started on loopback, stopped with its whole group. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { cacheDir, repoRoot } from './paths';
import { sleep } from './n8nHttp';
import { runNode24 } from './shell';

const heartbeatMs = 15_000;

/** Installs the pinned n8n (first time: minutes, with a heartbeat on stderr) and returns its install folder. */
export async function provisionN8n(): Promise<string> {
	mkdirSync(cacheDir, { recursive: true });
	// The lock makes a second caller wait for a running install instead of starting another one into the same folder.
	const lock = path.join(cacheDir, 'provision-n8n.lock');
	const started = Date.now();
	const heartbeat = setInterval(() => {
		process.stderr.write(`[provision] still installing n8n (${Math.round((Date.now() - started) / 1000)}s; the first time takes about 7 minutes)\n`);
	}, heartbeatMs);
	try {
		const stdout = await runNode24(`flock ${JSON.stringify(lock)} bash scripts/provision-n8n.sh`, { label: 'provision' });
		return stdout.trim().split('\n').pop() ?? '';
	} finally {
		clearInterval(heartbeat);
	}
}

/**
 * Installs packed community packages the way n8n finds them: under `<user folder>/.n8n/nodes/node_modules`.
 * Like n8n's own installer it runs no install scripts and skips peer dependencies (n8n-workflow comes from n8n).
 */
export async function installCommunityPackages(userFolder: string, tarballs: string[]): Promise<void> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	// Start from no dependencies so a kept user folder never refers to an earlier run's (deleted) tarball.
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	const flags = '--legacy-peer-deps --ignore-scripts --no-audit --no-fund --package-lock=false --bin-links=false --prefer-offline';
	await runNode24(`npm install ${flags} ${tarballs.map((tarball) => JSON.stringify(tarball)).join(' ')}`, { cwd: nodesDir, label: 'install' });
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export interface N8nProcess {
	child: ChildProcess;
	logFile: string;
	logTail(): string;
	stop(): Promise<void>;
	/** SIGKILL to the whole group, as a crash: nothing n8n holds in memory is saved. */
	kill(): Promise<void>;
}

/**
 * Starts `n8n start` (or another n8n command: `worker`, `webhook`) in its own process group with Node 24 first on
 * PATH, logging to `<user folder>/n8n.log`.
 */
export function spawnN8n(n8nDir: string, userFolder: string, env: Record<string, string>, command: string[] = ['start']): N8nProcess {
	const logFile = path.join(userFolder, 'n8n.log');
	const logFd = openSync(logFile, 'a');
	const node24 = path.join(repoRoot, 'scripts/node24.sh');
	const n8nBin = path.join(n8nDir, 'node_modules/.bin/n8n');
	const child = spawn('bash', ['-c', `. ${JSON.stringify(node24)} && exec ${[n8nBin, ...command].map((word) => JSON.stringify(word)).join(' ')}`], {
		cwd: userFolder,
		// Not jest's NODE_ENV=test: under it n8n refuses to load nodes and logs nothing.
		env: { ...process.env, NODE_ENV: 'production', ...env },
		stdio: ['ignore', logFd, logFd],
		detached: true,
	});
	closeSync(logFd);
	const killGroup = (signal: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, signal);
		} catch {
			// already gone
		}
	};
	const killOnExit = () => killGroup('SIGKILL');
	process.once('exit', killOnExit);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {
		child,
		logFile,
		logTail: () => readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'),
		async stop() {
			process.off('exit', killOnExit);
			if (child.exitCode === null && child.signalCode === null) {
				killGroup('SIGTERM');
				const forced = setTimeout(() => killGroup('SIGKILL'), 15_000);
				await exited;
				clearTimeout(forced);
			}
			killGroup('SIGKILL'); // the task runner and anything else n8n started
		},
		async kill() {
			process.off('exit', killOnExit);
			if (child.exitCode === null && child.signalCode === null) {
				killGroup('SIGKILL');
				await exited;
			}
		},
	};
}

export async function waitUntilReady(baseUrl: string, n8n: N8nProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (n8n.child.exitCode !== null) throw new Error(`n8n exited with code ${n8n.child.exitCode}`);
		// /healthz answers before migrations finish; readiness waits for the database.
		const ready = await fetch(`${baseUrl}/healthz/readiness`).then((response) => response.ok, () => false);
		if (ready) return;
		await sleep(250);
	}
	throw new Error(`no readiness within ${timeoutMs / 1000}s`);
}
