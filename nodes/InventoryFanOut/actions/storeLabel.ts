import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Store Label: what lets several nodes keep one catalogue or directory in step (the same name, the same state store),
 * each with its own stores' credentials, since n8n gives a node one credential of each type. Each node's stores are
 * told apart by its label; the runs meet in the state store, and each brings its stores up to what the others agreed.
 */
export function storeLabelProperty(operation: string, collection: string): INodeProperties {
	return {
		displayName: 'Store Label',
		name: 'storeLabel',
		type: 'string',
		default: '',
		placeholder: 'e.g. eu',
		displayOptions: { show: { operation: [operation] } },
		description: `For more stores of a platform than one node holds: give each node of the group the same ${collection} and State Store and a label of its own (letters, digits, - or _), so each node's stores keep their own links. Leave empty with one node, and keep it once set.`,
	};
}

/** The node's store label, checked: letters, digits, - and _ only (it becomes part of each store's id). */
export function readStoreLabel(context: IExecuteFunctions): string {
	const label = context.getNodeParameter('storeLabel', 0, '') as unknown;
	if (typeof label !== 'string' || !/^[A-Za-z0-9_-]*$/.test(label.trim())) {
		throw new NodeOperationError(context.getNode(), `Store Label must be letters, digits, - or _ only, got ${JSON.stringify(label)}`);
	}
	return label.trim();
}
