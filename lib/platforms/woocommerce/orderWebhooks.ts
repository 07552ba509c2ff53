import { verifyBodyHmac } from '../inventory';
import { idText, ignoreNotFound, objectAt, siteOf, type OrderWebhookScheme } from '../webhookSchemes';

interface WooWebhook {
	id: number;
	topic: string;
	delivery_url: string;
	status: string;
}

const PAGE_SIZE = 100;

/** WooCommerce has no topic of its own for a cancellation or a refund: both arrive as order.updated with that status. */
const updatedTo = (status: string) => (payload: Record<string, unknown>) => payload.status === status;

/**
 * WooCommerce REST v3 webhooks (`/webhooks`), each with the secret given when it is created:
 * X-WC-Webhook-Signature = base64(HMAC-SHA256(secret, raw body)); X-WC-Webhook-Delivery-ID names the delivery.
 */
export const wooCommerceOrderWebhooks: OrderWebhookScheme = {
	platform: 'woocommerce',
	events: {
		created: { topic: 'order.created' },
		updated: { topic: 'order.updated' },
		cancelled: { topic: 'order.updated', matches: updatedTo('cancelled') },
		refunded: { topic: 'order.updated', matches: updatedTo('refunded') },
	},
	secretFrom: 'registration',
	signatureHeader: 'X-WC-Webhook-Signature',
	async list(transport, topic) {
		const hooks: WooWebhook[] = [];
		for (let page = 1; ; page++) {
			const found = await transport.request<WooWebhook[]>({ method: 'GET', url: '/webhooks', qs: { per_page: PAGE_SIZE, page } });
			hooks.push(...found);
			if (found.length < PAGE_SIZE) break;
		}
		return hooks.filter((hook) => hook.topic === topic).map((hook) => ({ id: String(hook.id), url: hook.delivery_url, topic: hook.topic }));
	},
	async create(transport, { url, topic, secret }) {
		const hook = await transport.request<WooWebhook>({
			method: 'POST',
			url: '/webhooks',
			body: { name: `n8n ${topic}`, topic, delivery_url: url, secret, status: 'active' },
		});
		return { id: String(hook.id) };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/webhooks/${encodeURIComponent(id)}`, qs: { force: true } }).catch(ignoreNotFound);
	},
	verify: ({ header, rawBody }, secret) => verifyBodyHmac(header, 'x-wc-webhook-signature', rawBody, secret),
	deliveryId: (header) => header('x-wc-webhook-delivery-id'),
	// The site's home URL; its REST API is under /wp-json on the same site.
	sendingStore: {
		carriedIn: 'X-WC-Webhook-Source',
		ofDelivery: (header) => siteOf(header('x-wc-webhook-source')),
		ofStore: (baseUrl) => siteOf(baseUrl.replace(/\/wp-json(\/.*)?$/i, '')),
	},
	orderSummary: (payload) => ({
		customerEmail: objectAt(payload, 'billing').email,
		total: payload.total,
		// WooCommerce's *_gmt times are UTC without a zone designator.
		createdAt: typeof payload.date_created_gmt === 'string' && payload.date_created_gmt !== '' ? `${payload.date_created_gmt.replace(/Z$/, '')}Z` : undefined,
	}),
	topic: (header) => header('x-wc-webhook-topic'),
	subjectId: (payload) => idText(payload.id),
};
