/**
 * A real, throw-away PostgreSQL server for tests: Debian's binaries, a temporary cluster on a free loopback port,
 * one database and one password-authenticated user. The store suite starts one per jest run (globalSetup) and
 * hands its config to the test files through IAUT_TEST_POSTGRES; each test takes a fresh schema of its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

import { Client } from 'pg';

import type { PostgresConfig } from '../../lib/store/types';

export interface TestPostgres {
	config: PostgresConfig;
	/** Shuts the server down and deletes its folder. */
	stop(): Promise<void>;
}

/** The environment variable through which a jest globalSetup passes its server's config to the test files. */
export const TEST_POSTGRES_ENV = 'IAUT_TEST_POSTGRES';

const POSTGRES_ROOT = '/usr/lib/postgresql';
const INSTALL_SCRIPT = resolve(__dirname, '../../scripts/install-test-services.sh');
/** Postgres refuses to run as root; as root we hand the cluster to Debian's `postgres` system user. */
const SERVICE_USER = 'postgres';
const isRoot = userInfo().uid === 0;

function binDir(): string {
	const installed = () =>
		existsSync(POSTGRES_ROOT)
			? readdirSync(POSTGRES_ROOT)
					.filter((version) => existsSync(join(POSTGRES_ROOT, version, 'bin', 'initdb')))
					.sort((a, b) => Number(b) - Number(a))
			: [];
	let versions = installed();
	if (versions.length === 0) {
		const install = spawnSync('bash', [INSTALL_SCRIPT], { stdio: 'inherit' });
		if (install.status !== 0) throw new Error(`PostgreSQL is not installed and ${INSTALL_SCRIPT} failed`);
		versions = installed();
	}
	return join(POSTGRES_ROOT, versions[0], 'bin');
}

/** Runs a Postgres tool as the cluster's owner. */
function runAsOwner(tool: string, args: string[]): void {
	const [command, commandArgs] = isRoot ? ['runuser', ['-u', SERVICE_USER, '--', tool, ...args]] : [tool, args];
	execFileSync(command, commandArgs, { stdio: 'pipe' });
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

/** Settings for a disposable cluster: durability off, enough connections for many racing worker processes. */
const SERVER_SETTINGS = [
	'listen_addresses=127.0.0.1',
	'fsync=off',
	'synchronous_commit=off',
	'full_page_writes=off',
	'max_connections=300',
	'shared_buffers=32MB',
];

async function createDatabaseAndUser(socketDir: string, port: number, owner: string): Promise<{ database: string; user: string; password: string }> {
	const credentials = { database: 'iaut_test', user: 'iaut_test', password: randomBytes(12).toString('hex') };
	const admin = new Client({ host: socketDir, port, user: owner, database: 'postgres' });
	await admin.connect();
	try {
		await admin.query(`CREATE ROLE ${credentials.user} LOGIN CREATEDB PASSWORD '${credentials.password}'`);
		await admin.query(`CREATE DATABASE ${credentials.database} OWNER ${credentials.user}`);
	} finally {
		await admin.end();
	}
	return credentials;
}

/** Starts a fresh PostgreSQL server on a free loopback port; installs the binaries first if they are missing. */
export async function startPostgres(): Promise<TestPostgres> {
	const bin = binDir();
	// As root, under /tmp: the service user must reach the folder, and TMPDIR may point inside root's home.
	const root = mkdtempSync(join(isRoot ? '/tmp' : tmpdir(), 'iaut-pg-'));
	const owner = isRoot ? SERVICE_USER : userInfo().username;
	if (isRoot) {
		const uid = Number(execFileSync('id', ['-u', SERVICE_USER]).toString());
		const gid = Number(execFileSync('id', ['-g', SERVICE_USER]).toString());
		chownSync(root, uid, gid);
	}
	const dataDir = join(root, 'data');
	const stop = async () => {
		if (existsSync(join(dataDir, 'postmaster.pid'))) {
			runAsOwner(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
		}
		rmSync(root, { recursive: true, force: true });
	};
	try {
		// Local (socket) connections are trusted so we can create the user; TCP needs the password, as in production.
		runAsOwner(join(bin, 'initdb'), [
			'-D', dataDir, '-U', owner, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C',
		]);
		const port = await startServer(bin, root, dataDir);
		const credentials = await createDatabaseAndUser(root, port, owner);
		return { config: { host: '127.0.0.1', port, ssl: false, ...credentials }, stop };
	} catch (error) {
		await stop().catch(() => undefined);
		throw error;
	}
}

/** Starts the server on a free port, trying again if another process took the port in between. */
async function startServer(bin: string, socketDir: string, dataDir: string): Promise<number> {
	for (let attempt = 1; ; attempt++) {
		const port = await freeLoopbackPort();
		const options = [`-p ${port}`, `-k ${socketDir}`, ...SERVER_SETTINGS.map((setting) => `-c ${setting}`)].join(' ');
		try {
			runAsOwner(join(bin, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(socketDir, 'server.log'), '-o', options]);
			return port;
		} catch (error) {
			if (attempt >= 3) throw error;
		}
	}
}

/** The server a jest globalSetup started for this run, if any. */
export function sharedPostgresConfig(): PostgresConfig | undefined {
	const value = process.env[TEST_POSTGRES_ENV];
	return value ? (JSON.parse(value) as PostgresConfig) : undefined;
}

/**
 * The run's shared server when a globalSetup started one, else a server of this file's own (stopped by `release`).
 * Lets a single test file run on its own as well as in the whole suite.
 */
export async function acquirePostgres(): Promise<{ config: PostgresConfig; release(): Promise<void> }> {
	const shared = sharedPostgresConfig();
	if (shared) return { config: shared, release: async () => undefined };
	const own = await startPostgres();
	return { config: own.config, release: own.stop };
}

async function asOwnerOf(config: PostgresConfig, work: (client: Client) => Promise<void>): Promise<void> {
	const client = new Client({ host: config.host, port: config.port, user: config.user, password: config.password, database: config.database });
	await client.connect();
	try {
		await work(client);
	} finally {
		await client.end();
	}
}

let schemaCount = 0;

/** A new, empty schema in the server's database: a test's tables and rows are invisible to every other test. */
export async function createTestSchema(config: PostgresConfig, prefix = 'test'): Promise<PostgresConfig> {
	const schema = uniqueName(prefix);
	await asOwnerOf(config, async (client) => {
		await client.query(`CREATE SCHEMA ${schema}`);
	});
	return { ...config, schema };
}

/** A new, empty database on the server, for tests that need more than a schema of their own. */
export async function createTestDatabase(config: PostgresConfig, prefix = 'test'): Promise<PostgresConfig> {
	const database = uniqueName(prefix);
	await asOwnerOf(config, async (client) => {
		await client.query(`CREATE DATABASE ${database}`);
	});
	return { ...config, database, schema: undefined };
}

/** A lowercase identifier unique across processes and calls. */
export function uniqueName(prefix: string): string {
	return `${prefix}_${process.pid}_${++schemaCount}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

/** Writes the config where a jest globalSetup's workers find it. */
export function publishPostgresConfig(config: PostgresConfig): void {
	process.env[TEST_POSTGRES_ENV] = JSON.stringify(config);
}
