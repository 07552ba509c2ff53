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
 * plan variation at the seller's first active location, created under an `idempotency_key` derived from the request
 * id. Swap plan, pause and cancel take no key: Square refuses to repeat one already done (a pause or cancel pending),
 * so a refusal is read back and, when the subscription is where the request asked, that is its answer.
 */
export class SquareSubscriptions implements SubscriptionActions {
	private location?: Promise<string>;

	constructor(private readonly transport: Transport) {}

	async create(request: SubscriptionCreateRequest): Promise<SubscriptionResult> {
		try {
			const { subscription } = await this.transport.request<{ subscription: SquareSubscription }>({
				method: 'POST',
				url: '/v2/subscriptions',
				headers,
				body: {
					idempotency_key: request.idempotencyKey,
					location_id: await this.locationId(),
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

	/** The seller's first active location: subscriptions belong to one. */
	private locationId(): Promise<string> {
		this.location ??= firstActiveLocation(this.transport);
		this.location.catch(() => (this.location = undefined));
		return this.location;
	}
}

/** The seller's first active location: subscriptions and invoices belong to one. */
export async function firstActiveLocation(transport: Transport): Promise<string> {
	const body = await transport.request<{ locations?: Array<{ id: string; status: string }> }>({ method: 'GET', url: '/v2/locations', headers });
	const active = body.locations?.find((location) => location.status === 'ACTIVE');
	if (!active) throw new Error('Square has no active location to bill from');
	return active.id;
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
