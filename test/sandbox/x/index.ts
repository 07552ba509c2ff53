/**
 * The X sandbox: API v2 for one user behind an OAuth 2.0 user token (`Authorization: Bearer`). `GET /2/users/me`;
 * `POST /2/media/upload` (JSON: base64 `media`, `media_category`), `POST /2/media/metadata` (alt text);
 * `POST /2/tweets` (text or media; 280 weighted characters with links counted as 23; links returned as t.co links;
 * the same text as one of the user's posts refused with 403 duplicate content; 201 `{data:{id,text}}`);
 * `GET /2/users/{id}/tweets` (newest first, `start_time`, `max_results` 5–100, `pagination_token`);
 * `DELETE /2/tweets/{id}`. Errors are problem objects `{title, detail, type, status}`. Per-user windows: posts
 * 200 per 15 minutes, deletes 50 per 15 minutes, a user's posts 900 per 15 minutes, each reported on its endpoint's
 * answers in x-rate-limit-limit / -remaining / -reset (Unix seconds); a 429 carries the same headers and no Retry-After.
 * X takes no idempotency key: a post sent twice after a lost answer is refused as duplicate content.
 */
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';
import { xWeightedLength } from '../../../lib/platforms/x/social';

export const xAccessToken = 'sandbox-x-user-token';
export const xUser = { id: '2244994945', name: 'Sandbox Brand', username: 'sandboxbrand' };

type Record_ = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MINUTES_15 = 15 * 60_000;

const xRateWindows: RateWindow[] = [
	{ name: 'create_post', kind: 'sliding', limit: 200, intervalMs: MINUTES_15, match: { method: 'POST', path: '^/2/tweets$' } },
	{ name: 'delete_post', kind: 'sliding', limit: 50, intervalMs: MINUTES_15, match: { method: 'DELETE', path: '^/2/tweets/[^/]+$' } },
	{ name: 'user_posts', kind: 'sliding', limit: 900, intervalMs: MINUTES_15, match: { method: 'GET', path: '^/2/users/[^/]+/tweets$' } },
];

const problem = (status: number, title: string, detail: string): SandboxResponse => ({ status, body: { title, detail, type: 'about:blank', status } });
const invalid = (message: string): SandboxError =>
	new SandboxError({ status: 400, body: { errors: [{ parameters: {}, message }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } });

class XAccount {
	tweets: Record_[] = [];
	media = new Map<string, Record_>();
	private nextId = 1_860_000_000_000_000_000n;

	reset(): void {
		this.tweets = [];
		this.media.clear();
		this.nextId = 1_860_000_000_000_000_000n;
	}

	id(): string {
		this.nextId += 1_000n;
		return this.nextId.toString();
	}
}

/** X shortens every link to a t.co link of 23 characters. */
function withTcoLinks(text: string): string {
	let counter = 0;
	return text.replace(/https?:\/\/\S+/g, () => `https://t.co/${(++counter).toString(36).padStart(10, 'x')}`);
}

const withoutLinks = (text: string) => text.replace(/https?:\/\/\S+/g, '').replace(/\s+/g, ' ').trim();
const sameText = (a: string, b: string) => withoutLinks(a) === withoutLinks(b);

export const createXSandbox: VendorSandboxFactory = () => {
	const account = new XAccount();
	return {
		credentials: { accessToken: xAccessToken },
		authenticate: bearerAuth(xAccessToken, () => problem(401, 'Unauthorized', 'Unauthorized')),
		rateLimits: {
			defaults: xRateWindows,
			headers(usage: WindowUsage[]): Record<string, string> {
				const window = usage[0];
				if (!window) return {};
				return {
					'x-rate-limit-limit': String(window.window.limit),
					'x-rate-limit-remaining': String(window.remaining),
					'x-rate-limit-reset': String(Math.ceil((Date.now() + window.resetMs) / 1000)),
				};
			},
			rejection: () => problem(429, 'Too Many Requests', 'Too Many Requests'),
		},
		errors: {
			serverError: (status) => problem(status, 'Internal Server Error', 'Something went wrong. Please try again later.'),
			notFound: () => problem(404, 'Not Found Error', 'The requested resource was not found.'),
			badRequest: (message) => invalid(`The request body is not valid JSON: ${message}`).response,
		},
		routes: (router) => routes(router, account),
		data: {
			reset: () => account.reset(),
			seed: (data) => seed(account, data),
			state: (collection) => view(account, collection),
		},
		signWebhook: () => ({}),
	};
};

function routes(router: Router, account: XAccount): void {
	router.get('/2/users/me', () => ({ status: 200, body: { data: xUser } }));

	router.post('/2/media/upload', (request) => {
		const body = (request.body ?? {}) as Record_;
		if (typeof body.media !== 'string' || body.media === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body.media)) throw invalid('media: the file content, base64-encoded, is required');
		const categories = ['tweet_image', 'tweet_video', 'tweet_gif', 'dm_image', 'dm_video', 'dm_gif', 'subtitles'];
		if (body.media_category !== undefined && !categories.includes(body.media_category)) throw invalid(`media_category must be one of ${categories.join(', ')}`);
		const size = Buffer.from(body.media, 'base64').length;
		if (body.media_category === 'tweet_image' && size > 5 * 1024 * 1024) throw invalid('media: images are limited to 5 MB');
		const id = account.id();
		const media = { id, media_key: `3_${id}`, size, media_category: body.media_category ?? 'tweet_image', media_type: body.media_type, expires_after_secs: 86_400 };
		account.media.set(id, media);
		return { status: 200, body: { data: { id, media_key: media.media_key, size, expires_after_secs: 86_400 } } };
	});

	router.post('/2/media/metadata', (request) => {
		const body = (request.body ?? {}) as Record_;
		const media = account.media.get(String(body.id));
		if (!media) throw invalid(`id: media ${String(body.id)} was not uploaded by this user`);
		const text = body.metadata?.alt_text?.text;
		if (typeof text !== 'string' || [...text].length > 1000) throw invalid('metadata.alt_text.text must be text of up to 1,000 characters');
		media.alt_text = text;
		return { status: 200, body: { data: { id: media.id, associated_metadata: { alt_text: { text } } } } };
	});

	router.post('/2/tweets', (request) => createPost(account, request));

	router.get('/2/users/:id/tweets', (request) => {
		if (request.params.id !== xUser.id) return problem(404, 'Not Found Error', `Could not find user with id: [${request.params.id}].`);
		const maxResults = Number(request.query.get('max_results') ?? 10);
		if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 100) throw invalid('max_results must be a number between 5 and 100');
		const start = request.query.get('start_time');
		if (start !== null && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(start)) throw invalid('start_time must be an RFC 3339 date-time such as 2026-12-06T10:00:00Z');
		const newestFirst = [...account.tweets].reverse().filter((tweet) => start === null || Date.parse(tweet.created_at) >= Date.parse(start));
		const offset = Number(request.query.get('pagination_token') ?? 0);
		const page = newestFirst.slice(offset, offset + maxResults);
		const fields = (request.query.get('tweet.fields') ?? '').split(',');
		const data = page.map((tweet) => ({ id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id], ...(fields.includes('created_at') ? { created_at: tweet.created_at } : {}) }));
		const next = offset + maxResults < newestFirst.length ? String(offset + maxResults) : undefined;
		const meta = page.length === 0 ? { result_count: 0 } : { result_count: page.length, newest_id: page[0].id, oldest_id: page.at(-1)!.id, ...(next ? { next_token: next } : {}) };
		return { status: 200, body: page.length === 0 ? { meta } : { data, meta } };
	});

	router.delete('/2/tweets/:id', (request) => {
		const index = account.tweets.findIndex((tweet) => tweet.id === request.params.id);
		if (index < 0) return problem(404, 'Not Found Error', `Could not find tweet with id: [${request.params.id}].`);
		account.tweets.splice(index, 1);
		return { status: 200, body: { data: { deleted: true } } };
	});
}

function createPost(account: XAccount, request: SandboxRequest): SandboxResponse {
	const body = (request.body ?? {}) as Record_;
	const text = body.text === undefined ? '' : body.text;
	if (typeof text !== 'string') throw invalid('text must be a string');
	const mediaIds: unknown[] = body.media?.media_ids ?? [];
	if (text === '' && mediaIds.length === 0) throw invalid('One of text or media is required');
	if (!Array.isArray(mediaIds) || mediaIds.length > 4) throw invalid('media.media_ids takes at most 4 ids');
	for (const mediaId of mediaIds) if (!account.media.has(String(mediaId))) throw invalid(`media.media_ids: ${String(mediaId)} is not media this user uploaded`);
	if (xWeightedLength(text) > 280) return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with more than 280 characters.');
	if (text !== '' && account.tweets.some((tweet) => sameText(tweet.text, text))) return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
	const id = account.id();
	const tweet = { id, text: withTcoLinks(text), author_id: xUser.id, created_at: new Date().toISOString(), media_ids: mediaIds.map(String) };
	account.tweets.push(tweet);
	return { status: 201, body: { data: { id, text: tweet.text, edit_history_tweet_ids: [id] } } };
}

function seed(account: XAccount, data: Record<string, unknown[]>): unknown {
	const stored: Record_[] = [];
	for (const [collection, records] of Object.entries(data)) {
		if (collection !== 'tweets') throw controlError(400, `unknown collection ${collection}; seed tweets`);
		for (const record of records as Record_[]) {
			const tweet = { id: account.id(), author_id: xUser.id, created_at: new Date().toISOString(), media_ids: [], ...record, text: withTcoLinks(String(record.text ?? '')) };
			account.tweets.push(tweet);
			stored.push(tweet);
		}
	}
	return { tweets: stored };
}

function view(account: XAccount, collection?: string): unknown {
	const all: Record<string, unknown> = { tweets: account.tweets, media: [...account.media.values()], users: [xUser] };
	return collection === undefined ? all : all[collection];
}
