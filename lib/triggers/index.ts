export {
	existingHook,
	orderWebhookScheme,
	paymentWebhookScheme,
	receiveDelivery,
	registerHook,
	removeHook,
	type Delivery,
	type DeliveryOutcome,
	type HookRegistration,
	type TriggerEvent,
} from './webhookTrigger';
export { firstDelivery, DELIVERY_MEMORY_DAYS } from './deliveries';
export { triggerMigrations } from './migrations';
export { ORDER_EVENTS, PAYMENT_EVENTS, type OrderEventKind, type PaymentEventKind, type HeaderReader, type WebhookScheme } from '../platforms/webhookSchemes';
