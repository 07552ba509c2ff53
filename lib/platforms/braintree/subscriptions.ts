import { PlatformApiError } from '../../transport/errors';
import { subscriptionFailure, type SubscriptionActions, type SubscriptionChangeRequest, type SubscriptionCreateRequest, type SubscriptionResult, type SubscriptionState } from '../payments';
import { MissingMerchantIdError, type BraintreeGatewayClient } from './gateway';
import type { GatewayValue } from './xml';

interface BraintreeSubscription {
	id: string;
	status: string;
	planId: string;
	price: string;
}

/** Braintree's validation codes the connector reads a refusal by. */
const ID_IN_USE = '81902';
const ALREADY_CANCELED = '81905';

/** The payment method lists a gateway customer carries, each item with its `token` and whether it is the `default`. */
const PAYMENT_METHOD_LISTS = ['creditCards', 'paypalAccounts', 'applePayCards', 'androidPayCards', 'venmoAccounts', 'usBankAccounts'];

/**
 * Braintree recurring billing, on its gateway API (`/merchants/{id}/subscriptions`: GraphQL has none): a vaulted
 * payment method subscribed to a plan made in the Control Panel. No call takes an idempotency key, so each is made
 * safe to repeat: a subscription is created under an id derived from the request's key (a repeat is refused as "ID
 * has already been taken" and read back); a change of plan sets the plan and its price, which is the same state
 * however often it is sent; a cancel refused as already canceled is read back. After a lost answer the subscription is
 * read back, and where it is what the request asked, that is the answer.
 * Braintree cannot pause a subscription: `pause` is absent.
 */
export class BraintreeSubscriptions implements SubscriptionActions {
	/** `merchantAccountId`: the account the subscription bills into (in its plan's currency); the merchant's default when absent. */
	constructor(
		private readonly gateway: BraintreeGatewayClient,
		private readonly merchantAccountId?: string,
	) {}

	async create(request: SubscriptionCreateRequest): Promise<SubscriptionResult> {
		const id = braintreeSubscriptionId(request.idempotencyKey);
		const onPlan = (found: BraintreeSubscription) => found.planId === request.processorPlanId;
		try {
			const token = request.paymentMethod ?? (request.customer === undefined ? undefined : await this.defaultPaymentMethod(request.customer));
			if (token === undefined) {
				return { outcome: 'refused', code: 'PAYMENT_METHOD_REQUIRED', message: request.customer === undefined ? 'Braintree bills a vaulted payment method: give its token (Payment Method) or the customer whose default it is' : `Braintree customer ${request.customer} has no default payment method` };
			}
			const body = await this.gateway.call('POST', '/subscriptions', { subscription: { id, planId: request.processorPlanId, paymentMethodToken: token, ...(this.merchantAccountId ? { merchantAccountId: this.merchantAccountId } : {}) } }, false);
			return result(subscriptionOf(body));
		} catch (error) {
			// Taken: an earlier request with this key made it. Lost: it may have.
			return await this.settleByReading(id, error, onPlan, (failed) => failed.code === ID_IN_USE || failed.outcome === 'unknown');
		}
	}

	/** The plan and its price: Braintree keeps a subscription's price when the new plan bills as often as the old one. */
	async changePlan(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		const planId = request.processorPlanId!;
		let price: string | undefined;
		try {
			price = planOf(await this.gateway.call('GET', `/plans/${encodeURIComponent(planId)}`)).price;
			const body = await this.gateway.call('PUT', `/subscriptions/${encodeURIComponent(request.subscriptionId)}`, { subscription: { planId, price, options: { prorateCharges: true } } }, false);
			return result(subscriptionOf(body));
		} catch (error) {
			return await this.settleByReading(request.subscriptionId, error, (found) => found.planId === planId && found.price === price, (failed) => failed.outcome === 'unknown');
		}
	}

	async cancel(request: SubscriptionChangeRequest): Promise<SubscriptionResult> {
		try {
			return result(subscriptionOf(await this.gateway.call('PUT', `/subscriptions/${encodeURIComponent(request.subscriptionId)}/cancel`, undefined, false)));
		} catch (error) {
			// Canceled by an earlier request whose answer was lost, or by hand: the end asked for.
			return await this.settleByReading(request.subscriptionId, error, (found) => found.status === 'Canceled', (failed) => failed.code === ALREADY_CANCELED || failed.outcome === 'unknown');
		}
	}

	/** The failure, unless `worthReading` it and the subscription, read back, already is what the request asked (`reached`). */
	private async settleByReading(
		id: string,
		error: unknown,
		reached: (found: BraintreeSubscription) => boolean,
		worthReading: (failed: Exclude<SubscriptionResult, { outcome: 'succeeded' }>) => boolean,
	): Promise<SubscriptionResult> {
		const failed = failure(error);
		if (!worthReading(failed)) return failed;
		const found = await this.read(id);
		return found && reached(found) ? result(found) : failed;
	}

	private async read(id: string): Promise<BraintreeSubscription | undefined> {
		try {
			return subscriptionOf(await this.gateway.call('GET', `/subscriptions/${encodeURIComponent(id)}`));
		} catch (error) {
			if (error instanceof PlatformApiError) return undefined;
			throw error;
		}
	}

	private async defaultPaymentMethod(customerId: string): Promise<string | undefined> {
		const customer = objectOf((await this.gateway.call('GET', `/customers/${encodeURIComponent(customerId)}`).catch((error: unknown) => {
			if (error instanceof PlatformApiError && error.status === 404) throw new UnknownCustomerError(customerId);
			throw error;
		})).customer);
		const methods = PAYMENT_METHOD_LISTS.flatMap((list) => (Array.isArray(customer[list]) ? (customer[list] as GatewayValue[]) : [])).map(objectOf);
		const chosen = methods.find((method) => method.default === true);
		return typeof chosen?.token === 'string' ? chosen.token : undefined;
	}
}

/**
 * The subscription's id at Braintree for one request: letters, digits and `_` (what Braintree allows), derived from the
 * request's key so every repeat names the same subscription, and no longer than Braintree's ids.
 */
export function braintreeSubscriptionId(idempotencyKey: string): string {
	return idempotencyKey.replace(/[^\w-]/g, '').slice(0, 36);
}

const STATES: Record<string, SubscriptionState> = { Pending: 'pending', Active: 'active', 'Past Due': 'active', Canceled: 'canceled', Expired: 'canceled' };

function result(subscription: BraintreeSubscription): SubscriptionResult {
	return { outcome: 'succeeded', subscriptionId: subscription.id, state: STATES[subscription.status] ?? 'active', processorStatus: subscription.status, processorPlanId: subscription.planId };
}

class UnknownCustomerError extends Error {
	readonly code = 'UNKNOWN_CUSTOMER';

	constructor(customerId: string) {
		super(`Braintree has no customer ${customerId}`);
	}
}

function failure(error: unknown): Exclude<SubscriptionResult, { outcome: 'succeeded' }> {
	if (error instanceof MissingMerchantIdError || error instanceof UnknownCustomerError) return { outcome: 'refused', code: error.code, message: error.message };
	return subscriptionFailure(error) as Exclude<SubscriptionResult, { outcome: 'succeeded' }>;
}

function objectOf(value: GatewayValue | undefined): Record<string, GatewayValue> {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function subscriptionOf(body: Record<string, GatewayValue>): BraintreeSubscription {
	const subscription = objectOf(body.subscription);
	const text = (field: string) => (typeof subscription[field] === 'string' ? (subscription[field] as string) : '');
	if (text('id') === '') throw new Error('Braintree answered without a subscription');
	return { id: text('id'), status: text('status'), planId: text('planId'), price: text('price') };
}

function planOf(body: Record<string, GatewayValue>): { id: string; price: string } {
	const plan = objectOf(body.plan);
	if (typeof plan.id !== 'string' || typeof plan.price !== 'string') throw new Error('Braintree answered without a plan');
	return { id: plan.id, price: plan.price };
}
