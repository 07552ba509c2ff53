import { NodeConnectionTypes, type IDataObject, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';

import { latestStoreOrders, openInventory, pollStoreOrders, readOrderPollCursor, type OrderPollStart, type StoreOrder } from '../../lib/inventory';
import { nodeEngine } from '../shared/engineContext';
import { toNodeError } from '../shared/errors';
import { startFrom } from '../shared/startFrom';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { chosenPlatformSlots } from '../shared/platformCredentials';
import { platformNameOf } from '../shared/subtitle';
import { namesInSentence } from '../shared/platformOptions';
import { ORDER_POLL_PLATFORMS, orderPollTriggerProperties } from './OrderPollTrigger.description';

/** How many orders a manual test run shows when nothing is new. */
const SAMPLE_SIZE = 3;

/**
 * Polls a store that sends no order webhooks on n8n's schedule and emits each order once per change (its id and
 * modification time). The cursor (the last modification time and the orders seen at it) is kept in the node's static
 * data; a manual test run never moves it.
 */
export class OrderPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Order Poll Trigger',
		name: 'orderPollTrigger',
		icon: { light: 'file:orderPollTrigger.svg', dark: 'file:orderPollTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{"Orders on " + ${platformNameOf('platform')}}}`,
		description: `Starts a workflow when an order is created or updated on ${namesInSentence(ORDER_POLL_PLATFORMS.map((platform) => platform.name))}, by polling the store`,
		defaults: { name: 'Order Poll Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...chosenPlatformSlots(ORDER_POLL_PLATFORMS),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...orderPollTriggerProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const platform = this.getNodeParameter('platform') as string;
		const at = startFrom(this);
		const start: OrderPollStart = at ? { from: 'time', at } : { from: 'beginning' };
		const manual = this.getMode() === 'manual';
		const staticData = this.getWorkflowStaticData('node');
		try {
			const [store] = await openInventory(await nodeEngine(this)).stores([{ platform }]);
			const { orders, cursor } = await pollStoreOrders(store.connector, readOrderPollCursor(staticData.cursor), start);
			// A manual test run shows orders without consuming them.
			if (!manual && cursor) staticData.cursor = cursor as unknown as IDataObject;
			if (orders.length > 0) return [orders.map((order) => ({ json: orderItem(platform, order) }))];
			if (!manual) return null;
			// Nothing new: the latest orders, so fields can be mapped; the cursor stays where it is.
			const sample = await latestStoreOrders(store.connector, SAMPLE_SIZE);
			return sample.length > 0 ? [sample.map((order) => ({ json: orderItem(platform, order) }))] : null;
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}

/** The item Record Order and Apply Stock Movement take: the order's id, store, lines and summary, and the order as sent. */
function orderItem(platform: string, order: StoreOrder): IDataObject {
	const { raw, modifiedAt, ...fields } = order;
	return { platform, sourceStore: platform, deliveryId: `${order.orderId}@${modifiedAt}`, ...fields, updatedAt: modifiedAt, order: (raw ?? {}) as IDataObject };
}
