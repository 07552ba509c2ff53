import type { Transport } from '../../transport/transport';
import { vendorErrorBody } from '../../transport/errors';
import { failureFromError, type ChargeRequest, type ChargeResult, type PaymentConnector } from '../payments';
import { SQUARE_VERSION, squareFailures, type SquareErrorBody } from './profile';

interface SquarePayment {
	payment?: { id: string; status: string };
}

/** Square `POST /v2/payments` with the required `idempotency_key`: a repeat returns the first payment. */
export class SquarePayments implements PaymentConnector {
	readonly processor = 'square';

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
}
