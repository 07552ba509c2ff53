import { insertMany } from '../store/insertMany';
import type { Migration, SqlExecutor } from '../store/types';
import { POST_ATTEMPTS_TOPIC, postAttemptKey } from './posts';

/**
 * One row per (platform, account, post id): whether the post is being published (an attempt that may have landed,
 * with when the first attempt started, so a lost answer is looked for among the posts since), published (with the
 * platform's id and URL), refused (nothing landed) or deleted; and what an attempt noted on the way (Instagram's media
 * container). The primary key makes the row unique; the idempotency ledger makes its writer unique. (v2) The attempts to
 * publish each post (whether one may have landed, how many, since when, the last error) are noted in the store outbox;
 * the row keeps what the platform holds and when Delete Post deleted it.
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
	{
		component: 'social',
		version: 2,
		description: 'attempts to publish a post noted in the store outbox (in doubt, attempts, first attempt, last error); the post keeps what the platform holds',
		statements: ['ALTER TABLE social_posts ADD COLUMN deleted_at TEXT', "UPDATE social_posts SET deleted_at = updated_at WHERE state = 'deleted'"],
		run: async (tx) => {
			await moveAttemptsToOutbox(tx);
			for (const column of ['state', 'attempts', 'first_attempt_at', 'last_error']) await tx.run(`ALTER TABLE social_posts DROP COLUMN ${column}`);
		},
	},
];

interface PostBefore {
	platform: string;
	account: string;
	post_id: string;
	state: string;
	attempts: number | string;
	first_attempt_at: string;
	last_error: string | null;
	updated_at: string;
	[column: string]: unknown;
}

/**
 * Every post before version 2 gets its attempts' outbox entry, created at its first attempt: open while a publish may
 * have landed (`attempting`), closed once published or refused (the refusal kept as its error), its attempts counted.
 */
async function moveAttemptsToOutbox(tx: SqlExecutor): Promise<void> {
	const rows = await tx.query<PostBefore>('SELECT platform, account, post_id, state, attempts, first_attempt_at, last_error, updated_at FROM social_posts ORDER BY platform, account, post_id');
	const now = Date.now();
	await insertMany(tx, {
		into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, last_error, created_at, updated_at)',
		rows: rows.map((row) => {
			const key = { platform: row.platform, account: row.account, postId: row.post_id };
			const error = row.state === 'refused' ? (row.last_error ?? 'refused') : row.state === 'attempting' ? row.last_error : null;
			return [POST_ATTEMPTS_TOPIC, postAttemptKey(key), '', JSON.stringify(key), row.state === 'attempting' ? 1 : 0, Number(row.attempts), 1, now, error, row.first_attempt_at, row.updated_at];
		}),
	});
}
