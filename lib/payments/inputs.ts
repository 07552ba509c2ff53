import { boolean, countryCode, currency, amount, id, oneOf, optional, nonEmptyString, recordOf, text } from '../records/inputSchema';

/** What Route Payment and Explain Route take (the router's `process` and `explain` check it too). */
export const paymentRequestSchema = {
	paymentId: id(),
	amount: amount(),
	currency: currency(),
	country: optional(countryCode()),
	method: optional(oneOf(['card', 'paypal', 'wallet'] as const)),
	tokens: optional(recordOf(nonEmptyString())),
	description: optional(text()),
	capture: optional(boolean(), { emptyText: false }),
	returnUrl: optional(text()),
};

/** What Get Payment and Void Authorization take. */
export const paymentIdSchema = { paymentId: id() };

/** What Capture Payment takes: the amount (major units) is optional, all that was authorized when left out. */
export const captureRequestSchema = { paymentId: id(), amount: optional(amount()) };

/** What Refund Payment takes: the amount (major units) is optional, all that remains when left out. */
export const refundRequestSchema = { paymentId: id(), refundId: id(), amount: optional(amount()) };

/** What a refund's status look-up takes. */
export const refundIdSchema = { refundId: id() };
