export * from './config';
export { decideRoute, feeFor, unitHash, type RankedProcessor, type RouteDecision, type RoutingInput, type ProcessorHealth, type FactorScore } from './routeDecision';
export { PaymentRouter, paymentFingerprint, type PaymentRequest, type PaymentResult, type PaymentRouterOptions, type FailureReason, type AttemptSummary, type AuthorizationOutcome } from './router';
export { PaymentRepository, ProcessorStatsRepository, ClaimLostError, type TransactionRecord, type AttemptRecord, type TransactionState, type AuthorizationAction } from './repository';
export { paymentMigrations } from './migrations';
export { connectProcessors, type ProcessorEndpoints, type ConnectOptions } from './connect';
export { paymentWebhookSecretField, verifyPaymentEvent, verifyStripeSignature, verifySquareSignature, type PaymentEventCheck, type PaymentEventDelivery, type PaymentEventSource, type SignatureCheck } from './webhooks';
export { paymentRequestSchema, paymentIdSchema, refundRequestSchema, refundIdSchema } from './inputs';
export { PaymentRefunds, type RefundRequest, type RefundOutcome, type RefundFailureReason } from './refunds';
export { RefundRepository, type RefundRow, type RefundRowState } from './refundRepository';
/** Amounts in major units as processors and users write them (1999 USD → "19.99", 1005 KWD → "1.005"). */
export { toMajorString } from '../records/money';
