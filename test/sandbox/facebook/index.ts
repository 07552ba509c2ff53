/**
 * The Facebook Pages sandbox: the Graph API (`/v24.0/…`) for one Page behind its Page access token. `POST
 * /{page-id}/feed` (message, link; `published=false` with `scheduled_publish_time` 10 minutes to 30 days ahead) answers
 * `{id: "{page-id}_{post-id}"}`; `POST /{page-id}/photos` (url, caption or message) answers `{id, post_id}`;
 * `GET /{page-id}/published_posts`, `/scheduled_posts` and `/feed` (fields, since, limit, cursor paging);
 * `GET /{object-id}?fields=permalink_url`; `DELETE /{post-id}` answers `{success: true}`. Unknown objects are
 * `(#100)` errors with subcode 33. Usage is reported in X-Page-Usage (percent of a 200-calls-an-hour window); past it,
 * error code 32 ("Page request limit reached"). No idempotency key: a post sent twice is two posts.
 */
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory } from '../framework/types';
import { checkVersion, graphAuth, graphError, graphInvalid, param, truthy, usageHeader } from './graph';

export const facebookPageToken = 'sandbox-facebook-page-token';
export const facebookPageId = '109876543210123';

type Record_ = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pageWindows: RateWindow[] = [{ name: 'page_hour', kind: 'sliding', limit: 200, intervalMs: 3_600_000 }];

class Page {
	posts: Record_[] = [];
	photos: Record_[] = [];
	private next = 1_000_000_001n;

	reset(): void {
		this.posts = [];
		this.photos = [];
		this.next = 1_000_000_001n;
	}

	id(): string {
		this.next += 3n;
		return this.next.toString();
	}
}

const unknownObject = (id: string) => graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);

export const createFacebookSandbox: VendorSandboxFactory = (services) => {
	const page = new Page();
	return {
		credentials: { accessToken: facebookPageToken, pageId: facebookPageId },
		authenticate: graphAuth(facebookPageToken),
		rateLimits: {
			defaults: pageWindows,
			headers: (usage: WindowUsage[]) => usageHeader('x-page-usage', usage),
			rejection: () => graphError(400, 32, 'Page request limit reached', 'OAuthException'),
		},
		errors: {
			serverError: (status) => graphError(status, 2, 'An unexpected error has occurred. Please retry your request later.', 'OAuthException'),
			notFound: (request) => unknownObject(request.path.split('/').at(-1) ?? ''),
			badRequest: (message) => graphError(400, 100, `(#100) Invalid parameter: ${message}`),
		},
		routes: (router) => routes(router, page, () => services.baseUrl()),
		data: {
			reset: () => page.reset(),
			seed: (data) => seed(page, data),
			state: (collection) => (collection === undefined ? { posts: page.posts, photos: page.photos } : ({ posts: page.posts, photos: page.photos } as Record<string, unknown>)[collection]),
		},
		signWebhook: () => ({}),
	};
};

function schedule(request: SandboxRequest): { is_published: boolean; scheduled_publish_time?: number } {
	const published = truthy(param(request, 'published'), true);
	const when = param(request, 'scheduled_publish_time');
	if (published) {
		if (when !== undefined) throw graphInvalid('scheduled_publish_time can only be set when published is false');
		return { is_published: true };
	}
	const seconds = typeof when === 'number' ? when : typeof when === 'string' && /^\d+$/.test(when) ? Number(when) : typeof when === 'string' ? Math.floor(Date.parse(when) / 1000) : Number.NaN;
	const ahead = seconds * 1000 - Date.now();
	if (!Number.isFinite(seconds) || ahead < 10 * 60_000 || ahead > 30 * 86_400_000) {
		throw graphInvalid('The specified scheduled publish time is invalid. It must be between 10 minutes and 30 days from the time of the API request.');
	}
	return { is_published: false, scheduled_publish_time: seconds };
}

function routes(router: Router, page: Page, baseUrl: () => string): void {
	const onPage = (request: SandboxRequest): SandboxResponse | undefined => {
		checkVersion(request);
		return request.params.pageId === facebookPageId ? undefined : unknownObject(request.params.pageId);
	};

	router.post('/:version/:pageId/feed', (request) => {
		const refused = onPage(request);
		if (refused) return refused;
		const message = param(request, 'message');
		const link = param(request, 'link');
		if ((message === undefined || message === '') && link === undefined) throw graphInvalid('The parameter message or link is required', 1349125);
		if (typeof message === 'string' && [...message].length > 63_206) throw graphInvalid('The message is too long: at most 63,206 characters', 1349125);
		const id = `${facebookPageId}_${page.id()}`;
		page.posts.push({ id, message, link, created_time: new Date().toISOString(), ...schedule(request), permalink_url: `https://www.facebook.com/${id.replace('_', '/posts/')}` });
		return { status: 200, body: { id } };
	});

	router.post('/:version/:pageId/photos', (request) => {
		const refused = onPage(request);
		if (refused) return refused;
		const url = param(request, 'url');
		if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return graphError(400, 324, '(#324) Requires upload file', 'OAuthException');
		const caption = param(request, 'caption') ?? param(request, 'message');
		const photoId = page.id();
		const postId = `${facebookPageId}_${page.id()}`;
		const timing = schedule(request);
		page.photos.push({ id: photoId, url, caption, post_id: postId });
		page.posts.push({ id: postId, message: caption, photo_id: photoId, created_time: new Date().toISOString(), ...timing, permalink_url: `https://www.facebook.com/photo/?fbid=${photoId}` });
		return { status: 200, body: { id: photoId, post_id: postId } };
	});

	for (const edge of ['published_posts', 'scheduled_posts', 'feed']) {
		router.get(`/:version/:pageId/${edge}`, (request) => {
			const refused = onPage(request);
			if (refused) return refused;
			const since = request.query.get('since');
			const limit = Math.min(100, Number(request.query.get('limit') ?? 25));
			const offset = Number(request.query.get('after') ? Buffer.from(request.query.get('after')!, 'base64url').toString() : 0);
			const chosen = page.posts
				.filter((post) => (edge === 'scheduled_posts' ? !post.is_published : post.is_published))
				.filter((post) => since === null || Date.parse(post.created_time) >= Number(since) * 1000)
				.reverse();
			const slice = chosen.slice(offset, offset + limit);
			const fields = (request.query.get('fields') ?? 'id,message,created_time').split(',');
			const data = slice.map((post) => Object.fromEntries(fields.filter((field) => post[field] !== undefined).map((field) => [field, post[field]])));
			const more = offset + limit < chosen.length;
			const after = Buffer.from(String(offset + limit)).toString('base64url');
			return {
				status: 200,
				body: { data, paging: { cursors: { before: Buffer.from(String(offset)).toString('base64url'), after }, ...(more ? { next: `${baseUrl()}/${request.params.version}/${facebookPageId}/${edge}?after=${after}` } : {}) } },
			};
		});
	}

	router.get('/:version/:objectId', (request) => {
		checkVersion(request);
		const id = request.params.objectId;
		if (id === facebookPageId) return { status: 200, body: { id, name: 'Sandbox Page' } };
		const post = page.posts.find((candidate) => candidate.id === id);
		if (!post) return unknownObject(id);
		const fields = (request.query.get('fields') ?? 'id,message,created_time').split(',');
		return { status: 200, body: { id, ...Object.fromEntries(fields.filter((field) => post[field] !== undefined).map((field) => [field, post[field]])) } };
	});

	router.delete('/:version/:objectId', (request) => {
		checkVersion(request);
		const index = page.posts.findIndex((candidate) => candidate.id === request.params.objectId);
		if (index < 0) return unknownObject(request.params.objectId);
		page.posts.splice(index, 1);
		return { status: 200, body: { success: true } };
	});
}

function seed(page: Page, data: Record<string, unknown[]>): unknown {
	const stored: Record_[] = [];
	for (const [collection, records] of Object.entries(data)) {
		if (collection !== 'posts') throw controlError(400, `unknown collection ${collection}; seed posts`);
		for (const record of records as Record_[]) {
			const post = { id: `${facebookPageId}_${page.id()}`, created_time: new Date().toISOString(), is_published: true, ...record };
			page.posts.push(post);
			stored.push(post);
		}
	}
	return { posts: stored };
}
