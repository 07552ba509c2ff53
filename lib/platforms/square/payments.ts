import type { Transport } from '../../transport/transport';
import { vendorErrorBody } from '../../transport/errors';
import { failureFromError, refundFailure, type ChargeRequest, type ChargeResult, type PaymentConnector, type RefundActions, type RefundRequest, type RefundResult, type RefundState } from '../payments';
import { SQUARE_VERSION, squareFailures, type SquareErrorBody } from './profile';

interface SquarePayment {
	payment?: { id: string; status: string };
}

/** Square `POST /v2/payments` with the required `idempotency_key`: a repeat returns the first payment. */
export class SquarePayments implements PaymentConnector, RefundActions {
	readonly processor = 'square';
	readonly refunds: RefundActions = this;

	constructor(private readonly transport: Transport) {}

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
					autocomplete: true,
					reference_id: request.paymentId.slice(0, 40),
					note: request.description?.slice(0, 500),
				},
			});
			const payment = body.payment;
			if (payment && (payment.status === 'COMPLETED' || payment.status === 'APPROVED')) {
				return { outcome: 'succeeded', transactionId: payment.id, processorStatus: payment.status };
			}
			return { outcome: 'hard_decline', code: payment?.status ?? 'NO_PAYMENT', message: `Square payment ${payment?.status ?? 'missing'}` };
		} catch (error) {
			const first = vendorErrorBody<SquareErrorBody>(error)?.errors?.[0];
			return failureFromError(error, squareFailures, first?.code, first?.category === 'PAYMENT_METHOD_ERROR');
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
