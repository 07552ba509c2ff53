/**
 * The Braintree GraphQL sandbox: `POST /graphql` with Basic public:private auth and a `Braintree-Version` header;
 * `chargePaymentMethod` with the sandbox's amount ranges (0.01–1999.99 succeed, 2000.00–2999.99 processor declined
 * with that code, 3000.00–3000.99 processor failure, 5001.00 gateway rejected), `search.transactions` by `orderId`,
 * and `ping`. No idempotency: a repeated charge is a second transaction, as in Braintree. Queries are validated and
 * executed against the part of Braintree's published schema it serves (`schema.graphql`): only the selected fields
 * come back, and arguments are read inline or from variables.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { basicAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import { GraphqlExecutor, type GraphqlBody, type GraphqlErrorEntry } from '../framework/graphql';
import { ProcessingSettings } from '../framework/idempotency';
import type { Router } from '../framework/router';
import type { SandboxRequest, SandboxResponse, SandboxServices, VendorSandboxFactory } from '../framework/types';
import { braintreeSchemaSdl } from './schema';

export const braintreePublicKey = 'sandbox-public-key';
export const braintreePrivateKey = 'sandbox-private-key';

const declineMessages: Record<number, string> = {
	2000: 'Do Not Honor',
	2001: 'Insufficient Funds',
	2002: 'Limit Exceeded',
	2004: 'Expired Card',
	2005: 'Invalid Credit Card Number',
	2010: 'Card Issuer Declined CVV',
	2015: 'Transaction Not Allowed',
	2038: 'Processor Declined',
	2046: 'Declined',
};

interface Transaction {
	id: string;
	legacyId: string;
	orderId: string | null;
	status: string;
	amount: { value: string; currencyCode: string; currencyIsoCode: string };
	createdAt: string;
	paymentMethodId: string;
	statusHistory: Array<Record<string, unknown>>;
}

function graphQlErrors(status: number, message: string, errorClass: string, legacyCode?: string): SandboxResponse {
	return { status, body: { data: null, errors: [{ message, extensions: { errorClass, legacyCode } }], extensions: { requestId: randomBytes(16).toString('hex') } } };
}

export const createBraintreeSandbox: VendorSandboxFactory = (services) => {
	const state = new BraintreeState(services);
	const credentialCheck = basicAuth(braintreePublicKey, braintreePrivateKey, () => graphQlErrors(401, 'Authentication failed', 'AUTHENTICATION'));
	return {
		credentials: { publicKey: braintreePublicKey, privateKey: braintreePrivateKey },
		authenticate: (request) => credentialCheck(request),
		rateLimits: {
			defaults: [{ name: 'per_second', kind: 'sliding', limit: 50, intervalMs: 1000 }],
			headers: () => ({}),
			rejection: () => graphQlErrors(429, 'Too many requests', 'SERVICE_AVAILABILITY'),
		},
		errors: {
			serverError: (status) => graphQlErrors(status, 'An unexpected error occurred', status === 503 ? 'SERVICE_AVAILABILITY' : 'INTERNAL'),
			notFound: (request) => graphQlErrors(404, `No route for ${request.method} ${request.path}`, 'NOT_FOUND'),
			badRequest: (message) => graphQlErrors(400, `Invalid JSON: ${message}`, 'VALIDATION'),
		},
		routes: (router: Router) => router.post('/graphql', (request) => state.handle(request)),
		data: { reset: () => state.reset(), seed: () => { throw controlError(400, 'Braintree transactions are created through the API'); }, state: (collection) => state.view(collection) },
		signWebhook: ({ body, secret }) => ({ 'bt-signature': `${braintreePublicKey}|${createHmac('sha1', secret).update(body).digest('hex')}` }),
		settings: { get: () => state.processing.get(), update: (patch) => state.processing.update(patch, (message) => controlError(400, message)) },
	};
};

class BraintreeState {
	transactions: Transaction[] = [];
	readonly processing = new ProcessingSettings();

	constructor(private readonly services: SandboxServices) {}

	reset(): void {
		this.transactions = [];
		this.processing.processingMs = 5;
	}

	view(collection?: string): unknown {
		const all = { transactions: this.transactions, settled: this.transactions.filter((transaction) => transaction.status === 'SUBMITTED_FOR_SETTLEMENT') };
		return collection === undefined ? all : all[collection as keyof typeof all];
	}

	async handle(request: SandboxRequest): Promise<SandboxResponse> {
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
			search: () => ({ transactions: ({ input }: { input: SearchInput }) => this.search(input) }),
			chargePaymentMethod: async ({ input }: { input: ChargeInput }) => {
				const { transaction, error } = await this.charge(input);
				if (error) declines.push(error);
				return { clientMutationId: input.clientMutationId ?? null, transaction: present(transaction) };
			},
		};
		const result = await executor.run(prepared, root);
		const errors = [...(result.errors ?? []), ...declines];
		return { status: 200, body: { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors.length ? { errors } : {}), extensions: requestExtensions() } };
	}

	/** Thrown for input Braintree refuses before any transaction exists: the field is null and the error explains. */
	private async charge(input: ChargeInput): Promise<{ transaction: Transaction; error?: GraphqlErrorEntry }> {
		const amountText = String(input.transaction.amount);
		if (!/^\d+(\.\d{1,2})?$/.test(amountText) || Number(amountText) <= 0) {
			throw new GraphQLError('Amount is an invalid format.', { extensions: { errorClass: 'VALIDATION', legacyCode: '81503', inputPath: ['input', 'transaction', 'amount'] } });
		}
		await this.processing.pause();
		const amount = Number(amountText);
		const transaction: Transaction = {
			id: Buffer.from(`transaction_${randomBytes(4).toString('hex')}`).toString('base64'),
			legacyId: randomBytes(4).toString('hex'),
			orderId: input.transaction.orderId ?? null,
			status: 'SUBMITTED_FOR_SETTLEMENT',
			amount: { value: amount.toFixed(2), currencyCode: 'USD', currencyIsoCode: 'USD' },
			createdAt: new Date().toISOString(),
			paymentMethodId: input.paymentMethodId,
			statusHistory: [],
		};
		const event = (fields: Record<string, unknown>) => ({ timestamp: transaction.createdAt, amount: transaction.amount, terminal: true, ...fields });
		let error: GraphqlErrorEntry | undefined;
		if (amount >= 2000 && amount < 3000) {
			const code = Math.floor(amount);
			const message = declineMessages[code] ?? 'Processor Declined';
			transaction.status = 'PROCESSOR_DECLINED';
			transaction.statusHistory.push(event({ __typename: 'ProcessorDeclinedEvent', status: 'PROCESSOR_DECLINED', processorResponse: { legacyCode: String(code), message }, declineType: code === 2001 ? 'SOFT' : 'HARD' }));
			error = declineError(message, String(code));
		} else if (amount >= 3000 && amount < 3001) {
			transaction.status = 'FAILED';
			transaction.statusHistory.push(event({ __typename: 'FailedEvent', status: 'FAILED', processorResponse: { legacyCode: '3000', message: 'Processor Network Unavailable - Try Again' } }));
			error = declineError('Processor Network Unavailable - Try Again', '3000');
		} else if (amount === 5001) {
			transaction.status = 'GATEWAY_REJECTED';
			transaction.statusHistory.push(event({ __typename: 'GatewayRejectedEvent', status: 'GATEWAY_REJECTED', gatewayRejectionReason: 'APPLICATION_INCOMPLETE' }));
			error = declineError('Gateway Rejected: application_incomplete');
		} else {
			transaction.statusHistory.push(event({ __typename: 'SubmittedForSettlementEvent', status: 'SUBMITTED_FOR_SETTLEMENT', terminal: false }));
		}
		this.transactions.push(transaction);
		this.services.publishWebhook({ kind: transaction.status === 'SUBMITTED_FOR_SETTLEMENT' ? 'transaction_submitted_for_settlement' : 'transaction_declined', transaction: present(transaction) });
		return { transaction, error };
	}

	/** `search { transactions(input: { orderId: { is } }) }`, newest first. */
	private search(input: SearchInput) {
		const orderId = input.orderId?.is;
		const matches = this.transactions.filter((transaction) => orderId === undefined || orderId === null || transaction.orderId === orderId).reverse();
		return { edges: matches.map((transaction) => ({ cursor: transaction.id, node: present(transaction) })), pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
	}
}

/** The schema subset served, built once on the first request. */
let executor: GraphqlExecutor | undefined;

const requestExtensions = () => ({ requestId: randomBytes(16).toString('hex') });

function declineError(message: string, legacyCode?: string): GraphqlErrorEntry {
	return { message, path: ['chargePaymentMethod'], extensions: { errorClass: 'VALIDATION', ...(legacyCode ? { legacyCode } : {}) } };
}

/** As the schema has them: required fields are present once the executor has validated the input. */
interface ChargeInput {
	clientMutationId?: string;
	paymentMethodId: string;
	transaction: { amount: string | number; orderId?: string };
}

interface SearchInput {
	orderId?: { is?: string | null };
}

function present(transaction: Transaction): Record<string, unknown> {
	const { paymentMethodId: _hidden, ...visible } = transaction;
	return visible;
}

