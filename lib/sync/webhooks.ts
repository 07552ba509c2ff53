/** Signature checks for the CRM and support platforms' webhooks (PLATFORMS.md), on the raw request body. */
import { describeViolations, id, listOf, nonEmptyString, object, shape, type InputViolation, type Rule } from '../records/inputSchema';
import { verifyHubSpotSignature } from '../platforms/hubspot/webhook';
import { verifyIntercomSignature } from '../platforms/intercom/webhook';
import type { SignatureCheck } from '../platforms/payments';
import { verifyZendeskSignature } from '../platforms/zendesk/webhook';

export type { SignatureCheck };

export type WebhookSource = 'hubspot' | 'zendesk' | 'intercom';

export interface WebhookRequest {
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	rawBody: string;
	method: string;
	/** The public URL the vendor sent to, exactly as registered (HubSpot signs it). */
	url: string;
}

/** HubSpot v3: base64(HMAC-SHA256(client secret, method + uri + body + timestamp)), timestamp (ms) at most 5 minutes old. */
export function verifyHubSpotV3(request: WebhookRequest, clientSecret: string, nowMs: number): SignatureCheck {
	return verifyHubSpotSignature(headerOf(request), request.method, request.url, request.rawBody, clientSecret, nowMs);
}

/** Zendesk: base64(HMAC-SHA256(signing secret, timestamp + body)) with X-Zendesk-Webhook-Signature-Timestamp. */
export function verifyZendesk(request: WebhookRequest, secret: string, nowMs: number): SignatureCheck {
	return verifyZendeskSignature(headerOf(request), request.rawBody, secret, nowMs);
}

/** Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>`. */
export function verifyIntercom(request: WebhookRequest, clientSecret: string): SignatureCheck {
	return verifyIntercomSignature(headerOf(request), request.rawBody, clientSecret);
}

function headerOf(request: WebhookRequest) {
	return (name: string) => request.headers[name];
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
