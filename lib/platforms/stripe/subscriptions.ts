import { vendorErrorBody } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { subscriptionFailure, type SubscriptionActions, type SubscriptionChangeRequest, type SubscriptionCreateRequest, type SubscriptionResult, type SubscriptionState } from '../payments';
import type { StripeErrorBody } from './profile';

interface StripeSubscription {
	id: string;
	status: string;
	pause_collection?: { behavior: string } | null;
	items: { data: Array<{ id: string; price: { id: string } }> };
}

/**
 * Stripe Billing: a subscription of a customer to one price (`/v1/subscriptions`), each change under an
 * `Idempotency-Key` derived from the merchant's request id, so a repeat gets Stripe's first answer. Change of plan swaps
 * the subscription's one item to the new price (prorated); pause sets `pause_collection` (invoices voided until
 * resumed); cancel is `DELETE`, which Stripe refuses on a subscription already canceled: read back, that is the end asked for.
 */
export class StripeSubscriptions implements SubscriptionActions {
	constructor(private readonly transport: Transport) {}

	async create(request: SubscriptionCreateRequest): Promise<SubscriptionResult> {
		return await this.call(request.idempotencyKey, '/v1/subscriptions', {
			customer: request.customer,
			items: [{ price: request.processorPlanId }],
			...(request.paymentMethod ? { default_payment_method: request.paymentMethod } : {}),
			metadata: { request_id: request.requestId },
		});
	}

	async changePlan(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		try {
			const current = await this.read(request.subscriptionId);
			return await this.call(request.idempotencyKey, `/v1/subscriptions/${encodeURIComponent(request.subscriptionId)}`, {
				items: [{ id: current.items.data[0]?.id, price: request.processorPlanId }],
				proration_behavior: 'create_prorations',
			});
		} catch (error) {
			return failure(error);
		}
	}

	async pause(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		return await this.call(request.idempotencyKey, `/v1/subscriptions/${encodeURIComponent(request.subscriptionId)}`, { pause_collection: { behavior: 'void' } });
	}

	async cancel(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		try {
			return result(await this.transport.request<StripeSubscription>({ method: 'DELETE', url: `/v1/subscriptions/${encodeURIComponent(request.subscriptionId)}` }));
		} catch (error) {
			const refused = failure(error);
			if (refused.outcome !== 'refused') return refused;
			// Canceled by an earlier request whose answer was lost, or by hand: the end asked for.
			const current = await this.read(request.subscriptionId).catch(() => undefined);
			return current?.status === 'canceled' ? result(current) : refused;
		}
	}

	private async read(id: string): Promise<StripeSubscription> {
		return await this.transport.request<StripeSubscription>({ method: 'GET', url: `/v1/subscriptions/${encodeURIComponent(id)}` });
	}

	private async call(key: string, url: string, body: Record<string, unknown>): Promise<SubscriptionResult> {
		try {
			return result(await this.transport.request<StripeSubscription>({ method: 'POST', url, bodyType: 'form', headers: { 'Idempotency-Key': key }, body }));
		} catch (error) {
			return failure(error);
		}
	}
}

const STATES: Record<string, SubscriptionState> = { incomplete: 'pending', trialing: 'active', active: 'active', past_due: 'active', unpaid: 'active', canceled: 'canceled', incomplete_expired: 'canceled', paused: 'paused' };

function result(subscription: StripeSubscription): SubscriptionResult {
	const paused = subscription.pause_collection && subscription.status !== 'canceled';
	return {
		outcome: 'succeeded',
		subscriptionId: subscription.id,
		state: paused ? 'paused' : (STATES[subscription.status] ?? 'active'),
		processorStatus: paused ? `${subscription.status}, collection paused` : subscription.status,
		processorPlanId: subscription.items.data[0]?.price.id,
	};
}

function failure(error: unknown): SubscriptionResult {
	const details = vendorErrorBody<StripeErrorBody>(error)?.error;
	return subscriptionFailure(error, details?.code ?? details?.type);
}
