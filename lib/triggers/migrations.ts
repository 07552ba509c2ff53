import type { Migration } from '../store/types';

/** The deliveries every trigger has let through, one row per (trigger, vendor delivery id): a redelivery starts nothing. */
export const triggerMigrations: Migration[] = [
	{
		component: 'triggers',
		version: 1,
		description: 'webhook deliveries seen by the trigger nodes',
		statements: [
			`CREATE TABLE trigger_deliveries (
				trigger_key TEXT NOT NULL,
				delivery_id TEXT NOT NULL,
				received_at TEXT NOT NULL,
				PRIMARY KEY (trigger_key, delivery_id)
			)`,
		],
	},
	{
		component: 'triggers',
		version: 2,
		description: 'deliveries by trigger and time, to forget old ones',
		statements: ['CREATE INDEX trigger_deliveries_by_time ON trigger_deliveries (trigger_key, received_at)'],
	},
];
