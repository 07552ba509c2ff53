import type { Migration } from '../store/types';

/**
 * Payment transactions (the payment id's ledger row, claimed before any charge), every attempt on a processor,
 * each processor's recent outcomes (the learned success rate and speed) and its circuit breaker.
 */
export const paymentMigrations: Migration[] = [
	{
		component: 'payments',
		version: 1,
		description: 'payment transactions and attempts, processor outcomes and circuits',
		statements: [
			`CREATE TABLE payment_transactions (
				payment_id TEXT PRIMARY KEY,
				fingerprint TEXT NOT NULL,
				amount_minor BIGINT NOT NULL,
				currency TEXT NOT NULL,
				state TEXT NOT NULL,
				owner TEXT NOT NULL,
				lease_until_ms BIGINT NOT NULL,
				processor TEXT,
				processor_transaction_id TEXT,
				fallback_used BIGINT NOT NULL DEFAULT 0,
				fee_minor BIGINT,
				reason TEXT,
				result TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			)`,
			`CREATE TABLE payment_attempts (
				payment_id TEXT NOT NULL,
				seq BIGINT NOT NULL,
				processor TEXT NOT NULL,
				idempotency_key TEXT NOT NULL,
				outcome TEXT NOT NULL,
				code TEXT,
				message TEXT,
				duration_ms BIGINT,
				started_at TEXT NOT NULL,
				finished_at TEXT,
				PRIMARY KEY (payment_id, seq)
			)`,
			// At most one successful charge per payment id, whatever the code above it does.
			`CREATE UNIQUE INDEX payment_attempts_one_success ON payment_attempts (payment_id) WHERE outcome = 'succeeded'`,
			`CREATE TABLE processor_outcomes (
				processor TEXT NOT NULL,
				id TEXT NOT NULL,
				at_ms BIGINT NOT NULL,
				ok BIGINT NOT NULL,
				latency_ms BIGINT NOT NULL,
				PRIMARY KEY (processor, id)
			)`,
			'CREATE INDEX processor_outcomes_recent ON processor_outcomes (processor, at_ms)',
			`CREATE TABLE processor_circuits (
				processor TEXT PRIMARY KEY,
				open_until_ms BIGINT NOT NULL,
				counted_since_ms BIGINT NOT NULL,
				updated_at TEXT NOT NULL
			)`,
		],
	},
	{
		component: 'payments',
		version: 2,
		description: 'capture or cancel of authorized payments',
		statements: [
			// One capture or cancel per payment, whichever is recorded first; its stored result answers every repeat.
			`CREATE TABLE payment_settlements (
				payment_id TEXT PRIMARY KEY,
				action TEXT NOT NULL,
				result TEXT NOT NULL,
				created_at TEXT NOT NULL
			)`,
		],
	},
	{
		component: 'payments',
		version: 3,
		description: 'payment claims held as store leases (renewed while the owner works, freed seconds after it dies)',
		statements: ['ALTER TABLE payment_transactions DROP COLUMN lease_until_ms'],
	},
	{
		component: 'payments',
		version: 4,
		description: "processor circuits move to the store's circuit breaker (store_circuits), shared by every worker",
		statements: ['DROP TABLE processor_circuits'],
	},
	{
		component: 'payments',
		version: 5,
		description: 'refunds of captured payments, one row per refund id',
		statements: [
			// A row reserves its amount from the moment it is requested until it ends failed: the sum of the others is what
			// was refunded or may have been. `attempt` changes the processor key only after a refusal (nothing refunded).
			`CREATE TABLE payment_refunds (
				refund_id TEXT PRIMARY KEY,
				payment_id TEXT NOT NULL,
				processor TEXT NOT NULL,
				amount_minor BIGINT NOT NULL,
				currency TEXT NOT NULL,
				attempt BIGINT NOT NULL,
				state TEXT NOT NULL,
				processor_refund_id TEXT,
				processor_status TEXT,
				code TEXT,
				message TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			)`,
			'CREATE INDEX payment_refunds_by_payment ON payment_refunds (payment_id)',
		],
	},
	{
		component: 'payments',
		version: 6,
		description: 'authorizations: when each hold ends, what was captured (part or all) and by which capture, and a capture or void in flight',
		statements: [
			'ALTER TABLE payment_transactions ADD COLUMN authorization_expires_at TEXT',
			'ALTER TABLE payment_transactions ADD COLUMN honor_period_ends_at TEXT',
			'ALTER TABLE payment_transactions ADD COLUMN captured_minor BIGINT',
			'ALTER TABLE payment_transactions ADD COLUMN capture_transaction_id TEXT',
			// Set before a capture or void is sent, cleared when the processor answers: while set, only a repeat of the same
			// action and amount may go ahead (it settles the first under the same key).
			'ALTER TABLE payment_transactions ADD COLUMN settling_action TEXT',
			'ALTER TABLE payment_transactions ADD COLUMN settling_minor BIGINT',
			'CREATE INDEX payment_transactions_expiring ON payment_transactions (state, authorization_expires_at)',
		],
	},
	{
		component: 'payments',
		version: 7,
		description: 'payments found by the processor id their webhooks name (a payment completed after its customer acted)',
		statements: ['CREATE INDEX payment_transactions_by_processor_id ON payment_transactions (processor, processor_transaction_id)'],
	},
	{
		component: 'payments',
		version: 8,
		description: 'disputes and chargebacks, one row per processor dispute, against the payment they challenge',
		statements: [
			// One row per dispute whatever number of events report it; an event changes it only when it is later than the
			// one recorded (`occurred_at`, then `state_rank` for two states reported at the same instant).
			`CREATE TABLE payment_disputes (
				processor TEXT NOT NULL,
				dispute_id TEXT NOT NULL,
				payment_id TEXT,
				transaction_id TEXT NOT NULL,
				amount_minor BIGINT NOT NULL,
				currency TEXT NOT NULL,
				reason TEXT NOT NULL,
				processor_reason TEXT NOT NULL,
				state TEXT NOT NULL,
				state_rank BIGINT NOT NULL,
				processor_status TEXT NOT NULL,
				stage TEXT NOT NULL,
				evidence_due_by TEXT,
				occurred_at TEXT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (processor, dispute_id)
			)`,
			'CREATE INDEX payment_disputes_by_payment ON payment_disputes (payment_id)',
			'CREATE INDEX payment_disputes_by_due_date ON payment_disputes (state, evidence_due_by)',
		],
	},
	{
		component: 'payments',
		version: 9,
		description: 'the id a payment waited for its customer under, kept once the processor charged it under another (PayPal order, then capture)',
		statements: [
			'ALTER TABLE payment_transactions ADD COLUMN action_transaction_id TEXT',
			'CREATE INDEX payment_transactions_by_action_id ON payment_transactions (processor, action_transaction_id)',
		],
	},
	{
		component: 'payments',
		version: 10,
		description: 'subscriptions made through the processors, one row per processor subscription',
		statements: [
			`CREATE TABLE payment_subscriptions (
				processor TEXT NOT NULL,
				subscription_id TEXT NOT NULL,
				plan_id TEXT,
				processor_plan_id TEXT,
				state TEXT NOT NULL,
				processor_status TEXT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (processor, subscription_id)
			)`,
			'CREATE INDEX payment_subscriptions_by_id ON payment_subscriptions (subscription_id)',
		],
	},
	{
		component: 'payments',
		version: 11,
		description: 'invoices sent through the processors, one row per processor invoice, with the request that made it',
		statements: [
			`CREATE TABLE payment_invoices (
				processor TEXT NOT NULL,
				invoice_id TEXT NOT NULL,
				request_id TEXT NOT NULL,
				state TEXT NOT NULL,
				processor_status TEXT NOT NULL,
				currency TEXT NOT NULL,
				total_minor BIGINT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (processor, invoice_id)
			)`,
		],
	},
	{
		component: 'payments',
		version: 12,
		description: 'subscription and invoice events of the processors, one row per processor event (a redelivery records nothing)',
		statements: [
			`CREATE TABLE payment_billing_events (
				processor TEXT NOT NULL,
				event_id TEXT NOT NULL,
				kind TEXT NOT NULL,
				processor_type TEXT NOT NULL,
				subscription_id TEXT,
				invoice_id TEXT,
				customer TEXT,
				amount_minor BIGINT,
				currency TEXT,
				occurred_at TEXT NOT NULL,
				recorded_at TEXT NOT NULL,
				PRIMARY KEY (processor, event_id)
			)`,
			'CREATE INDEX payment_billing_events_by_subscription ON payment_billing_events (processor, subscription_id)',
		],
	},
];
