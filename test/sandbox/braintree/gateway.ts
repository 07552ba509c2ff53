/**
 * Braintree's XML gateway, the API its server SDKs call: `/merchants/{merchantId}/…` with Basic public:private key
 * auth and an `X-ApiVersion` header. Requests arrive as XML or, from the Node SDK, as JSON with snake_case keys;
 * answers are always XML. A refused request is HTTP 422 with an `<api-error-response>` (validation errors nested
 * by object, the params echoed, the transaction when one was created and declined), which the SDKs turn into
 * `result.success === false`; 401/404/426/429/5xx answer with no body, which the SDKs raise as typed exceptions.
 */
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse } from '../framework/types';
import { FirstChargeDeclined, presentPlan, presentSubscription, type BraintreeSubscriptions, type Subscription } from './subscriptions';
import { BraintreeValidation, type BraintreeStore, type Customer, type Transaction, type ValidationFailure } from './transactions';
import { camelKeys, datetime, list, parseXml, symbol, XmlCollection, xmlDocument, XmlParseError, type XmlObject, type XmlValue } from './xml';

export const braintreeMerchantId = 'sandbox-merchant';
export const gatewayPathPattern = /^\/merchants\//;

const searchPageSize = 50;

export function xmlAnswer(status: number, rootName: string, value: XmlValue): SandboxResponse {
	return { status, body: xmlDocument(rootName, value), headers: { 'content-type': 'application/xml; charset=utf-8' } };
}

/** The gateway's answer with no body: the SDKs raise their exception from the status alone. */
export const bareStatus = (status: number): SandboxResponse => ({ status, body: '', headers: { 'content-type': 'application/xml; charset=utf-8' } });

/** What the gateway refuses before the route runs: a merchant id that is not the key pair's, a missing API version. */
export function gatewayPreconditions(request: SandboxRequest): SandboxResponse | undefined {
	const merchantId = decodeURIComponent(request.path.split('/')[2] ?? '');
	if (merchantId !== braintreeMerchantId) return bareStatus(401);
	const version = request.headers['x-apiversion'];
	if (typeof version !== 'string' || !/^\d+$/.test(version)) return bareStatus(426);
	return undefined;
}

type Operation = (request: SandboxRequest, body: Record<string, unknown>) => SandboxResponse | Promise<SandboxResponse>;

export class BraintreeGateway {
	constructor(
		private readonly store: BraintreeStore,
		private readonly onSettlement: (transaction: Transaction) => void,
		private readonly billing: BraintreeSubscriptions,
	) {}

	routes(router: Router): void {
		const base = '/merchants/:merchantId';
		const serve = (operation: Operation) => (request: SandboxRequest) => this.serve(request, operation);
		router
			.post(`${base}/transactions`, serve((_, body) => this.sale(body)))
			.post(`${base}/transactions/advanced_search_ids`, serve((_, body) => this.searchIds(body)))
			.post(`${base}/transactions/advanced_search`, serve((_, body) => this.searchPage(body)))
			.get(`${base}/transactions/:id`, serve((request) => xmlAnswer(200, 'transaction', presentTransaction(this.found(request), this.store))))
			.put(`${base}/transactions/:id/submit_for_settlement`, serve((request, body) => this.transactionResult(200, () => this.store.submitForSettlement(this.found(request), section(body, 'transaction').amount), body)))
			.post(`${base}/transactions/:id/submit_for_partial_settlement`, serve((request, body) => this.transactionResult(201, () => this.store.submitForPartialSettlement(this.found(request), section(body, 'transaction').amount), body)))
			.put(`${base}/transactions/:id/void`, serve((request, body) => this.transactionResult(200, () => this.store.void(this.found(request)), body)))
			.post(`${base}/transactions/:id/refund`, serve((request, body) => {
				const options = section(body, 'transaction');
				return this.transactionResult(201, () => this.store.refund(this.found(request), options.amount, options.orderId), body);
			}));
		for (const step of ['settle', 'settlement_confirm', 'settlement_decline', 'settlement_pending'] as const) {
			router.put(`${base}/transactions/:id/${step}`, serve((request, body) => this.transactionResult(200, () => {
				const transaction = this.store.settlementStep(this.found(request), step);
				this.onSettlement(transaction);
				return transaction;
			}, body)));
		}
		router
			.get(`${base}/plans`, serve(() => xmlAnswer(200, 'plans', list('plan', this.billing.plans.map(presentPlan)))))
			.get(`${base}/plans/:id`, serve((request) => {
				const plan = this.billing.plan(decodeURIComponent(request.params.id));
				if (!plan) throw new SandboxError(bareStatus(404));
				return xmlAnswer(200, 'plan', presentPlan(plan));
			}))
			.post(`${base}/subscriptions`, serve(async (_, body) => {
				try {
					return this.subscriptionAnswer(201, await this.billing.create(section(body, 'subscription')));
				} catch (error) {
					if (!(error instanceof FirstChargeDeclined)) throw error;
					return this.transactionAnswer(422, error.transaction, body);
				}
			}))
			.get(`${base}/subscriptions/:id`, serve((request) => this.subscriptionAnswer(200, this.subscription(request))))
			.put(`${base}/subscriptions/:id/cancel`, serve((request) => this.subscriptionAnswer(200, this.billing.cancel(this.subscription(request)))))
			.put(`${base}/subscriptions/:id`, serve((request, body) => this.subscriptionAnswer(200, this.billing.update(this.subscription(request), section(body, 'subscription')))));
		router
			.post(`${base}/customers`, serve((_, body) => this.createCustomer(body)))
			.get(`${base}/customers/:id`, serve((request) => {
				const customer = this.store.customer(decodeURIComponent(request.params.id));
				if (!customer) throw new SandboxError(bareStatus(404));
				return xmlAnswer(200, 'customer', presentCustomer(customer));
			}));
	}

	private async serve(request: SandboxRequest, operation: Operation): Promise<SandboxResponse> {
		let body: Record<string, unknown>;
		try {
			body = requestBody(request);
		} catch (error) {
			if (error instanceof XmlParseError) return bareStatus(400);
			throw error;
		}
		try {
			return await operation(request, body);
		} catch (error) {
			if (error instanceof BraintreeValidation) return validationAnswer(error.failures, body);
			throw error;
		}
	}

	private async sale(body: Record<string, unknown>): Promise<SandboxResponse> {
		const input = section(body, 'transaction');
		if (input.type !== 'sale') {
			const failure = input.type === undefined ? { code: '91524', message: 'Transaction type is required.' } : { code: '91523', message: 'Transaction type is invalid.' };
			return validationAnswer([{ path: ['transaction'], attribute: 'type', ...failure }], body);
		}
		const options = (input.options ?? {}) as Record<string, unknown>;
		const transaction = await this.store.sale({
			amount: input.amount,
			orderId: input.orderId,
			merchantAccountId: input.merchantAccountId,
			submitForSettlement: options.submitForSettlement === true || options.submitForSettlement === 'true',
			source: {
				paymentMethodNonce: text(input.paymentMethodNonce),
				paymentMethodToken: text(input.paymentMethodToken),
				customerId: text(input.customerId),
				creditCard: input.creditCard as Record<string, string> | undefined,
			},
		});
		return this.transactionAnswer(201, transaction, body);
	}

	private transactionResult(status: number, change: () => Transaction, body: Record<string, unknown>): SandboxResponse {
		return this.transactionAnswer(status, change(), body);
	}

	/** A declined, rejected or failed sale is stored, and answered as an error response that carries it. */
	private transactionAnswer(status: number, transaction: Transaction, body: Record<string, unknown>): SandboxResponse {
		const presented = presentTransaction(transaction, this.store);
		if (transaction.status === 'processor_declined' || transaction.status === 'failed') {
			return xmlAnswer(422, 'api-error-response', { errors: { errors: list('error', []) }, params: params(body), message: transaction.processorResponseText, transaction: presented });
		}
		if (transaction.status === 'gateway_rejected') {
			return xmlAnswer(422, 'api-error-response', { errors: { errors: list('error', []) }, params: params(body), message: `Gateway Rejected: ${transaction.gatewayRejectionReason}`, transaction: presented });
		}
		return xmlAnswer(status, 'transaction', presented);
	}

	private subscription(request: SandboxRequest): Subscription {
		const subscription = this.billing.subscription(decodeURIComponent(request.params.id));
		if (!subscription) throw new SandboxError(bareStatus(404));
		return subscription;
	}

	subscriptionAnswer(status: number, subscription: Subscription): SandboxResponse {
		const transaction = (id: string) => presentTransaction(this.store.transaction(id)!, this.store);
		return xmlAnswer(status, 'subscription', presentSubscription(subscription, this.billing.plan(subscription.planId)!, transaction));
	}

	private createCustomer(body: Record<string, unknown>): SandboxResponse {
		const customer = this.store.createCustomer(section(body, 'customer'));
		return xmlAnswer(201, 'customer', presentCustomer(customer));
	}

	/** Step one of Braintree's search: every matching id, and the page size the SDK then fetches them in. */
	private searchIds(body: Record<string, unknown>): SandboxResponse {
		const ids = this.search(section(body, 'search')).map((transaction) => transaction.id);
		return xmlAnswer(200, 'search-results', { pageSize: searchPageSize, ids: list('item', ids) });
	}

	/** Step two: the transactions of one page of ids (the criteria still apply). */
	private searchPage(body: Record<string, unknown>): SandboxResponse {
		const found = this.search(section(body, 'search')).slice(0, searchPageSize);
		const page = new XmlCollection({ currentPageNumber: 1, pageSize: searchPageSize, totalItems: found.length }, 'transaction', found.map((transaction) => presentTransaction(transaction, this.store)));
		return xmlAnswer(200, 'credit-card-transactions', page);
	}

	private search(criteria: Record<string, unknown>): Transaction[] {
		const tests = Object.entries(criteria).map(([field, criterion]) => criterionTest(field, criterion));
		return this.store.transactions.filter((transaction) => tests.every((test) => test(transaction))).reverse();
	}

	private found(request: SandboxRequest): Transaction {
		const transaction = this.store.transaction(decodeURIComponent(request.params.id));
		if (!transaction) throw new SandboxError(bareStatus(404));
		return transaction;
	}
}

/** XML (any SDK but Node's) or JSON (Node's SDK, snake_case) into one camelCase shape. */
function requestBody(request: SandboxRequest): Record<string, unknown> {
	if (request.rawBody.trim() === '') return {};
	const type = String(request.headers['content-type'] ?? '');
	if (/xml/i.test(type) || typeof request.body === 'string') return parseXml(request.rawBody);
	return (camelKeys(request.body) ?? {}) as Record<string, unknown>;
}

function section(body: Record<string, unknown>, name: string): Record<string, unknown> {
	const value = body[name];
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));

const textFields: Record<string, (transaction: Transaction) => string | null> = {
	id: (transaction) => transaction.id,
	orderId: (transaction) => transaction.orderId,
	customerId: (transaction) => transaction.customerId,
	refundedTransactionId: (transaction) => transaction.refundedTransactionId,
};
const multipleValueFields: Record<string, (transaction: Transaction) => string> = {
	ids: (transaction) => transaction.id,
	status: (transaction) => transaction.status,
	type: (transaction) => transaction.type,
};
const rangeFields: Record<string, (transaction: Transaction) => number> = {
	amount: (transaction) => Number(transaction.amount),
	createdAt: (transaction) => Date.parse(transaction.createdAt),
};

/**
 * One search criterion, as Braintree's advanced search reads it: text fields with is / isNot / startsWith / endsWith /
 * contains, multiple-value fields (a list), ranges with min / max / is. A field the sandbox does not search is
 * refused with a 400 rather than ignored, so a search never silently matches more than Braintree would.
 */
function criterionTest(field: string, criterion: unknown): (transaction: Transaction) => boolean {
	if (field in multipleValueFields) {
		const values = (Array.isArray(criterion) ? criterion : [criterion]).map(String);
		return (transaction) => values.includes(multipleValueFields[field](transaction));
	}
	const operators = (criterion && typeof criterion === 'object' ? criterion : {}) as Record<string, unknown>;
	if (field in textFields) {
		return (transaction) => {
			const value = textFields[field](transaction) ?? '';
			return Object.entries(operators).every(([operator, expected]) => textMatches(operator, value, String(expected)));
		};
	}
	if (field in rangeFields) {
		const bound = (value: unknown) => (field === 'createdAt' ? Date.parse(String(value)) : Number(value));
		return (transaction) => {
			const value = rangeFields[field](transaction);
			return (operators.min === undefined || value >= bound(operators.min)) && (operators.max === undefined || value <= bound(operators.max)) && (operators.is === undefined || value === bound(operators.is));
		};
	}
	throw new SandboxError({ status: 400, body: `The sandbox does not search transactions by ${field}`, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function textMatches(operator: string, value: string, expected: string): boolean {
	if (operator === 'is') return value === expected;
	if (operator === 'isNot') return value !== expected;
	if (operator === 'startsWith') return value.startsWith(expected);
	if (operator === 'endsWith') return value.endsWith(expected);
	if (operator === 'contains') return value.includes(expected);
	throw new SandboxError({ status: 400, body: `Unknown search operator ${operator}`, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Validation errors nested by object, as Braintree nests them: `<errors><transaction><credit-card><errors>…`. */
function validationAnswer(failures: ValidationFailure[], body: Record<string, unknown>): SandboxResponse {
	const tree: XmlObject = { errors: list('error', []) };
	for (const failure of failures) {
		let node = tree;
		for (const name of failure.path) node = (node[name] ??= { errors: list('error', []) }) as XmlObject;
		(node.errors as ReturnType<typeof list>).items.push({ code: failure.code, attribute: symbol(failure.attribute), message: failure.message });
	}
	return xmlAnswer(422, 'api-error-response', { errors: tree, params: params(body), message: failures.map((failure) => failure.message).join('\n') });
}

/** The request's parameters, echoed as Braintree echoes them: card numbers and CVVs left out. */
function params(body: Record<string, unknown>): XmlObject {
	const scrub = (value: unknown): XmlValue => {
		if (Array.isArray(value)) return value.map(scrub);
		if (value === null || typeof value !== 'object') return value === undefined ? undefined : (value as XmlValue);
		return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'number' && key !== 'cvv').map(([key, child]) => [key, scrub(child)]));
	};
	return scrub(body) as XmlObject;
}

export function presentTransaction(transaction: Transaction, store: BraintreeStore): XmlObject {
	const customer = transaction.customerId === null ? undefined : store.customer(transaction.customerId);
	const { card } = transaction;
	return {
		id: transaction.id,
		status: transaction.status,
		type: transaction.type,
		currencyIsoCode: transaction.currencyIsoCode,
		amount: transaction.amount,
		merchantAccountId: transaction.merchantAccountId,
		subMerchantAccountId: null,
		masterMerchantAccountId: null,
		orderId: transaction.orderId,
		createdAt: datetime(transaction.createdAt),
		updatedAt: datetime(transaction.updatedAt),
		customer: { id: customer?.id ?? null, firstName: customer?.firstName ?? null, lastName: customer?.lastName ?? null, company: customer?.company ?? null, email: customer?.email ?? null, website: null, phone: customer?.phone ?? null, fax: null },
		refundId: null,
		refundIds: list('item', transaction.refundIds),
		refundedTransactionId: transaction.refundedTransactionId,
		partialSettlementTransactionIds: list('item', transaction.partialSettlementTransactionIds),
		authorizedTransactionId: transaction.authorizedTransactionId,
		settlementBatchId: transaction.status === 'settled' || transaction.status === 'settlement_confirmed' ? `${transaction.updatedAt.slice(0, 10)}_${transaction.merchantAccountId}` : null,
		customFields: '',
		avsErrorResponseCode: null,
		avsPostalCodeResponseCode: 'I',
		avsStreetAddressResponseCode: 'I',
		cvvResponseCode: 'I',
		gatewayRejectionReason: transaction.gatewayRejectionReason,
		processorAuthorizationCode: transaction.processorAuthorizationCode,
		processorResponseCode: transaction.processorResponseCode,
		processorResponseText: transaction.processorResponseText,
		processorResponseType: transaction.processorResponseType,
		additionalProcessorResponse: null,
		networkResponseCode: transaction.processorResponseType === 'approved' ? 'XX' : null,
		networkResponseText: transaction.processorResponseType === 'approved' ? 'sample network response text' : null,
		voiceReferralNumber: null,
		purchaseOrderNumber: null,
		taxAmount: null,
		taxExempt: false,
		recurring: transaction.subscription !== undefined,
		channel: null,
		planId: transaction.subscription?.planId ?? null,
		subscriptionId: transaction.subscription?.id ?? null,
		addOns: list('add-on', []),
		discounts: list('discount', []),
		descriptor: { name: null, phone: null, url: null },
		paymentInstrumentType: 'credit_card',
		creditCard: {
			token: card.token, bin: card.bin, last4: card.last4, cardType: card.cardType, expirationMonth: card.expirationMonth, expirationYear: card.expirationYear,
			customerLocation: 'US', cardholderName: null, imageUrl: `https://assets.braintreegateway.com/payment_method_logo/${card.cardType.toLowerCase().replace(/\s+/g, '_')}.png`,
			prepaid: 'Unknown', healthcare: 'Unknown', debit: 'Unknown', durbinRegulated: 'Unknown', commercial: 'Unknown', payroll: 'Unknown', issuingBank: 'Unknown', countryOfIssuance: 'Unknown', productId: 'Unknown',
			uniqueNumberIdentifier: `${card.bin}${card.last4}`, venmoSdk: false,
		},
		statusHistory: list('status-event', transaction.statusHistory.map((event) => ({ timestamp: datetime(event.timestamp), status: event.status, amount: event.amount, user: 'sandbox_api_user', transactionSource: 'api' }))),
		disbursementDetails: { disbursementDate: null, settlementAmount: null, settlementCurrencyIsoCode: null, settlementCurrencyExchangeRate: null, fundsHeld: null, success: null },
		disputes: list('dispute', []),
		escrowStatus: null,
		serviceFeeAmount: null,
	};
}

function presentCustomer(customer: Customer): XmlObject {
	return {
		id: customer.id,
		merchantId: braintreeMerchantId,
		firstName: customer.firstName,
		lastName: customer.lastName,
		company: customer.company,
		email: customer.email,
		phone: customer.phone,
		fax: null,
		website: null,
		createdAt: datetime(customer.createdAt),
		updatedAt: datetime(customer.updatedAt),
		customFields: '',
		creditCards: list('credit-card', customer.cards.map((card, index) => ({
			token: card.token, bin: card.bin, last4: card.last4, cardType: card.cardType, expirationMonth: card.expirationMonth, expirationYear: card.expirationYear,
			customerId: customer.id, default: index === 0, expired: false, createdAt: datetime(customer.createdAt), updatedAt: datetime(customer.updatedAt),
			subscriptions: list('subscription', []),
		}))),
		addresses: list('address', []),
		paypalAccounts: list('paypal-account', []),
		applePayCards: list('apple-pay-card', []),
		androidPayCards: list('android-pay-card', []),
		venmoAccounts: list('venmo-account', []),
		usBankAccounts: list('us-bank-account', []),
	};
}
