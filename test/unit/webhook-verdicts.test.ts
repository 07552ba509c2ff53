/**
 * One signature check per vendor: the scheme in the vendor's folder says why a delivery is refused, the capabilities'
 * Verify operations find it through the catalog, and the secret's credential field comes from the declaration.
 */
import { createHmac } from 'node:crypto';

import { orderWebhookSecretField, readOrderWebhook } from '../../lib/inventory';
import { paymentWebhookSecretField, verifyPaymentEvent } from '../../lib/payments';
import { BIGCOMMERCE_SECRET_HEADER } from '../../lib/platforms/bigcommerce/orderWebhooks';
import { platformDefinition } from '../../lib/platforms/catalog';
import { headerReader, verifyLocally } from '../../lib/platforms/webhookSchemes';
import { verifyWebhook, webhookSecretField } from '../../lib/sync/webhooks';

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
	expect(['hubspot', 'intercom', 'zendesk'].map(webhookSecretField)).toEqual(['clientSecret', 'clientSecret', 'webhookSecret']);
	expect(['stripe', 'square'].map(paymentWebhookSecretField)).toEqual(['webhookSecret', 'webhookSecret']);
	expect(['shopify', 'woocommerce'].map(orderWebhookSecretField)).toEqual(['webhookSecret', 'webhookSecret']);
});

test('a signed order body that is JSON but no object is refused as no order, not a crash', () => {
	const signature = createHmac('sha256', 'shh').update('null').digest('base64');
	expect(readOrderWebhook('shopify', { 'X-Shopify-Hmac-Sha256': signature }, 'null', 'shh')).toMatchObject({ valid: false, signed: true, reason: expect.stringMatching(/^not a valid order: /) });
});
