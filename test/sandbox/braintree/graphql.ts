/**
 * Braintree's GraphQL API: `POST /graphql` with a `Braintree-Version` header; `chargePaymentMethod`, `authorizePaymentMethod`
 * (AUTHORIZED, with `authorizationExpiresAt`), `captureTransaction` (all or part of an authorization), `reverseTransaction`
 * (a void before settlement, a full refund after), `refundTransaction` (of a settled transaction, up to what remains),
 * `search.transactions` by `id` or `orderId`, `viewer { merchant { merchantAccounts } }` (the merchant's accounts, a
 * page at a time), and `ping`. No idempotency: a repeated charge is a second transaction,
 * as in Braintree. Queries are validated and executed against the part of Braintree's published schema the sandbox
 * serves (`schema.graphql`): only the selected fields come back, and arguments are read inline or from variables.
 */
import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';

import { GraphqlExecutor, type GraphqlBody, type GraphqlErrorEntry } from '../framework/graphql';
import type { SandboxRequest, SandboxResponse } from '../framework/types';
import { braintreeSchemaSdl } from './schema';
import { braintreeMerchantId } from './gateway';
import { BraintreeValidation, type BraintreeStore, type MerchantAccount, type StatusEvent, type Transaction } from './transactions';

export function graphQlErrors(status: number, message: string, errorClass: string, legacyCode?: string): SandboxResponse {
	return { status, body: { data: null, errors: [{ message, extensions: { errorClass, legacyCode } }], extensions: requestExtensions() } };
}

/** The schema subset served, built once on the first request. */
let executor: GraphqlExecutor | undefined;

export async function handleGraphql(store: BraintreeStore, request: SandboxRequest): Promise<SandboxResponse> {
	if (typeof request.headers['braintree-version'] !== 'string') {
		return graphQlErrors(400, 'Braintree-Version header is required (a date such as 2019-01-01)', 'VALIDATION');
	}
	executor ??= new GraphqlExecutor(braintreeSchemaSdl());
	const prepared = executor.prepare((request.body ?? {}) as GraphqlBody);
	if ('errors' in prepared) return { status: 200, body: { errors: prepared.errors.map((error) => ({ ...error, extensions: { errorClass: 'VALIDATION' } })), extensions: requestExtensions() } };
	// A decline is both a transaction (in data) and an error naming the processor's code, as Braintree answers it.
	const declines: GraphqlErrorEntry[] = [];
	const root = {
		ping: () => 'pong',
		search: () => ({ transactions: ({ input }: { input: SearchInput }) => search(store, input) }),
		viewer: () => ({ merchant: { id: braintreeMerchantId, companyName: 'Sandbox Store', merchantAccounts: (args: MerchantAccountsArgs) => merchantAccounts(store, args) } }),
		chargePaymentMethod: async ({ input }: { input: ChargeInput }) => {
			const transaction = await charge(store, input, true);
			const error = declineError(transaction, 'chargePaymentMethod');
			if (error) declines.push(error);
			return { clientMutationId: input.clientMutationId ?? null, transaction: presentGraphql(transaction) };
		},
		authorizePaymentMethod: async ({ input }: { input: ChargeInput }) => {
			const transaction = await charge(store, input, false);
			const error = declineError(transaction, 'authorizePaymentMethod');
			if (error) declines.push(error);
			return { clientMutationId: input.clientMutationId ?? null, transaction: presentGraphql(transaction) };
		},
		captureTransaction: ({ input }: { input: CaptureInput }) => {
			const transaction = validated(() => store.submitForSettlement(find(store, input.transactionId), input.transaction?.amount ?? input.amount), ['input', 'transaction']);
			return { clientMutationId: input.clientMutationId ?? null, transaction: presentGraphql(transaction) };
		},
		reverseTransaction: ({ input }: { input: { clientMutationId?: string; transactionId: string } }) => {
			const original = find(store, input.transactionId);
			// Braintree voids what has not settled and refunds (in full) what has.
			const settled = ['settled', 'settling'].includes(original.status);
			const reversal = validated(() => (settled ? store.refund(original, undefined) : store.void(original)), ['input']);
			return { clientMutationId: input.clientMutationId ?? null, reversal: { __typename: settled ? 'Refund' : 'Transaction', ...presentGraphql(reversal) } };
		},
		refundTransaction: ({ input }: { input: RefundInput }) => ({ clientMutationId: input.clientMutationId ?? null, refund: presentGraphql(refund(store, input)) }),
	};
	const result = await executor.run(prepared, root);
	const errors = [...(result.errors ?? []), ...declines];
	return { status: 200, body: { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors.length ? { errors } : {}), extensions: requestExtensions() } };
}

/** The transaction a mutation names, by GraphQL id or legacy id. */
function find(store: BraintreeStore, transactionId: string): Transaction {
	const found = store.transactions.find((transaction) => graphqlId(transaction) === transactionId || transaction.id === transactionId);
	if (!found) throw new GraphQLError('An object with this ID was not found.', { extensions: { errorClass: 'NOT_FOUND', inputPath: ['input', 'transactionId'] } });
	return found;
}

/** A store call whose refusal becomes Braintree's validation error naming the input field. */
function validated<T>(work: () => T, inputPath: string[]): T {
	try {
		return work();
	} catch (error) {
		if (!(error instanceof BraintreeValidation)) throw error;
		const [first] = error.failures;
		throw new GraphQLError(first.message, { extensions: { errorClass: 'VALIDATION', legacyCode: first.code, inputPath: [...inputPath, camel(first.attribute)] } });
	}
}

/** Input Braintree refuses before any transaction exists: the field is null and the error explains. */
async function charge(store: BraintreeStore, input: ChargeInput, submitForSettlement: boolean): Promise<Transaction> {
	try {
		return await store.sale({ amount: input.transaction.amount, orderId: input.transaction.orderId, merchantAccountId: input.transaction.merchantAccountId, source: { graphqlPaymentMethodId: input.paymentMethodId }, submitForSettlement });
	} catch (error) {
		if (!(error instanceof BraintreeValidation)) throw error;
		const [first] = error.failures;
		throw new GraphQLError(first.message, { extensions: { errorClass: 'VALIDATION', legacyCode: first.code, inputPath: ['input', 'transaction', camel(first.attribute)] } });
	}
}

/** A credit transaction against a settled sale, as `refundTransaction` makes it; a refusal is an error naming the field. */
function refund(store: BraintreeStore, input: RefundInput): Transaction {
	const original = store.transactions.find((transaction) => graphqlId(transaction) === input.transactionId || transaction.id === input.transactionId);
	if (!original) throw new GraphQLError('An object with this ID was not found.', { extensions: { errorClass: 'NOT_FOUND', inputPath: ['input', 'transactionId'] } });
	try {
		return store.refund(original, input.refund?.amount, input.refund?.orderId);
	} catch (error) {
		if (!(error instanceof BraintreeValidation)) throw error;
		const [first] = error.failures;
		throw new GraphQLError(first.message, { extensions: { errorClass: 'VALIDATION', legacyCode: first.code, inputPath: ['input', 'refund', camel(first.attribute)] } });
	}
}

function declineError(transaction: Transaction, mutation: string): GraphqlErrorEntry | undefined {
	const entry = (message: string, legacyCode?: string): GraphqlErrorEntry => ({ message, path: [mutation], extensions: { errorClass: 'VALIDATION', ...(legacyCode ? { legacyCode } : {}) } });
	if (transaction.status === 'processor_declined' || transaction.status === 'failed') return entry(transaction.processorResponseText, transaction.processorResponseCode);
	if (transaction.status === 'gateway_rejected') return entry(`Gateway Rejected: ${transaction.gatewayRejectionReason}`);
	return undefined;
}

/** `search { transactions(input: { id: { is | in }, orderId: { is } }) }`, newest first. */
function search(store: BraintreeStore, input: SearchInput) {
	const orderId = input.orderId?.is;
	const ids = input.id?.in ?? (input.id?.is === undefined || input.id.is === null ? undefined : [input.id.is]);
	const matches = store.transactions
		.filter((transaction) => orderId === undefined || orderId === null || transaction.orderId === orderId)
		.filter((transaction) => ids === undefined || ids.includes(graphqlId(transaction)) || ids.includes(transaction.id))
		.reverse();
	return { edges: matches.map((transaction) => ({ cursor: graphqlId(transaction), node: presentGraphql(transaction) })), pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
}

/**
 * The merchant's accounts, filtered by `input.id` (`is` / `in`), `first` at a time (Braintree's default and most: 50)
 * after the `after` cursor (an account's own cursor is its id).
 */
function merchantAccounts(store: BraintreeStore, { input, first, after }: MerchantAccountsArgs) {
	if (first !== undefined && first !== null && (first < 1 || first > 50)) throw new GraphQLError('first must be between 1 and 50', { extensions: { errorClass: 'VALIDATION', inputPath: ['first'] } });
	const ids = input?.id?.in ?? (input?.id?.is === undefined || input.id.is === null ? undefined : [input.id.is]);
	const matching = store.merchantAccounts.filter((account) => ids === undefined || ids.includes(account.id));
	const start = after ? matching.findIndex((account) => account.id === after) + 1 : 0;
	const page = matching.slice(start, start + (first ?? 50));
	const node = (account: MerchantAccount) => ({ id: account.id, dbaName: account.dbaName, currencyCode: account.currencyIsoCode, status: account.status.toUpperCase(), isDefault: account.isDefault });
	return {
		edges: page.map((account) => ({ cursor: account.id, node: node(account) })),
		pageInfo: { hasNextPage: start + page.length < matching.length, hasPreviousPage: start > 0, startCursor: page[0]?.id ?? null, endCursor: page.at(-1)?.id ?? null },
	};
}

export const graphqlId = (transaction: Transaction): string => Buffer.from(`transaction_${transaction.id}`).toString('base64');

function presentGraphql(transaction: Transaction): Record<string, unknown> {
	const money = (value: string) => ({ value, currencyCode: transaction.currencyIsoCode, currencyIsoCode: transaction.currencyIsoCode });
	return {
		id: graphqlId(transaction),
		legacyId: transaction.id,
		createdAt: transaction.createdAt,
		amount: money(transaction.amount),
		orderId: transaction.orderId,
		merchantAccountId: transaction.merchantAccountId,
		status: transaction.status.toUpperCase(),
		// Braintree's GraphQL lists the history newest first (the XML gateway oldest first).
		statusHistory: [...transaction.statusHistory].reverse().map((event, index) => statusEvent(transaction, event, index === 0, money)),
	};
}

const eventTypes: Record<StatusEvent['status'], string> = {
	authorized: 'AuthorizedEvent',
	submitted_for_settlement: 'SubmittedForSettlementEvent',
	settling: 'SettlingEvent',
	settlement_pending: 'SettlementPendingEvent',
	settled: 'SettledEvent',
	settlement_confirmed: 'SettlementConfirmedEvent',
	settlement_declined: 'SettlementDeclinedEvent',
	voided: 'VoidedEvent',
	processor_declined: 'ProcessorDeclinedEvent',
	gateway_rejected: 'GatewayRejectedEvent',
	failed: 'FailedEvent',
};
const terminalStatuses = new Set(['settled', 'settlement_confirmed', 'settlement_declined', 'voided', 'processor_declined', 'gateway_rejected', 'failed']);

function statusEvent(transaction: Transaction, event: StatusEvent, last: boolean, money: (value: string) => unknown): Record<string, unknown> {
	const base = { __typename: eventTypes[event.status], status: event.status.toUpperCase(), timestamp: event.timestamp, amount: money(event.amount), terminal: last && terminalStatuses.has(event.status) };
	const processorResponse = { legacyCode: transaction.processorResponseCode, message: transaction.processorResponseText };
	if (event.status === 'processor_declined') return { ...base, processorResponse, declineType: transaction.processorResponseType === 'soft_declined' ? 'SOFT' : 'HARD' };
	if (event.status === 'failed') return { ...base, processorResponse };
	if (event.status === 'gateway_rejected') return { ...base, gatewayRejectionReason: transaction.gatewayRejectionReason?.toUpperCase() };
	// Visa, Mastercard and Amex card-not-present authorizations: 7 days.
	if (event.status === 'authorized') return { ...base, authorizationExpiresAt: new Date(Date.parse(event.timestamp) + 7 * 86_400_000).toISOString() };
	return base;
}

const requestExtensions = () => ({ requestId: randomBytes(16).toString('hex') });
const camel = (name: string): string => name.replace(/_([a-z])/g, (_, next: string) => next.toUpperCase());

/** As the schema has them: required fields are present once the executor has validated the input. */
interface ChargeInput {
	clientMutationId?: string;
	paymentMethodId: string;
	transaction: { amount: string | number; orderId?: string; merchantAccountId?: string };
}

interface MerchantAccountsArgs {
	input?: { id?: { is?: string | null; in?: string[] | null } } | null;
	first?: number | null;
	after?: string | null;
}

interface CaptureInput {
	clientMutationId?: string;
	transactionId: string;
	amount?: string | number;
	transaction?: { amount?: string | number };
}

interface RefundInput {
	clientMutationId?: string;
	transactionId: string;
	refund?: { amount?: string | number; orderId?: string };
}

interface SearchInput {
	id?: { is?: string | null; in?: string[] | null };
	orderId?: { is?: string | null };
}
