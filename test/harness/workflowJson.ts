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

/** Points every node's reference to a credential type in `idsByType` at that id. */
export function withCredentialIds(workflow: WorkflowJson, idsByType: Record<string, string>): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const credentials = Object.fromEntries(
				Object.entries(node.credentials).map(([type, reference]) => [type, type in idsByType ? { id: idsByType[type], name: reference.name } : reference]),
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
