import type { Transport } from '../../transport/transport';
import { vendorErrorBody } from '../../transport/errors';
import {
	type ActionCompletionRequest,
	authorizationFailure,
	classifyCode,
	type CustomerAction,
	failureFromError,
	type AuthorizationActions,
	type AuthorizationRequest,
	type AuthorizationResult,
	type ChargeRequest,
	type ChargeResult,
	type PaymentConnector,
	refundFailure,
	type RefundActions,
	type RefundRequest,
	type RefundResult,
	type RefundState,
} from '../payments';
import { stripeFailures, type StripeErrorBody } from './profile';
import { StripeInvoices } from './invoices';
import { StripeSubscriptions } from './subscriptions';

interface PaymentIntent {
	id: string;
	status: string;
	client_secret?: string;
	next_action?: { type: string; redirect_to_url?: { url?: string } } | null;
	latest_charge?: string | null;
	last_payment_error?: { code?: string; decline_code?: string; message?: string } | null;
}

const SETTLED = new Set(['succeeded', 'processing', 'requires_capture']);

/**
 * Stripe PaymentIntents, created and confirmed in one form-encoded call under the payment's `Idempotency-Key`: a
 * repeat (the transport's retry after a lost response, or a later settle) gets Stripe's saved first result.
 * With `capture: false` the intent is confirmed with `capture_method=manual` (status `requires_capture`) and
 * captured or canceled later through `authorization`.
 */
export class StripePayments implements PaymentConnector, AuthorizationActions, RefundActions {
	readonly processor = 'stripe';
	readonly authorization: AuthorizationActions = this;
	readonly refunds: RefundActions = this;
	/** Card authorizations hold 7 days (customer-initiated, card not present). */
	readonly validity = { days: 7 };

	readonly subscriptions: StripeSubscriptions;
	readonly invoices: StripeInvoices;

	constructor(private readonly transport: Transport) {
		this.subscriptions = new StripeSubscriptions(transport);
		this.invoices = new StripeInvoices(transport);
	}

	async charge(request: ChargeRequest): Promise<ChargeResult> {
		try {
			const intent = await this.transport.request<PaymentIntent>({
				method: 'POST',
				url: '/v1/payment_intents',
				bodyType: 'form',
				headers: { 'Idempotency-Key': request.idempotencyKey },
				body: {
					amount: request.amountMinor,
					currency: request.currency.toLowerCase(),
					payment_method: request.token,
					confirm: 'true',
					capture_method: request.capture === false ? 'manual' : undefined,
					description: request.description,
					metadata: { payment_id: request.paymentId },
					// With a return URL, 3-D Secure comes back as a page to send the customer to; without, as Stripe.js's next action.
					return_url: request.returnUrl,
					automatic_payment_methods: { enabled: 'true', allow_redirects: request.returnUrl ? undefined : 'never' },
				},
			});
			return intentResult(intent);
		} catch (error) {
			const details = vendorErrorBody<StripeErrorBody>(error)?.error;
			return failureFromError(error, stripeFailures, details?.decline_code ?? details?.code ?? details?.type, details?.type === 'card_error');
		}
	}

	async capture(request: AuthorizationRequest): Promise<AuthorizationResult> {
		return this.authorizationAction('capture', request);
	}

	/** The PaymentIntent as it stands once the customer acted: succeeded, held, still waiting, or declined. */
	async completeAction(request: ActionCompletionRequest): Promise<ChargeResult> {
		try {
			return intentResult(await this.transport.request<PaymentIntent>({ method: 'GET', url: `/v1/payment_intents/${encodeURIComponent(request.transactionId)}` }));
		} catch (error) {
			const details = vendorErrorBody<StripeErrorBody>(error)?.error;
			return failureFromError(error, stripeFailures, details?.code ?? details?.type);
		}
	}

	async cancel(request: AuthorizationRequest): Promise<AuthorizationResult> {
		return this.authorizationAction('cancel', request);
	}

	/** `POST /v1/refunds` against the PaymentIntent under the refund's `Idempotency-Key`: a repeat returns the first refund. */
	async refund(request: RefundRequest): Promise<RefundResult> {
		try {
			const refund = await this.transport.request<StripeRefund>({
				method: 'POST',
				url: '/v1/refunds',
				bodyType: 'form',
				headers: { 'Idempotency-Key': request.idempotencyKey },
				body: { payment_intent: request.transactionId, amount: request.amountMinor, metadata: { refund_id: request.refundId } },
			});
			return stripeRefundResult(refund);
		} catch (error) {
			const details = vendorErrorBody<StripeErrorBody>(error)?.error;
			return refundFailure(error, details?.code ?? details?.type);
		}
	}

	async lookup(processorRefundId: string): Promise<RefundResult> {
		try {
			return stripeRefundResult(await this.transport.request<StripeRefund>({ method: 'GET', url: `/v1/refunds/${encodeURIComponent(processorRefundId)}` }));
		} catch (error) {
			const details = vendorErrorBody<StripeErrorBody>(error)?.error;
			return refundFailure(error, details?.code ?? details?.type);
		}
	}

	/**
	 * Under the action's `Idempotency-Key` (a repeat gets Stripe's first answer); a capture takes `amount_to_capture`
	 * and releases the rest. Stripe answers one in the wrong state with 400 `payment_intent_unexpected_state`.
	 */
	private async authorizationAction(action: 'capture' | 'cancel', request: AuthorizationRequest): Promise<AuthorizationResult> {
		try {
			const intent = await this.transport.request<PaymentIntent>({
				method: 'POST',
				url: `/v1/payment_intents/${encodeURIComponent(request.transactionId)}/${action}`,
				bodyType: 'form',
				headers: { 'Idempotency-Key': request.idempotencyKey },
				body: action === 'capture' && request.amountMinor !== undefined ? { amount_to_capture: request.amountMinor } : {},
			});
			return { outcome: 'succeeded', processorStatus: intent.status };
		} catch (error) {
			const details = vendorErrorBody<StripeErrorBody>(error)?.error;
			return authorizationFailure(error, details?.code ?? details?.type);
		}
	}
}

interface StripeRefund {
	id: string;
	status: string;
	failure_reason?: string | null;
}

const REFUND_STATES: Record<string, RefundState> = { pending: 'pending', requires_action: 'pending', succeeded: 'succeeded', failed: 'failed', canceled: 'failed' };

function stripeRefundResult(refund: StripeRefund): RefundResult {
	return { outcome: 'accepted', refundId: refund.id, state: REFUND_STATES[refund.status] ?? 'pending', processorStatus: refund.status };
}

function intentResult(intent: PaymentIntent): ChargeResult {
	if (SETTLED.has(intent.status)) return { outcome: 'succeeded', transactionId: intent.id, processorStatus: intent.status };
	if (intent.status === 'requires_action' && intent.next_action) return { outcome: 'action_required', transactionId: intent.id, processorStatus: intent.status, action: customerAction(intent) };
	const error = intent.last_payment_error;
	const code = intent.status === 'requires_action' ? 'authentication_required' : (error?.decline_code ?? error?.code ?? intent.status);
	return { outcome: classifyCode(stripeFailures, code) ?? stripeFailures.unknownDecline, code, message: error?.message ?? `PaymentIntent ${intent.status}` };
}

/** What the customer must do for a PaymentIntent in `requires_action`: open a page, or let Stripe.js handle it. */
function customerAction(intent: PaymentIntent): CustomerAction {
	const url = intent.next_action?.redirect_to_url?.url;
	if (intent.next_action?.type === 'redirect_to_url' && url) return { type: 'redirect_to_url', url };
	return { type: 'use_stripe_sdk', clientSecret: intent.client_secret };
}
