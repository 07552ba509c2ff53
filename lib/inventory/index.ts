import { platformDefinition } from '../platforms/catalog';
import type { CredentialValues } from '../platforms/definition';
import { parseSettings } from '../platforms/settings';
import type { EngineContext } from '../platforms/resolver';
import { InventoryFanOut, type InventoryFanOutOptions, type StoreTarget } from './fanOut';
import { InventoryLedger } from './ledger';
import { OrderIntake, type OrderIntakeOptions } from './orders';
import type { ChannelRules } from './rules';

export {
	InventoryFanOut,
	type InventoryFanOutOptions,
	type StoreTarget,
	type StoreOutcome,
	type ApplyResult,
	type ReturnResult,
	type ReconcileEntry,
	type ReconcileStatus,
	type OrderCursors,
	type PolledStore,
	type WriteStep,
} from './fanOut';
export { InventoryLedger, WHOLE_ORDER, returnLineId, type LedgerRow, type LedgerStatus, type ReturnLine, type ReturnLineStatus, type ReturnRequest, type WriteIntent } from './ledger';
export { listedQuantity, validateRules, type ChannelRules } from './rules';
export { inventoryMigrations } from './migrations';
export { orderMovements, type OrderEvent, type StockMovement } from './movements';
export { listedOrderWebhooks, orderWebhookSecretField, readOrderWebhook, type ListedOrderStore, type OrderWebhookCheck, type OrderWebhookSource } from './webhooks';
export { OrderIntake, OrderInputError, ORDER_STEPS, orderKey, validateOrder, type AcceptedOrder, type OrderIntakeOptions } from './orders';
export { latestStoreOrders, newOrders, orderPollPlatforms, pollStoreOrders, pollStores, readOrderPollCursor, type OrderPollCursor, type OrderPollResult, type OrderPollStart, type PolledOrderStore, type StoresPollResult } from './orderPoll';
export type { StoreOrder } from '../platforms/inventory';
export { orderInputSchema, orderPayloadSchema, repeatedLines, returnInputSchema, skuListSchema, MOVEMENT_KINDS, type MovementKind } from './inputs';

/** One store the fan-out writes to: its platform, its id where a platform has several, its channel rules. */
export interface InventoryStoreSelection {
	platform: string;
	/** The store's id (its account for the platform resolver, its key in the ledger); the platform id by default. */
	id?: string;
	enabled?: boolean;
	rules?: ChannelRules;
	/** Setting values chosen for this run in place of the credential's (a location picked on the node). */
	settings?: CredentialValues;
}

/** The inventory capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openInventory({ store, platforms }: EngineContext) {
	const stores = (selection: InventoryStoreSelection[]): Promise<StoreTarget[]> =>
		Promise.all(
			selection.map(async ({ platform, id = platform, enabled, rules, settings: chosen }) => {
				const definition = platformDefinition(platform);
				if (!definition.inventory) throw new Error(`${definition.displayName} has no inventory connector`);
				const { transport, settings } = await platforms.connect(platform, { account: id });
				const effective = chosen ? parseSettings(definition, { ...settings, ...chosen }) : settings;
				return { id, enabled, rules, connector: definition.inventory.connector(transport, effective) };
			}),
		);
	return {
		/** Each selected store's connector, through the platform resolver. */
		stores,
		/** The fan-out engine over the selected stores; in a stock group, its stores have joined the group. */
		fanOut: async (selection: InventoryStoreSelection[], options: Omit<InventoryFanOutOptions, 'db' | 'stores'> = {}): Promise<InventoryFanOut> => {
			const fanOut = new InventoryFanOut({ ...options, db: store.db, stores: await stores(selection) });
			await fanOut.joinGroup();
			return fanOut;
		},
		/** Orders recorded before their webhook is answered, with their steps, on the store's outbox; the ledger decides the stock step. */
		orderIntake: (options: Omit<OrderIntakeOptions, 'ledger'> = {}): OrderIntake => new OrderIntake(store.outbox, { ...options, ledger: new InventoryLedger(store.db) }),
	};
}

export type Inventory = ReturnType<typeof openInventory>;
