import type { Transport } from '../../transport/transport';
import { PlatformApiError, vendorErrorBody } from '../../transport/errors';
import { toMajorString } from '../../records/money';
import {
	authorizationFailure,
	failureFromError,
	refundFailure,
	type AuthorizationActions,
	type AuthorizationRequest,
	type ActionCompletionRequest,
	type AuthorizationResult,
	type ChargeRequest,
	type ChargeResult,
	type PaymentConnector,
	type RefundActions,
	type RefundRequest,
	type RefundResult,
	type RefundState,
} from '../payments';
import { payPalFailures, payPalIssue, type PayPalErrorBody } from './profile';
import { PayPalInvoices } from './invoices';
import { PayPalSubscriptions } from './subscriptions';

interface PayPalAuthorization {
	id: string;
	status: string;
	expiration_time?: string;
}

interface PayPalOrder {
	id: string;
	status: string;
	links?: Array<{ href: string; rel: string }>;
	purchase_units?: Array<{ payments?: { captures?: Array<{ id: string; status: string }>; authorizations?: PayPalAuthorization[] } }>;
}

const CAPTURED = new Set(['COMPLETED', 'PENDING']);

/**
 * PayPal Orders v2: create the order, then capture it (or with capture off, an order with intent AUTHORIZE, then
 * authorize it), each under its own `PayPal-Request-Id` derived from the payment's key, so a repeat of either step
 * returns the first result instead of a second order, capture or authorization. An authorization is captured (all or
 * part, the rest released) or voided through Payments v2 under the action's request id.
 */
export class PayPalPayments implements PaymentConnector, RefundActions, AuthorizationActions {
	readonly processor = 'paypal';
	readonly refunds: RefundActions = this;
	readonly authorization: AuthorizationActions = this;
	/** An authorization holds 29 days; PayPal recommends capturing within its 3-day honor period. */
	readonly validity = { days: 29, honorDays: 3 };

	readonly subscriptions: PayPalSubscriptions;
	readonly invoices: PayPalInvoices;

	constructor(private readonly transport: Transport) {
		this.subscriptions = new PayPalSubscriptions(transport);
		this.invoices = new PayPalInvoices(transport);
	}

	async charge(request: ChargeRequest): Promise<ChargeResult> {
		try {
			const order = await this.createOrder(request);
			return (await this.awaitingPayer(order)) ?? (await this.finishOrder(order, request.idempotencyKey, request.capture !== false));
		} catch (error) {
			return failureFromError(error, payPalFailures, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	/**
	 * An order that waited for its payer, once PayPal says they approved it (CHECKOUT.ORDER.APPROVED): read back, then
	 * captured or authorized under the same request ids as a charge, so every repeat settles on the first capture.
	 */
	async completeAction(request: ActionCompletionRequest): Promise<ChargeResult> {
		try {
			const order = await this.transport.request<PayPalOrder>({ method: 'GET', url: `/v2/checkout/orders/${encodeURIComponent(request.transactionId)}` });
			if (order.status === 'VOIDED') return { outcome: 'hard_decline', code: 'ORDER_VOIDED', message: `PayPal order ${order.id} was voided before the payer approved it` };
			return (await this.awaitingPayer(order)) ?? (await this.finishOrder(order, request.idempotencyKey, request.capture));
		} catch (error) {
			return failureFromError(error, payPalFailures, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	/** The order is captured, or with capture off authorized, unless PayPal did either already. */
	private async finishOrder(order: PayPalOrder, key: string, capture: boolean): Promise<ChargeResult> {
		if (!capture) return authorizationResult(await this.authorizeOrder(order, key));
		if (order.status === 'COMPLETED') return captureResult(order);
		return captureResult(await this.captureOrder(order.id, key));
	}

	/** An order the payer must approve first (PAYER_ACTION_REQUIRED, or CREATED without a payment source): PayPal's page for it. */
	private async awaitingPayer(order: PayPalOrder): Promise<ChargeResult | undefined> {
		if (order.status !== 'PAYER_ACTION_REQUIRED' && order.status !== 'CREATED') return undefined;
		const link = order.links?.find((candidate) => candidate.rel === 'payer-action' || candidate.rel === 'approve');
		if (!link) return { outcome: 'processor_failure', code: order.status, message: `PayPal order ${order.id} is ${order.status} and names no page for its payer` };
		return { outcome: 'action_required', transactionId: order.id, processorStatus: order.status, action: { type: 'payer_action', url: link.href } };
	}

	/** `POST /v2/payments/authorizations/{id}/capture` with `final_capture` (the rest is released) under the capture's request id. */
	async capture(request: AuthorizationRequest): Promise<AuthorizationResult> {
		try {
			const amount = request.amountMinor === undefined ? undefined : { currency_code: request.currency, value: toMajorString(request.amountMinor, request.currency) };
			const capture = await this.transport.request<{ id: string; status: string }>({
				method: 'POST',
				url: `/v2/payments/authorizations/${encodeURIComponent(request.transactionId)}/capture`,
				headers: { 'PayPal-Request-Id': request.idempotencyKey, Prefer: 'return=representation' },
				body: { ...(amount ? { amount } : {}), final_capture: true },
			});
			return { outcome: 'succeeded', processorStatus: capture.status, transactionId: capture.id };
		} catch (error) {
			return authorizationFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	/** `POST /v2/payments/authorizations/{id}/void` under the void's request id. */
	async cancel(request: AuthorizationRequest): Promise<AuthorizationResult> {
		try {
			const voided = await this.transport.request<{ id?: string; status?: string } | undefined>({
				method: 'POST',
				url: `/v2/payments/authorizations/${encodeURIComponent(request.transactionId)}/void`,
				headers: { 'PayPal-Request-Id': request.idempotencyKey, Prefer: 'return=representation' },
				body: {},
			});
			return { outcome: 'succeeded', processorStatus: voided?.status ?? 'VOIDED' };
		} catch (error) {
			return authorizationFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	/** An authorization PayPal already made under another request id reads back from the order itself. */
	private async authorizeOrder(order: PayPalOrder, key: string): Promise<PayPalOrder> {
		if (order.purchase_units?.[0]?.payments?.authorizations?.length) return order;
		try {
			return await this.transport.request<PayPalOrder>({
				method: 'POST',
				url: `/v2/checkout/orders/${encodeURIComponent(order.id)}/authorize`,
				headers: { 'PayPal-Request-Id': `${key}-authorize`, Prefer: 'return=representation' },
				body: {},
			});
		} catch (error) {
			if (!(error instanceof PlatformApiError) || error.code !== 'ORDER_ALREADY_AUTHORIZED') throw error;
			return this.transport.request<PayPalOrder>({ method: 'GET', url: `/v2/checkout/orders/${encodeURIComponent(order.id)}` });
		}
	}

	private createOrder(request: ChargeRequest): Promise<PayPalOrder> {
		// Where the payer comes back after approving (or 3-D Secure on a card) on PayPal's page, when PayPal asks them to.
		const experience = request.returnUrl ? { experience_context: { return_url: request.returnUrl, cancel_url: request.returnUrl, user_action: 'PAY_NOW' } } : {};
		const source = request.method === 'paypal' ? { paypal: { vault_id: request.token, ...experience } } : { card: { vault_id: request.token, ...experience } };
		return this.transport.request<PayPalOrder>({
			method: 'POST',
			url: '/v2/checkout/orders',
			headers: { 'PayPal-Request-Id': `${request.idempotencyKey}-order`, Prefer: 'return=representation' },
			body: {
				intent: request.capture === false ? 'AUTHORIZE' : 'CAPTURE',
				purchase_units: [
					{
						reference_id: 'default',
						custom_id: request.paymentId.slice(0, 127),
						invoice_id: request.idempotencyKey,
						description: request.description?.slice(0, 127),
						amount: { currency_code: request.currency, value: toMajorString(request.amountMinor, request.currency) },
					},
				],
				payment_source: source,
			},
		});
	}

	/** `POST /v2/payments/captures/{id}/refund` under the refund's `PayPal-Request-Id`: a repeat returns the first refund. */
	async refund(request: RefundRequest): Promise<RefundResult> {
		try {
			const refund = await this.transport.request<PayPalRefund>({
				method: 'POST',
				url: `/v2/payments/captures/${encodeURIComponent(request.transactionId)}/refund`,
				headers: { 'PayPal-Request-Id': request.idempotencyKey, Prefer: 'return=representation' },
				body: { amount: { currency_code: request.currency, value: toMajorString(request.amountMinor, request.currency) }, invoice_id: request.idempotencyKey },
			});
			return payPalRefundResult(refund);
		} catch (error) {
			return refundFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	async lookup(processorRefundId: string): Promise<RefundResult> {
		try {
			return payPalRefundResult(await this.transport.request<PayPalRefund>({ method: 'GET', url: `/v2/payments/refunds/${encodeURIComponent(processorRefundId)}` }));
		} catch (error) {
			return refundFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
		}
	}

	/** A capture PayPal already made under another request id reads back from the order itself. */
	private async captureOrder(orderId: string, key: string): Promise<PayPalOrder> {
		try {
			return await this.transport.request<PayPalOrder>({
				method: 'POST',
				url: `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`,
				headers: { 'PayPal-Request-Id': `${key}-capture`, Prefer: 'return=representation' },
				body: {},
			});
		} catch (error) {
			if (!(error instanceof PlatformApiError) || error.code !== 'ORDER_ALREADY_CAPTURED') throw error;
			return this.transport.request<PayPalOrder>({ method: 'GET', url: `/v2/checkout/orders/${encodeURIComponent(orderId)}` });
		}
	}
}

/** An authorized order: its authorization's id is what is captured or voided later. */
function authorizationResult(order: PayPalOrder): ChargeResult {
	const authorization = order.purchase_units?.[0]?.payments?.authorizations?.[0];
	if (authorization && (authorization.status === 'CREATED' || authorization.status === 'PENDING')) {
		return { outcome: 'succeeded', transactionId: authorization.id, processorStatus: authorization.status, authorization: { expiresAt: authorization.expiration_time } };
	}
	const code = authorization?.status ?? order.status;
	return { outcome: code === 'DENIED' ? 'hard_decline' : 'processor_failure', code, message: `PayPal order ${order.id} is ${code}` };
}

function captureResult(order: PayPalOrder): ChargeResult {
	const capture = order.purchase_units?.[0]?.payments?.captures?.[0];
	if (capture && CAPTURED.has(capture.status)) return { outcome: 'succeeded', transactionId: capture.id, processorStatus: capture.status };
	const code = capture?.status ?? order.status;
	return { outcome: code === 'DECLINED' ? 'hard_decline' : 'processor_failure', code, message: `PayPal order ${order.id} is ${code}` };
}

interface PayPalRefund {
	id: string;
	status: string;
}

const PAYPAL_REFUND_STATES: Record<string, RefundState> = { PENDING: 'pending', COMPLETED: 'succeeded', FAILED: 'failed', CANCELLED: 'failed' };

function payPalRefundResult(refund: PayPalRefund): RefundResult {
	return { outcome: 'accepted', refundId: refund.id, state: PAYPAL_REFUND_STATES[refund.status] ?? 'pending', processorStatus: refund.status };
}
