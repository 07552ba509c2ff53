/** Signature checks for the CRM and support platforms' webhooks (PLATFORMS.md), on the raw request body. */
import { describeViolations, id, listOf, nonEmptyString, object, shape, type InputViolation, type Rule } from '../records/inputSchema';
import { hmacBase64, hmacHex, safeEqual } from '../transport/signatures';

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

export type WebhookSource = 'hubspot' | 'zendesk' | 'intercom';

export interface WebhookRequest {
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	rawBody: string;
	method: string;
	/** The public URL the vendor sent to, exactly as registered (HubSpot signs it). */
	url: string;
}

const MAX_AGE_MS = 5 * 60 * 1000;

/** HubSpot v3: base64(HMAC-SHA256(client secret, method + uri + body + timestamp)), timestamp (ms) at most 5 minutes old. */
export function verifyHubSpotV3(request: WebhookRequest, clientSecret: string, nowMs: number): SignatureCheck {
	const signature = request.headers['x-hubspot-signature-v3'];
	const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
	if (!signature) return { valid: false, reason: 'no X-HubSpot-Signature-v3 header' };
	if (!Number.isFinite(timestamp) || Math.abs(nowMs - timestamp) > MAX_AGE_MS) return { valid: false, reason: 'X-HubSpot-Request-Timestamp missing or older than 5 minutes' };
	const expected = hmacBase64(clientSecret, `${request.method.toUpperCase()}${request.url}${request.rawBody}${timestamp}`);
	return safeEqual(signature, expected) ? { valid: true } : { valid: false, reason: 'X-HubSpot-Signature-v3 does not match' };
}

/** Zendesk: base64(HMAC-SHA256(signing secret, timestamp + body)) with X-Zendesk-Webhook-Signature-Timestamp. */
export function verifyZendesk(request: WebhookRequest, secret: string, nowMs: number): SignatureCheck {
	const signature = request.headers['x-zendesk-webhook-signature'];
	const timestamp = request.headers['x-zendesk-webhook-signature-timestamp'];
	if (!signature || !timestamp) return { valid: false, reason: 'no X-Zendesk-Webhook-Signature(-Timestamp) header' };
	const sentAt = Date.parse(timestamp);
	if (!Number.isNaN(sentAt) && Math.abs(nowMs - sentAt) > MAX_AGE_MS) return { valid: false, reason: 'X-Zendesk-Webhook-Signature-Timestamp older than 5 minutes' };
	const expected = hmacBase64(secret, `${timestamp}${request.rawBody}`);
	return safeEqual(signature, expected) ? { valid: true } : { valid: false, reason: 'X-Zendesk-Webhook-Signature does not match' };
}

/** Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>`. */
export function verifyIntercom(request: WebhookRequest, clientSecret: string): SignatureCheck {
	const header = request.headers['x-hub-signature'];
	if (!header?.startsWith('sha1=')) return { valid: false, reason: 'no X-Hub-Signature sha1= header' };
	const expected = hmacHex(clientSecret, request.rawBody, 'sha1');
	return safeEqual(header.slice(5), expected) ? { valid: true } : { valid: false, reason: 'X-Hub-Signature does not match' };
}

export function verifyWebhook(source: WebhookSource, request: WebhookRequest, secret: string, nowMs: number): SignatureCheck {
	if (source === 'hubspot') return verifyHubSpotV3(request, secret, nowMs);
	if (source === 'zendesk') return verifyZendesk(request, secret, nowMs);
	return verifyIntercom(request, secret);
}

/** What each platform's webhook body is: HubSpot a list of events each naming its object, Intercom a notification. */
const EVENT_BODIES: Record<WebhookSource, Rule<unknown>> = {
	hubspot: listOf(shape({ objectId: id() }, 'an event {objectId, …}'), { nonEmpty: true }),
	zendesk: object(),
	intercom: shape({ topic: nonEmptyString(), data: object() }, 'a notification {topic, data}'),
};

export type WebhookEventCheck = { valid: true; event: unknown } | { valid: false; reason: string; violations?: InputViolation[] };

/**
 * The event of a delivery whose signature held, read from its raw body: an empty body, one that is not JSON, or one
 * that is not the platform's event is refused with the reason, never passed on as `{}`.
 */
export function readWebhookEvent(source: WebhookSource, rawBody: string): WebhookEventCheck {
	if (rawBody.trim() === '') return { valid: false, reason: 'signed, but the body is empty: not an event' };
	let body: unknown;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return { valid: false, reason: 'signed, but the body is not JSON' };
	}
	const { violations } = EVENT_BODIES[source].check(body, 'body');
	if (violations) return { valid: false, reason: `signed, but not a ${source} event: ${describeViolations(violations)}`, violations };
	return { valid: true, event: body };
}
