import type { Migration } from '../store/types';

/**
 * One row per (platform, account, post id): whether the post is being published (an attempt that may have landed,
 * with when the first attempt started, so a lost answer is looked for among the posts since), published (with the
 * platform's id and URL), refused (nothing landed) or deleted; and what an attempt noted on the way (Instagram's media
 * container). The primary key makes the row unique; the idempotency ledger makes its writer unique.
 */
export const socialMigrations: Migration[] = [
	{
		component: 'social',
		version: 1,
		description: 'social posts per platform account',
		statements: [
			`CREATE TABLE social_posts (
				platform TEXT NOT NULL,
				account TEXT NOT NULL,
				post_id TEXT NOT NULL,
				state TEXT NOT NULL,
				attempts BIGINT NOT NULL DEFAULT 0,
				first_attempt_at TEXT NOT NULL,
				hint TEXT NOT NULL DEFAULT '{}',
				external_id TEXT,
				url TEXT,
				status TEXT,
				last_error TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (platform, account, post_id)
			)`,
		],
	},
];
