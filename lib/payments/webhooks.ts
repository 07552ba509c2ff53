/**
 * The Verify Processor Event operation's checks: each processor's signature check and event body are declared with
 * its payment webhooks in its folder (`paymentWebhooks`), looked up here in the catalog.
 */
import { platformDefinition } from '../platforms/catalog';
import { credentialSecretField, headerReader, verifyLocally, type PaymentWebhookScheme } from '../platforms/webhookSchemes';
import { describeViolations, type InputViolation } from '../records/inputSchema';

export type { SignatureCheck } from '../platforms/payments';

/** The id of a processor whose webhook deliveries can be verified (`stripe`, `square`). */
export type PaymentEventSource = string;

export interface PaymentEventDelivery {
	/** The request headers, names in lower case (as n8n's Webhook node gives them). */
	headers: Record<string, string | undefined>;
	rawBody: string;
	/** Square signs the subscription's URL together with the body. */
	notificationUrl?: string;
	nowMs: number;
}

/**
 * A genuine event (`event` parsed from the raw body), or the reason it is refused: a forged one (`signed` false), or a
 * correctly signed body that is no event (empty, not JSON, without its id, type or data; `violations` name the fields).
 */
export type PaymentEventCheck =
	| { valid: true; event: Record<string, unknown> }
	| { valid: false; reason: string; signed: boolean; violations?: InputViolation[] };

function paymentWebhooksOf(source: PaymentEventSource): PaymentWebhookScheme {
	const scheme = platformDefinition(source).paymentWebhooks;
	if (!scheme) throw new Error(`${source} sends no payment webhooks this package can verify`);
	return scheme;
}

/** The credential field holding the secret the processor's deliveries are signed with. */
export function paymentWebhookSecretField(source: PaymentEventSource): string {
	return credentialSecretField(paymentWebhooksOf(source));
}

/** Checks one delivery against its processor's signature scheme, then reads its body. */
export function verifyPaymentEvent(source: PaymentEventSource, delivery: PaymentEventDelivery, secret: string): PaymentEventCheck {
	const scheme = paymentWebhooksOf(source);
	const received = { header: headerReader(delivery.headers), rawBody: Buffer.from(delivery.rawBody, 'utf8'), url: delivery.notificationUrl ?? '', nowMs: delivery.nowMs };
	const signature = verifyLocally(scheme, received, secret);
	if (!signature.valid) return { ...signature, signed: false };
	return readEvent(scheme, delivery.rawBody);
}

function readEvent(scheme: PaymentWebhookScheme, rawBody: string): PaymentEventCheck {
	if (rawBody.trim() === '') return { valid: false, signed: true, reason: 'signed, but the body is empty: not an event' };
	let body: unknown;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return { valid: false, signed: true, reason: 'signed, but the body is not JSON' };
	}
	const violations = scheme.eventBody?.check(body, '').violations;
	if (violations) return { valid: false, signed: true, reason: `signed, but not a ${scheme.platform} event: ${describeViolations(violations)}`, violations };
	return { valid: true, event: body as Record<string, unknown> };
}
