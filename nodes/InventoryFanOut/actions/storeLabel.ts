import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { listedStoreExamples } from '../../shared/storeLists';

/**
 * Store Label: what lets several nodes keep one catalogue or directory in step (the same name, the same state store),
 * each with its own stores' credentials, since n8n gives a node one credential of each type. Each node's stores are
 * told apart by its label; the runs meet in the state store, and each brings its stores up to what the others agreed.
 */
export function storeLabelProperty(operation: string, collection: string): INodeProperties {
	return labelProperty(
		[operation],
		`For more stores of a platform than one node holds: give each node of the group the same ${collection} and State Store and a label of its own (letters, digits, - or _), so each node's stores keep their own links. Leave empty with one node, and keep it once set.`,
	);
}

function labelProperty(operations: string[], description: string): INodeProperties {
	return { displayName: 'Store Label', name: 'storeLabel', type: 'string', default: '', placeholder: 'e.g. eu', displayOptions: { show: { operation: operations } }, description };
}

/**
 * Stock Group and Store Label: what lets several nodes keep one stock over more stores than one node holds. Every node of
 * the group names the same group (and state store); each store's change is then owed to it whichever node records the
 * order, and each node writes its own stores.
 */
export function stockGroupProperties(operations: string[]): INodeProperties[] {
	return [
		{
			displayName: 'Stock Group',
			name: 'stockGroup',
			type: 'string',
			default: '',
			placeholder: 'e.g. stock',
			displayOptions: { show: { operation: operations } },
			description:
				'For more stores of a platform than one node holds: give every node of the group the same Stock Group and State Store, and each a Store Label of its own. Each order is then owed to every store of the group, and each node writes its own stores. Empty: this node\'s stores only.',
		},
		labelProperty(
			operations,
			'Tells this node\'s stores apart from the other nodes\' of the Stock Group (letters, digits, - or _): its stores are named `<store>@<label>` (also as an order\'s Source Store). Leave empty on one node, and keep it once set.',
		),
		{
			displayName: 'Group Members',
			name: 'groupMembers',
			type: 'string',
			default: '',
			placeholder: `e.g. ${listedStoreExamples('eu', 2)}`,
			displayOptions: { show: { operation: operations } },
			description:
				'The Stock Group\'s stores on other nodes, by name, comma-separated: an order this node records before their node first ran is owed to them all the same (their node writes it on its next Apply or Retry Pending). Empty: a store is owed only the orders recorded after its node first ran.',
		},
	];
}

/** A store's name in a stock group: `shopify`, `shopify-2` or `shopify@eu` (a platform of the node's stores). */
const GROUP_MEMBER = /^([a-z0-9]+)(-2)?(@[A-Za-z0-9_-]+)?$/;

/** The stores of other nodes of the group declared on this node, each checked by name; an error names the entry. */
export function readGroupMembers(context: IExecuteFunctions, platforms: string[], group: string | undefined): string[] {
	const value = context.getNodeParameter('groupMembers', 0, '') as unknown;
	if (typeof value !== 'string') throw new NodeOperationError(context.getNode(), `Group Members must be text (store names, comma-separated), got ${JSON.stringify(value)}`);
	const members = value.split(',').map((member) => member.trim()).filter(Boolean);
	members.forEach((member, index) => {
		const platform = GROUP_MEMBER.exec(member)?.[1];
		if (platform === undefined || !platforms.includes(platform)) {
			throw new NodeOperationError(context.getNode(), `Group Members[${index}] "${member}" is not a store name: <platform>, <platform>-2 or <platform>@<label>, the platform one of ${platforms.join(', ')}`);
		}
	});
	if (members.length > 0 && group === undefined) throw new NodeOperationError(context.getNode(), 'Group Members are set without a Stock Group: name the group too');
	return members;
}

/** The node's stock group, trimmed; undefined when empty (the node's stores only). */
export function readStockGroup(context: IExecuteFunctions): string | undefined {
	const group = context.getNodeParameter('stockGroup', 0, '') as unknown;
	if (typeof group !== 'string') throw new NodeOperationError(context.getNode(), `Stock Group must be text, got ${JSON.stringify(group)}`);
	return group.trim() || undefined;
}

/** The node's store label, checked: letters, digits, - and _ only (it becomes part of each store's id). */
export function readStoreLabel(context: IExecuteFunctions): string {
	const label = context.getNodeParameter('storeLabel', 0, '') as unknown;
	if (typeof label !== 'string' || !/^[A-Za-z0-9_-]*$/.test(label.trim())) {
		throw new NodeOperationError(context.getNode(), `Store Label must be letters, digits, - or _ only, got ${JSON.stringify(label)}`);
	}
	return label.trim();
}
