import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { OrderInputError, type OrderEvent } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { parseJsonParameter } from '../../shared/jsonParameter';
import { orderIntake, orderProperties } from './orders';
import { storeIds } from './properties';

export const description: INodeProperties[] = [
	...orderProperties('recordOrder', {
		orderId: 'With the source store, what makes an order recorded once however often it is delivered',
		sourceStore: `The store where the order was placed (${storeIds})`,
		lines: 'Array of {lineId, sku, quantity}: text ids and SKUs, whole quantities above 0',
	}),
];

/**
 * Records each incoming order (the whole item, keyed by Order ID and Source Store) with its steps to do, before the
 * workflow answers the caller: orders not seen before → output 0 (New Orders), with `orderKey` and `pendingSteps`;
 * orders recorded earlier (a repeated delivery) → output 1 (Seen Before); an invalid order is an item error naming the field.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const intake = orderIntake(this, store, this.getNodeParameter('resumeAfter', 0) as number);
	const fresh: INodeExecutionData[] = [];
	const seen: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const order: OrderEvent = {
				...(items[item].json as unknown as OrderEvent),
				orderId: this.getNodeParameter('orderId', item) as string,
				sourceStore: this.getNodeParameter('sourceStore', item, '') as string,
				lines: parseJsonParameter<OrderEvent['lines']>(this, this.getNodeParameter('lines', item), 'Line Items', item),
			};
			const { isNew, order: accepted } = await intake.accept(order);
			(isNew ? fresh : seen).push({ json: { ...accepted, duplicate: !isNew } as unknown as IDataObject, pairedItem: { item } });
		} catch (error) {
			if (!(error instanceof OrderInputError) || !this.continueOnFail()) throw toNodeError(this.getNode(), error, item);
			fresh.push({ json: { error: error.message, details: { field: error.field, fields: [...new Set(error.violations.map((violation) => violation.field))] } }, pairedItem: { item } });
		}
	}
	return [fresh, seen];
}
