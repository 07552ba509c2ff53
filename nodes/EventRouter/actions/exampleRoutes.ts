/** The Event Router node's example configuration (its parameters' defaults): customer events to the analytics side, orders to operations. */
import type { DestinationSpec, RuleSpec } from '../../../lib/routing';

export const exampleRules: RuleSpec[] = [
	{
		id: 'customer-events',
		description: 'Customer events from CRM, support and billing to analytics, marketing and the data warehouse',
		sources: ['crm', 'support', 'billing'],
		eventTypes: ['customer.*'],
		destinations: ['analytics', 'marketing', 'data-warehouse'],
	},
	{
		id: 'order-events',
		description: 'Order events from the shop to fulfillment, accounting and inventory',
		sources: ['ecommerce'],
		eventTypes: ['order.*'],
		destinations: ['fulfillment', 'accounting', 'inventory'],
	},
];

export const exampleDestinationIds = ['analytics', 'marketing', 'data-warehouse', 'fulfillment', 'accounting', 'inventory'];

/** Webhook destinations at `<baseUrl>/<id>/events` (the receivers sandbox serves exactly these paths). */
export function exampleDestinations(urlFor: (id: string) => string = (id) => `https://${id}.example.com/events`): DestinationSpec[] {
	return exampleDestinationIds.map((id) => ({ id, kind: 'webhook', url: urlFor(id), timeoutMs: 10_000, circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 } }));
}
