import { verifyBodyHmac } from '../inventory';
import { idText, ignoreNotFound, siteOf, type OrderWebhookScheme, type VendorHook } from '../webhookSchemes';

interface ShopifyWebhook {
	id: number;
	topic: string;
	address: string;
}

/**
 * Shopify's REST webhook subscriptions (`/webhooks.json`), signed with the app's client secret:
 * X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(secret, raw body)); X-Shopify-Webhook-Id names the event (the same on a
 * redelivery, and Shopify does redeliver).
 */
export const shopifyOrderWebhooks: OrderWebhookScheme = {
	platform: 'shopify',
	setupNotice: "Shopify signs its webhooks with the app's client secret: set it as Webhook Secret in the credential, or every delivery is refused",
	events: {
		created: { topic: 'orders/create' },
		updated: { topic: 'orders/updated' },
		cancelled: { topic: 'orders/cancelled' },
		refunded: { topic: 'refunds/create' },
	},
	secretFrom: 'credential',
	signatureHeader: 'X-Shopify-Hmac-Sha256',
	async list(transport, topic) {
		const body = await transport.request<{ webhooks?: ShopifyWebhook[] }>({ method: 'GET', url: '/webhooks.json', qs: { topic } });
		return (body.webhooks ?? []).map((hook): VendorHook => ({ id: String(hook.id), url: hook.address, topic: hook.topic }));
	},
	async create(transport, { url, topic }) {
		const body = await transport.request<{ webhook: ShopifyWebhook }>({ method: 'POST', url: '/webhooks.json', body: { webhook: { topic, address: url, format: 'json' } } });
		return { id: String(body.webhook.id) };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/webhooks/${encodeURIComponent(id)}.json` }).catch(ignoreNotFound);
	},
	verify: ({ header, rawBody }, secret) => verifyBodyHmac(header, 'x-shopify-hmac-sha256', rawBody, secret),
	deliveryId: (header) => header('x-shopify-webhook-id'),
	// The shop's myshopify.com host, which its Admin API URL is on.
	sendingStore: {
		carriedIn: 'X-Shopify-Shop-Domain',
		ofDelivery: (header) => header('x-shopify-shop-domain')?.trim().toLowerCase() || undefined,
		ofStore: (baseUrl) => siteOf(baseUrl)?.split('/')[0],
	},
	orderSummary: (payload) => ({ customerEmail: payload.email, total: payload.total_price, createdAt: payload.created_at }),
	topic: (header) => header('x-shopify-topic'),
	// A refund names its order in order_id; the order topics send the order itself (an id past 2^53 cannot be read
	// exactly from JSON: its GraphQL id then names it).
	subjectId: (payload) => idText(payload.order_id) ?? idText(payload.id) ?? idText(payload.admin_graphql_api_id),
};
