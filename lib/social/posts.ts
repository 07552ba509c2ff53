import type { PublishedPost } from '../platforms/social';
import { OutboxTopic, outboxKey } from '../store/outbox';
import type { SqlExecutor } from '../store/types';
import { AttemptLog, type NotedAttempts } from '../transport/notedWrites';

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
	hint: string;
	external_id: string | null;
	url: string | null;
	status: string | null;
	deleted_at: string | null;
	created_at: string;
	updated_at: string;
}

/** The attempts to publish posts: the store outbox's topic, one entry per (platform, account, post id). */
export const POST_ATTEMPTS_TOPIC = 'social.posts';

export const postAttemptKey = (key: PostKey) => outboxKey(key.platform, key.account, key.postId);

const WHERE = 'platform = ? AND account = ? AND post_id = ?';
const keyOf = (key: PostKey) => [key.platform, key.account, key.postId];

/**
 * The posts: social_posts keeps what the platform holds (its id, URL and status, whether Delete Post deleted it) and
 * what an attempt noted on the way (Instagram's media container); the attempts to publish each one (whether one may
 * have landed, how many, since when, the last error) are noted in the store outbox.
 */
export class PostRepository {
	readonly attempts: AttemptLog<PostKey>;

	constructor(private readonly db: SqlExecutor) {
		this.attempts = new AttemptLog(new OutboxTopic<PostKey>(db, POST_ATTEMPTS_TOPIC));
	}

	async get(key: PostKey): Promise<PostRow | undefined> {
		const [row] = await this.db.query<Row & Record<string, unknown>>(`SELECT * FROM social_posts WHERE ${WHERE}`, keyOf(key));
		return row && toPost(row, await this.attempts.get(postAttemptKey(key)));
	}

	/** The post's row, before its first publish is sent (an attempt's notes are kept there). */
	async open(key: PostKey): Promise<void> {
		const stamp = new Date().toISOString();
		await this.db.run(`INSERT INTO social_posts (platform, account, post_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [...keyOf(key), stamp, stamp]);
	}

	async note(key: PostKey, hint: Record<string, string>): Promise<void> {
		await this.db.run(`UPDATE social_posts SET hint = ?, updated_at = ? WHERE ${WHERE}`, [JSON.stringify(hint), new Date().toISOString(), ...keyOf(key)]);
	}

	/** Keeps what the platform holds of the post. */
	async keep(key: PostKey, post: PublishedPost): Promise<void> {
		await this.db.run(`UPDATE social_posts SET external_id = ?, url = ?, status = ?, updated_at = ? WHERE ${WHERE}`, [
			post.externalId,
			post.url,
			post.status,
			new Date().toISOString(),
			...keyOf(key),
		]);
	}

	async deleted(key: PostKey): Promise<void> {
		const stamp = new Date().toISOString();
		await this.db.run(`UPDATE social_posts SET deleted_at = ?, updated_at = ? WHERE ${WHERE}`, [stamp, stamp, ...keyOf(key)]);
	}
}

function toPost(row: Row, attempts: NotedAttempts | undefined): PostRow {
	const state: PostState = row.deleted_at !== null ? 'deleted' : row.external_id !== null ? 'published' : attempts?.state === 'refused' ? 'refused' : 'attempting';
	return {
		platform: row.platform,
		account: row.account,
		postId: row.post_id,
		state,
		attempts: attempts?.attempts ?? 0,
		firstAttemptAt: attempts?.firstAttemptAt ?? new Date(row.created_at),
		hint: JSON.parse(row.hint) as Record<string, string>,
		externalId: row.external_id ?? undefined,
		url: row.url ?? undefined,
		status: (row.status as PublishedPost['status'] | null) ?? undefined,
		lastError: attempts?.lastError,
		updatedAt: attempts && attempts.updatedAt > row.updated_at ? attempts.updatedAt : row.updated_at,
	};
}
