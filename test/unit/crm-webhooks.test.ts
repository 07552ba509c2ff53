/** CRM webhook signature checks: genuine deliveries pass; a wrong secret, a changed body or a stale timestamp fail. */
import { createHmac } from 'node:crypto';

import { verifyWebhook, type WebhookRequest } from '../../lib/sync/webhooks';

const secret = 'shh';
const rawBody = '[{"objectId":1,"propertyName":"email"}]';
const now = Date.parse('2026-11-27T12:00:00Z');
const url = 'https://n8n.example.com/webhook/crm/hubspot-events';

function hubspot(body = rawBody, timestamp = now, key = secret): WebhookRequest {
	const signature = createHmac('sha256', key).update(`POST${url}${body}${timestamp}`).digest('base64');
	return { method: 'POST', url, rawBody: body, headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) } };
}

function zendesk(body = rawBody, timestamp = '2026-11-27T12:00:00Z', key = secret): WebhookRequest {
	const signature = createHmac('sha256', key).update(`${timestamp}${body}`).digest('base64');
	return { method: 'POST', url, rawBody: body, headers: { 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp } };
}

function intercom(body = rawBody, key = secret): WebhookRequest {
	return { method: 'POST', url, rawBody: body, headers: { 'x-hub-signature': `sha1=${createHmac('sha1', key).update(body).digest('hex')}` } };
}

test.each([
	['hubspot', hubspot()],
	['zendesk', zendesk()],
	['intercom', intercom()],
] as const)('%s: a genuine delivery passes', (source, request) => {
	expect(verifyWebhook(source, request, secret, now)).toEqual({ valid: true });
});

test.each([
	['hubspot', hubspot(rawBody, now, 'other'), 'does not match'],
	['hubspot', { ...hubspot(), rawBody: '[]' }, 'does not match'],
	['hubspot', hubspot(rawBody, now - 6 * 60_000), 'older than 5 minutes'],
	['hubspot', { ...hubspot(), url: 'https://elsewhere.example/webhook' }, 'does not match'],
	['hubspot', { ...hubspot(), headers: {} }, 'no X-HubSpot-Signature-v3'],
	['zendesk', zendesk(rawBody, undefined, 'other'), 'does not match'],
	['zendesk', { ...zendesk(), rawBody: '{}' }, 'does not match'],
	['zendesk', zendesk(rawBody, '2026-11-27T11:50:00Z'), 'older than 5 minutes'],
	['intercom', intercom(rawBody, 'other'), 'does not match'],
	['intercom', { ...intercom(), headers: { 'x-hub-signature': 'sha256=abc' } }, 'no X-Hub-Signature'],
] as const)('%s: a forged or stale delivery fails (%#)', (source, request, reason) => {
	const check = verifyWebhook(source, request, secret, now);
	expect(check.valid).toBe(false);
	expect(check.valid ? '' : check.reason).toContain(reason);
});
