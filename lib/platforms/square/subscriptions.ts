import { vendorErrorBody } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { subscriptionFailure, type SubscriptionActions, type SubscriptionChangeRequest, type SubscriptionCreateRequest, type SubscriptionResult, type SubscriptionState } from '../payments';
import { SQUARE_VERSION, type SquareErrorBody } from './profile';

interface SquareSubscription {
	id: string;
	status: string;
	plan_variation_id: string;
	canceled_date?: string;
}

const headers = { 'Square-Version': SQUARE_VERSION };

/**
 * Square Subscriptions (`/v2/subscriptions`): a customer (`customer_id`, with `card_id` to charge) subscribed to a
 * plan variation at the location picked for it (`locationId`), created under an `idempotency_key` derived from the request
 * id. Swap plan, pause and cancel take no key: Square refuses to repeat one already done (a pause or cancel pending),
 * so a refusal is read back and, when the subscription is where the request asked, that is its answer.
 */
export class SquareSubscriptions implements SubscriptionActions {
	constructor(
		private readonly transport: Transport,
		private readonly locationId?: string,
	) {}

	async create(request: SubscriptionCreateRequest): Promise<SubscriptionResult> {
		if (!this.locationId) return locationRequired('subscriptions');
		try {
			const { subscription } = await this.transport.request<{ subscription: SquareSubscription }>({
				method: 'POST',
				url: '/v2/subscriptions',
				headers,
				body: {
					idempotency_key: request.idempotencyKey,
					location_id: this.locationId,
					plan_variation_id: request.processorPlanId,
					customer_id: request.customer,
					...(request.paymentMethod ? { card_id: request.paymentMethod } : {}),
				},
			});
			return result(subscription);
		} catch (error) {
			return failure(error);
		}
	}

	async changePlan(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		return await this.action(request, 'swap-plan', { new_plan_variation_id: request.processorPlanId }, (current) => current.plan_variation_id === request.processorPlanId);
	}

	async pause(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		return await this.action(request, 'pause', {}, (current) => stateOf(current) === 'paused');
	}

	async cancel(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		return await this.action(request, 'cancel', undefined, (current) => stateOf(current) === 'canceled');
	}

	private async action(request: SubscriptionChangeRequest, action: string, body: Record<string, unknown> | undefined, reached: (current: SquareSubscription) => boolean): Promise<SubscriptionResult> {
		const url = `/v2/subscriptions/${encodeURIComponent(request.subscriptionId)}`;
		try {
			const { subscription } = await this.transport.request<{ subscription: SquareSubscription }>({ method: 'POST', url: `${url}/${action}`, headers, body: body ?? {} });
			return result(subscription);
		} catch (error) {
			const refused = failure(error);
			if (refused.outcome !== 'refused') return refused;
			const current = await this.transport.request<{ subscription: SquareSubscription }>({ method: 'GET', url, headers }).catch(() => undefined);
			return current && reached(current.subscription) ? result(current.subscription) : refused;
		}
	}
}

/**
 * Square bills a subscription or an invoice at one location, the one picked on the node: none is guessed (the first
 * active one may be another shop's). Refused before any call, naming the setting.
 */
export function locationRequired(what: 'subscriptions' | 'invoices'): { outcome: 'refused'; code: string; message: string } {
	return { outcome: 'refused', code: 'LOCATION_REQUIRED', message: `Square bills ${what} at a location: pick the Square Location (locationId) to bill them at` };
}

const STATES: Record<string, SubscriptionState> = { PENDING: 'pending', ACTIVE: 'active', PAUSED: 'paused', CANCELED: 'canceled', DEACTIVATED: 'canceled' };

/** A cancel takes effect at the end of the paid period: the subscription counts as canceled from the request, no charge after. */
function stateOf(subscription: SquareSubscription): SubscriptionState {
	return subscription.canceled_date !== undefined ? 'canceled' : (STATES[subscription.status] ?? 'active');
}

function result(subscription: SquareSubscription): SubscriptionResult {
	const canceled = subscription.canceled_date !== undefined && subscription.status !== 'DEACTIVATED';
	return {
		outcome: 'succeeded',
		subscriptionId: subscription.id,
		state: stateOf(subscription),
		processorStatus: canceled ? `${subscription.status}, canceled from ${subscription.canceled_date}` : subscription.status,
		processorPlanId: subscription.plan_variation_id,
	};
}

function failure(error: unknown): SubscriptionResult {
	return subscriptionFailure(error, vendorErrorBody<SquareErrorBody>(error)?.errors?.[0]?.code);
}
