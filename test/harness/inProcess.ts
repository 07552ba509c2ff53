/**
 * Runs a workflow inside this process with n8n-core's WorkflowExecute: this package's nodes and credentials are
 * loaded from dist/ by n8n's own PackageDirectoryLoader, templates' starting nodes come from standInNodes.ts,
 * credentials are test data applied like n8n applies stored ones. Fast, and no n8n server needed.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	ICredentialType,
	IConnections,
	INodeExecutionData,
	INode,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ensureBuilt } from './build';
import { InProcessCredentialsHelper } from './inProcessCredentials';
import { repoRoot } from './paths';
import { outputsByNode, type NodeOutputs } from './runData';
import { standInNodeTypes } from './standInNodes';
import type { WorkflowJson } from './workflowJson';

export interface RunWorkflowOptions {
	/** Credential type → decrypted credential data. Nodes that declare a type given here get it. */
	credentials?: Record<string, Record<string, unknown>>;
	/** Name of the node to start from; n8n's choice of start node (the trigger) when omitted. */
	startNode?: string;
	/** Items handed to the start node. Trigger and webhook nodes pass them through as their output. */
	inputItems?: Array<{ json: object }>;
	/** Environment variables set for the duration of the run. */
	env?: Record<string, string>;
	/** Execution mode; 'webhook' when inputItems are given (so triggers pass them on), else 'manual'. */
	mode?: WorkflowExecuteMode;
	/** Package roots to load nodes and credentials from; this repo (after building it if stale) by default. */
	packages?: string[];
}

export interface InProcessRunResult {
	status: string;
	outputs: NodeOutputs;
	error?: unknown;
}

const inProcessFolders = path.join(repoRoot, '.tmp', 'n8n-in-process');

// n8n-core keeps its instance settings in N8N_USER_FOLDER, and this package its default SQLite state file: a fresh
// folder for each test file (jest loads this module anew per file), so no test sees another's state. Never ~/.n8n.
if (!process.env.N8N_USER_FOLDER || process.env.N8N_USER_FOLDER.startsWith(inProcessFolders)) {
	process.env.N8N_USER_FOLDER = freshUserFolder();
}
// n8n's logger writes straight to the console; a run's errors come back in its result instead.
process.env.N8N_LOG_LEVEL ??= 'silent';

/** Named after this process; folders of processes that have ended are swept (jest workers never run exit hooks). */
function freshUserFolder(): string {
	mkdirSync(inProcessFolders, { recursive: true });
	for (const entry of readdirSync(inProcessFolders)) {
		if (!isRunning(Number(entry.split('-')[0]))) rmSync(path.join(inProcessFolders, entry), { recursive: true, force: true });
	}
	return mkdtempSync(path.join(inProcessFolders, `${process.pid}-`));
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

interface LoadedTypes {
	nodeTypes: INodeTypes;
	credentialTypes: Map<string, ICredentialType>;
}

const loadedByPackages = new Map<string, Promise<LoadedTypes>>();

export function loadTypes(packageRoots: string[]): Promise<LoadedTypes> {
	const key = packageRoots.join('\n');
	if (!loadedByPackages.has(key)) loadedByPackages.set(key, loadPackages(packageRoots));
	return loadedByPackages.get(key)!;
}

async function loadPackages(packageRoots: string[]): Promise<LoadedTypes> {
	if (packageRoots.includes(repoRoot)) await ensureBuilt();
	const nodes = new Map<string, INodeType | IVersionedNodeType>(Object.entries(standInNodeTypes));
	const credentialTypes = new Map<string, ICredentialType>();
	for (const root of packageRoots) {
		const loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) nodes.set(`${loader.packageName}.${name}`, type);
		for (const [name, { type }] of Object.entries(loader.credentialTypes)) credentialTypes.set(name, type);
	}
	const nodeTypes: INodeTypes = {
		getByName(type) {
			const nodeType = nodes.get(type);
			if (!nodeType) throw new Error(`Node type "${type}" is not available in-process (loaded: ${[...nodes.keys()].join(', ')})`);
			return nodeType;
		},
		getByNameAndVersion(type, version) {
			return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
		},
		getKnownTypes() {
			return Object.fromEntries([...nodes.keys()].map((type) => [type, {}]));
		},
	};
	return { nodeTypes, credentialTypes };
}

/** Node types an in-process run can use with these packages: theirs, and the stand-ins. */
export async function knownNodeTypes(packages = [repoRoot]): Promise<string[]> {
	const { nodeTypes } = await loadTypes(packages);
	return Object.keys(nodeTypes.getKnownTypes());
}

/** Gives each node a reference to every test credential type its description declares and it lacks. */
export function withTestCredentialReferences(nodes: INode[], nodeTypes: INodeTypes, credentialTypes: string[]): INode[] {
	return nodes.map((node) => {
		const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
		const references = { ...node.credentials };
		for (const { name } of declared) {
			if (credentialTypes.includes(name)) references[name] ??= { id: `test-${name}`, name };
		}
		return { ...node, credentials: references };
	});
}

/**
 * With seeded request items the first webhook node (a template may also start from an Execute Workflow Trigger, which
 * n8n would pick); otherwise n8n's own choice (triggers, pollers, Manual Trigger…) or else the first webhook node.
 */
function defaultStartNode(workflow: Workflow, seeded: boolean): INode | undefined {
	const isWebhook = (node: INode) => !node.disabled && workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).webhook !== undefined;
	const webhook = Object.values(workflow.nodes).find(isWebhook);
	return (seeded ? webhook : undefined) ?? workflow.getStartNode() ?? webhook;
}

export function additionalDataFor(hooks: ExecutionLifecycleHooks, credentialsHelper: InProcessCredentialsHelper): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	const unavailable = (what: string) => () => {
		throw new Error(`${what} is not available in the in-process harness; use the real n8n harness`);
	};
	return {
		hooks,
		credentialsHelper,
		variables: {},
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		executeWorkflow: unavailable('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unavailable('The task runner (Code node)'),
	} as unknown as IWorkflowExecuteAdditionalData;
}

function withEnv<T>(env: Record<string, string> | undefined, run: () => Promise<T>): Promise<T> {
	const previous = Object.fromEntries(Object.keys(env ?? {}).map((name) => [name, process.env[name]]));
	Object.assign(process.env, env);
	return run().finally(() => {
		for (const [name, value] of Object.entries(previous)) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
	});
}

let executionCounter = 0;

export async function runWorkflow(workflowJson: WorkflowJson | object, options: RunWorkflowOptions = {}): Promise<InProcessRunResult> {
	const json = workflowJson as WorkflowJson;
	const { nodeTypes, credentialTypes } = await loadTypes(options.packages ?? [repoRoot]);
	const testCredentials = options.credentials ?? {};
	const workflow = new Workflow({
		id: 'in-process',
		name: json.name,
		nodes: withTestCredentialReferences(json.nodes as unknown as INode[], nodeTypes, Object.keys(testCredentials)),
		connections: json.connections as IConnections,
		active: false,
		nodeTypes,
		settings: json.settings,
		staticData: {},
	});
	const startNode = options.startNode ? workflow.getNode(options.startNode) : defaultStartNode(workflow, options.inputItems !== undefined);
	if (!startNode) throw new Error(`Start node ${options.startNode ?? '(a trigger or webhook)'} not found in the workflow`);
	const mode = options.mode ?? (options.inputItems ? 'webhook' : 'manual');

	const hooks = new ExecutionLifecycleHooks(mode, String(++executionCounter), { ...json, id: workflow.id } as never);
	const finished = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));
	const credentialsHelper = new InProcessCredentialsHelper(credentialTypes, testCredentials);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [(options.inputItems ?? [{ json: {} }]) as INodeExecutionData[]] }, source: null }],
		},
	});

	return await withEnv(options.env, async () => {
		await new WorkflowExecute(additionalDataFor(hooks, credentialsHelper), mode, runExecutionData).processRunExecutionData(workflow);
		const run = await finished;
		return {
			status: run.status,
			outputs: outputsByNode(run.data.resultData.runData as never),
			...(run.data.resultData.error ? { error: run.data.resultData.error } : {}),
		};
	});
}
