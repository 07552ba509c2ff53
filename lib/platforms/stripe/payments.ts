import type { Transport } from '../../transport/transport';
import { vendorErrorBody } from '../../transport/errors';
import { classifyCode, failureFromError, type ChargeRequest, type ChargeResult, type PaymentConnector } from '../payments';
import { stripeFailures, type StripeErrorBody } from './profile';

interface PaymentIntent {
	id: string;
	status: string;
	latest_charge?: string | null;
	last_payment_error?: { code?: string; decline_code?: string; message?: string } | null;
}

const SETTLED = new Set(['succeeded', 'processing', 'requires_capture']);

/**
 * Stripe PaymentIntents, created and confirmed in one form-encoded call under the payment's `Idempotency-Key`: a
 * repeat (the transport's retry after a lost response, or a later settle) gets Stripe's saved first result.
 */
export class StripePayments implements PaymentConnector {
	readonly processor = 'stripe';

	constructor(private readonly transport: Transport) {}

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
					description: request.description,
					metadata: { payment_id: request.paymentId },
					automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' },
				},
			});
			return intentResult(intent);
		} catch (error) {
			const details = vendorErrorBody<StripeErrorBody>(error)?.error;
			return failureFromError(error, stripeFailures, details?.decline_code ?? details?.code ?? details?.type, details?.type === 'card_error');
		}
	}
}

function intentResult(intent: PaymentIntent): ChargeResult {
	if (SETTLED.has(intent.status)) return { outcome: 'succeeded', transactionId: intent.id, processorStatus: intent.status };
	const error = intent.last_payment_error;
	const code = intent.status === 'requires_action' ? 'authentication_required' : (error?.decline_code ?? error?.code ?? intent.status);
	return { outcome: classifyCode(stripeFailures, code) ?? stripeFailures.unknownDecline, code, message: error?.message ?? `PaymentIntent ${intent.status}` };
}
