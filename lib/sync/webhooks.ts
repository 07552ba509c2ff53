/**
 * The Verify Webhook operation's checks for the CRM and support platforms: each vendor's signature check and event
 * body are declared with its CRM webhooks in its folder (`crmWebhooks`), looked up here in the catalog.
 */
import { platformDefinition } from '../platforms/catalog';
import type { SignatureCheck } from '../platforms/payments';
import { credentialSecretField, headerReader, verifyLocally, type CrmWebhookScheme } from '../platforms/webhookSchemes';
import { describeViolations, type InputViolation } from '../records/inputSchema';

export type { SignatureCheck };

/** The id of a platform whose CRM webhooks can be verified (`hubspot`, `zendesk`, `intercom`). */
export type WebhookSource = string;

export interface WebhookRequest {
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	rawBody: string;
	method: string;
	/** The public URL the vendor sent to, exactly as registered (HubSpot signs it). */
	url: string;
}

function crmWebhooksOf(source: WebhookSource): CrmWebhookScheme {
	const scheme = platformDefinition(source).crmWebhooks;
	if (!scheme) throw new Error(`${source} sends no CRM webhooks this package can verify`);
	return scheme;
}

/** The credential field holding the secret the platform's deliveries are signed with. */
export function webhookSecretField(source: WebhookSource): string {
	return credentialSecretField(crmWebhooksOf(source));
}

/** Whether the delivery was signed with `secret` by the platform, and if not why. */
export function verifyWebhook(source: WebhookSource, request: WebhookRequest, secret: string, nowMs: number): SignatureCheck {
	const { headers, rawBody, method, url } = request;
	return verifyLocally(crmWebhooksOf(source), { header: headerReader(headers), rawBody: Buffer.from(rawBody, 'utf8'), method, url, nowMs }, secret);
}

export type WebhookEventCheck = { valid: true; event: unknown } | { valid: false; reason: string; violations?: InputViolation[] };

/**
 * The event of a delivery whose signature held, read from its raw body: an empty body, one that is not JSON, or one
 * that is not the platform's event is refused with the reason, never passed on as `{}`.
 */
export function readWebhookEvent(source: WebhookSource, rawBody: string): WebhookEventCheck {
	const eventBody = crmWebhooksOf(source).eventBody;
	if (rawBody.trim() === '') return { valid: false, reason: 'signed, but the body is empty: not an event' };
	let body: unknown;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return { valid: false, reason: 'signed, but the body is not JSON' };
	}
	const violations = eventBody?.check(body, 'body').violations;
	if (violations) return { valid: false, reason: `signed, but not a ${source} event: ${describeViolations(violations)}`, violations };
	return { valid: true, event: body };
}
