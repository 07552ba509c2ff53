/** Workflow JSON as templates store it, and the rewrites both harnesses and the demo apply to it. */

export interface CredentialReference {
	id: string | null;
	name: string;
}

export interface WorkflowNodeJson {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, CredentialReference>;
	[property: string]: unknown;
}

export interface WorkflowJson {
	name?: string;
	nodes: WorkflowNodeJson[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[property: string]: unknown;
}

/**
 * Points every node's reference to a credential at an id from `idsByType`: the key `<type>:<placeholder name>` when
 * given (a type with two roles, e.g. the Header Auth callers send and the one the flow sends), else `<type>`.
 */
export function withCredentialIds(workflow: WorkflowJson, idsByType: Record<string, string>): WorkflowJson {
	const idFor = (type: string, name: string) => idsByType[`${type}:${name}`] ?? idsByType[type];
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const credentials = Object.fromEntries(
				Object.entries(node.credentials).map(([type, reference]) => [type, idFor(type, reference.name) ? { id: idFor(type, reference.name), name: reference.name } : reference]),
			);
			return { ...node, credentials };
		}),
	};
}

/** The public API's workflow schema rejects read-only and unknown properties (id, active, versionId, meta, tags…). */
const writableWorkflowProperties = ['name', 'description', 'nodes', 'connections', 'settings', 'staticData', 'pinData', 'nodeGroups'];

export function forPublicApi(workflow: WorkflowJson): Record<string, unknown> {
	const body = Object.fromEntries(Object.entries(workflow).filter(([key]) => writableWorkflowProperties.includes(key)));
	return { name: 'Untitled', settings: {}, ...body };
}

/** Points every node of `packageName` at the state store credential `reference` (added beside its other credentials). */
export function withStateStore(workflow: WorkflowJson, packageName: string, reference: CredentialReference): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.type.startsWith(`${packageName}.`) ? { ...node, credentials: { ...node.credentials, integrationStateStore: reference } } : node,
		),
	};
}

/**
 * Points every Execute Workflow node at the id of the workflow it names: templates name the sub-workflow they call
 * (its `cachedResultName`), since its id exists only once it is imported.
 */
export function withSubWorkflowIds(workflow: WorkflowJson, idsByName: Record<string, string>): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			const target = node.parameters.workflowId as { __rl?: boolean; cachedResultName?: string } | undefined;
			if (node.type !== 'n8n-nodes-base.executeWorkflow' || !target?.cachedResultName || !(target.cachedResultName in idsByName)) return node;
			return { ...node, parameters: { ...node.parameters, workflowId: { ...target, value: idsByName[target.cachedResultName] } } };
		}),
	};
}

/** The names of the workflows this one calls through Execute Workflow nodes. */
export function calledWorkflows(workflow: WorkflowJson): string[] {
	return workflow.nodes
		.filter((node) => node.type === 'n8n-nodes-base.executeWorkflow')
		.map((node) => (node.parameters.workflowId as { cachedResultName?: string } | undefined)?.cachedResultName)
		.filter((name): name is string => typeof name === 'string');
}

/**
 * Workflows ordered so that each comes after every workflow it calls (a sub-workflow may call another: a sync's usage
 * sub-workflow publishes to the Event Router, which hands customers to the marketing template), so importing them in
 * this order can point every Execute Workflow node at an id. Calls to workflows not in the list are left alone.
 */
export function inCallOrder<T>(entries: T[], workflowOf: (entry: T) => WorkflowJson): T[] {
	const byName = new Map(entries.map((entry) => [workflowOf(entry).name, entry]));
	const ordered: T[] = [];
	const visiting = new Set<T>();
	const visit = (entry: T) => {
		if (ordered.includes(entry) || visiting.has(entry)) return;
		visiting.add(entry);
		for (const name of calledWorkflows(workflowOf(entry))) {
			const callee = byName.get(name);
			if (callee) visit(callee);
		}
		ordered.push(entry);
	};
	entries.forEach(visit);
	return ordered;
}
