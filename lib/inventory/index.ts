export {
	InventoryFanOut,
	type InventoryFanOutOptions,
	type StoreTarget,
	type StoreOutcome,
	type ApplyResult,
	type ReconcileEntry,
	type ReconcileStatus,
	type OrderCursors,
	type PolledStore,
	type WriteStep,
} from './fanOut';
export { InventoryLedger, type LedgerRow, type LedgerStatus, type WriteIntent } from './ledger';
export { listedQuantity, validateRules, type ChannelRules } from './rules';
export { inventoryMigrations } from './migrations';
export { connectInventoryStores, type InventoryStoreConfig, type ConnectOptions } from './connect';
export { orderMovements, type OrderEvent, type StockMovement } from './movements';
export { orderWebhookSecretField, readOrderWebhook, type OrderWebhookCheck, type OrderWebhookSource } from './webhooks';
export { OrderIntake, OrderInputError, ORDER_STEPS, orderKey, validateOrder, type AcceptedOrder, type OrderIntakeOptions } from './orders';
export { orderInputSchema, orderPayloadSchema, skuListSchema, MOVEMENT_KINDS, type MovementKind } from './inputs';
