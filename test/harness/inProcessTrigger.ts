/**
 * A trigger node of this package inside this process, driven as n8n drives it: its `webhookMethods` on activation and
 * deactivation through n8n-core's HookContext, a delivery through its WebhookContext (the raw body as n8n keeps it, the
 * answer on a response object), a poll through its PollContext. One workflow (so one node static data) per trigger,
 * kept across calls as n8n keeps it for a published workflow.
 */
import { ExecutionLifecycleHooks, HookContext, PollContext, WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData, INodeType, IWebhookData, IWorkflowExecuteAdditionalData, WorkflowExecuteMode } from 'n8n-workflow';

import { additionalDataFor, loadTypes, withTestCredentialReferences } from './inProcess';
import { InProcessCredentialsHelper } from './inProcessCredentials';
import { repoRoot } from './paths';

export interface TriggerAnswer {
	/** The HTTP status the node answered itself (a refusal), or 200 when n8n would answer. */
	status: number;
	/** What the node answered itself, or its `webhookResponse`. */
	body: unknown;
	/** The items an execution would start with (none when the delivery starts nothing). */
	items: IDataObject[];
}

export interface InProcessTrigger {
	/** n8n's `webhookMethods.default.<method>` on the published workflow. */
	hook(method: 'checkExists' | 'create' | 'delete'): Promise<boolean>;
	/** One POST to the node's webhook: the bytes as sent and their headers. */
	deliver(delivery: { headers: Record<string, string>; body: string }): Promise<TriggerAnswer>;
	/** One poll, as the schedule (`trigger`) or a manual test run does it. */
	poll(mode?: WorkflowExecuteMode): Promise<IDataObject[]>;
	/** The node's static data (registrations, cursors). */
	staticData(): IDataObject;
	/** The node's webhook URL, as registered with the vendors. */
	webhookUrl(): string;
}

/** The node `node` (a trigger of this package) in a workflow of its own, its credentials given as test data by type. */
export async function inProcessTrigger(node: Omit<INode, 'id' | 'position' | 'typeVersion'> & { typeVersion?: number }, credentials: Record<string, Record<string, unknown>>): Promise<InProcessTrigger> {
	const { nodeTypes, credentialTypes } = await loadTypes([repoRoot]);
	const full = { id: 'trigger-node', position: [0, 0], typeVersion: 1, ...node } as INode;
	const workflow = new Workflow({
		id: 'in-process-trigger',
		name: `${node.name} in-process`,
		nodes: withTestCredentialReferences([full], nodeTypes, Object.keys(credentials)),
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
	});
	const triggerNode = workflow.getNode(node.name)!;
	const type = nodeTypes.getByNameAndVersion(triggerNode.type, triggerNode.typeVersion) as INodeType;
	const credentialsHelper = new InProcessCredentialsHelper(credentialTypes, credentials);
	const additionalData = (mode: WorkflowExecuteMode, extra: Partial<IWorkflowExecuteAdditionalData> = {}): IWorkflowExecuteAdditionalData => ({
		...additionalDataFor(new ExecutionLifecycleHooks(mode, 'in-process-trigger', { id: workflow.id, name: workflow.name, nodes: [], connections: {} } as never), credentialsHelper),
		// Nothing listens there: what a vendor sandbox sends to the registered URL is refused at once, and kept in its
		// delivery log for the test to hand to deliver().
		webhookBaseUrl: 'http://127.0.0.1:9/webhook',
		...extra,
	});
	const webhookData = (data: IWorkflowExecuteAdditionalData): IWebhookData => ({
		httpMethod: 'POST',
		node: triggerNode.name,
		path: 'webhook',
		webhookDescription: type.description.webhooks![0],
		workflowId: workflow.id,
		workflowExecuteAdditionalData: data,
		webhookId: triggerNode.webhookId,
	});

	return {
		async hook(method) {
			const data = additionalData('trigger');
			const context = new HookContext(workflow, triggerNode, data, 'trigger', 'activate', webhookData(data));
			return await type.webhookMethods!.default![method]!.call(context);
		},
		async deliver({ headers, body }) {
			let answered: { status: number; body: unknown } | undefined;
			const response = {
				statusCode: 200,
				status(code: number) {
					this.statusCode = code;
					return this;
				},
				json(value: unknown) {
					answered = { status: this.statusCode, body: value };
					return this;
				},
			};
			const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
			const request = { headers: lowerCased, rawBody: Buffer.from(body, 'utf8'), body: JSON.parse(body) as unknown, query: {}, params: {}, method: 'POST' };
			const data = additionalData('webhook', { httpRequest: request, httpResponse: response } as never);
			const context = new WebhookContext(workflow, triggerNode, data, 'webhook', webhookData(data), [], null);
			const result = await type.webhook!.call(context);
			const items = ((result.workflowData?.[0] ?? []) as INodeExecutionData[]).map((item) => item.json);
			if (answered) return { ...answered, items };
			return { status: 200, body: result.webhookResponse, items };
		},
		async poll(mode = 'trigger') {
			const context = new PollContext(workflow, triggerNode, additionalData(mode), mode, 'activate');
			const result = await type.poll!.call(context);
			return (result?.[0] ?? []).map((item) => item.json);
		},
		staticData: () => workflow.getStaticData('node', triggerNode),
		webhookUrl: () => `${additionalData('trigger').webhookBaseUrl}/${triggerNode.webhookId}/webhook`,
	};
}
