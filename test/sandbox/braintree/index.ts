/**
 * The Braintree sandbox: both of Braintree's APIs over one store of transactions and customers.
 * - The XML gateway its server SDKs call (`/merchants/{merchantId}/…`, see gateway.ts): sale with or without
 *   submitForSettlement, find, submit for settlement (full, partial), void, refund, search, customers, plans and
 *   subscriptions (recurring billing, see subscriptions.ts), and the sandbox-only testing calls that settle a transaction.
 * - GraphQL (`POST /graphql`, see graphql.ts): chargePaymentMethod, search, the merchant's accounts, ping.
 * Both take Basic public:private key auth. Webhook notifications (bt_signature / bt_payload, see webhooks.ts) go to
 * the targets registered through the control API when a transaction settles or its settlement is declined, when a
 * subscription is canceled through the API (`subscription_canceled`), and on `POST /__control/events` with
 * `{ kind, transactionId? }` (a dispute kind opens or moves on a dispute of the transaction, as Braintree's dispute
 * notifications carry it) or `{ kind: 'subscription_*', subscriptionId?, times? }` (a subscription's next cycle billed,
 * or its cancel in the Control Panel; `times` delivers the same notification that often, as a retry would).
 */
import { randomBytes } from 'node:crypto';

import { basicAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import { ProcessingSettings } from '../framework/idempotency';
import type { Router } from '../framework/router';
import type { SandboxRequest, VendorSandboxFactory } from '../framework/types';
import { bareStatus, BraintreeGateway, braintreeMerchantId, gatewayPathPattern, gatewayPreconditions, presentTransaction } from './gateway';
import { graphQlErrors, handleGraphql } from './graphql';
import { BraintreeSubscriptions, presentSubscription } from './subscriptions';
import { BraintreeStore, BraintreeValidation, type MerchantAccount, type Transaction } from './transactions';
import { disputeKinds, notificationForm, notificationKinds, subscriptionKinds, type NotificationKind } from './webhooks';
import { XmlTyped, type XmlObject } from './xml';

export const braintreePublicKey = 'sandbox-public-key';
export const braintreePrivateKey = 'sandbox-private-key';
const keys = { publicKey: braintreePublicKey, privateKey: braintreePrivateKey };

const isGateway = (request?: SandboxRequest): boolean => request !== undefined && gatewayPathPattern.test(request.path);

/** The statuses of a sale whose money has been captured (submitted for settlement, or further on). */
const capturedStatuses = new Set(['submitted_for_settlement', 'settling', 'settlement_pending', 'settled', 'settlement_confirmed']);

export const createBraintreeSandbox: VendorSandboxFactory = (services) => {
	const processing = new ProcessingSettings();
	const store = new BraintreeStore(processing);
	const billing = new BraintreeSubscriptions(store, (kind, subscription, times) => {
		const presented = presentSubscription(subscription, billing.plan(subscription.planId)!, (id) => presentTransaction(store.transaction(id)!, store));
		const form = notificationForm(kind, { subscription: presented }, keys);
		for (let delivery = 0; delivery < times; delivery++) services.publishWebhook(form);
	});
	/** Disputes of the sandbox's transactions, newest last, as Braintree's dispute notifications carry them. */
	const disputes: XmlObject[] = [];
	/** `dispute_opened` opens a chargeback on the transaction (reply in 7 days); the other dispute kinds move the latest one on. */
	const disputeOf = (kind: keyof typeof disputeKinds, transaction: Transaction): XmlObject => {
		const date = (ms: number) => new XmlTyped('date', new Date(ms).toISOString().slice(0, 10));
		if (kind === 'dispute_opened' || disputes.length === 0) {
			disputes.push({
				amount: transaction.amount, amountDisputed: transaction.amount, amountWon: '0.00', currencyIsoCode: transaction.currencyIsoCode, receivedDate: date(Date.now()),
				replyByDate: date(Date.now() + 7 * 86_400_000), kind: 'chargeback', status: 'open', reason: 'fraud', id: randomBytes(8).toString('hex'),
				transaction: { id: transaction.id, amount: transaction.amount }, dateOpened: date(Date.now()),
			});
		}
		const dispute = disputes.at(-1)!;
		dispute.status = disputeKinds[kind];
		return { ...dispute };
	};
	const notify = (kind: NotificationKind, transaction?: Transaction) => {
		const dispute = kind in disputeKinds ? disputeOf(kind as keyof typeof disputeKinds, transaction!) : undefined;
		const subject = kind === 'check' ? { check: true } : dispute ? { dispute } : { transaction: presentTransaction(transaction!, store) };
		services.publishWebhook(notificationForm(kind, subject, keys));
		return { kind, transactionId: transaction?.id ?? null, ...(dispute ? { disputeId: dispute.id } : {}) };
	};
	/**
	 * `subscription_charged_successfully` bills the subscription's next cycle, `subscription_charged_unsuccessfully` has
	 * the card on file decline it (a card that declines anyway is reported unsuccessfully whichever was asked);
	 * `subscription_canceled` cancels it as the Control Panel does. Only an Active or Past Due subscription is billed.
	 */
	const subscriptionEvent = async (kind: string, subscriptionId: unknown, times: number) => {
		const subscription = typeof subscriptionId === 'string' ? billing.subscription(subscriptionId) : billing.subscriptions.at(-1);
		if (!subscription) throw controlError(400, subscriptionId === undefined ? 'no subscription yet: make one, or name subscriptionId' : `no subscription ${String(subscriptionId)}`);
		if (subscription.status === 'Canceled' || subscription.status === 'Expired') throw controlError(400, `subscription ${subscription.id} is ${subscription.status}: only an Active or Past Due one is billed or canceled`);
		if (kind === 'subscription_canceled') {
			billing.cancel(subscription, times);
			return { kind, subscriptionId: subscription.id, transactionId: subscription.transactionIds[0] ?? null };
		}
		const charge = await billing.renew(subscription, { declined: kind === 'subscription_charged_unsuccessfully', times });
		const sent = charge.status === 'submitted_for_settlement' ? 'subscription_charged_successfully' : 'subscription_charged_unsuccessfully';
		return { kind: sent, subscriptionId: subscription.id, transactionId: charge.id };
	};
	const gateway = new BraintreeGateway(store, (transaction) => {
		if (transaction.status === 'settled') notify('transaction_settled', transaction);
		if (transaction.status === 'settlement_declined') notify('transaction_settlement_declined', transaction);
	}, billing);
	const credentialCheck = basicAuth(braintreePublicKey, braintreePrivateKey, () => graphQlErrors(401, 'Authentication failed', 'AUTHENTICATION'));
	return {
		credentials: { merchantId: braintreeMerchantId, ...keys },
		authenticate: (request) => {
			const denied = credentialCheck(request);
			if (isGateway(request)) return denied ? bareStatus(401) : gatewayPreconditions(request);
			return denied;
		},
		rateLimits: {
			defaults: [{ name: 'per_second', kind: 'sliding', limit: 50, intervalMs: 1000 }],
			headers: () => ({}),
			rejection: (_blocked, _retryAfterMs, request) => (isGateway(request) ? bareStatus(429) : graphQlErrors(429, 'Too many requests', 'RESOURCE_LIMIT')),
		},
		errors: {
			serverError: (status, request) => (isGateway(request) ? bareStatus(status) : graphQlErrors(status, 'An unexpected error occurred', status === 503 ? 'SERVICE_AVAILABILITY' : 'INTERNAL')),
			notFound: (request) => (isGateway(request) ? bareStatus(404) : graphQlErrors(404, `No route for ${request.method} ${request.path}`, 'NOT_FOUND')),
			badRequest: (message) => graphQlErrors(400, `Invalid JSON: ${message}`, 'VALIDATION'),
		},
		routes: (router: Router) => {
			router.post('/graphql', (request) => handleGraphql(store, request));
			gateway.routes(router);
		},
		data: {
			reset: () => {
				store.reset();
				billing.reset();
				disputes.length = 0;
				processing.processingMs = 5;
			},
			seed: (data) => seedCustomers(store, data),
			state: (collection) => {
				const all = {
					transactions: store.transactions,
					customers: store.customers,
					merchantAccounts: store.merchantAccounts,
					settled: store.transactions.filter((transaction) => transaction.type === 'sale' && capturedStatuses.has(transaction.status)),
					disputes,
					plans: billing.plans,
					subscriptions: billing.subscriptions,
				};
				return collection === undefined ? all : all[collection as keyof typeof all];
			},
		},
		// The form body is signed already (Braintree signs with the API keys); only its content type is added here.
		signWebhook: () => ({ 'content-type': 'application/x-www-form-urlencoded' }),
		emitEvent: async ({ kind, transactionId, subscriptionId, times }) => {
			if (!notificationKinds.includes(kind as NotificationKind)) throw controlError(400, `kind must be one of ${notificationKinds.join(', ')}`);
			if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
			if (kind === 'check') return notify('check');
			if ((subscriptionKinds as readonly string[]).includes(String(kind))) return await subscriptionEvent(String(kind), subscriptionId, (times as number | undefined) ?? 1);
			if (times !== undefined) throw controlError(400, 'times is for subscription kinds only');
			const transaction = transactionId === undefined ? store.transactions.at(-1) : store.transaction(String(transactionId));
			if (!transaction) throw controlError(400, transactionId === undefined ? 'no transaction yet: make one, or name transactionId' : `no transaction ${String(transactionId)}`);
			return notify(kind as NotificationKind, transaction);
		},
		settings: { get: () => processing.get(), update: (patch) => processing.update(patch, (message) => controlError(400, message)) },
	};
};

/**
 * `{ customers: [{ id?, firstName, lastName, email, company, phone, paymentMethodNonce? }], merchantAccounts: [{ id,
 * dbaName, currencyIsoCode, status?, isDefault? }] }` (accounts are added beside the default ones); transactions come
 * through the API.
 */
function seedCustomers(store: BraintreeStore, data: Record<string, unknown[]>): unknown {
	const unknown = Object.keys(data).filter((collection) => collection !== 'customers' && collection !== 'merchantAccounts');
	if (unknown.length > 0) throw controlError(400, `Braintree seeds customers and merchant accounts only (transactions are created through the API); not ${unknown.join(', ')}`);
	try {
		const merchantAccounts = (data.merchantAccounts ?? []).map((account) => seedMerchantAccount(store, (account ?? {}) as Record<string, unknown>));
		return { customers: (data.customers ?? []).map((customer) => store.createCustomer((customer ?? {}) as Record<string, unknown>)), merchantAccounts };
	} catch (error) {
		if (error instanceof BraintreeValidation) throw controlError(400, error.message);
		throw error;
	}
}

function seedMerchantAccount(store: BraintreeStore, input: Record<string, unknown>): MerchantAccount {
	const { id, dbaName, currencyIsoCode, status = 'active', isDefault = false } = input;
	if (typeof id !== 'string' || !/^[A-Za-z0-9_-]+$/.test(id)) throw controlError(400, 'merchantAccounts[].id must be letters, digits, _ or -');
	if (store.merchantAccounts.some((account) => account.id === id)) throw controlError(400, `merchant account ${id} exists already`);
	if (typeof currencyIsoCode !== 'string' || !/^[A-Z]{3}$/.test(currencyIsoCode)) throw controlError(400, 'merchantAccounts[].currencyIsoCode must be an ISO 4217 code');
	if (status !== 'active' && status !== 'pending' && status !== 'suspended') throw controlError(400, 'merchantAccounts[].status must be active, pending or suspended');
	if (typeof isDefault !== 'boolean') throw controlError(400, 'merchantAccounts[].isDefault must be true or false');
	if (isDefault) store.merchantAccounts.forEach((account) => (account.isDefault = false));
	const account: MerchantAccount = { id, dbaName: typeof dbaName === 'string' ? dbaName : id, currencyIsoCode, status, isDefault };
	store.merchantAccounts.push(account);
	return account;
}
