/**
 * The LinkedIn sandbox: the versioned Posts API under `/rest/posts` for a token that may post as one organization
 * (`urn:li:organization:2414183`, w_organization_social) and one member (`urn:li:person:sbxMember1`, w_member_social).
 * Every request names a version (`LinkedIn-Version: YYYYMM`, 400 VERSION_MISSING without it) and
 * `X-Restli-Protocol-Version: 2.0.0`. Create answers 201 with the post's URN in `x-restli-id` and no body; commentary
 * of up to 3,000 characters; the `author` finder (`q=author`, `X-RestLi-Method: FINDER`) lists an author's posts newest
 * first with start/count paging; delete answers 204 and is idempotent. Images: `POST /rest/images?action=initializeUpload`
 * answers an upload URL and an image URN (WAITING_UPLOAD); the bytes PUT there make it AVAILABLE, and only an
 * AVAILABLE image of the same owner may be a post's `content.media.id`. Errors are `{status, serviceErrorCode, code,
 * message}`. Limits are daily: posts by one member, 150 a day (a 429 without a wait).
 */
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import type { RateWindow } from '../framework/rateLimit';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';

export const linkedInAccessToken = 'sandbox-linkedin-token';
export const linkedInOrganization = 'urn:li:organization:2414183';
export const linkedInMember = 'urn:li:person:sbxMember1';

type Record_ = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const linkedInWindows: RateWindow[] = [{ name: 'member_posts_day', kind: 'fixed', limit: 150, intervalMs: 86_400_000, match: { method: 'POST', path: '^/rest/posts$' } }];

const error = (status: number, code: string, message: string, serviceErrorCode?: number): SandboxResponse => ({
	status,
	body: { status, code, message, ...(serviceErrorCode === undefined ? {} : { serviceErrorCode }) },
});
const unprocessable = (message: string) => new SandboxError(error(422, 'UNPROCESSABLE_ENTITY', message));

class LinkedInAccount {
	posts: Record_[] = [];
	images = new Map<string, Record_>();
	private nextId = 7_400_000_000_000_000_000n;

	reset(): void {
		this.posts = [];
		this.images.clear();
		this.nextId = 7_400_000_000_000_000_000n;
	}

	urn(): string {
		this.nextId += 7n;
		return `urn:li:share:${this.nextId.toString()}`;
	}
}

/** The version headers every call of the versioned API carries. */
function checkVersion(request: SandboxRequest): void {
	const version = request.headers['linkedin-version'];
	if (typeof version !== 'string' || version === '') throw new SandboxError(error(400, 'VERSION_MISSING', 'A version must be present. Please specify a version by adding the LinkedIn-Version header.'));
	if (!/^\d{6}(\.\d{2})?$/.test(version)) throw new SandboxError(error(400, 'INVALID_VERSION', `Version ${version} is not in the format YYYYMM.`));
	if (request.headers['x-restli-protocol-version'] !== '2.0.0') throw new SandboxError(error(400, 'ILLEGAL_ARGUMENT', 'X-Restli-Protocol-Version 2.0.0 is required.'));
}

export const createLinkedInSandbox: VendorSandboxFactory = (services) => {
	const account = new LinkedInAccount();
	return {
		credentials: { accessToken: linkedInAccessToken, authorUrn: linkedInOrganization, memberUrn: linkedInMember },
		authenticate: bearerAuth(linkedInAccessToken, () => error(401, 'REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user', 65601)),
		rateLimits: {
			defaults: linkedInWindows,
			headers: () => ({}),
			rejection: () => error(429, 'TOO_MANY_REQUESTS', 'Resource level throttle MEMBER DAY limit for calls to this resource is reached.'),
		},
		errors: {
			serverError: (status) => error(status, 'INTERNAL_SERVER_ERROR', 'Internal Server Error'),
			notFound: () => error(404, 'NOT_FOUND', 'Not Found'),
			badRequest: (message) => error(400, 'ILLEGAL_ARGUMENT', `Malformed JSON: ${message}`),
		},
		routes: (router) => routes(router, account, () => services.baseUrl()),
		data: {
			reset: () => account.reset(),
			seed: (data) => seed(account, data),
			state: (collection) => {
				const all: Record<string, unknown> = { posts: account.posts, images: [...account.images.values()] };
				return collection === undefined ? all : all[collection];
			},
		},
		signWebhook: () => ({}),
	};
};

function routes(router: Router, account: LinkedInAccount, baseUrl: () => string): void {
	router.post('/rest/images', (request) => {
		checkVersion(request);
		if (request.query.get('action') !== 'initializeUpload') throw new SandboxError(error(400, 'ILLEGAL_ARGUMENT', 'Only action=initializeUpload is served'));
		const owner = (request.body as Record_ | undefined)?.initializeUploadRequest?.owner;
		if (owner !== linkedInOrganization && owner !== linkedInMember) return error(403, 'ACCESS_DENIED', `Not enough permissions to upload images for ${String(owner)}`, 100);
		const id = `C4E${account.urn().split(':').at(-1)}`;
		const image = { id: `urn:li:image:${id}`, owner, status: 'WAITING_UPLOAD' };
		account.images.set(id, image);
		return { status: 200, body: { value: { uploadUrlExpiresAt: Date.now() + 86_400_000, uploadUrl: `${baseUrl()}/dms-uploads/${id}/uploaded-image/0`, image: image.id } } };
	});

	router.put('/dms-uploads/:id/uploaded-image/0', (request) => {
		const image = account.images.get(request.params.id);
		if (!image) return error(404, 'NOT_FOUND', 'Upload URL not found or expired');
		if (request.rawBody.length === 0) throw new SandboxError(error(400, 'ILLEGAL_ARGUMENT', 'The image bytes are empty'));
		Object.assign(image, { status: 'AVAILABLE', size: request.rawBody.length, contentType: request.headers['content-type'] });
		return { status: 201, body: '' };
	});

	router.post('/rest/posts', (request) => {
		checkVersion(request);
		const post = validPost(request.body as Record_ | undefined);
		const mediaId = post.content?.media?.id;
		if (mediaId !== undefined) {
			const image = [...account.images.values()].find((candidate) => candidate.id === mediaId);
			if (!image || image.status !== 'AVAILABLE' || image.owner !== post.author) throw unprocessable(`/content/media/id: ${String(mediaId)} is not an available image of ${String(post.author)}`);
		}
		const urn = account.urn();
		const now = Date.now();
		account.posts.push({ id: urn, ...post, createdAt: now, publishedAt: now, lastModifiedAt: now });
		return { status: 201, body: '', headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
	});

	router.get('/rest/posts', (request) => {
		checkVersion(request);
		if (request.query.get('q') !== 'author') throw new SandboxError(error(400, 'ILLEGAL_ARGUMENT', 'Only the author finder (q=author) is served'));
		if (request.headers['x-restli-method']?.toString().toUpperCase() !== 'FINDER') throw new SandboxError(error(400, 'ILLEGAL_ARGUMENT', 'A finder call needs X-RestLi-Method: FINDER'));
		const author = request.query.get('author') ?? '';
		if (author !== linkedInOrganization && author !== linkedInMember) return error(403, 'ACCESS_DENIED', `Not enough permissions to access posts of ${author}`, 100);
		const start = Number(request.query.get('start') ?? 0);
		const count = Number(request.query.get('count') ?? 10);
		if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count < 1 || count > 100) throw new SandboxError(error(400, 'ILLEGAL_ARGUMENT', 'start must be 0 or more and count between 1 and 100'));
		const mine = account.posts.filter((post) => post.author === author).sort((a, b) => b.createdAt - a.createdAt || (b.id > a.id ? 1 : -1));
		return { status: 200, body: { paging: { start, count, links: [], total: mine.length }, elements: mine.slice(start, start + count) } };
	});

	router.get('/rest/posts/:urn', (request) => {
		checkVersion(request);
		const found = account.posts.find((post) => post.id === request.params.urn);
		return found ? { status: 200, body: found } : error(404, 'NOT_FOUND', `Post ${request.params.urn} does not exist`);
	});

	router.delete('/rest/posts/:urn', (request) => {
		checkVersion(request);
		account.posts = account.posts.filter((post) => post.id !== request.params.urn);
		return { status: 204, body: '' };
	});
}

function validPost(body: Record_ | undefined): Record_ {
	if (!body || typeof body !== 'object') throw unprocessable('The request body must be a post');
	if (body.author !== linkedInOrganization && body.author !== linkedInMember) {
		throw new SandboxError(error(403, 'ACCESS_DENIED', `Not enough permissions to access: partnerApiPostsExternal.CREATE.20261101 (author ${String(body.author)})`, 100));
	}
	if (typeof body.commentary !== 'string') throw unprocessable('/commentary: field is required');
	if ([...body.commentary].length > 3000) throw unprocessable('/commentary: length exceeds the maximum of 3000');
	if (!['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER'].includes(body.visibility)) throw unprocessable('/visibility: must be PUBLIC, CONNECTIONS, LOGGED_IN or CONTAINER');
	if (!['MAIN_FEED', 'NONE'].includes(body.distribution?.feedDistribution)) throw unprocessable('/distribution/feedDistribution: must be MAIN_FEED or NONE');
	if (body.lifecycleState !== 'PUBLISHED' && body.lifecycleState !== 'DRAFT') throw unprocessable('/lifecycleState: must be PUBLISHED or DRAFT');
	if (body.content?.article && typeof body.content.article.source !== 'string') throw unprocessable('/content/article/source: field is required');
	return body;
}

function seed(account: LinkedInAccount, data: Record<string, unknown[]>): unknown {
	const stored: Record_[] = [];
	for (const [collection, records] of Object.entries(data)) {
		if (collection !== 'posts') throw controlError(400, `unknown collection ${collection}; seed posts`);
		for (const record of records as Record_[]) {
			const post = { id: account.urn(), author: linkedInOrganization, visibility: 'PUBLIC', lifecycleState: 'PUBLISHED', createdAt: Date.now(), ...record };
			account.posts.push(post);
			stored.push(post);
		}
	}
	return { posts: stored };
}
