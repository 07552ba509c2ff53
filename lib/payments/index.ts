import { platformDefinition } from '../platforms/catalog';
import type { PaymentConnector } from '../platforms/payments';
import type { EngineContext } from '../platforms/resolver';
import { paymentRetryPolicy } from './config';
import { PaymentBilling } from './billing';
import { PaymentDisputes } from './disputes';
import { PaymentRepository } from './repository';
import { PaymentRouter, type PaymentRouterOptions } from './router';

export * from './config';
export { decideRoute, feeFor, unitHash, type RankedProcessor, type RouteDecision, type RoutingInput, type ProcessorHealth, type FactorScore } from './routeDecision';
export { PaymentRouter, paymentFingerprint, type ActionRequiredPayment, type PaymentRequest, type PaymentResult, type PaymentRouterOptions, type FailureReason, type AttemptSummary } from './router';
export { PaymentAuthorizations, type AuthorizationOutcome, type AuthorizationFailureReason } from './authorizations';
export { PaymentRepository, ProcessorStatsRepository, ClaimLostError, type TransactionRecord, type AttemptRecord, type TransactionState, type AuthorizationAction, type ExpiringAuthorization } from './repository';
export { paymentMigrations } from './migrations';
export { paymentWebhookSecretField, verifyPaymentEvent, type PaymentEventCheck, type PaymentEventDelivery, type PaymentEventSource, type SignatureCheck } from './webhooks';
export { paymentRequestSchema, paymentIdSchema, captureRequestSchema, refundRequestSchema, refundIdSchema } from './inputs';
export { PaymentRefunds, type RefundRequest, type RefundOutcome, type RefundFailureReason } from './refunds';
export { RefundRepository, type RefundRow, type RefundRowState } from './refundRepository';
export { PaymentSubscriptions, checkPlans, PLAN_INTERVALS, type SubscriptionPlan, type SubscriptionRequest, type SubscriptionOutcome, type SubscriptionChange, type SubscriptionFailureReason } from './subscriptions';
export type { SubscriptionState, InvoiceState } from '../platforms/payments';
export { PaymentInvoices, type InvoiceRequest, type InvoiceLineInput, type InvoiceOutcome, type InvoiceFailureReason } from './invoices';
export { PaymentDisputes, type DisputeChange, type DisputeOutcome, type DisputeRecord } from './disputes';
export { PaymentBilling, type BillingChange, type BillingOutcome, type BillingRecord } from './billing';
export { BILLING_EVENT_KINDS, type BillingEventKind, type ProcessorBillingEvent } from '../platforms/billing';
export { DISPUTE_STATES, type DisputeReason, type DisputeState, type ProcessorDispute } from '../platforms/disputes';
/** Amounts in major units as processors and users write them (1999 USD → "19.99", 1005 KWD → "1.005"). */
export { toMajorString } from '../records/money';

/** The payments capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openPayments({ store, platforms }: EngineContext) {
	/**
	 * A connector per processor, each on the account picked for it (`accounts`: processor → its account's setting; absent,
	 * the processor's default); a failed processor is better left for the next than waited on (`paymentRetryPolicy`).
	 */
	const connectors = async (processors: readonly string[], accounts: Record<string, Record<string, string>> = {}): Promise<Record<string, PaymentConnector>> => {
		const connected: Record<string, PaymentConnector> = {};
		for (const processor of processors) {
			const payments = platformDefinition(processor).payments;
			if (!payments) throw new Error(`${platformDefinition(processor).displayName} is not a payment processor`);
			const connection = await platforms.connect(processor, { retry: paymentRetryPolicy });
			connected[processor] = payments.connector(connection.transport, accounts[processor], connection.settings);
		}
		return connected;
	};
	return {
		connectors,
		/** The router over these processors (the others in its config are ranked but never charged). */
		router: async (processors: readonly string[], options: Omit<PaymentRouterOptions, 'db' | 'connectors'>, accounts?: Record<string, Record<string, string>>): Promise<PaymentRouter> =>
			new PaymentRouter({ ...options, db: store.db, connectors: await connectors(processors, accounts) }),
		/** The disputes reported by the processors' events, kept against the router's payments (no processor is called). */
		disputes: (now?: () => number): PaymentDisputes => new PaymentDisputes(store.db, new PaymentRepository(store.db), now),
		/** The subscription and invoice events reported by the processors, each recorded once (no processor is called). */
		billing: (now?: () => number): PaymentBilling => new PaymentBilling(store.db, now),
	};
}

export type Payments = ReturnType<typeof openPayments>;
