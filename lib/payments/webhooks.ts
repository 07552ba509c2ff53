import type { SignatureCheck } from '../platforms/payments';
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

/** Checks one delivery against its processor's signature scheme, reading the header that processor signs in. */
export function verifyPaymentEvent(source: PaymentEventSource, delivery: PaymentEventDelivery, secret: string): SignatureCheck {
	if (source === 'stripe') return verifyStripeSignature(delivery.headers[STRIPE_SIGNATURE_HEADER], delivery.rawBody, secret, delivery.nowMs);
	return verifySquareSignature(delivery.headers[SQUARE_SIGNATURE_HEADER], delivery.notificationUrl ?? '', delivery.rawBody, secret);
}
