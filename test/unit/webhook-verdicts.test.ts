/**
 * One signature check per vendor: the scheme in the vendor's folder says why a delivery is refused, the capabilities'
 * Verify operations find it through the catalog, and the secret's credential field comes from the declaration.
 */
import { createHmac } from 'node:crypto';

import { orderWebhookSecretField, readOrderWebhook } from '../../lib/inventory';
import { paymentWebhookSecretField, verifyPaymentEvent } from '../../lib/payments';
import { BIGCOMMERCE_SECRET_HEADER } from '../../lib/platforms/bigcommerce/orderWebhooks';
import { platformDefinition, verifiableWebhookSources } from '../../lib/platforms/catalog';
import { headerReader, verifyLocally } from '../../lib/platforms/webhookSchemes';
import { verifyWebhook, webhookSecretField } from '../../lib/sync/webhooks';
import * as verifyWebhookOperation from '../../nodes/CrmSync/actions/verifyWebhook.operation';
import * as verifyOrderOperation from '../../nodes/InventoryFanOut/actions/verifyOrder.operation';
import * as verifyEventOperation from '../../nodes/SmartPaymentRouter/actions/verifyEvent.operation';

const now = Date.parse('2026-11-27T12:00:00Z');

function delivery(headers: Record<string, string>, body = '{}') {
	return { header: headerReader(headers), rawBody: Buffer.from(body), url: 'https://n8n.example.com/webhook/x', nowMs: now };
}

test("a trigger's scheme gives the same reason as the Verify operation", () => {
	const hubspot = platformDefinition('hubspot').crmWebhooks;
	if (!hubspot) throw new Error('hubspot declares no CRM webhooks');
	const request = { method: 'POST', url: 'https://n8n.example.com/webhook/x', rawBody: '{}', headers: {} };
	expect(verifyLocally(hubspot, delivery({}), 'shh')).toEqual({ valid: false, reason: 'no X-HubSpot-Signature-v3 header' });
	expect(verifyWebhook('hubspot', request, 'shh', now)).toEqual({ valid: false, reason: 'no X-HubSpot-Signature-v3 header' });
});

test('BigCommerce, verified by the trigger only, names the missing or wrong secret header', () => {
	const bigcommerce = platformDefinition('bigcommerce').orderWebhooks;
	if (!bigcommerce) throw new Error('bigcommerce declares no order webhooks');
	expect(verifyLocally(bigcommerce, delivery({}), 'shh')).toEqual({ valid: false, reason: `missing ${BIGCOMMERCE_SECRET_HEADER} header` });
	expect(verifyLocally(bigcommerce, delivery({ [BIGCOMMERCE_SECRET_HEADER]: 'other' }), 'shh')).toEqual({ valid: false, reason: `${BIGCOMMERCE_SECRET_HEADER} does not match the webhook's secret` });
	expect(verifyLocally(bigcommerce, delivery({ [BIGCOMMERCE_SECRET_HEADER]: 'shh' }), 'shh')).toEqual({ valid: true });
});

test('PayPal verifies through its API: a Verify operation cannot judge it by its bytes and says so', () => {
	expect(() => verifyPaymentEvent('paypal', { headers: {}, rawBody: '{}', nowMs: now }, 'webhook-id')).toThrow(/paypal deliveries are verified through its API/);
});

test('a platform without webhooks of the kind is an error naming it', () => {
	expect(() => verifyPaymentEvent('shopify', { headers: {}, rawBody: '{}', nowMs: now }, 'x')).toThrow('shopify sends no payment webhooks this package can verify');
	expect(() => readOrderWebhook('stripe', {}, '{}', 'x')).toThrow('stripe sends no order webhooks this package can verify');
	expect(() => webhookSecretField('nowhere')).toThrow(/Unknown platform "nowhere"/);
});

test("the secret's credential field is the declared one", () => {
	expect(['hubspot', 'intercom', 'zendesk', 'freshdesk'].map(webhookSecretField)).toEqual(['clientSecret', 'clientSecret', 'webhookSecret', 'webhookSecret']);
	expect(['stripe', 'square'].map(paymentWebhookSecretField)).toEqual(['webhookSecret', 'webhookSecret']);
	expect(['shopify', 'woocommerce'].map(orderWebhookSecretField)).toEqual(['webhookSecret', 'webhookSecret']);
});

test('a signed order body that is JSON but no object is refused as no order, not a crash', () => {
	const signature = createHmac('sha256', 'shh').update('null').digest('base64');
	expect(readOrderWebhook('shopify', { 'X-Shopify-Hmac-Sha256': signature }, 'null', 'shh')).toMatchObject({ valid: false, signed: true, reason: expect.stringMatching(/^not a valid order: /) });
});

describe('the Verify operations offer the vendors that declare their signature header', () => {
	const kinds = ['crmWebhooks', 'paymentWebhooks', 'orderWebhooks'] as const;

	test.each(kinds)('%s: a delivery without the declared header is refused naming that header', async (kind) => {
		const sources = verifiableWebhookSources(kind);
		expect(sources.length).toBeGreaterThan(0);
		for (const source of sources) {
			const scheme = platformDefinition(source.value)[kind]!;
			const verdict = await scheme.verify(delivery({}), 'secret');
			expect(verdict.valid).toBe(false);
			expect(verdict.valid ? '' : verdict.reason.toLowerCase()).toContain(scheme.signatureHeader!.toLowerCase());
		}
	});

	test('each operation lists exactly those vendors (and, for orders, their store lists), and asks for the URL where the vendor signs it', () => {
		const operations = [
			{ kind: 'crmWebhooks', description: verifyWebhookOperation.description, source: 'webhookSource', url: 'webhookUrl', lists: [] },
			{ kind: 'paymentWebhooks', description: verifyEventOperation.description, source: 'eventSource', url: 'notificationUrl', lists: [] },
			// Their deliveries name the store they come from: one Webhook node can take a whole list's.
			{ kind: 'orderWebhooks', description: verifyOrderOperation.description, source: 'orderSource', url: undefined, lists: ['shopify-list', 'woocommerce-list'] },
		] as const;
		for (const { kind, description, source, url, lists } of operations) {
			const offered = verifiableWebhookSources(kind);
			const list = description.find((property) => property.name === source);
			expect(list?.options).toEqual([...offered.map(({ name, value }) => ({ name, value })), ...lists.map((value) => ({ name: expect.stringMatching(/ \(Store List\)$/), value }))]);
			const urlProperty = description.find((property) => property.name === url);
			expect(urlProperty?.displayOptions?.show?.[source] ?? []).toEqual(offered.filter((option) => option.signsUrl).map((option) => option.value));
		}
		expect(verifiableWebhookSources('crmWebhooks').map((source) => source.value)).toEqual(['freshdesk', 'hubspot', 'intercom', 'zendesk']);
		expect(verifiableWebhookSources('paymentWebhooks').map((source) => source.value)).toEqual(['square', 'stripe']);
		expect(verifiableWebhookSources('orderWebhooks').map((source) => source.value)).toEqual(['shopify', 'woocommerce']);
	});
});
