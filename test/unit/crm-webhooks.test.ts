/**
 * CRM webhook signature checks: genuine deliveries pass; a wrong secret, a changed body or a stale timestamp fail. A signed
 * body that is no event is refused with the reason.
 */
import { createHmac } from 'node:crypto';

import fc from 'fast-check';

import { readWebhookEvent, verifyWebhook, type WebhookRequest } from '../../lib/sync/webhooks';
import { malformedId } from '../support/malformed';

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

/** Freshdesk signs nothing: its automation rule sends the shared secret in a header of the user's choosing (ours). */
function freshdesk(key = secret): WebhookRequest {
	return { method: 'POST', url, rawBody: '{"event":"ticket.created","ticket_id":1}', headers: { 'x-freshdesk-webhook-secret': key } };
}

test.each([
	['hubspot', hubspot()],
	['zendesk', zendesk()],
	['intercom', intercom()],
	['freshdesk', freshdesk()],
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
	['freshdesk', freshdesk('other'), 'X-Freshdesk-Webhook-Secret does not match'],
	['freshdesk', freshdesk(`${secret}x`), 'X-Freshdesk-Webhook-Secret does not match'],
	['freshdesk', { ...freshdesk(), headers: {} }, 'no X-Freshdesk-Webhook-Secret header'],
] as const)('%s: a forged or stale delivery fails (%#)', (source, request, reason) => {
	const check = verifyWebhook(source, request, secret, now);
	expect(check.valid).toBe(false);
	expect(check.valid ? '' : check.reason).toContain(reason);
});

describe('a signed delivery is read as its platform event (issue 21 §7)', () => {
	test.each([
		['hubspot', '[{"objectId":1,"subscriptionType":"contact.creation"}]'],
		['zendesk', '{"ticket":{"id":1}}'],
		['intercom', '{"topic":"contact.created","data":{"item":{"id":"c1"}}}'],
		['freshdesk', '{"event":"ticket.created","ticket_id":42,"status":"Open"}'],
	] as const)('%s: a genuine event is passed on as sent', (source, body) => {
		expect(readWebhookEvent(source, body)).toEqual({ valid: true, event: JSON.parse(body) });
	});

	test.each(['hubspot', 'zendesk', 'intercom', 'freshdesk'] as const)('%s: an empty, non-JSON or malformed body is refused with the reason', (source) => {
		expect(readWebhookEvent(source, '')).toEqual({ valid: false, reason: 'signed, but the body is empty: not an event' });
		fc.assert(
			fc.property(fc.oneof(fc.constantFrom('{', 'null', '42', '"text"', 'true', '[]'), fc.array(fc.integer(), { maxLength: 3 }).map((list) => JSON.stringify(list))), (body) => {
				const check = readWebhookEvent(source, body);
				expect(check).toMatchObject({ valid: false, reason: expect.stringMatching(/^signed, but/) });
			}),
		);
	});

	test('hubspot: an event whose objectId is malformed is refused naming it', () => {
		fc.assert(
			fc.property(malformedId.filter((value) => value !== undefined && !(typeof value === 'number' && Number.isNaN(value))), (objectId) => {
				const check = readWebhookEvent('hubspot', JSON.stringify([{ objectId: 1 }, { objectId }]));
				expect(check).toMatchObject({ valid: false, violations: [{ field: 'body[1].objectId' }] });
			}),
		);
	});
});
