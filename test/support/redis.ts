/**
 * A real, throw-away Redis server for n8n's queue mode: Debian's `redis-server` (installed by
 * scripts/install-test-services.sh when missing) on a free loopback port, nothing saved to disk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface TestRedis {
	host: string;
	port: number;
	/** Shuts the server down and deletes its folder. */
	stop(): Promise<void>;
}

const INSTALL_SCRIPT = resolve(__dirname, '../../scripts/install-test-services.sh');

function ensureInstalled(): void {
	if (spawnSync('redis-server', ['--version']).status === 0) return;
	const install = spawnSync('bash', [INSTALL_SCRIPT], { stdio: 'inherit' });
	if (install.status !== 0) throw new Error(`redis-server is not installed and ${INSTALL_SCRIPT} failed`);
}

async function freeLoopbackPort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
		});
	});
}

/** True once the server answers PING with PONG. */
function answersPing(port: number): Promise<boolean> {
	return new Promise((resolveAnswer) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolveAnswer(data.toString().startsWith('+PONG'));
		});
		socket.once('error', () => resolveAnswer(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolveAnswer(false);
		});
	});
}

function readLog(dir: string): string {
	try {
		return readFileSync(join(dir, 'redis.log'), 'utf8');
	} catch {
		return '';
	}
}

function readyInLog(dir: string): boolean {
	try {
		return readFileSync(join(dir, 'redis.log'), 'utf8').includes('Ready to accept connections');
	} catch {
		return false;
	}
}

/** Starts a fresh Redis on a free loopback port (no snapshots, no append-only file); installs it first if missing. */
export async function startRedis(): Promise<TestRedis> {
	ensureInstalled();
	// The port is picked free, then bound by redis-server a moment later: another process may take it in between (the
	// server then exits on "Address already in use"). Then start again on another.
	for (let attempt = 1; ; attempt++) {
		try {
			return await startRedisOnce();
		} catch (error) {
			if (!(error instanceof PortTakenError) || attempt === 3) throw error;
		}
	}
}

class PortTakenError extends Error {}

async function startRedisOnce(): Promise<TestRedis> {
	const dir = mkdtempSync(join(tmpdir(), 'iaut-redis-'));
	const port = await freeLoopbackPort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')], {
		stdio: 'ignore',
	});
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	const stop = async () => {
		process.off('exit', killOnExit);
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	};
	// 60 s: a loaded machine starts a process slowly.
	const deadline = Date.now() + 60_000;
	// Ready once this server says so in its own log and answers: a PING alone could be answered by another test's Redis
	// that took the same port first (this one then exits on "Address already in use"), and two clusters would share a queue.
	while (!(readyInLog(dir) && child.exitCode === null && (await answersPing(port)))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			const log = readLog(dir);
			await stop();
			if (/Address already in use/i.test(log)) throw new PortTakenError(`port ${port} was taken`);
			throw new Error(`redis-server did not start on port ${port}: ${log.slice(-500)}`);
		}
		await new Promise((resolveWait) => setTimeout(resolveWait, 100));
	}
	return { host: '127.0.0.1', port, stop };
}
