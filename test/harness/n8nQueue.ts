/**
 * n8n in queue mode, as users scale it out: a main process, workers and a webhook processor sharing a throw-away
 * Redis and a throw-away PostgreSQL (n8n's database), this package installed in every process. A second database on
 * the same PostgreSQL server is meant for the package's Integration State Store credential.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PostgresConfig } from '../../lib/store/types';
import { createTestDatabase, startPostgres, type TestPostgres } from '../support/postgres';
import { startRedis, type TestRedis } from '../support/redis';
import { packPackage } from './build';
import { callWebhook, type WebhookRequest } from './n8nHttp';
import { freePort, provisionN8n, spawnN8n, waitUntilReady, type N8nProcess } from './n8nProcess';
import { readManifest } from './build';
import { serverEnv, startSingleN8n, type N8nServer, type StartN8nOptions } from './n8nServer';
import { withStateStore, type WorkflowJson } from './workflowJson';

export interface QueueProcess {
	/** `worker-1`, `worker-2`, `webhook`. */
	name: string;
	baseUrl: string;
	process: N8nProcess;
	/** The process's log so far. */
	log(): string;
}

export interface QueueCluster {
	/** The main process: editor, public API, schedules; it enqueues every execution. */
	main: N8nServer;
	workers: QueueProcess[];
	/** The webhook processor, when started; webhooks go there (the main process answers them too). */
	webhookProcessor?: QueueProcess;
	/** Where production webhooks are called: the webhook processor's URL, else the main process's. */
	webhookBaseUrl: string;
	/** An empty database on n8n's PostgreSQL server, for the Integration State Store credential. */
	stateStore: PostgresConfig;
	/** n8n's own database (its executions, workflows…), for benchmarks that count executions without the API. */
	n8nDatabase: PostgresConfig;
	redis: { host: string; port: number };
	callWebhook(webhookPath: string, init?: WebhookRequest): Promise<{ status: number; body: unknown }>;
	/** Worker name → the execution ids it started, read from the workers' logs ("Worker started execution N"). */
	executionsByWorker(): Record<string, string[]>;
	/** Execution ids a worker started and has not finished (a killed worker's stay here). */
	unfinishedExecutions(worker: QueueProcess): string[];
	/** Starts one more worker (e.g. to replace a killed one); it joins `workers`. */
	addWorker(): Promise<QueueProcess>;
	stop(): Promise<void>;
}

export interface StartQueueOptions extends Pick<StartN8nOptions, 'packageTarball' | 'extraPackageTarballs' | 'userFolder' | 'port' | 'owner' | 'readyTimeoutMs'> {
	/** How many workers (default 2). */
	workers?: number;
	/** Jobs each worker runs at once (default 5). */
	concurrency?: number;
	/** Start a webhook processor (`n8n webhook`) too (default true). */
	webhookProcessor?: boolean;
	/** Extra environment for every process. */
	env?: Record<string, string>;
}

/** The environment every process of one cluster shares: queue mode on Redis, n8n's data on PostgreSQL, one key. */
function queueEnv(redis: TestRedis, database: PostgresConfig, encryptionKey: string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: database.host,
		DB_POSTGRESDB_PORT: String(database.port),
		DB_POSTGRESDB_DATABASE: database.database,
		DB_POSTGRESDB_USER: database.user,
		DB_POSTGRESDB_PASSWORD: database.password ?? '',
		N8N_ENCRYPTION_KEY: encryptionKey,
		// Manual runs (the editor's button, the harness's runManual) go to the workers too.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
	};
}

/** Starts Redis, PostgreSQL, the main process, then the workers and the webhook processor side by side. */
export async function startQueueN8n(options: StartQueueOptions = {}): Promise<QueueCluster> {
	const [n8nDir, redis, postgres] = await Promise.all([provisionN8n(), startRedis(), startPostgres()]);
	const started: { processes: QueueProcess[]; folders: string[]; main?: N8nServer; tarballFolder?: string } = { processes: [], folders: [] };
	const stop = async () => {
		await Promise.allSettled(started.processes.map((entry) => entry.process.stop()));
		await started.main?.stop();
		for (const folder of started.folders) rmSync(folder, { recursive: true, force: true });
		if (started.tarballFolder) rmSync(started.tarballFolder, { recursive: true, force: true });
		await redis.stop();
		await postgres.stop();
	};
	try {
		return await startProcesses(n8nDir, redis, postgres, options, started, stop);
	} catch (error) {
		await stop().catch(() => undefined);
		throw error;
	}
}

async function startProcesses(
	n8nDir: string,
	redis: TestRedis,
	postgres: TestPostgres,
	options: StartQueueOptions,
	started: { processes: QueueProcess[]; folders: string[]; main?: N8nServer; tarballFolder?: string },
	stop: () => Promise<void>,
): Promise<QueueCluster> {
	const stateStore = await createTestDatabase(postgres.config, 'state');
	const shared = { ...queueEnv(redis, postgres.config, randomBytes(24).toString('hex')), ...options.env };
	const packageTarball = options.packageTarball ?? (await packPackage());
	if (!options.packageTarball) started.tarballFolder = path.dirname(packageTarball);
	const webhookPort = options.webhookProcessor === false ? undefined : await freePort();
	// With a webhook processor, production webhooks and forms are its alone, as behind a production load balancer: the
	// main process registers vendors' webhooks at its URL and serves none itself.
	const mainEnv: Record<string, string> = webhookPort ? { N8N_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } : {};
	// The main process first: it creates n8n's tables, which the others expect to find.
	const main = await startSingleN8n({
		packageTarball,
		extraPackageTarballs: options.extraPackageTarballs,
		userFolder: options.userFolder,
		port: options.port,
		owner: options.owner,
		readyTimeoutMs: options.readyTimeoutMs,
		env: { ...shared, ...mainEnv },
	});
	started.main = main;
	const webhookBaseUrl = webhookPort ? `http://127.0.0.1:${webhookPort}` : main.baseUrl;
	const launch = async (name: string, command: string[], port: number): Promise<QueueProcess> => {
		const userFolder = mkdtempSync(path.join(tmpdir(), `n8n-${name}-`));
		started.folders.push(userFolder);
		// The package as the main process installed it (npm install once, copied).
		cpSync(path.join(main.userFolder, '.n8n', 'nodes'), path.join(userFolder, '.n8n', 'nodes'), { recursive: true });
		const env = { ...serverEnv(userFolder, webhookBaseUrl, port, await freePort()), N8N_EDITOR_BASE_URL: `${main.baseUrl}/`, QUEUE_HEALTH_CHECK_PORT: String(port), ...shared };
		const n8nProcess = spawnN8n(n8nDir, userFolder, env, command);
		const entry = { name, baseUrl: `http://127.0.0.1:${port}`, process: n8nProcess, log: () => readFileSync(n8nProcess.logFile, 'utf8') };
		started.processes.push(entry);
		try {
			await waitUntilReady(entry.baseUrl, n8nProcess, options.readyTimeoutMs ?? 180_000);
		} catch (error) {
			const tail = n8nProcess.logTail();
			await n8nProcess.stop();
			throw new Error(`n8n ${name} did not come up: ${(error as Error).message}\n--- tail of ${n8nProcess.logFile} ---\n${tail}`);
		}
		return entry;
	};
	const concurrency = String(options.concurrency ?? 5);
	const workers: QueueProcess[] = [];
	let workersLaunched = 0;
	const addWorker = async () => {
		const name = `worker-${++workersLaunched}`;
		for (let attempt = 1; ; attempt++) {
			try {
				const worker = await launch(name, ['worker', `--concurrency=${concurrency}`], await freePort());
				workers.push(worker);
				return worker;
			} catch (error) {
				// Its ports were picked free, then bound seconds later: another process may have taken one in between.
				if (!/EADDRINUSE/.test(String(error)) || attempt === 3) throw error;
			}
		}
	};
	const [webhookProcessor] = await Promise.all([
		webhookPort ? launch('webhook', ['webhook'], webhookPort) : Promise.resolve(undefined),
		...Array.from({ length: options.workers ?? 2 }, addWorker),
	]);
	const executionIds = (log: string, verb: 'started' | 'finished') => [...log.matchAll(new RegExp(`Worker ${verb} execution (\\d+)`, 'g'))].map((match) => match[1]);
	return {
		main,
		workers,
		webhookProcessor,
		webhookBaseUrl,
		stateStore,
		n8nDatabase: postgres.config,
		redis: { host: redis.host, port: redis.port },
		callWebhook: (webhookPath, init) => callWebhook(webhookBaseUrl, webhookPath, init),
		executionsByWorker: () => Object.fromEntries(workers.map((worker) => [worker.name, executionIds(worker.log(), 'started')])),
		unfinishedExecutions(worker) {
			const log = worker.log();
			const finished = new Set(executionIds(log, 'finished'));
			return executionIds(log, 'started').filter((id) => !finished.has(id));
		},
		addWorker,
		stop,
	};
}

/**
 * A queue-mode cluster behind the one-process server's interface, for running the e2e files in queue mode: webhooks
 * are called on the webhook processor, executions run on two workers, and every imported workflow's package nodes are
 * given an Integration State Store credential on the cluster's PostgreSQL (without it each worker would keep its own
 * SQLite file). A restart of the whole cluster (`kill`, then `startN8n` on the kept user folder) is not modelled.
 */
export async function startQueueServer(options: StartN8nOptions): Promise<N8nServer> {
	const cluster = await startQueueN8n({ ...options });
	try {
		const { database, host, port, user, password } = cluster.stateStore;
		const reference = { name: 'State Store (PostgreSQL)', id: '' };
		reference.id = await cluster.main.createCredential('integrationStateStore', reference.name, { host, port, database, user, password, ssl: false, schema: 'public' });
		const packageName = readManifest().name;
		const { main } = cluster;
		return {
			...main,
			webhookBaseUrl: cluster.webhookBaseUrl,
			stateStore: { kind: 'postgres', ...cluster.stateStore, schema: 'public' },
			importWorkflow: (json, importOptions) => main.importWorkflow(withStateStore(json as WorkflowJson, packageName, reference), importOptions),
			callWebhook: cluster.callWebhook,
			logTail: () =>
				[`--- main ---\n${main.logTail()}`, ...[...cluster.workers, ...(cluster.webhookProcessor ? [cluster.webhookProcessor] : [])].map((entry) => `--- ${entry.name} ---\n${entry.process.logTail()}`)].join('\n'),
			stop: cluster.stop,
			kill: () => Promise.reject(new Error('a queue-mode cluster is not killed and restarted as a whole here; queue-mode.test.ts kills workers')),
		};
	} catch (error) {
		await cluster.stop();
		throw error;
	}
}
