import { vendorErrorBody } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { subscriptionFailure, type SubscriptionActions, type SubscriptionChangeRequest, type SubscriptionCreateRequest, type SubscriptionResult, type SubscriptionState } from '../payments';
import { payPalIssue, type PayPalErrorBody } from './profile';

interface PayPalSubscription {
	id: string;
	status: string;
	plan_id: string;
	links?: Array<{ href: string; rel: string }>;
}

/**
 * PayPal Subscriptions (`/v1/billing/subscriptions`): a subscription to a billing plan starts APPROVAL_PENDING, its
 * subscriber approving on PayPal's page (the `approve` link); each call carries a `PayPal-Request-Id` derived from the
 * merchant's request id, so a repeat gets PayPal's first answer. Change of plan is a revision (`/revise`), pause a
 * suspension (`/suspend`), cancel `/cancel`; the last two answer 204 and are read back. PayPal refuses to suspend or
 * cancel one already so (SUBSCRIPTION_STATUS_INVALID): read back, that is the state asked for.
 */
export class PayPalSubscriptions implements SubscriptionActions {
	constructor(private readonly transport: Transport) {}

	async create(request: SubscriptionCreateRequest): Promise<SubscriptionResult> {
		try {
			const created = await this.transport.request<PayPalSubscription>({
				method: 'POST',
				url: '/v1/billing/subscriptions',
				headers: { 'PayPal-Request-Id': request.idempotencyKey, Prefer: 'return=representation' },
				body: {
					plan_id: request.processorPlanId,
					custom_id: request.requestId.slice(0, 127),
					...(request.returnUrl ? { application_context: { return_url: request.returnUrl, cancel_url: request.returnUrl, user_action: 'SUBSCRIBE_NOW' } } : {}),
				},
			});
			return result(created);
		} catch (error) {
			return failure(error);
		}
	}

	async changePlan(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		try {
			const revised = await this.transport.request<{ plan_id: string; links?: PayPalSubscription['links'] }>({
				method: 'POST',
				url: `/v1/billing/subscriptions/${encodeURIComponent(request.subscriptionId)}/revise`,
				headers: { 'PayPal-Request-Id': request.idempotencyKey },
				body: { plan_id: request.processorPlanId },
			});
			const current = await this.read(request.subscriptionId);
			// A revision the subscriber must approve (a higher price) names PayPal's page for it.
			return result({ ...current, plan_id: revised.plan_id, links: revised.links });
		} catch (error) {
			return failure(error);
		}
	}

	async pause(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		return await this.transition(request, 'suspend', 'SUSPENDED');
	}

	async cancel(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		return await this.transition(request, 'cancel', 'CANCELLED');
	}

	private async transition(request: SubscriptionChangeRequest, action: 'suspend' | 'cancel', reached: string): Promise<SubscriptionResult> {
		try {
			await this.transport.send({
				method: 'POST',
				url: `/v1/billing/subscriptions/${encodeURIComponent(request.subscriptionId)}/${action}`,
				headers: { 'PayPal-Request-Id': request.idempotencyKey },
				body: { reason: action === 'cancel' ? 'Canceled by the merchant' : 'Paused by the merchant' },
			});
			return result(await this.read(request.subscriptionId));
		} catch (error) {
			const refused = failure(error);
			if (refused.outcome !== 'refused') return refused;
			const current = await this.read(request.subscriptionId).catch(() => undefined);
			return current?.status === reached ? result(current) : refused;
		}
	}

	private async read(id: string): Promise<PayPalSubscription> {
		return await this.transport.request<PayPalSubscription>({ method: 'GET', url: `/v1/billing/subscriptions/${encodeURIComponent(id)}` });
	}
}

const STATES: Record<string, SubscriptionState> = { APPROVAL_PENDING: 'pending', APPROVED: 'pending', ACTIVE: 'active', SUSPENDED: 'paused', CANCELLED: 'canceled', EXPIRED: 'canceled' };

function result(subscription: PayPalSubscription): SubscriptionResult {
	const approve = subscription.links?.find((link) => link.rel === 'approve');
	return {
		outcome: 'succeeded',
		subscriptionId: subscription.id,
		state: STATES[subscription.status] ?? 'active',
		processorStatus: subscription.status,
		processorPlanId: subscription.plan_id,
		...(approve ? { action: { type: 'payer_action' as const, url: approve.href } } : {}),
	};
}

function failure(error: unknown): SubscriptionResult {
	return subscriptionFailure(error, payPalIssue(vendorErrorBody<PayPalErrorBody>(error)));
}
