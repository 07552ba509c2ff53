import { safeEqual } from '../../transport/signatures';
import { idText, ignoreNotFound, verdict, type OrderWebhookScheme } from '../webhookSchemes';

interface BigCommerceHook {
	id: number;
	scope: string;
	destination: string;
}

/** The custom header BigCommerce sends back on every delivery of a hook created with it. */
export const BIGCOMMERCE_SECRET_HEADER = 'x-integration-webhook-secret';

/** BigCommerce's order status id for Cancelled (store/order/statusUpdated carries the new one). */
const CANCELLED_STATUS_ID = 5;

interface OrderData {
	id?: unknown;
	status?: { new_status_id?: unknown };
}

const orderData = (payload: Record<string, unknown>): OrderData => (typeof payload.data === 'object' && payload.data !== null ? (payload.data as OrderData) : {});

/**
 * BigCommerce v3 hooks (`/hooks`). BigCommerce signs nothing: a hook is created with custom `headers`, which every
 * delivery carries, so each hook gets a secret header of its own, compared in constant time. The payload's `hash`
 * names the event (the same on a retry).
 */
export const bigCommerceOrderWebhooks: OrderWebhookScheme = {
	platform: 'bigcommerce',
	events: {
		created: { topic: 'store/order/created' },
		updated: { topic: 'store/order/updated' },
		cancelled: { topic: 'store/order/statusUpdated', matches: (payload) => orderData(payload).status?.new_status_id === CANCELLED_STATUS_ID },
		refunded: { topic: 'store/order/refund/created' },
	},
	secretFrom: 'registration',
	async list(transport, topic) {
		const body = await transport.request<{ data?: BigCommerceHook[] }>({ method: 'GET', url: '/hooks', qs: { scope: topic } });
		return (body.data ?? []).map((hook) => ({ id: String(hook.id), url: hook.destination, topic: hook.scope }));
	},
	async create(transport, { url, topic, secret }) {
		const body = await transport.request<{ data: BigCommerceHook }>({
			method: 'POST',
			url: '/hooks',
			body: { scope: topic, destination: url, is_active: true, headers: { [BIGCOMMERCE_SECRET_HEADER]: secret } },
		});
		return { id: String(body.data.id) };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/hooks/${encodeURIComponent(id)}` }).catch(ignoreNotFound);
	},
	verify: ({ header }, secret) => {
		const presented = header(BIGCOMMERCE_SECRET_HEADER);
		if (presented === undefined) return { valid: false, reason: `missing ${BIGCOMMERCE_SECRET_HEADER} header` };
		return verdict(secret !== '' && safeEqual(presented, secret), `${BIGCOMMERCE_SECRET_HEADER} does not match the webhook's secret`);
	},
	deliveryId: (_header, payload) => idText(payload.hash),
	// `stores/{store_hash}`, the hash its API URL carries (`/stores/{store_hash}/v3`).
	sendingStore: {
		carriedIn: 'producer',
		ofDelivery: (_header, payload) => (typeof payload?.producer === 'string' ? /^stores\/([^/]+)$/.exec(payload.producer)?.[1] : undefined),
		ofStore: (baseUrl) => /\/stores\/([^/]+)/.exec(baseUrl)?.[1],
	},
	topic: (_header, payload) => (typeof payload.scope === 'string' ? payload.scope : undefined),
	subjectId: (payload) => idText(orderData(payload).id),
};
