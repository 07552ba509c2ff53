import { checkInput, describeViolations, nonEmptyString, object, shape, type InputViolation } from '../records/inputSchema';
import { SQUARE_SIGNATURE_HEADER, verifySquareSignature } from '../platforms/square/webhook';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from '../platforms/stripe/webhook';

export type { SignatureCheck } from '../platforms/payments';
export { verifySquareSignature, verifyStripeSignature };

/** The processors whose webhook deliveries can be verified. */
export type PaymentEventSource = 'stripe' | 'square';

export interface PaymentEventDelivery {
	/** The request headers, names in lower case (as n8n's Webhook node gives them). */
	headers: Record<string, string | undefined>;
	rawBody: string;
	/** Square signs the subscription's URL together with the body. */
	notificationUrl?: string;
	nowMs: number;
}

/** The fields every event of a processor has: a delivery without them is refused even when its signature holds. */
const EVENT_SCHEMAS = {
	stripe: { id: nonEmptyString(), type: nonEmptyString(), data: shape({ object: object() }, 'an object {object}') },
	square: { event_id: nonEmptyString(), type: nonEmptyString(), data: object() },
};

/**
 * A genuine event (`event` parsed from the raw body), or the reason it is refused: a forged one (`signed` false), or a
 * correctly signed body that is no event (empty, not JSON, without its id, type or data; `violations` name the fields).
 */
export type PaymentEventCheck =
	| { valid: true; event: Record<string, unknown> }
	| { valid: false; reason: string; signed: boolean; violations?: InputViolation[] };

/** Checks one delivery against its processor's signature scheme, reading the header that processor signs in, then its body. */
export function verifyPaymentEvent(source: PaymentEventSource, delivery: PaymentEventDelivery, secret: string): PaymentEventCheck {
	const signature =
		source === 'stripe'
			? verifyStripeSignature(delivery.headers[STRIPE_SIGNATURE_HEADER], delivery.rawBody, secret, delivery.nowMs)
			: verifySquareSignature(delivery.headers[SQUARE_SIGNATURE_HEADER], delivery.notificationUrl ?? '', delivery.rawBody, secret);
	if (!signature.valid) return { ...signature, signed: false };
	return readEvent(source, delivery.rawBody);
}

function readEvent(source: PaymentEventSource, rawBody: string): PaymentEventCheck {
	if (rawBody.trim() === '') return { valid: false, signed: true, reason: 'signed, but the body is empty: not an event' };
	let body: unknown;
	try {
		body = JSON.parse(rawBody);
	} catch {
		return { valid: false, signed: true, reason: 'signed, but the body is not JSON' };
	}
	const checked = checkInput(EVENT_SCHEMAS[source], body, '');
	if (checked.violations) return { valid: false, signed: true, reason: `signed, but not a ${source} event: ${describeViolations(checked.violations)}`, violations: checked.violations };
	return { valid: true, event: body as Record<string, unknown> };
}
