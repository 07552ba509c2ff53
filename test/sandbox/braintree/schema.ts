/**
 * The part of Braintree's GraphQL schema this sandbox serves; `schema.graphql` is generated from it and Braintree's
 * published schema (see support/graphqlSchemas.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const event = ['status', 'timestamp', 'amount', 'terminal'];

export const servedFields: Record<string, string[]> = {
	Query: ['ping', 'search', 'viewer'],
	Viewer: ['merchant'],
	Merchant: ['id', 'companyName', 'merchantAccounts'],
	MerchantAccountConnection: ['edges', 'pageInfo'],
	MerchantAccountConnectionEdge: ['cursor', 'node'],
	MerchantAccount: ['id', 'dbaName', 'currencyCode', 'status', 'isDefault'],
	Mutation: ['chargePaymentMethod', 'authorizePaymentMethod', 'captureTransaction', 'reverseTransaction', 'refundTransaction'],
	ReverseTransactionPayload: ['clientMutationId', 'reversal'],
	TransactionReversal: ['Refund', 'Transaction'],
	RefundTransactionPayload: ['clientMutationId', 'refund'],
	Refund: ['id', 'legacyId', 'createdAt', 'amount', 'orderId', 'status', 'statusHistory', 'refundedTransaction'],
	Search: ['transactions'],
	TransactionConnection: ['edges', 'pageInfo'],
	TransactionConnectionEdge: ['cursor', 'node'],
	PageInfo: ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'],
	TransactionPayload: ['clientMutationId', 'transaction'],
	Transaction: ['id', 'legacyId', 'createdAt', 'amount', 'orderId', 'status', 'statusHistory', 'merchantAccountId'],
	MonetaryAmount: ['value', 'currencyCode', 'currencyIsoCode'],
	PaymentStatusEvent: event,
	ProcessorDeclinedEvent: [...event, 'declineType', 'processorResponse'],
	FailedEvent: [...event, 'processorResponse'],
	GatewayRejectedEvent: [...event, 'gatewayRejectionReason'],
	SubmittedForSettlementEvent: event,
	AuthorizedEvent: [...event, 'authorizationExpiresAt'],
	SettlingEvent: event,
	SettlementPendingEvent: event,
	SettledEvent: event,
	SettlementConfirmedEvent: event,
	SettlementDeclinedEvent: event,
	VoidedEvent: event,
	TransactionAuthorizationProcessorResponse: ['legacyCode', 'message'],
};

export const braintreeSchemaSdl = (): string => readFileSync(join(__dirname, 'schema.graphql'), 'utf8');
