export {
	crmWebhookScheme,
	eventTopic,
	eventTopics,
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
export { sendingStore, storesByIdentity, type HookStore } from '../platforms/sendingStore';
export { triggerMigrations } from './migrations';
export {
	CRM_EVENTS,
	credentialSecretField,
	ORDER_EVENTS,
	PAYMENT_EVENTS,
	registersThroughApi,
	type AppWebhookScheme,
	type CrmEventKind,
	type OrderEventKind,
	type PaymentEventKind,
	type HeaderReader,
	type WebhookReceiver,
	type WebhookScheme,
} from '../platforms/webhookSchemes';
