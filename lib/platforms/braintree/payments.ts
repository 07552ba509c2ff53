import type { Transport } from '../../transport/transport';
import { PlatformApiError } from '../../transport/errors';
import { toMajorString } from '../../records/money';
import {
	authorizationFailure,
	classifyCode,
	failureFromError,
	refundFailure,
	type AuthorizationActions,
	type AuthorizationRequest,
	type AuthorizationResult,
	type ChargeRequest,
	type ChargeResult,
	type PaymentConnector,
	type RefundActions,
	type RefundRequest,
	type RefundResult,
	type RefundState,
	type SubscriptionActions,
} from '../payments';
import type { PlatformSettings } from '../platformSettings';
import { BraintreeGatewayClient } from './gateway';
import { BRAINTREE_VERSION, braintreeFailures, type BraintreeBody } from './profile';
import { BraintreeSubscriptions } from './subscriptions';

interface BraintreeTransaction {
	id: string;
	orderId?: string;
	status: string;
	statusHistory?: Array<{ status: string; gatewayRejectionReason?: string; processorResponse?: { legacyCode?: string; message?: string }; authorizationExpiresAt?: string | null }>;
}

const TRANSACTION_FIELDS = `id orderId status statusHistory {
	status
	... on ProcessorDeclinedEvent { processorResponse { legacyCode message } }
	... on FailedEvent { processorResponse { legacyCode message } }
	... on GatewayRejectedEvent { gatewayRejectionReason }
	... on AuthorizedEvent { authorizationExpiresAt }
}`;

const CHARGE = `mutation Charge($input: ChargePaymentMethodInput!) {
	chargePaymentMethod(input: $input) { transaction { ${TRANSACTION_FIELDS} } }
}`;

const AUTHORIZE = `mutation Authorize($input: AuthorizePaymentMethodInput!) {
	authorizePaymentMethod(input: $input) { transaction { ${TRANSACTION_FIELDS} } }
}`;

const CAPTURE = `mutation Capture($input: CaptureTransactionInput!) {
	captureTransaction(input: $input) { transaction { id status } }
}`;

const REVERSE = `mutation Reverse($input: ReverseTransactionInput!) {
	reverseTransaction(input: $input) { reversal { ... on Transaction { id status } ... on Refund { id status } } }
}`;

/** Statuses after a capture (submitted for settlement, or further on), and after a void. */
const CAPTURED = new Set(['SUBMITTED_FOR_SETTLEMENT', 'SETTLING', 'SETTLEMENT_PENDING', 'SETTLED', 'SETTLEMENT_CONFIRMED']);

const FIND_BY_ORDER = `query FindByOrderId($input: TransactionSearchInput!) {
	search { transactions(input: $input, first: 1) { edges { node { ${TRANSACTION_FIELDS} } } } }
}`;

const MERCHANT_ACCOUNT = `query MerchantAccount($input: MerchantAccountSearchInput) {
	viewer { merchant { merchantAccounts(input: $input, first: 1) { edges { node { id currencyCode status } } } } }
}`;

const REFUND = `mutation Refund($input: RefundTransactionInput!) {
	refundTransaction(input: $input) { refund { id orderId status } }
}`;

const FIND_BY_ID = `query FindById($input: TransactionSearchInput!) {
	search { transactions(input: $input, first: 1) { edges { node { id orderId status } } } }
}`;

/** A refund is a credit transaction: pending until Braintree settles it. */
const REFUND_STATES: Record<string, RefundState> = {
	SUBMITTED_FOR_SETTLEMENT: 'pending',
	SETTLING: 'pending',
	SETTLEMENT_PENDING: 'pending',
	SETTLED: 'succeeded',
	SETTLEMENT_CONFIRMED: 'succeeded',
	SETTLEMENT_DECLINED: 'failed',
	VOIDED: 'failed',
	FAILED: 'failed',
	PROCESSOR_DECLINED: 'failed',
	GATEWAY_REJECTED: 'failed',
};

const CHARGED = new Set(['AUTHORIZED', 'AUTHORIZING', 'SUBMITTED_FOR_SETTLEMENT', 'SETTLING', 'SETTLED', 'SETTLEMENT_PENDING']);

/**
 * Braintree GraphQL `chargePaymentMethod`. It has no idempotency field, so the payment's key travels as the
 * transaction's `orderId`, and the connector searches that order id before any repeat: after a lost answer, a 5xx,
 * or when resuming a payment an earlier execution left unsettled.
 */
export class BraintreePayments implements PaymentConnector, RefundActions, AuthorizationActions {
	readonly processor = 'braintree';
	readonly refunds: RefundActions = this;
	readonly authorization: AuthorizationActions = this;
	/** Card authorizations expire after about 7 days (by card brand; Braintree's `authorizationExpiresAt` says exactly). */
	readonly validity = { days: 7 };
	/** Recurring billing, on the gateway API: present when the credential's settings are given (the merchant id names its paths). */
	readonly subscriptions?: SubscriptionActions;

	/**
	 * `merchantAccountId`: the account payments go into (its currency is the charge's); the merchant's default when absent.
	 * `settings`: the credential's; with them, subscriptions (the merchant id names the gateway API's paths).
	 */
	constructor(
		private readonly transport: Transport,
		private readonly merchantAccountId?: string,
		settings?: PlatformSettings,
	) {
		if (settings) this.subscriptions = new BraintreeSubscriptions(new BraintreeGatewayClient(transport, settings), merchantAccountId);
	}

	async charge(request: ChargeRequest): Promise<ChargeResult> {
		if (request.resuming) {
			const earlier = await this.findSettled(request.idempotencyKey);
			if (earlier !== 'not_found') return earlier;
		}
		let result = await this.chargeOnce(request);
		if (result.outcome === 'unknown' || (result.outcome === 'processor_failure' && (result.httpStatus ?? 0) >= 500)) {
			const earlier = await this.findSettled(request.idempotencyKey);
			if (earlier !== 'not_found') return earlier;
			// Not charged: a lost answer is worth one more try; a 5xx lets the router move on.
			if (result.outcome === 'unknown') result = await this.chargeOnce(request);
		}
		return result;
	}

	private async chargeOnce(request: ChargeRequest): Promise<ChargeResult> {
		const refused = await this.accountRefuses(request.currency);
		if (refused) return refused;
		// Capture off: authorizePaymentMethod (AUTHORIZED), submitted for settlement later by captureTransaction.
		const [mutation, field] = request.capture === false ? [AUTHORIZE, 'authorizePaymentMethod'] : [CHARGE, 'chargePaymentMethod'];
		try {
			const body = await this.graphql(mutation, {
				input: {
					paymentMethodId: request.token,
					transaction: { amount: toMajorString(request.amountMinor, request.currency), orderId: request.idempotencyKey, ...(this.merchantAccountId ? { merchantAccountId: this.merchantAccountId } : {}) },
				},
			}, false);
			const transaction = (body.data?.[field] as { transaction?: BraintreeTransaction } | null)?.transaction;
			if (!transaction) return { outcome: 'unknown', code: 'NO_TRANSACTION', message: 'Braintree returned no transaction' };
			return transactionResult(transaction);
		} catch (error) {
			return failureFromError(error, braintreeFailures);
		}
	}

	/** The picked merchant account's currency and status, read once per connector. */
	private account?: Promise<{ currencyCode?: string; status?: string } | undefined>;

	/**
	 * A picked merchant account takes payments in its own currency only (Braintree's charge has no currency field: the
	 * amount would be taken in the account's), so a payment in another currency, or into an account that is missing or
	 * not active, is refused before anything is charged and the router may try the next processor.
	 */
	private async accountRefuses(currency: string): Promise<ChargeResult | undefined> {
		if (!this.merchantAccountId) return undefined;
		const id = this.merchantAccountId;
		this.account ??= this.graphql(MERCHANT_ACCOUNT, { input: { id: { is: id } } }, true).then((body) => {
			const merchant = (body.data?.viewer as { merchant?: { merchantAccounts?: { edges?: Array<{ node?: { currencyCode?: string; status?: string } }> } } } | undefined)?.merchant;
			return merchant?.merchantAccounts?.edges?.[0]?.node;
		});
		let account: { currencyCode?: string; status?: string } | undefined;
		try {
			account = await this.account;
		} catch (error) {
			this.account = undefined;
			if (!(error instanceof PlatformApiError)) throw error;
			return { outcome: 'processor_failure', code: 'LOOKUP_FAILED', message: `Could not read Braintree merchant account ${id}: ${error.message}` };
		}
		if (!account) return { outcome: 'processor_failure', code: 'MERCHANT_ACCOUNT_NOT_FOUND', message: `Braintree has no merchant account ${id}` };
		if (account.status !== 'ACTIVE') return { outcome: 'processor_failure', code: 'MERCHANT_ACCOUNT_NOT_ACTIVE', message: `Braintree merchant account ${id} is ${String(account.status).toLowerCase()}: it takes no payments` };
		if (account.currencyCode && account.currencyCode.toUpperCase() !== currency.toUpperCase()) {
			return { outcome: 'processor_failure', code: 'CURRENCY_MISMATCH', message: `Braintree merchant account ${id} takes ${account.currencyCode}, not ${currency}: pick the account for ${currency}` };
		}
		return undefined;
	}

	/** The outcome of an earlier charge with this order id, `not_found` when there is none, `unknown` when the search fails. */
	private async findSettled(orderId: string): Promise<ChargeResult | 'not_found'> {
		try {
			const body = await this.graphql(FIND_BY_ORDER, { input: { orderId: { is: orderId } } }, true);
			const search = body.data?.search as { transactions?: { edges?: Array<{ node: BraintreeTransaction }> } } | undefined;
			const found = search?.transactions?.edges?.[0]?.node;
			return found ? transactionResult(found) : 'not_found';
		} catch (error) {
			if (!(error instanceof PlatformApiError)) throw error;
			return { outcome: 'unknown', code: 'LOOKUP_FAILED', message: `Could not look the earlier charge up: ${error.message}` };
		}
	}

	/**
	 * `captureTransaction` (all, or `amount`: the rest is released). Braintree has no idempotency field: the transaction's
	 * status is read before any repeat (resuming, or after a lost answer) and a captured one is not captured again.
	 */
	async capture(request: AuthorizationRequest): Promise<AuthorizationResult> {
		const amount = request.amountMinor === undefined ? {} : { transaction: { amount: toMajorString(request.amountMinor, request.currency) } };
		return await this.settleOnce(request, CAPTURED, async () => {
			const body = await this.graphql(CAPTURE, { input: { transactionId: request.transactionId, ...amount } }, false);
			return (body.data?.captureTransaction as { transaction?: BraintreeTransaction } | null)?.transaction;
		});
	}

	/** `reverseTransaction`: voids an authorization that has not settled; read first, as for a capture. */
	async cancel(request: AuthorizationRequest): Promise<AuthorizationResult> {
		return await this.settleOnce(request, new Set(['VOIDED']), async () => {
			const body = await this.graphql(REVERSE, { input: { transactionId: request.transactionId } }, false);
			return (body.data?.reverseTransaction as { reversal?: BraintreeTransaction } | null)?.reversal;
		});
	}

	private async settleOnce(request: AuthorizationRequest, done: Set<string>, act: () => Promise<BraintreeTransaction | undefined>): Promise<AuthorizationResult> {
		const already = async (): Promise<AuthorizationResult | undefined> => {
			const found = await this.findTransaction(request.transactionId);
			if (found === 'unknown') return { outcome: 'unknown', code: 'LOOKUP_FAILED', message: 'Could not look the transaction up' };
			return found && done.has(found.status) ? { outcome: 'succeeded', processorStatus: found.status } : undefined;
		};
		if (request.resuming) {
			const earlier = await already();
			if (earlier) return earlier;
		}
		let result: AuthorizationResult;
		try {
			const transaction = await act();
			result = transaction ? { outcome: 'succeeded', processorStatus: transaction.status } : { outcome: 'unknown', code: 'NO_TRANSACTION', message: 'Braintree returned no transaction' };
		} catch (error) {
			result = authorizationFailure(error);
		}
		return result.outcome === 'unknown' ? ((await already()) ?? result) : result;
	}

	/** The transaction by id, undefined when Braintree has none, `unknown` when the search itself fails. */
	private async findTransaction(transactionId: string): Promise<BraintreeTransaction | undefined | 'unknown'> {
		try {
			const body = await this.graphql(FIND_BY_ID, { input: { id: { is: transactionId } } }, true);
			const search = body.data?.search as { transactions?: { edges?: Array<{ node: BraintreeTransaction }> } } | undefined;
			return search?.transactions?.edges?.[0]?.node;
		} catch (error) {
			if (!(error instanceof PlatformApiError)) throw error;
			return 'unknown';
		}
	}

	/**
	 * `refundTransaction` with the refund's key as the credit's `orderId`. Braintree has no idempotency field, so an
	 * earlier credit with that order id is searched before any repeat (resuming, or after a lost answer or a 5xx).
	 */
	async refund(request: RefundRequest): Promise<RefundResult> {
		if (request.resuming) {
			const earlier = await this.findRefund({ orderId: { is: request.idempotencyKey } });
			if (earlier !== 'not_found') return earlier;
		}
		const result = await this.refundOnce(request);
		if (result.outcome !== 'unknown') return result;
		const found = await this.findRefund({ orderId: { is: request.idempotencyKey } });
		return found === 'not_found' ? result : found;
	}

	async lookup(processorRefundId: string): Promise<RefundResult> {
		const found = await this.findRefund({ id: { is: processorRefundId } });
		return found === 'not_found' ? { outcome: 'refused', code: 'NOT_FOUND', message: `Braintree has no refund ${processorRefundId}` } : found;
	}

	private async refundOnce(request: RefundRequest): Promise<RefundResult> {
		try {
			const body = await this.graphql(REFUND, {
				input: { transactionId: request.transactionId, refund: { amount: toMajorString(request.amountMinor, request.currency), orderId: request.idempotencyKey } },
			}, false);
			const refund = (body.data?.refundTransaction as { refund?: BraintreeTransaction } | null)?.refund;
			if (!refund) return { outcome: 'unknown', code: 'NO_REFUND', message: 'Braintree returned no refund' };
			return braintreeRefundResult(refund);
		} catch (error) {
			return refundFailure(error);
		}
	}

	/** An existing credit, `not_found` when there is none, `unknown` when the search itself fails. */
	private async findRefund(input: Record<string, unknown>): Promise<RefundResult | 'not_found'> {
		try {
			const body = await this.graphql(FIND_BY_ID, { input }, true);
			const search = body.data?.search as { transactions?: { edges?: Array<{ node: BraintreeTransaction }> } } | undefined;
			const found = search?.transactions?.edges?.[0]?.node;
			return found ? braintreeRefundResult(found) : 'not_found';
		} catch (error) {
			if (!(error instanceof PlatformApiError)) throw error;
			return { outcome: 'unknown', code: 'LOOKUP_FAILED', message: `Could not look the earlier refund up: ${error.message}` };
		}
	}

	private graphql(query: string, variables: Record<string, unknown>, replaySafe: boolean): Promise<BraintreeBody> {
		return this.transport.request<BraintreeBody>(
			{ method: 'POST', url: '/graphql', headers: { 'Braintree-Version': BRAINTREE_VERSION }, body: { query, variables } },
			{ replaySafe },
		);
	}
}

function transactionResult(transaction: BraintreeTransaction): ChargeResult {
	if (transaction.status === 'AUTHORIZED') {
		return { outcome: 'succeeded', transactionId: transaction.id, processorStatus: transaction.status, authorization: { expiresAt: transaction.statusHistory?.find((event) => event.status === 'AUTHORIZED')?.authorizationExpiresAt ?? undefined } };
	}
	if (CHARGED.has(transaction.status)) return { outcome: 'succeeded', transactionId: transaction.id, processorStatus: transaction.status };
	const event = transaction.statusHistory?.[0];
	const code = event?.gatewayRejectionReason ?? event?.processorResponse?.legacyCode ?? transaction.status;
	const message = event?.processorResponse?.message ?? `Braintree transaction ${transaction.status}`;
	const byStatus = transaction.status === 'PROCESSOR_DECLINED' ? 'hard_decline' : 'processor_failure';
	return { outcome: classifyCode(braintreeFailures, code) ?? byStatus, code, message };
}

function braintreeRefundResult(refund: BraintreeTransaction): RefundResult {
	return { outcome: 'accepted', refundId: refund.id, state: REFUND_STATES[refund.status] ?? 'pending', processorStatus: refund.status };
}

