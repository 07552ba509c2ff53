export {
	existingOrderHook,
	orderWebhookScheme,
	receiveOrderDelivery,
	registerOrderHook,
	removeOrderHook,
	type OrderDelivery,
	type OrderDeliveryOutcome,
	type OrderHookRegistration,
	type OrderTriggerEvent,
} from './orderTrigger';
export { firstDelivery } from './deliveries';
export { triggerMigrations } from './migrations';
export { ORDER_EVENTS, type OrderEventKind, type HeaderReader } from '../platforms/orderWebhooks';
