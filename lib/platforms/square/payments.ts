import type { Transport } from '../../transport/transport';
import { vendorErrorBody } from '../../transport/errors';
import {
	authorizationFailure,
	failureFromError,
	refundFailure,
	type AuthorizationActions,
	type AuthorizationRequest,
	type AuthorizationResult,
	type ChargeRequest,
	type ChargeResult,
	type PaymentConnector,
	type RefundActions,
	type RefundRequest,
	type RefundResult,
	type RefundState,
} from '../payments';
import { SQUARE_VERSION, squareFailures, type SquareErrorBody } from './profile';
import { SquareInvoices } from './invoices';
import { SquareSubscriptions } from './subscriptions';

interface SquarePayment {
	payment?: { id: string; status: string; delayed_until?: string; amount_money?: { amount: number; currency: string } };
}

/**
 * Square `POST /v2/payments` with the required `idempotency_key`: a repeat returns the first payment. With capture off
 * the payment is made with `autocomplete: false` (APPROVED, held until `delayed_until`), then completed (a partial
 * capture first lowers `amount_money` through UpdatePayment, under its own key) or canceled. CompletePayment and
 * CancelPayment take no key: a repeat after a lost answer reads the payment first.
 */
export class SquarePayments implements PaymentConnector, RefundActions, AuthorizationActions {
	readonly processor = 'square';
	readonly refunds: RefundActions = this;
	readonly authorization: AuthorizationActions = this;
	/** Card-not-present authorizations are canceled after 7 days (`delay_duration` P7D) unless completed. */
	readonly validity = { days: 7 };

	readonly subscriptions: SquareSubscriptions;
	readonly invoices: SquareInvoices;

	/** `locationId`: the location payments are taken at (Square's main location when absent), and subscriptions and invoices billed at (required for them). */
	constructor(
		private readonly transport: Transport,
		private readonly locationId?: string,
	) {
		this.subscriptions = new SquareSubscriptions(transport, locationId);
		this.invoices = new SquareInvoices(transport, locationId);
	}

	async charge(request: ChargeRequest): Promise<ChargeResult> {
		try {
			const body = await this.transport.request<SquarePayment>({
				method: 'POST',
				url: '/v2/payments',
				headers: { 'Square-Version': SQUARE_VERSION },
				body: {
					source_id: request.token,
					idempotency_key: request.idempotencyKey,
					amount_money: { amount: request.amountMinor, currency: request.currency },
					autocomplete: request.capture !== false,
					reference_id: request.paymentId.slice(0, 40),
					note: request.description?.slice(0, 500),
					...(this.locationId ? { location_id: this.locationId } : {}),
				},
			});
			const payment = body.payment;
			if (payment && (payment.status === 'COMPLETED' || payment.status === 'APPROVED')) {
				const authorization = payment.status === 'APPROVED' ? { authorization: { expiresAt: payment.delayed_until } } : {};
				return { outcome: 'succeeded', transactionId: payment.id, processorStatus: payment.status, ...authorization };
			}
			return { outcome: 'hard_decline', code: payment?.status ?? 'NO_PAYMENT', message: `Square payment ${payment?.status ?? 'missing'}` };
		} catch (error) {
			const first = vendorErrorBody<SquareErrorBody>(error)?.errors?.[0];
			return failureFromError(error, squareFailures, first?.code, first?.category === 'PAYMENT_METHOD_ERROR');
		}
	}

	async capture(request: AuthorizationRequest): Promise<AuthorizationResult> {
		return await this.finish(request, 'complete');
	}

	async cancel(request: AuthorizationRequest): Promise<AuthorizationResult> {
		return await this.finish(request, 'cancel');
	}

	private async finish(request: AuthorizationRequest, action: 'complete' | 'cancel'): Promise<AuthorizationResult> {
		const done = action === 'complete' ? 'COMPLETED' : 'CANCELED';
		const path = `/v2/payments/${encodeURIComponent(request.transactionId)}`;
		try {
			if (request.resuming) {
				const { payment } = await this.transport.request<SquarePayment>({ method: 'GET', url: path, headers: { 'Square-Version': SQUARE_VERSION } });
				if (payment?.status === done) return { outcome: 'succeeded', processorStatus: done };
			}
			if (action === 'complete' && request.amountMinor !== undefined) {
				await this.transport.request<SquarePayment>({
					method: 'PUT',
					url: path,
					headers: { 'Square-Version': SQUARE_VERSION },
					body: { idempotency_key: `upd_${request.idempotencyKey.slice(4)}`, payment: { amount_money: { amount: request.amountMinor, currency: request.currency } } },
				});
			}
			// No key on these two: a lost answer is not repeated here but settled by the next request's read (`resuming`).
			const { payment } = await this.transport.request<SquarePayment>({ method: 'POST', url: `${path}/${action}`, headers: { 'Square-Version': SQUARE_VERSION }, body: {} }, { replaySafe: false });
			return { outcome: 'succeeded', processorStatus: payment?.status ?? done };
		} catch (error) {
			return authorizationFailure(error, vendorErrorBody<SquareErrorBody>(error)?.errors?.[0]?.code);
		}
	}

	/** `POST /v2/refunds` with the refund's `idempotency_key`: a repeat returns the first refund. */
	async refund(request: RefundRequest): Promise<RefundResult> {
		try {
			const body = await this.transport.request<{ refund: SquareRefund }>({
				method: 'POST',
				url: '/v2/refunds',
				headers: { 'Square-Version': SQUARE_VERSION },
				body: {
					idempotency_key: request.idempotencyKey,
					payment_id: request.transactionId,
					amount_money: { amount: request.amountMinor, currency: request.currency },
					reason: `Refund ${request.refundId}`.slice(0, 192),
				},
			});
			return squareRefundResult(body.refund);
		} catch (error) {
			return refundFailure(error, vendorErrorBody<SquareErrorBody>(error)?.errors?.[0]?.code);
		}
	}

	async lookup(processorRefundId: string): Promise<RefundResult> {
		try {
			const body = await this.transport.request<{ refund: SquareRefund }>({
				method: 'GET',
				url: `/v2/refunds/${encodeURIComponent(processorRefundId)}`,
				headers: { 'Square-Version': SQUARE_VERSION },
			});
			return squareRefundResult(body.refund);
		} catch (error) {
			return refundFailure(error, vendorErrorBody<SquareErrorBody>(error)?.errors?.[0]?.code);
		}
	}
}

interface SquareRefund {
	id: string;
	status: string;
}

const SQUARE_REFUND_STATES: Record<string, RefundState> = { PENDING: 'pending', COMPLETED: 'succeeded', REJECTED: 'failed', FAILED: 'failed' };

function squareRefundResult(refund: SquareRefund): RefundResult {
	return { outcome: 'accepted', refundId: refund.id, state: SQUARE_REFUND_STATES[refund.status] ?? 'pending', processorStatus: refund.status };
}
