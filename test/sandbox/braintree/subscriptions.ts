/**
 * Braintree recurring billing on the XML gateway (`/merchants/{id}/plans`, `/merchants/{id}/subscriptions`), which
 * its GraphQL API lacks. Plans are made in the Control Panel: every sandbox starts with `bt-basic-monthly` (9.00 USD)
 * and `bt-pro-monthly` (29.00 USD), billed every month, no trial. A subscription bills a vaulted payment method: its
 * first cycle is charged when it is created (a sale submitted for settlement, linked to it); a declined first charge
 * makes no subscription. Braintree's rules and codes: a custom id of letters, digits, `-` and `_` (81906), not taken
 * (81902); a known plan (91904) and payment method token (91903); a merchant account of the merchant's (91901) in the
 * plan's currency (91923), the default one when none is named; a canceled subscription cannot be updated (81901)
 * nor canceled again (81905). A change of plan keeps the price unless the new plan bills at another frequency or a
 * price is given. No call takes an idempotency key. `renew` bills the next cycle (the sandbox's clock does not run).
 * Each change Braintree notifies of is reported: a cancel (`subscription_canceled`), a cycle billed
 * (`subscription_charged_successfully`, or `subscription_charged_unsuccessfully` when the charge was declined); a
 * subscription's creation and its first charge are not (Braintree sends neither kind for them).
 */
import { randomBytes } from 'node:crypto';

import { BraintreeValidation, validAmount, type BraintreeStore, type Transaction } from './transactions';
import { datetime, list, XmlTyped, type XmlObject } from './xml';

export interface Plan {
	id: string;
	name: string;
	price: string;
	currencyIsoCode: string;
	/** Months between charges. */
	billingFrequency: number;
	createdAt: string;
}

/** The notification kinds a subscription's changes are reported as. */
export type SubscriptionReport = 'subscription_charged_successfully' | 'subscription_charged_unsuccessfully' | 'subscription_canceled';
/** Sends a notification of the subscription as it now is, `times` times (the same notification each time: a redelivery). */
export type ReportSubscription = (kind: SubscriptionReport, subscription: Subscription, times: number) => void;

export type SubscriptionStatus = 'Active' | 'Canceled' | 'Expired' | 'Past Due' | 'Pending';

export interface SubscriptionEvent {
	timestamp: string;
	status: SubscriptionStatus;
	price: string;
	planId: string;
	balance: string;
}

export interface Subscription {
	id: string;
	planId: string;
	price: string;
	status: SubscriptionStatus;
	paymentMethodToken: string;
	merchantAccountId: string;
	createdAt: string;
	updatedAt: string;
	firstBillingDate: string;
	/** Cycles billed so far. */
	currentBillingCycle: number;
	failureCount: number;
	transactionIds: string[];
	statusHistory: SubscriptionEvent[];
}

const seededPlans = (): Plan[] => [
	{ id: 'bt-basic-monthly', name: 'Basic monthly', price: '9.00', currencyIsoCode: 'USD', billingFrequency: 1, createdAt: new Date().toISOString() },
	{ id: 'bt-pro-monthly', name: 'Pro monthly', price: '29.00', currencyIsoCode: 'USD', billingFrequency: 1, createdAt: new Date().toISOString() },
];

const refuse = (attribute: string, code: string, message: string): never => {
	throw new BraintreeValidation([{ path: ['subscription'], attribute, code, message }]);
};

/** A first charge the processor declined: no subscription is made; the answer carries the transaction. */
export class FirstChargeDeclined extends Error {
	constructor(readonly transaction: Transaction) {
		super(transaction.processorResponseText);
	}
}

export class BraintreeSubscriptions {
	plans: Plan[] = seededPlans();
	subscriptions: Subscription[] = [];

	constructor(
		private readonly store: BraintreeStore,
		private readonly report: ReportSubscription,
	) {}

	reset(): void {
		this.plans = seededPlans();
		this.subscriptions = [];
	}

	plan(id: string): Plan | undefined {
		return this.plans.find((plan) => plan.id === id);
	}

	subscription(id: string): Subscription | undefined {
		return this.subscriptions.find((subscription) => subscription.id === id);
	}

	async create(input: Record<string, unknown>): Promise<Subscription> {
		const id = input.id === undefined || input.id === null || input.id === '' ? randomBytes(3).toString('hex') : String(input.id);
		if (!/^[\w-]{1,36}$/.test(id)) refuse('id', '81906', 'ID is invalid (use only letters, numbers, "-", and "_").');
		if (this.subscription(id)) refuse('id', '81902', 'ID has already been taken.');
		const plan = this.knownPlan(input.planId);
		const token = String(input.paymentMethodToken ?? '');
		if (!this.store.customers.some((customer) => customer.cards.some((card) => card.token === token))) refuse('payment_method_token', '91903', 'Payment method token is invalid.');
		const account = input.merchantAccountId === undefined || input.merchantAccountId === null || input.merchantAccountId === ''
			? this.store.merchantAccount(undefined)
			: (this.store.merchantAccounts.find((candidate) => candidate.id === input.merchantAccountId) ?? refuse('merchant_account_id', '91901', 'Merchant Account ID is invalid.'));
		if (account.currencyIsoCode !== plan.currencyIsoCode) refuse('merchant_account_id', '91923', 'Merchant account currency does not match the plan currency.');
		const price = input.price === undefined || input.price === null ? plan.price : this.validPrice(input.price);
		const now = new Date().toISOString();
		const subscription: Subscription = {
			id, planId: plan.id, price, status: 'Active', paymentMethodToken: token, merchantAccountId: account.id, createdAt: now, updatedAt: now, firstBillingDate: now.slice(0, 10),
			currentBillingCycle: 0, failureCount: 0, transactionIds: [], statusHistory: [],
		};
		const first = await this.bill(subscription);
		if (first.status !== 'submitted_for_settlement') throw new FirstChargeDeclined(first);
		this.record(subscription, 'Active');
		this.subscriptions.push(subscription);
		return subscription;
	}

	update(subscription: Subscription, input: Record<string, unknown>): Subscription {
		if (subscription.status === 'Canceled') refuse('base', '81901', 'Subscription has been canceled and cannot be updated.');
		if (subscription.status === 'Expired') refuse('base', '81910', 'Subscription has expired and cannot be updated.');
		const plan = input.planId === undefined ? this.plan(subscription.planId)! : this.knownPlan(input.planId);
		const before = this.plan(subscription.planId)!;
		if (input.price !== undefined && input.price !== null) subscription.price = this.validPrice(input.price);
		else if (plan.billingFrequency !== before.billingFrequency) subscription.price = plan.price;
		subscription.planId = plan.id;
		if (input.paymentMethodToken !== undefined) subscription.paymentMethodToken = String(input.paymentMethodToken);
		this.record(subscription, subscription.status);
		return subscription;
	}

	/** Canceled at once (through the API or the Control Panel): reported as `subscription_canceled`. */
	cancel(subscription: Subscription, times = 1): Subscription {
		if (subscription.status === 'Canceled') refuse('status', '81905', 'Subscription has already been canceled.');
		this.record(subscription, 'Canceled');
		this.report('subscription_canceled', subscription, times);
		return subscription;
	}

	/**
	 * The next cycle billed (`declined`: the card on file refuses it, 2001 Insufficient Funds): a charge that succeeds
	 * keeps it Active, a declined one (still one of its transactions, the newest) makes it Past Due; reported either way.
	 */
	async renew(subscription: Subscription, { declined = false, times = 1 } = {}): Promise<Transaction> {
		const charge = await this.bill(subscription, declined ? 2001 : undefined);
		const paid = charge.status === 'submitted_for_settlement';
		subscription.failureCount = paid ? 0 : subscription.failureCount + 1;
		this.record(subscription, paid ? 'Active' : 'Past Due');
		this.report(paid ? 'subscription_charged_successfully' : 'subscription_charged_unsuccessfully', subscription, times);
		return charge;
	}

	private async bill(subscription: Subscription, declineCode?: number): Promise<Transaction> {
		const charge = await this.store.sale({ amount: subscription.price, merchantAccountId: subscription.merchantAccountId, source: { paymentMethodToken: subscription.paymentMethodToken }, submitForSettlement: true, declineCode });
		charge.subscription = { id: subscription.id, planId: subscription.planId };
		subscription.transactionIds.unshift(charge.id);
		if (charge.status === 'submitted_for_settlement') subscription.currentBillingCycle++;
		return charge;
	}

	private knownPlan(planId: unknown): Plan {
		const plan = typeof planId === 'string' ? this.plan(planId) : undefined;
		return plan ?? refuse('plan_id', '91904', 'Plan ID is invalid.');
	}

	private validPrice(price: unknown): string {
		try {
			return validAmount(price, ['subscription']);
		} catch {
			return refuse('price', '81904', 'Price is an invalid format.');
		}
	}

	private record(subscription: Subscription, status: SubscriptionStatus): void {
		const now = new Date().toISOString();
		subscription.status = status;
		subscription.updatedAt = now;
		subscription.statusHistory.unshift({ timestamp: now, status, price: subscription.price, planId: subscription.planId, balance: '0.00' });
	}
}

const date = (iso: string): XmlTyped => new XmlTyped('date', iso.slice(0, 10));

/** A month after `iso`, `months` times. */
function monthsAfter(iso: string, months: number): string {
	const day = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
	day.setUTCMonth(day.getUTCMonth() + months);
	return day.toISOString();
}

export function presentPlan(plan: Plan): XmlObject {
	return {
		id: plan.id, merchantId: 'sandbox-merchant', name: plan.name, description: null, price: plan.price, currencyIsoCode: plan.currencyIsoCode, billingFrequency: plan.billingFrequency,
		billingDayOfMonth: null, numberOfBillingCycles: null, trialPeriod: false, trialDuration: null, trialDurationUnit: null,
		createdAt: datetime(plan.createdAt), updatedAt: datetime(plan.createdAt), addOns: list('add-on', []), discounts: list('discount', []),
	};
}

/** As Braintree answers it: dates of the current period, its transactions newest first, its status history newest first. */
export function presentSubscription(subscription: Subscription, plan: Plan, transaction: (id: string) => XmlObject): XmlObject {
	const cycles = Math.max(subscription.currentBillingCycle, 1);
	const periodStart = monthsAfter(subscription.firstBillingDate, (cycles - 1) * plan.billingFrequency);
	const nextBilling = monthsAfter(subscription.firstBillingDate, cycles * plan.billingFrequency);
	const periodEnd = new Date(Date.parse(nextBilling) - 86_400_000).toISOString();
	return {
		id: subscription.id, status: subscription.status, planId: subscription.planId, price: subscription.price, balance: '0.00', paymentMethodToken: subscription.paymentMethodToken,
		merchantAccountId: subscription.merchantAccountId, currentBillingCycle: subscription.currentBillingCycle, failureCount: subscription.failureCount, daysPastDue: subscription.status === 'Past Due' ? 0 : null,
		firstBillingDate: date(subscription.firstBillingDate), billingDayOfMonth: Number(subscription.firstBillingDate.slice(8, 10)), billingPeriodStartDate: date(periodStart),
		billingPeriodEndDate: date(periodEnd), paidThroughDate: date(periodEnd), nextBillingDate: date(nextBilling), nextBillAmount: subscription.price, nextBillingPeriodAmount: subscription.price,
		neverExpires: true, numberOfBillingCycles: null, trialPeriod: false, trialDuration: null, trialDurationUnit: null, description: null,
		descriptor: { name: null, phone: null, url: null }, addOns: list('add-on', []), discounts: list('discount', []),
		createdAt: datetime(subscription.createdAt), updatedAt: datetime(subscription.updatedAt),
		transactions: list('transaction', subscription.transactionIds.map(transaction)),
		statusHistory: list('status-event', subscription.statusHistory.map((event) => ({
			timestamp: datetime(event.timestamp), status: event.status, price: event.price, planId: event.planId, balance: event.balance, currencyIsoCode: plan.currencyIsoCode,
			subscriptionSource: 'api', user: 'sandbox_api_user',
		}))),
	};
}
