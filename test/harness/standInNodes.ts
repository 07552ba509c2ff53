/**
 * Stand-ins for the few n8n-nodes-base nodes that templates start with. n8n-nodes-base itself cannot be a dev
 * dependency here: it depends on @confluentinc/kafka-javascript (whose install downloads from the internet) and
 * isolated-vm. Each stand-in behaves like the original where the in-process harness reaches it:
 * triggers emit one empty item in manual mode and pass seeded items through otherwise; NoOp passes items on, and so
 * do Respond to Webhook, Send Email and HTTP Request (there is no caller, mailbox or receiver in-process: the e2e tests
 * check those), and so does Execute Workflow (no other workflow is there); Set builds each item from its JSON Output.
 */
import type { IExecuteFunctions, INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

function describe(name: string, displayName: string, isTrigger: boolean): INodeTypeDescription {
	return {
		displayName,
		name,
		group: [isTrigger ? 'trigger' : 'transform'],
		version: 1,
		description: `${displayName} (in-process stand-in)`,
		defaults: { name: displayName },
		inputs: isTrigger ? [] : ['main'],
		outputs: ['main'],
		properties: [],
	};
}

/** Manual-mode behaviour of n8n's Manual Trigger and Schedule Trigger: emit a single item. */
class EmittingTrigger implements INodeType {
	constructor(readonly description: INodeTypeDescription) {}

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const manualTriggerFunction = async () => this.emit([this.helpers.returnJsonArray([{}])]);
		return { manualTriggerFunction };
	}
}

/** n8n's Webhook node never executes: the engine passes the request items (seeded by the harness) through. */
class WebhookStandIn implements INodeType {
	readonly description = describe('webhook', 'Webhook', true);

	async webhook() {
		return {};
	}
}

class PassThroughStandIn implements INodeType {
	constructor(readonly description: INodeTypeDescription) {}

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** A note on the canvas: never executed. */
class StickyNoteStandIn implements INodeType {
	readonly description: INodeTypeDescription = { ...describe('stickyNote', 'Sticky Note', false), inputs: [], outputs: [] };
}

class NoOpStandIn implements INodeType {
	readonly description = describe('noOp', 'No Operation, do nothing', false);

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/**
 * n8n's If node (v2) for the conditions templates use: boolean ones ("is true" / "is false") joined by "and"; items
 * that meet them leave on true (output 0), the others on false (output 1). Any other operator fails loudly.
 */
class IfStandIn implements INodeType {
	readonly description: INodeTypeDescription = { ...describe('if', 'If', false), version: [2, 2.1, 2.2], outputs: ['main', 'main'],
		// Declared so n8n keeps the template's conditions on the node (undeclared parameters are dropped).
		properties: [{ displayName: 'Conditions', name: 'conditions', type: 'json', default: {} }],
	};

	async execute(this: IExecuteFunctions) {
		const branches: Array<ReturnType<IExecuteFunctions['getInputData']>> = [[], []];
		this.getInputData().forEach((item, index) => {
			// Resolved for this item: each leftValue expression is its value.
			const { conditions } = this.getNodeParameter('conditions', index) as { conditions: Array<{ leftValue: unknown; operator: { type: string; operation: string } }> };
			const met = conditions.every(({ leftValue, operator }) => {
				if (operator.type !== 'boolean' || !['true', 'false'].includes(operator.operation)) throw new Error(`If stand-in: operator ${operator.type} ${operator.operation} is not supported`);
				return (leftValue === true) === (operator.operation === 'true');
			});
			branches[met ? 0 : 1].push(item);
		});
		return branches;
	}
}

/**
 * n8n's Split Out (v1) as templates use it: one item per element of the list at `fieldToSplitOut` (a dotted path), the
 * element as the item when it is an object, each paired with the item it came from. Other options fail loudly.
 */
class SplitOutStandIn implements INodeType {
	readonly description: INodeTypeDescription = { ...describe('splitOut', 'Split Out', false),
		properties: [
			{ displayName: 'Field To Split Out', name: 'fieldToSplitOut', type: 'string', default: '' },
			{ displayName: 'Options', name: 'options', type: 'json', default: {} },
		],
	};

	async execute(this: IExecuteFunctions) {
		return [
			this.getInputData().flatMap((item, index) => {
				const field = this.getNodeParameter('fieldToSplitOut', index) as string;
				if (Object.keys((this.getNodeParameter('options', index, {}) as object) ?? {}).length > 0) throw new Error('Split Out stand-in: options are not supported');
				const list = field.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], item.json);
				return (Array.isArray(list) ? list : []).map((element) => ({
					json: typeof element === 'object' && element !== null && !Array.isArray(element) ? (element as Record<string, never>) : { [field]: element as never },
					pairedItem: { item: index },
				}));
			}),
		];
	}
}

/** n8n's Execute Workflow Trigger: the items the calling workflow sent (seeded by the harness) go on unchanged. */
class ExecuteWorkflowTriggerStandIn implements INodeType {
	readonly description: INodeTypeDescription = { ...describe('executeWorkflowTrigger', 'Execute Workflow Trigger', true), version: [1, 1.1] };

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** n8n's Set node (v3) in the raw mode templates use: each item becomes the JSON object its JSON Output expression gives. */
class SetStandIn implements INodeType {
	readonly description: INodeTypeDescription = {
		...describe('set', 'Edit Fields (Set)', false),
		version: [3, 3.1, 3.2, 3.3, 3.4],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'raw' },
			{ displayName: 'JSON Output', name: 'jsonOutput', type: 'json', default: '{}' },
		],
	};

	async execute(this: IExecuteFunctions) {
		return [
			this.getInputData().map((_, index) => {
				if (this.getNodeParameter('mode', index) !== 'raw') throw new Error('Set stand-in: only the raw (JSON) mode is supported');
				const output = this.getNodeParameter('jsonOutput', index);
				return { json: typeof output === 'string' ? JSON.parse(output) : output, pairedItem: { item: index } };
			}),
		];
	}
}

export const standInNodeTypes: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': new EmittingTrigger(describe('manualTrigger', 'Manual Trigger', true)),
	'n8n-nodes-base.scheduleTrigger': new EmittingTrigger(describe('scheduleTrigger', 'Schedule Trigger', true)),
	'n8n-nodes-base.webhook': new WebhookStandIn(),
	'n8n-nodes-base.noOp': new NoOpStandIn(),
	'n8n-nodes-base.if': new IfStandIn(),
	'n8n-nodes-base.splitOut': new SplitOutStandIn(),
	'n8n-nodes-base.respondToWebhook': new PassThroughStandIn(describe('respondToWebhook', 'Respond to Webhook', false)),
	// Calls out of n8n (an email, a receiver's API): the e2e tests check what arrives; in-process the items go on.
	'n8n-nodes-base.emailSend': new PassThroughStandIn(describe('emailSend', 'Send Email', false)),
	'n8n-nodes-base.httpRequest': new PassThroughStandIn(describe('httpRequest', 'HTTP Request', false)),
	// Another workflow (the Event Router, a sub-workflow): not there in-process; the e2e tests run the chain.
	'n8n-nodes-base.executeWorkflow': new PassThroughStandIn({ ...describe('executeWorkflow', 'Execute Workflow', false), version: [1, 1.1, 1.2] }),
	'n8n-nodes-base.executeWorkflowTrigger': new ExecuteWorkflowTriggerStandIn(),
	'n8n-nodes-base.set': new SetStandIn(),
	'n8n-nodes-base.stickyNote': new StickyNoteStandIn(),
};
