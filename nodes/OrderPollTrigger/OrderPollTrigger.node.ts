import { NodeConnectionTypes, type IDataObject, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';

import { latestStoreOrders, openInventory, pollStores, type OrderPollStart, type StoreOrder } from '../../lib/inventory';
import { nodeEngine } from '../shared/engineContext';
import { toNodeError } from '../shared/errors';
import { startFrom } from '../shared/startFrom';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { chosenPlatformSlots } from '../shared/platformCredentials';
import { platformNameOf } from '../shared/subtitle';
import { chosenListSlots, listedStores, listSelection } from '../shared/storeLists';
import { integrationStoreListTest } from '../shared/storeListCredentialTest';
import { namesInSentence } from '../shared/platformOptions';
import { ORDER_POLL_LISTS, ORDER_POLL_PLATFORMS, orderPollTriggerProperties } from './OrderPollTrigger.description';

/** How many orders a manual test run shows when nothing is new. */
const SAMPLE_SIZE = 3;

/**
 * Polls a store that sends no order webhooks (or every store of a list of them) on n8n's schedule and emits each order
 * once per change (its id and modification time). The cursor (the last modification time and the orders seen at it),
 * one per store, is kept in the node's static data; a manual test run never moves it.
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
			...chosenListSlots(ORDER_POLL_LISTS),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...orderPollTriggerProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest, integrationStoreListTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const selection = this.getNodeParameter('platform') as string;
		const listed = listSelection(selection);
		const platform = listed ?? selection;
		const at = startFrom(this);
		const start: OrderPollStart = at ? { from: 'time', at } : { from: 'beginning' };
		const manual = this.getMode() === 'manual';
		const staticData = this.getWorkflowStaticData('node');
		try {
			const entries = listed ? await listedStores(this, platform) : [];
			const stores = await openInventory(await nodeEngine(this, entries)).stores(listed ? entries.map(({ id }) => ({ platform, id })) : [{ platform }]);
			// One store keeps its cursor where it always has; a list keeps one per store, by store id.
			const kept = listed ? ((staticData.cursors as IDataObject | undefined) ?? {}) : { [platform]: staticData.cursor };
			const { orders, cursors, failed } = await pollStores(stores, kept, start);
			for (const { store, error } of failed) this.logger.warn(`Order Poll Trigger: ${store} could not be read (its orders come on a later poll): ${error.message}`);
			// A manual test run shows orders without consuming them.
			if (!manual) {
				if (listed) staticData.cursors = cursors as unknown as IDataObject;
				else if (cursors[platform]) staticData.cursor = cursors[platform] as unknown as IDataObject;
			}
			if (orders.length > 0) return [orders.map(({ store, order }) => ({ json: orderItem(platform, store, order) }))];
			if (!manual) return null;
			// Nothing new: the latest orders, so fields can be mapped; the cursors stay where they are.
			const sample = (await Promise.all(stores.map(async ({ id, connector }) => (await latestStoreOrders(connector, SAMPLE_SIZE)).map((order) => orderItem(platform, id, order))))).flat();
			return sample.length > 0 ? [sample.map((json) => ({ json }))] : null;
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}

/**
 * The item Record Order and Apply Stock Movement take: the order's id, its store (`magento@eu` for a listed store), lines
 * and summary, and the order as sent.
 */
function orderItem(platform: string, store: string, order: StoreOrder): IDataObject {
	const { raw, modifiedAt, ...fields } = order;
	return { platform, sourceStore: store, deliveryId: `${order.orderId}@${modifiedAt}`, ...fields, updatedAt: modifiedAt, order: (raw ?? {}) as IDataObject };
}
