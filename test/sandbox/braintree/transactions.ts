/**
 * Braintree's transactions and customers, one store for both of Braintree's APIs: a sale made through the XML
 * gateway is found by GraphQL search and the reverse (GraphQL ids are base64 of `transaction_<legacy id>`).
 * Outcomes follow Braintree's sandbox test values: amounts 2000.00–2999.99 are processor declined with that code,
 * 3000.00–3000.99 fail at the processor, 5001.00 is gateway rejected; the `fake-…` nonces and test card numbers
 * decline, reject or fail as Braintree documents. The life cycle follows Braintree's rules: settle only what is
 * authorized (up to its amount), void only before settlement, refund only what has settled (up to what remains).
 */
import { randomBytes } from 'node:crypto';

import type { ProcessingSettings } from '../framework/idempotency';

export type TransactionStatus =
	| 'authorized'
	| 'submitted_for_settlement'
	| 'settling'
	| 'settlement_pending'
	| 'settled'
	| 'settlement_confirmed'
	| 'settlement_declined'
	| 'voided'
	| 'processor_declined'
	| 'gateway_rejected'
	| 'failed';

export interface StatusEvent {
	status: TransactionStatus;
	timestamp: string;
	amount: string;
}

export interface Card {
	token: string | null;
	cardType: string;
	bin: string;
	last4: string;
	expirationMonth: string;
	expirationYear: string;
}

export interface Transaction {
	/** The legacy id: what the XML gateway calls `id`, and GraphQL `legacyId`. */
	id: string;
	type: 'sale' | 'credit';
	status: TransactionStatus;
	amount: string;
	currencyIsoCode: string;
	orderId: string | null;
	customerId: string | null;
	createdAt: string;
	updatedAt: string;
	card: Card;
	processorResponseCode: string;
	processorResponseText: string;
	processorResponseType: 'approved' | 'soft_declined' | 'hard_declined';
	processorAuthorizationCode: string | null;
	gatewayRejectionReason: string | null;
	statusHistory: StatusEvent[];
	refundIds: string[];
	refundedTransactionId: string | null;
	partialSettlementTransactionIds: string[];
	authorizedTransactionId: string | null;
	/** The merchant account the payment went into (the merchant's default when the sale named none). */
	merchantAccountId: string;
	/** The subscription a recurring charge bills, and its plan at the time. */
	subscription?: { id: string; planId: string };
}

/** One of the merchant's accounts: each takes payments in one currency (Braintree's `MerchantAccount`). */
export interface MerchantAccount {
	id: string;
	dbaName: string;
	currencyIsoCode: string;
	status: 'active' | 'pending' | 'suspended';
	isDefault: boolean;
}

/** The sandbox merchant's accounts: its default (USD), a second currency, and one Braintree has suspended. */
const defaultMerchantAccounts = (): MerchantAccount[] => [
	{ id: 'sandbox_merchant_account', dbaName: 'Sandbox Store', currencyIsoCode: 'USD', status: 'active', isDefault: true },
	{ id: 'sandbox_store_eur', dbaName: 'Sandbox Store Europe', currencyIsoCode: 'EUR', status: 'active', isDefault: false },
	{ id: 'sandbox_store_gbp_closed', dbaName: 'Sandbox Store UK (closed)', currencyIsoCode: 'GBP', status: 'suspended', isDefault: false },
];

export interface Customer {
	id: string;
	firstName: string | null;
	lastName: string | null;
	email: string | null;
	company: string | null;
	phone: string | null;
	createdAt: string;
	updatedAt: string;
	cards: Card[];
}

/** A Braintree validation error: `attribute` on the object `path` names (['transaction'], ['transaction', 'creditCard']). */
export interface ValidationFailure {
	path: string[];
	attribute: string;
	code: string;
	message: string;
}

/** Thrown for input Braintree refuses before any transaction exists (its validation errors). */
export class BraintreeValidation extends Error {
	constructor(readonly failures: ValidationFailure[]) {
		super(failures.map((failure) => failure.message).join(' '));
	}
}

const fail = (path: string[], attribute: string, code: string, message: string): never => {
	throw new BraintreeValidation([{ path, attribute, code, message }]);
};

/** Where the money comes from, as a sale names it. */
export interface PaymentSource {
	paymentMethodNonce?: string;
	paymentMethodToken?: string;
	customerId?: string;
	creditCard?: { number?: string; expirationDate?: string; expirationMonth?: string; expirationYear?: string };
	/** GraphQL's `paymentMethodId`: a nonce, or a vaulted method the sandbox cannot know, so taken as valid. */
	graphqlPaymentMethodId?: string;
}

export interface SaleRequest {
	amount: unknown;
	orderId?: unknown;
	/** The merchant account to take the payment into; the default one when absent. */
	merchantAccountId?: unknown;
	source: PaymentSource;
	submitForSettlement: boolean;
	/** A processor decline (its code) whatever the amount and card: a recurring charge the card on file refuses. */
	declineCode?: number;
}

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
/** Braintree's soft declines: the same card may succeed later. */
const softDeclines = new Set([2001, 2002, 2003, 2009, 2016, 2025, 2038, 2046]);

const cards: Record<string, Omit<Card, 'token' | 'expirationMonth' | 'expirationYear'>> = {
	visa: { cardType: 'Visa', bin: '411111', last4: '1111' },
	mastercard: { cardType: 'MasterCard', bin: '555555', last4: '4444' },
	amex: { cardType: 'American Express', bin: '378282', last4: '0005' },
	discover: { cardType: 'Discover', bin: '601111', last4: '1117' },
};

/** Braintree's fake nonces (braintree/test_values/nonces): the card each stands for and what it does. */
const nonces: Record<string, { card: keyof typeof cards; outcome?: 'declined' | 'fraud' | 'failure'; consumed?: boolean }> = {
	'fake-valid-nonce': { card: 'visa' },
	'fake-valid-visa-nonce': { card: 'visa' },
	'fake-valid-mastercard-nonce': { card: 'mastercard' },
	'fake-valid-amex-nonce': { card: 'amex' },
	'fake-valid-discover-nonce': { card: 'discover' },
	'fake-processor-declined-visa-nonce': { card: 'visa', outcome: 'declined' },
	'fake-processor-declined-mastercard-nonce': { card: 'mastercard', outcome: 'declined' },
	'fake-processor-failure-jcb-nonce': { card: 'visa', outcome: 'failure' },
	'fake-gateway-rejected-fraud-nonce': { card: 'visa', outcome: 'fraud' },
	'fake-consumed-nonce': { card: 'visa', consumed: true },
};

/** Braintree's test card numbers that do something other than approve. */
const testCardOutcomes: Record<string, 'fraud' | undefined> = { '4000111111111511': 'fraud' };

const statusesThatVoid = new Set<TransactionStatus>(['authorized', 'submitted_for_settlement', 'settlement_pending']);
const statusesThatRefund = new Set<TransactionStatus>(['settled', 'settling']);

export class BraintreeStore {
	transactions: Transaction[] = [];
	customers: Customer[] = [];
	merchantAccounts: MerchantAccount[] = defaultMerchantAccounts();

	constructor(private readonly processing: ProcessingSettings) {}

	reset(): void {
		this.transactions = [];
		this.customers = [];
		this.merchantAccounts = defaultMerchantAccounts();
	}

	/** The account a sale names (Braintree refuses an unknown or suspended one), or the merchant's default. */
	merchantAccount(id: unknown): MerchantAccount {
		if (id === undefined || id === null || id === '') return this.merchantAccounts.find((account) => account.isDefault) ?? this.merchantAccounts[0];
		const account = this.merchantAccounts.find((candidate) => candidate.id === id);
		if (!account) return fail(['transaction'], 'merchant_account_id', '91577', 'Merchant account ID is invalid.');
		if (account.status === 'suspended') return fail(['transaction'], 'merchant_account_id', '91513', 'Merchant account is suspended.');
		return account;
	}

	transaction(id: string): Transaction | undefined {
		return this.transactions.find((transaction) => transaction.id === id);
	}

	customer(id: string): Customer | undefined {
		return this.customers.find((customer) => customer.id === id);
	}

	/** A sale: validated first (nothing is stored when it is refused), then decided by amount and payment method. */
	async sale(request: SaleRequest): Promise<Transaction> {
		const amount = validAmount(request.amount, ['transaction']);
		const orderId = request.orderId === undefined || request.orderId === null ? null : String(request.orderId);
		if (orderId !== null && orderId.length > 255) fail(['transaction'], 'order_id', '91501', 'Order ID is too long.');
		const account = this.merchantAccount(request.merchantAccountId);
		const { card, outcome, customerId } = this.resolveSource(request.source);
		await this.processing.pause();
		const now = new Date().toISOString();
		const transaction: Transaction = {
			id: newId(), type: 'sale', status: 'authorized', amount, currencyIsoCode: account.currencyIsoCode, merchantAccountId: account.id, orderId, customerId, createdAt: now, updatedAt: now, card,
			processorResponseCode: '1000', processorResponseText: 'Approved', processorResponseType: 'approved', processorAuthorizationCode: randomBytes(3).toString('hex').toUpperCase(),
			gatewayRejectionReason: null, statusHistory: [], refundIds: [], refundedTransactionId: null, partialSettlementTransactionIds: [], authorizedTransactionId: null,
		};
		const value = Number(amount);
		const declineCode = request.declineCode ?? (outcome === 'declined' ? 2000 : value >= 2000 && value < 3000 ? Math.floor(value) : undefined);
		if (outcome === 'fraud' || value === 5001) this.reject(transaction, outcome === 'fraud' ? 'fraud' : 'application_incomplete');
		else if (declineCode !== undefined) this.decline(transaction, 'processor_declined', String(declineCode), declineMessages[declineCode] ?? 'Processor Declined', softDeclines.has(declineCode) ? 'soft_declined' : 'hard_declined');
		else if (outcome === 'failure' || (value >= 3000 && value < 3001)) this.decline(transaction, 'failed', '3000', 'Processor Network Unavailable - Try Again', 'soft_declined');
		else {
			record(transaction, 'authorized', now);
			if (request.submitForSettlement) record(transaction, 'submitted_for_settlement', now);
		}
		this.transactions.push(transaction);
		return transaction;
	}

	/** Full or partial: `amount` at most what was authorized; the transaction then settles for that amount. */
	submitForSettlement(transaction: Transaction, amount: unknown): Transaction {
		if (transaction.status !== 'authorized') fail(['transaction'], 'base', '91507', 'Cannot submit for settlement unless status is authorized.');
		if (amount !== undefined && amount !== null) {
			const settling = validAmount(amount, ['transaction']);
			if (Number(settling) > Number(transaction.amount)) fail(['transaction'], 'amount', '91522', 'Settlement amount is too large.');
			transaction.amount = settling;
		}
		record(transaction, 'submitted_for_settlement');
		return transaction;
	}

	/** One of several captures of one authorization: a new transaction; the authorization keeps its status. */
	submitForPartialSettlement(parent: Transaction, amount: unknown): Transaction {
		if (parent.status !== 'authorized') fail(['transaction'], 'base', '915103', 'Cannot submit for partial settlement.');
		const settling = validAmount(amount, ['transaction']);
		const alreadySettling = parent.partialSettlementTransactionIds.reduce((sum, id) => sum + Number(this.transaction(id)?.amount ?? 0), 0);
		if (alreadySettling + Number(settling) > Number(parent.amount) + 1e-9) fail(['transaction'], 'amount', '91522', 'Settlement amount is too large.');
		const now = new Date().toISOString();
		const child: Transaction = { ...parent, id: newId(), amount: settling, createdAt: now, updatedAt: now, statusHistory: [], refundIds: [], partialSettlementTransactionIds: [], authorizedTransactionId: parent.id };
		record(child, 'submitted_for_settlement', now);
		parent.partialSettlementTransactionIds.push(child.id);
		parent.updatedAt = now;
		this.transactions.push(child);
		return child;
	}

	void(transaction: Transaction): Transaction {
		if (!statusesThatVoid.has(transaction.status)) {
			fail(['transaction'], 'base', '91504', 'Transaction can only be voided if status is authorized, submitted_for_settlement, or - for PayPal - settlement_pending.');
		}
		record(transaction, 'voided');
		return transaction;
	}

	/** A credit transaction for `amount` (default: what remains), linked both ways. */
	refund(original: Transaction, amount: unknown, orderId?: unknown): Transaction {
		if (original.type === 'credit') fail(['transaction'], 'base', '91505', 'Cannot refund a credit.');
		if (!statusesThatRefund.has(original.status)) fail(['transaction'], 'base', '91506', 'Cannot refund transaction unless it is settled.');
		const refunded = original.refundIds.reduce((sum, id) => sum + Number(this.transaction(id)?.amount ?? 0), 0);
		const remaining = Number(original.amount) - refunded;
		if (remaining <= 0) fail(['transaction'], 'base', '91512', 'Transaction has already been completely refunded.');
		const value = amount === undefined || amount === null ? remaining.toFixed(2) : validAmount(amount, ['transaction']);
		if (Number(value) > remaining + 1e-9) fail(['transaction'], 'amount', '91521', 'Refund amount is too large.');
		const now = new Date().toISOString();
		const credit: Transaction = {
			...original, id: newId(), type: 'credit', amount: value, orderId: orderId === undefined || orderId === null ? original.orderId : String(orderId), createdAt: now, updatedAt: now,
			statusHistory: [], refundIds: [], refundedTransactionId: original.id, partialSettlementTransactionIds: [], authorizedTransactionId: null,
		};
		record(credit, 'submitted_for_settlement', now);
		original.refundIds.push(credit.id);
		original.updatedAt = now;
		this.transactions.push(credit);
		return credit;
	}

	/** Braintree's sandbox-only testing calls (`gateway.testing.settle` …): move a submitted transaction on. */
	settlementStep(transaction: Transaction, step: 'settle' | 'settlement_confirm' | 'settlement_decline' | 'settlement_pending'): Transaction {
		const from = new Set<TransactionStatus>(['submitted_for_settlement', 'settling', 'settlement_pending']);
		if (!from.has(transaction.status)) fail(['transaction'], 'base', '91576', 'Cannot transition transaction to settled, settlement_confirmed, or settlement_declined.');
		const to: Record<typeof step, TransactionStatus> = { settle: 'settled', settlement_confirm: 'settlement_confirmed', settlement_decline: 'settlement_declined', settlement_pending: 'settlement_pending' };
		record(transaction, to[step]);
		return transaction;
	}

	createCustomer(input: Record<string, unknown>): Customer {
		const path = ['customer'];
		const id = input.id === undefined || input.id === null || input.id === '' ? String(100_000_000 + Math.floor(Math.random() * 900_000_000)) : String(input.id);
		if (!/^[\w-]{1,36}$/.test(id)) fail(path, 'id', '91610', 'Customer ID is invalid (use only letters, numbers, "-", and "_").');
		if (this.customer(id)) fail(path, 'id', '91609', 'Customer ID has already been taken.');
		const email = optionalText(input.email);
		if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) fail(path, 'email', '81604', 'Email is an invalid format.');
		const now = new Date().toISOString();
		const customer: Customer = {
			id, firstName: optionalText(input.firstName), lastName: optionalText(input.lastName), email, company: optionalText(input.company), phone: optionalText(input.phone),
			createdAt: now, updatedAt: now, cards: [],
		};
		if (typeof input.paymentMethodNonce === 'string') customer.cards.push({ ...this.nonceCard(input.paymentMethodNonce, ['customer']), token: randomBytes(4).toString('hex') });
		this.customers.push(customer);
		return customer;
	}

	private resolveSource(source: PaymentSource): { card: Card; outcome?: 'declined' | 'fraud' | 'failure'; customerId: string | null } {
		const path = ['transaction'];
		const customer = source.customerId === undefined ? undefined : this.customer(source.customerId);
		if (source.customerId !== undefined && !customer) fail(path, 'customer_id', '91510', 'Customer ID is invalid.');
		const customerId = customer?.id ?? null;
		if (source.graphqlPaymentMethodId !== undefined) {
			const known = nonces[source.graphqlPaymentMethodId];
			return { card: { ...cards[known?.card ?? 'visa'], token: null, expirationMonth: '12', expirationYear: '2030' }, outcome: known?.outcome, customerId };
		}
		if (source.paymentMethodNonce !== undefined) {
			const known = nonces[source.paymentMethodNonce];
			return { card: this.nonceCard(source.paymentMethodNonce, path), outcome: known?.outcome, customerId };
		}
		if (source.paymentMethodToken !== undefined) {
			const owner = this.customers.find((candidate) => candidate.cards.some((card) => card.token === source.paymentMethodToken));
			if (!owner) fail(path, 'payment_method_token', '91518', 'Payment method token is invalid.');
			return { card: owner!.cards.find((card) => card.token === source.paymentMethodToken)!, customerId: owner!.id };
		}
		if (source.creditCard !== undefined) return { ...this.keyedCard(source.creditCard), customerId };
		if (customer && customer.cards.length > 0) return { card: customer.cards[0], customerId };
		return fail(path, 'base', '91508', 'Cannot determine payment method.');
	}

	private nonceCard(nonce: string, path: string[]): Card {
		const known = nonces[nonce];
		if (!known) fail(path, 'payment_method_nonce', path[0] === 'customer' ? '91732' : '91565', 'Unknown payment_method_nonce.');
		if (known.consumed) fail(path, 'payment_method_nonce', path[0] === 'customer' ? '91731' : '91564', 'Cannot use a payment_method_nonce more than once.');
		return { ...cards[known.card], token: null, expirationMonth: '12', expirationYear: '2030' };
	}

	private keyedCard(input: NonNullable<PaymentSource['creditCard']>): { card: Card; outcome?: 'fraud' } {
		const path = ['transaction', 'creditCard'];
		const number = String(input.number ?? '').replace(/\s/g, '');
		if (number === '') fail(path, 'number', '81714', 'Credit card number is required.');
		if (!/^\d{12,19}$/.test(number) || !luhn(number)) fail(path, 'number', '81715', 'Credit card number is invalid.');
		const [month, year] = input.expirationDate !== undefined ? String(input.expirationDate).split('/') : [input.expirationMonth, input.expirationYear];
		if (month === undefined && year === undefined) fail(path, 'expiration_date', '81709', 'Expiration date is required.');
		if (!/^(0?[1-9]|1[0-2])$/.test(String(month)) || !/^(\d{2}|\d{4})$/.test(String(year))) fail(path, 'expiration_date', '81710', 'Expiration date is invalid.');
		const brand: keyof typeof cards = number.startsWith('4') ? 'visa' : number.startsWith('5') ? 'mastercard' : number.startsWith('3') ? 'amex' : 'discover';
		const fullYear = String(year).length === 2 ? `20${String(year)}` : String(year);
		return { card: { cardType: cards[brand].cardType, bin: number.slice(0, 6), last4: number.slice(-4), token: null, expirationMonth: String(month).padStart(2, '0'), expirationYear: fullYear }, outcome: testCardOutcomes[number] };
	}

	private reject(transaction: Transaction, reason: string): void {
		transaction.status = 'gateway_rejected';
		transaction.gatewayRejectionReason = reason;
		transaction.processorResponseCode = '';
		transaction.processorResponseText = 'Unknown ()';
		transaction.processorAuthorizationCode = null;
		transaction.statusHistory.push({ status: 'gateway_rejected', timestamp: transaction.createdAt, amount: transaction.amount });
	}

	private decline(transaction: Transaction, status: 'processor_declined' | 'failed', code: string, message: string, type: Transaction['processorResponseType']): void {
		transaction.status = status;
		transaction.processorResponseCode = code;
		transaction.processorResponseText = message;
		transaction.processorResponseType = type;
		transaction.processorAuthorizationCode = null;
		transaction.statusHistory.push({ status, timestamp: transaction.createdAt, amount: transaction.amount });
	}
}

function record(transaction: Transaction, status: TransactionStatus, at = new Date().toISOString()): void {
	transaction.status = status;
	transaction.updatedAt = at;
	transaction.statusHistory.push({ status, timestamp: at, amount: transaction.amount });
}

/** Braintree's amount rules, in its order: required, not negative, a decimal with at most two places, above zero. */
export function validAmount(amount: unknown, path: string[]): string {
	if (amount === undefined || amount === null || amount === '') return fail(path, 'amount', '81502', 'Amount is required.');
	const text = typeof amount === 'number' ? String(amount) : typeof amount === 'string' ? amount.trim() : '';
	if (/^-\d/.test(text)) fail(path, 'amount', '81501', 'Amount cannot be negative.');
	if (!/^\d{1,12}(\.\d{1,2})?$/.test(text)) fail(path, 'amount', '81503', 'Amount is an invalid format.');
	if (Number(text) === 0) fail(path, 'amount', '81531', 'Amount must be greater than zero.');
	return Number(text).toFixed(2);
}

function optionalText(value: unknown): string | null {
	return value === undefined || value === null ? null : String(value);
}

function newId(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	return [...randomBytes(8)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function luhn(number: string): boolean {
	let sum = 0;
	for (let index = 0; index < number.length; index++) {
		let digit = Number(number[number.length - 1 - index]);
		if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
		sum += digit;
	}
	return sum % 10 === 0;
}
