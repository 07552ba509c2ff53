/**
 * A real n8n (the pinned version, provisioned into the cache) with packed community packages installed the way
 * users install them, an owner, and an API key with every scope. Driven through its public API and REST API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packPackage } from './build';
import { callWebhook, createApiKey, HttpError, requestJson, signIn, sleep, type WebhookRequest } from './n8nHttp';
import { freePort, installCommunityPackages, provisionN8n, spawnN8n, waitUntilReady, type N8nProcess } from './n8nProcess';
import { outputsByNode, type NodeOutputs } from './runData';
import type { StoreConfig } from '../../lib/store/types';
import { forPublicApi, withCredentialIds, type WorkflowJson } from './workflowJson';

export { packPackage } from './build';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	lastNodeExecuted?: string;
	outputs: NodeOutputs;
	error?: unknown;
}

export interface ReplaceOption {
	/** Update the one with the same name (and type) in place instead of creating another; for kept user folders. */
	replace?: boolean;
}

export interface N8nServer {
	baseUrl: string;
	/** Where production webhooks and forms are served: `baseUrl`, or in queue mode the webhook processor's URL. */
	webhookBaseUrl: string;
	/**
	 * The package's state store as the templates' nodes use it: the SQLite file in the user folder, or in queue mode the
	 * PostgreSQL database of the Integration State Store credential every imported workflow's package nodes are given.
	 */
	stateStore: StoreConfig;
	apiKey: string;
	userFolder: string;
	cookie: string;
	email: string;
	password: string;
	/** Seconds from spawning n8n to its readiness check passing. */
	startupSeconds: number;
	createCredential(type: string, name: string, data: Record<string, unknown>, options?: ReplaceOption): Promise<string>;
	importWorkflow(json: object, options?: { credentials?: Record<string, string> } & ReplaceOption): Promise<string>;
	activate(workflowId: string): Promise<void>;
	/** Runs a workflow from its Manual Trigger (or the trigger named) and waits for it (3 minutes unless told). */
	runManual(workflowId: string, triggerName?: string, timeoutMs?: number): Promise<ExecutionSummary>;
	callWebhook(path: string, init?: WebhookRequest): Promise<{ status: number; body: unknown }>;
	executions(workflowId?: string): Promise<ExecutionSummary[]>;
	waitForExecution(workflowId: string, predicate?: (execution: ExecutionSummary) => boolean, timeoutMs?: number): Promise<ExecutionSummary>;
	nodeTypes(): Promise<string[]>;
	/** Public API call (`/api/v1` + path) with the API key, for what the methods above do not cover. */
	api<T = any>(method: string, apiPath: string, body?: unknown): Promise<T>;
	logTail(): string;
	/** The n8n process's id (for CPU accounting in benchmarks). */
	pid: number | undefined;
	stop(): Promise<void>;
	/** SIGKILL the server (a crash); its user folder is kept, so `startN8n({ userFolder })` brings the same instance back. */
	kill(): Promise<void>;
}

export interface StartN8nOptions {
	env?: Record<string, string>;
	/** This package packed; packed afresh (gulp build + npm pack) when omitted. */
	packageTarball?: string;
	/** Further community packages to install beside it (e.g. a test probe). */
	extraPackageTarballs?: string[];
	/** A user folder to keep (login, credentials, workflows survive restarts); a throw-away one when omitted. */
	userFolder?: string;
	/** Loopback port; a free one when omitted. */
	port?: number;
	owner?: { email: string; password: string };
	readyTimeoutMs?: number;
}

const defaultOwner = { email: 'owner@example.com', password: 'Harness-Passw0rd' };

/**
 * Set (to 1) to run every e2e file's n8n in queue mode (jest's e2e-queue project does): `startN8n` then starts Redis,
 * PostgreSQL, a main process, a webhook processor and two workers, and puts the package's nodes on a PostgreSQL state store.
 */
export const QUEUE_MODE_ENV = 'IAUT_N8N_QUEUE_MODE';

export const queueModeRequested = (): boolean => process.env[QUEUE_MODE_ENV] === '1';
const unfinishedStatuses = ['new', 'running'];

/** n8n on loopback only, saving every execution, and calling none of n8n's internet services. */
export function serverEnv(userFolder: string, baseUrl: string, port: number, brokerPort: number): Record<string, string> {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		// No calls home: telemetry, templates, version checks, banners, the MCP server registry.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_PYTHON_ENABLED: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
	};
}

/** A real n8n: one process, or in queue mode (`IAUT_N8N_QUEUE_MODE=1`) a cluster behind the same interface. */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nServer> {
	if (!queueModeRequested()) return startSingleN8n(options);
	// Loaded here: the queue harness starts its main process with startSingleN8n.
	const { startQueueServer } = await import('./n8nQueue');
	return startQueueServer(options);
}

/** One n8n process (`n8n start`), whatever its environment says (the queue harness's main process is one). */
export async function startSingleN8n(options: StartN8nOptions = {}): Promise<N8nServer> {
	const n8nDir = await provisionN8n();
	const packageTarball = options.packageTarball ?? (await packPackage());
	const userFolder = options.userFolder ?? mkdtempSync(path.join(tmpdir(), 'n8n-user-'));
	await installCommunityPackages(userFolder, [packageTarball, ...(options.extraPackageTarballs ?? [])]);
	if (!options.packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });

	const fail = async (n8nProcess: N8nProcess, error: unknown): Promise<never> => {
		await n8nProcess.stop();
		throw new Error(`n8n did not come up: ${(error as Error).message}\n--- tail of ${n8nProcess.logFile} ---\n${n8nProcess.logTail()}`);
	};
	for (let attempt = 1; ; attempt++) {
		const port = options.port ?? (await freePort());
		const baseUrl = `http://127.0.0.1:${port}`;
		const env = { ...serverEnv(userFolder, baseUrl, port, await freePort()), ...options.env };
		const started = Date.now();
		const n8nProcess = spawnN8n(n8nDir, userFolder, env);
		try {
			await waitUntilReady(baseUrl, n8nProcess, options.readyTimeoutMs ?? 180_000);
		} catch (error) {
			// Ports are picked free, then bound by n8n seconds later: another process (a parallel test file's n8n, Redis or
			// PostgreSQL) may take one in between. Then start again on fresh ports.
			const portTaken = /EADDRINUSE/.test(n8nProcess.logTail());
			if (portTaken && attempt < 3) {
				await n8nProcess.stop();
				continue;
			}
			return await fail(n8nProcess, error);
		}
		const startupSeconds = (Date.now() - started) / 1000;
		try {
			const owner = options.owner ?? defaultOwner;
			const cookie = await signIn(baseUrl, owner);
			const apiKey = await createApiKey(baseUrl, cookie);
			return serverFor({ baseUrl, apiKey, cookie, userFolder, startupSeconds, ...owner }, n8nProcess, options.userFolder === undefined);
		} catch (error) {
			return await fail(n8nProcess, error);
		}
	}
}

interface Session {
	baseUrl: string;
	apiKey: string;
	cookie: string;
	userFolder: string;
	email: string;
	password: string;
	startupSeconds: number;
}

interface RawExecution {
	id: string | number;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	data?: { resultData?: { runData?: Record<string, never[]>; error?: unknown; lastNodeExecuted?: string } };
}

function summarize(execution: RawExecution): ExecutionSummary {
	const resultData = execution.data?.resultData;
	return {
		id: String(execution.id),
		workflowId: execution.workflowId,
		status: execution.status,
		mode: execution.mode,
		finished: execution.finished,
		startedAt: execution.startedAt,
		stoppedAt: execution.stoppedAt,
		lastNodeExecuted: resultData?.lastNodeExecuted,
		outputs: outputsByNode(resultData?.runData),
		...(resultData?.error ? { error: resultData.error } : {}),
	};
}

function serverFor(session: Session, n8nProcess: N8nProcess, ownsUserFolder: boolean): N8nServer {
	const { baseUrl, apiKey, cookie } = session;
	const api = async <T>(method: string, apiPath: string, body?: unknown) =>
		(
			await requestJson<T>(`${baseUrl}/api/v1${apiPath}`, {
				method,
				headers: { 'X-N8N-API-KEY': apiKey },
				body: body === undefined ? undefined : JSON.stringify(body),
			})
		).body;
	const rest = async <T>(method: string, restPath: string, body?: unknown) =>
		(
			await requestJson<{ data: T }>(`${baseUrl}/rest${restPath}`, {
				method,
				headers: { cookie },
				body: body === undefined ? undefined : JSON.stringify(body),
			})
		).body.data;
	const listAll = async <T>(apiPath: string): Promise<T[]> => {
		const items: T[] = [];
		let cursor: string | null = null;
		do {
			const separator = apiPath.includes('?') ? '&' : '?';
			const page: { data: T[]; nextCursor: string | null } = await api('GET', `${apiPath}${separator}limit=250${cursor ? `&cursor=${cursor}` : ''}`);
			items.push(...page.data);
			cursor = page.nextCursor;
		} while (cursor);
		return items;
	};
	const execution = async (id: string) => summarize(await api<RawExecution>('GET', `/executions/${id}?includeData=true&ignoreDataSizeLimit=true`));

	const server: N8nServer = {
		...session,
		webhookBaseUrl: baseUrl,
		stateStore: { kind: 'sqlite', file: path.join(session.userFolder, '.n8n', 'integration-automation', 'state.sqlite') },
		api,
		logTail: () => n8nProcess.logTail(),
		pid: n8nProcess.child.pid,

		async createCredential(type, name, data, options = {}) {
			const existing = options.replace ? (await listAll<{ id: string; name: string; type: string }>('/credentials')).find((c) => c.name === name && c.type === type) : undefined;
			if (existing) {
				await api('PATCH', `/credentials/${existing.id}`, { name, type, data });
				return existing.id;
			}
			return (await api<{ id: string }>('POST', '/credentials', { name, type, data })).id;
		},

		async importWorkflow(json, options = {}) {
			const body = forPublicApi(withCredentialIds(json as WorkflowJson, options.credentials ?? {}));
			const existing = options.replace ? (await listAll<{ id: string; name: string }>(`/workflows?name=${encodeURIComponent(String(body.name))}`)).find((w) => w.name === body.name) : undefined;
			if (existing) {
				await api('PUT', `/workflows/${existing.id}`, body);
				return existing.id;
			}
			return (await api<{ id: string }>('POST', '/workflows', body)).id;
		},

		/** Publishes the workflow and waits until n8n has registered its triggers (publication is asynchronous in 2.x). */
		async activate(workflowId) {
			const { activeVersionId } = await api<{ activeVersionId: string }>('POST', `/workflows/${workflowId}/activate`);
			// 120 s: registering triggers (a vendor's webhook, a first poll) waits on a busy event loop on a loaded machine.
			const deadline = Date.now() + 120_000;
			while (Date.now() < deadline) {
				let status: { status: string; liveVersionId: string | null; triggers: Array<{ status: string; errorMessage: string | null }> };
				try {
					status = await rest('GET', `/workflows/${workflowId}/publication-status`);
				} catch (error) {
					if (error instanceof HttpError && error.status === 404) return; // publication service off: activation was synchronous
					throw error;
				}
				const failures = status.triggers.filter((trigger) => trigger.status === 'failed');
				if (failures.length > 0) throw new Error(`Activating workflow ${workflowId} failed: ${failures.map((f) => f.errorMessage).join('; ')}`);
				if (status.status === 'published' && status.liveVersionId === activeVersionId) return;
				await sleep(200);
			}
			throw new Error(`Workflow ${workflowId} was not published within 120s`);
		},

		/**
		 * Runs the workflow as the editor's "Execute workflow" button does, from its Manual Trigger or the trigger named
		 * (a Schedule Trigger then fires once), and waits for the end.
		 */
		// 3 minutes by default: a run waits for a busy n8n (in queue mode, for a worker) on a loaded machine.
		async runManual(workflowId, triggerName, timeoutMs = 180_000) {
			const workflow = await api<WorkflowJson>('GET', `/workflows/${workflowId}`);
			const trigger = workflow.nodes.find((node) => (triggerName ? node.name === triggerName : node.type === 'n8n-nodes-base.manualTrigger'));
			if (!trigger) throw new Error(`Workflow ${workflowId} has no ${triggerName ? `node "${triggerName}"` : 'Manual Trigger'}`);
			const started = await rest<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `/workflows/${workflowId}/run`, {
				triggerToStartFrom: { name: trigger.name },
			});
			if (!started.executionId) throw new Error(`n8n did not start workflow ${workflowId}: ${JSON.stringify(started)}`);
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				try {
					const summary = await execution(started.executionId);
					if (!unfinishedStatuses.includes(summary.status)) return summary;
				} catch (error) {
					// Not saved yet (404), or a poll dropped while n8n's event loop is busy with the run itself.
					const notSaved = error instanceof HttpError && error.status === 404;
					if (!notSaved && !/fetch failed/.test(String(error))) throw error;
				}
				await sleep(200);
			}
			throw new Error(`Execution ${started.executionId} did not finish within ${timeoutMs / 1000}s`);
		},

		callWebhook: (webhookPath, init) => callWebhook(baseUrl, webhookPath, init),

		/**
		 * The public API leaves out executions the main process still holds as running. In queue mode on a loaded machine
		 * main can hold one long after its worker saved it finished (main waits for Bull's job-finished event), so the
		 * editor's list, read from the database, names those, and each is read by id.
		 */
		async executions(workflowId) {
			const filter = workflowId ? `&workflowId=${encodeURIComponent(workflowId)}` : '';
			const page = await api<{ data: RawExecution[] }>('GET', `/executions?includeData=true&ignoreDataSizeLimit=true&limit=250${filter}`);
			const listed = page.data.map(summarize);
			if (!workflowId) return listed;
			const stored = await rest<{ results: Array<{ id: string; status: string }> }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=250`);
			const known = new Set(listed.map((entry) => entry.id));
			const hidden = stored.results.filter((entry) => !known.has(String(entry.id)) && !unfinishedStatuses.includes(entry.status));
			const found = await Promise.all(hidden.map((entry) => execution(String(entry.id))));
			return [...listed, ...found].sort((a, b) => Number(b.id) - Number(a.id));
		},

		// 90 s by default: in queue mode a finished poll or webhook still waits for a worker, which on a loaded machine is slow.
		async waitForExecution(workflowId, predicate = () => true, timeoutMs = 90_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const match = (await server.executions(workflowId)).find((e) => !unfinishedStatuses.includes(e.status) && predicate(e));
				if (match) return match;
				await sleep(250);
			}
			throw new Error(`No finished execution of workflow ${workflowId} matched within ${timeoutMs / 1000}s\n${server.logTail()}`);
		},

		/** Every node type the editor is offered, read from the same types file the editor loads. */
		async nodeTypes() {
			const { body } = await requestJson<Array<{ name: string }>>(`${baseUrl}/types/nodes.json`, { headers: { cookie } });
			return [...new Set(body.map((type) => type.name))];
		},

		async kill() {
			await n8nProcess.kill();
		},

		async stop() {
			await n8nProcess.stop();
			if (ownsUserFolder) rmSync(session.userFolder, { recursive: true, force: true });
		},
	};
	return server;
}
