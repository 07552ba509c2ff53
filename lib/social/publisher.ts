/**
 * Social Publisher: one post published to every chosen platform account exactly once per (post id, platform account).
 *
 * Exactly once is three guarantees stacked: every platform's rules are checked before anything is sent (a post one
 * platform would refuse is published nowhere); the idempotency ledger lets one writer at a time work on a (platform
 * account, post id) and hands its result to every later or concurrent caller (a retried execution, a second worker);
 * and each attempt is noted in the store outbox, durably and before the publish is sent (lib/transport/notedWrites.ts),
 * so a writer after a lost answer or a crash looks the post up on the platform (its text among the account's posts
 * since the first attempt, and what the attempt noted on the post row) before publishing again. No platform here takes an idempotency key, so the transport never
 * repeats a publish whose answer was lost (replaySafe: false); the look-up does.
 */
import { InputError } from '../records/inputSchema';
import type { StateStore } from '../store';
import { PlatformApiError } from '../transport/errors';
import { mayHaveLanded, writeNoted } from '../transport/notedWrites';
import { SocialLimitError, type MediaFetcher, type PostRules, type PublishedPost, type SocialConnector, type SocialPost } from '../platforms/social';
import { toSocialPost } from './inputs';
import { PostRepository, postAttemptKey, type PostKey } from './posts';
import { ruleViolations } from './rules';
import { sleep as defaultSleep } from '../records/sleep';

/** One chosen platform account, as the publisher reaches it. */
export interface SocialTarget {
	platform: { id: string; displayName: string };
	rules: PostRules;
	connector: SocialConnector;
	/** The platform's id of the account (X user, LinkedIn author, Page, Instagram account). */
	account: string;
}

export interface SocialPublisherOptions {
	store: StateStore;
	targets: SocialTarget[];
	fetchMedia: MediaFetcher;
	/** Publishes whose outcome stayed unknown (no answer, a 5xx) are looked up and tried again up to this many times in all. */
	maxAttempts?: number;
	sleep?: (ms: number) => Promise<void>;
	now?: () => Date;
}

/** What happened on one platform. */
export type PlatformResult =
	| {
			platform: string;
			ok: true;
			externalId: string;
			url: string;
			status: PublishedPost['status'];
			/** True when an earlier or concurrent run published it and this one only returned its result. */
			replayed: boolean;
			/** A stable id for this post's usage event on this account (the Usage Meter counts an event id once). */
			usageEventId: string;
	  }
	| { platform: string; ok: false; error: string; code?: string };

export interface PublishOutcome {
	postId: string;
	results: PlatformResult[];
	/** How many platforms failed (their error in `results`); a retry of the same post id publishes only those. */
	failed: number;
}

export interface DeleteOutcome {
	postId: string;
	platform: string;
	externalId: string;
	/** True when an earlier Delete Post already deleted it (nothing was sent). */
	alreadyDeleted: boolean;
}

/** Clock skew allowed between this machine and the platform when a lost post is looked for among those since the attempt. */
const LOOKUP_SLACK_MS = 5 * 60_000;

export class SocialPublisher {
	readonly posts: PostRepository;
	private readonly maxAttempts: number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => Date;

	constructor(private readonly options: SocialPublisherOptions) {
		this.posts = new PostRepository(options.store.db);
		this.maxAttempts = options.maxAttempts ?? 3;
		this.sleep = options.sleep ?? defaultSleep;
		this.now = options.now ?? (() => new Date());
	}

	/** The post checked against every target's rules (an InputError naming each broken rule), then published on each. */
	async publish(input: unknown): Promise<PublishOutcome> {
		const post = toSocialPost(input);
		const violations = this.options.targets.flatMap((target) => ruleViolations(target.platform, target.rules, post, this.now()));
		if (violations.length > 0) throw new InputError(violations, `Post ${JSON.stringify(post.postId)} breaks a platform's rules; nothing was published`);
		const results = await Promise.all(this.options.targets.map(async (target) => await this.publishTo(target, post)));
		return { postId: post.postId, results, failed: results.filter((result) => !result.ok).length };
	}

	/** Deletes what this post id published on the target's account. */
	async delete(postId: string, platform: string): Promise<DeleteOutcome> {
		const target = this.target(platform);
		const key = keyOf(target, postId);
		const row = await this.posts.get(key);
		if (!row?.externalId || (row.state !== 'published' && row.state !== 'deleted')) {
			throw new InputError([{ field: 'postId', problem: `names no post published on ${target.platform.displayName} (post id ${JSON.stringify(postId)})` }], 'Delete Post');
		}
		if (row.state === 'deleted') return { postId, platform, externalId: row.externalId, alreadyDeleted: true };
		await target.connector.delete(row.externalId);
		await this.posts.deleted(key);
		return { postId, platform, externalId: row.externalId, alreadyDeleted: false };
	}

	private target(platform: string): SocialTarget {
		const target = this.options.targets.find((candidate) => candidate.platform.id === platform);
		if (!target) throw new Error(`Social Publisher was not opened for ${platform}`);
		return target;
	}

	private async publishTo(target: SocialTarget, post: SocialPost): Promise<PlatformResult> {
		const scope = `social:${target.platform.id}:${target.account}`;
		try {
			const { result, replayed } = await this.options.store.idempotency.runOnce(scope, post.postId, async () => await this.publishOnce(target, post));
			return { platform: target.platform.id, ok: true, ...result, replayed, usageEventId: `${scope}:${post.postId}` };
		} catch (error) {
			const code = error instanceof SocialLimitError ? error.limit : error instanceof PlatformApiError ? error.code : undefined;
			return { platform: target.platform.id, ok: false, error: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
		}
	}

	private async publishOnce(target: SocialTarget, post: SocialPost): Promise<PublishedPost> {
		const key = keyOf(target, post.postId);
		const previous = await this.posts.get(key);
		if ((previous?.state === 'published' || previous?.state === 'deleted') && previous.externalId) {
			return { externalId: previous.externalId, url: previous.url ?? '', status: previous.status ?? 'published' };
		}
		const hint = { ...previous?.hint };
		await this.posts.open(key);
		return await writeNoted({
			log: this.posts.attempts,
			key: postAttemptKey(key),
			payload: key,
			write: () =>
				target.connector.publish(post, {
					hint,
					note: async (noted) => {
						Object.assign(hint, noted);
						await this.posts.note(key, hint);
					},
					fetchMedia: this.options.fetchMedia,
					sleep: this.sleep,
				}),
			lookUp: (since) => target.connector.findPublished(post, new Date(since.getTime() - LOOKUP_SLACK_MS), hint),
			record: (published) => this.posts.keep(key, published),
			mayHaveLanded: postMayHaveLanded,
			maxAttempts: this.maxAttempts,
		});
	}
}

const keyOf = (target: SocialTarget, postId: string): PostKey => ({ platform: target.platform.id, account: target.account, postId });

/** Besides no answer or a 5xx, a platform saying the same text is already posted (X's duplicate content) may mean it landed. */
const postMayHaveLanded = (error: unknown) => mayHaveLanded(error) || (error instanceof PlatformApiError && error.code === 'duplicate_content');
