import type { PublishedPost } from '../platforms/social';
import type { SqlExecutor } from '../store/types';

/**
 * attempting: a publish was sent and its outcome is not known (it may have landed), so the next writer looks for it
 * first. published: the platform holds it. refused: the platform said no (nothing landed). deleted: deleted through
 * Delete Post.
 */
export type PostState = 'attempting' | 'published' | 'refused' | 'deleted';

export interface PostKey {
	platform: string;
	account: string;
	postId: string;
}

export interface PostRow extends PostKey {
	state: PostState;
	attempts: number;
	firstAttemptAt: Date;
	hint: Record<string, string>;
	externalId?: string;
	url?: string;
	status?: PublishedPost['status'];
	lastError?: string;
	updatedAt: string;
}

interface Row {
	platform: string;
	account: string;
	post_id: string;
	state: string;
	attempts: number | string;
	first_attempt_at: string;
	hint: string;
	external_id: string | null;
	url: string | null;
	status: string | null;
	last_error: string | null;
	updated_at: string;
}

const WHERE = 'platform = ? AND account = ? AND post_id = ?';
const keyOf = (key: PostKey) => [key.platform, key.account, key.postId];

/** The social_posts rows. */
export class PostRepository {
	constructor(private readonly db: SqlExecutor) {}

	async get(key: PostKey): Promise<PostRow | undefined> {
		const [row] = await this.db.query<Row & Record<string, unknown>>(`SELECT * FROM social_posts WHERE ${WHERE}`, keyOf(key));
		return row && toPost(row);
	}

	/** Durably notes, before the publish is sent, that it may land; the first attempt's time is kept. */
	async attempting(key: PostKey): Promise<void> {
		const stamp = new Date().toISOString();
		await this.db.run(
			`INSERT INTO social_posts (platform, account, post_id, state, attempts, first_attempt_at, created_at, updated_at)
			 VALUES (?, ?, ?, 'attempting', 1, ?, ?, ?)
			 ON CONFLICT (platform, account, post_id) DO UPDATE SET state = 'attempting', attempts = social_posts.attempts + 1, updated_at = excluded.updated_at`,
			[...keyOf(key), stamp, stamp, stamp],
		);
	}

	async note(key: PostKey, hint: Record<string, string>): Promise<void> {
		await this.db.run(`UPDATE social_posts SET hint = ?, updated_at = ? WHERE ${WHERE}`, [JSON.stringify(hint), new Date().toISOString(), ...keyOf(key)]);
	}

	async published(key: PostKey, post: PublishedPost): Promise<void> {
		await this.db.run(`UPDATE social_posts SET state = 'published', external_id = ?, url = ?, status = ?, last_error = NULL, updated_at = ? WHERE ${WHERE}`, [
			post.externalId,
			post.url,
			post.status,
			new Date().toISOString(),
			...keyOf(key),
		]);
	}

	async refused(key: PostKey, message: string): Promise<void> {
		await this.db.run(`UPDATE social_posts SET state = 'refused', last_error = ?, updated_at = ? WHERE ${WHERE}`, [message, new Date().toISOString(), ...keyOf(key)]);
	}

	/** An attempt whose outcome is still unknown keeps its state; the error is noted. */
	async noteError(key: PostKey, message: string): Promise<void> {
		await this.db.run(`UPDATE social_posts SET last_error = ?, updated_at = ? WHERE ${WHERE}`, [message, new Date().toISOString(), ...keyOf(key)]);
	}

	async deleted(key: PostKey): Promise<void> {
		await this.db.run(`UPDATE social_posts SET state = 'deleted', updated_at = ? WHERE ${WHERE}`, [new Date().toISOString(), ...keyOf(key)]);
	}
}

function toPost(row: Row): PostRow {
	return {
		platform: row.platform,
		account: row.account,
		postId: row.post_id,
		state: row.state as PostState,
		attempts: Number(row.attempts),
		firstAttemptAt: new Date(row.first_attempt_at),
		hint: JSON.parse(row.hint) as Record<string, string>,
		externalId: row.external_id ?? undefined,
		url: row.url ?? undefined,
		status: (row.status as PublishedPost['status'] | null) ?? undefined,
		lastError: row.last_error ?? undefined,
		updatedAt: row.updated_at,
	};
}
