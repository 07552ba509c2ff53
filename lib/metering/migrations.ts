import type { Migration } from '../store/types';

/**
 * Usage metering tables. The keys are the guarantees: an event id is counted once per meter namespace
 * (usage_events primary key), a quota alert fires once per customer, meter, period and threshold
 * (usage_quota_alerts primary key), and a closed period's row is what recorders lock before adding to it.
 */
export const meteringMigrations: Migration[] = [
	{
		component: 'metering',
		version: 1,
		description: 'usage events, aggregates, billing periods, late events, quota alerts',
		statements: [
			`CREATE TABLE usage_events (
				namespace TEXT NOT NULL,
				event_id TEXT NOT NULL,
				customer_id TEXT NOT NULL,
				meter TEXT NOT NULL,
				quantity BIGINT NOT NULL,
				amount_minor BIGINT NOT NULL,
				currency TEXT NOT NULL,
				occurred_at_ms BIGINT NOT NULL,
				period TEXT NOT NULL,
				recorded_at TEXT NOT NULL,
				PRIMARY KEY (namespace, event_id)
			)`,
			'CREATE INDEX usage_events_by_period ON usage_events (namespace, period, customer_id, occurred_at_ms)',
			`CREATE TABLE usage_aggregates (
				namespace TEXT NOT NULL,
				customer_id TEXT NOT NULL,
				meter TEXT NOT NULL,
				period TEXT NOT NULL,
				currency TEXT NOT NULL,
				event_count BIGINT NOT NULL,
				quantity_sum BIGINT NOT NULL,
				quantity_max BIGINT NOT NULL,
				amount_minor_sum BIGINT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (namespace, customer_id, meter, period, currency)
			)`,
			`CREATE TABLE usage_periods (
				namespace TEXT NOT NULL,
				customer_id TEXT NOT NULL,
				period TEXT NOT NULL,
				opened_at TEXT NOT NULL,
				closed_at TEXT,
				invoice TEXT,
				PRIMARY KEY (namespace, customer_id, period)
			)`,
			`CREATE TABLE usage_late_events (
				namespace TEXT NOT NULL,
				event_id TEXT NOT NULL,
				customer_id TEXT NOT NULL,
				meter TEXT NOT NULL,
				quantity BIGINT NOT NULL,
				amount_minor BIGINT NOT NULL,
				currency TEXT NOT NULL,
				occurred_at_ms BIGINT NOT NULL,
				period TEXT NOT NULL,
				reported_at TEXT NOT NULL,
				PRIMARY KEY (namespace, event_id)
			)`,
			`CREATE TABLE usage_quota_alerts (
				namespace TEXT NOT NULL,
				customer_id TEXT NOT NULL,
				meter TEXT NOT NULL,
				period TEXT NOT NULL,
				threshold_percent BIGINT NOT NULL,
				included BIGINT NOT NULL,
				used BIGINT NOT NULL,
				fired_at TEXT NOT NULL,
				PRIMARY KEY (namespace, customer_id, meter, period, threshold_percent)
			)`,
		],
	},
];
