/**
 * The Instagram sandbox: content publishing through the Graph API (`/v24.0/…`, Facebook Login) for one professional
 * account behind a user token. `POST /{ig-user-id}/media` (image_url, caption, alt_text) creates a media container
 * whose `status_code` (`GET /{container-id}?fields=status_code,status`) is IN_PROGRESS for `containerChecks` reads, then
 * FINISHED (ERROR for an image that is not JPEG), EXPIRED 24 hours after creation unpublished, PUBLISHED once
 * published; `POST /{ig-user-id}/media_publish` (creation_id) publishes a FINISHED container and answers `{id}` of the
 * new media, refused with code 9 / subcode 2207042 past the 24-hour publishing limit; `GET
 * /{ig-user-id}/content_publishing_limit` reports `quota_usage` and `config: {quota_total, quota_duration}`;
 * `GET /{ig-user-id}/media` lists media newest first; `GET /{media-id}?fields=…` (permalink, caption, timestamp);
 * `DELETE /{media-id}`. Settings: `quotaTotal` (100), `containerChecks` (0).
 */
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory, VendorSettings } from '../framework/types';
import { checkVersion, graphAuth, graphError, graphInvalid, param, usageHeader } from '../facebook/graph';

export const instagramAccessToken = 'sandbox-instagram-user-token';
export const instagramUserId = '17841405822304914';

type Record_ = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const accountWindows: RateWindow[] = [{ name: 'account_hour', kind: 'sliding', limit: 200, intervalMs: 3_600_000 }];
const DAY_MS = 86_400_000;

class IgAccount {
	containers = new Map<string, Record_>();
	media: Record_[] = [];
	settings = { quotaTotal: 100, containerChecks: 0 };
	private next = 17_900_000_000_000_000n;

	reset(): void {
		this.containers.clear();
		this.media = [];
		this.settings = { quotaTotal: 100, containerChecks: 0 };
		this.next = 17_900_000_000_000_000n;
	}

	id(): string {
		this.next += 11n;
		return this.next.toString();
	}

	/** Posts published through the API in the last 24 hours. */
	usage(now = Date.now()): number {
		return this.media.filter((media) => media.via_api && now - Date.parse(media.timestamp) < DAY_MS).length;
	}
}

const unknownObject = (id: string) => graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);

export const createInstagramSandbox: VendorSandboxFactory = () => {
	const account = new IgAccount();
	return {
		credentials: { accessToken: instagramAccessToken, igUserId: instagramUserId },
		authenticate: graphAuth(instagramAccessToken),
		rateLimits: {
			defaults: accountWindows,
			headers: (usage: WindowUsage[]) => usageHeader('x-app-usage', usage),
			rejection: () => graphError(400, 4, 'Application request limit reached', 'OAuthException'),
		},
		errors: {
			serverError: (status) => graphError(status, 2, 'An unexpected error has occurred. Please retry your request later.', 'OAuthException'),
			notFound: (request) => unknownObject(request.path.split('/').at(-1) ?? ''),
			badRequest: (message) => graphError(400, 100, `(#100) Invalid parameter: ${message}`),
		},
		routes: (router) => routes(router, account),
		data: {
			reset: () => account.reset(),
			seed: (data) => seed(account, data),
			state: (collection) => {
				const all: Record<string, unknown> = { containers: [...account.containers.values()], media: account.media };
				return collection === undefined ? all : all[collection];
			},
		},
		settings: settings(account),
		signWebhook: () => ({}),
	};
};

function settings(account: IgAccount): VendorSettings {
	return {
		get: () => ({ ...account.settings }),
		update(patch) {
			for (const [name, value] of Object.entries(patch)) {
				if (!(name in account.settings)) throw controlError(400, `unknown setting ${name}; known: ${Object.keys(account.settings).join(', ')}`);
				if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw controlError(400, `${name} must be a whole number of 0 or more`);
				account.settings[name as keyof IgAccount['settings']] = value;
			}
			return { ...account.settings };
		},
	};
}

function containerStatus(container: Record_): void {
	if (container.status_code === 'IN_PROGRESS' && Date.now() - container.created > DAY_MS) container.status_code = 'EXPIRED';
	if (container.status_code !== 'IN_PROGRESS') return;
	if (container.checksLeft > 0) container.checksLeft--;
	else if (container.unsupported) Object.assign(container, { status_code: 'ERROR', status: 'Error: Media upload has failed with error code 2207026 (unsupported image format: only JPEG is supported)' });
	else container.status_code = 'FINISHED';
}

function fieldsOf(record: Record_, request: SandboxRequest, fallback: string): Record_ {
	const fields = (request.query.get('fields') ?? fallback).split(',');
	return { id: record.id, ...Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, record[field]])) };
}

function routes(router: Router, account: IgAccount): void {
	const onAccount = (request: SandboxRequest): SandboxResponse | undefined => {
		checkVersion(request);
		return request.params.igUserId === instagramUserId ? undefined : unknownObject(request.params.igUserId);
	};

	router.post('/:version/:igUserId/media', (request) => {
		const refused = onAccount(request);
		if (refused) return refused;
		const imageUrl = param(request, 'image_url');
		if (typeof imageUrl !== 'string' || !/^https?:\/\//.test(imageUrl)) throw graphInvalid('The parameter image_url is required', 2207052);
		const caption = param(request, 'caption');
		if (caption !== undefined && typeof caption !== 'string') throw graphInvalid('caption must be text');
		if (typeof caption === 'string' && [...caption].length > 2200) throw graphInvalid('The caption is too long: at most 2,200 characters', 2207010);
		if (typeof caption === 'string' && (caption.match(/#[\p{L}\p{N}_]+/gu)?.length ?? 0) > 30) throw graphInvalid('The caption has more than 30 hashtags', 2207010);
		const id = account.id();
		const unsupported = !/\.jpe?g$/i.test(new URL(imageUrl).pathname);
		account.containers.set(id, { id, image_url: imageUrl, caption, alt_text: param(request, 'alt_text'), status_code: 'IN_PROGRESS', checksLeft: account.settings.containerChecks, unsupported, created: Date.now() });
		return { status: 200, body: { id } };
	});

	router.post('/:version/:igUserId/media_publish', (request) => {
		const refused = onAccount(request);
		if (refused) return refused;
		const container = account.containers.get(String(param(request, 'creation_id') ?? ''));
		if (!container) throw graphInvalid('The parameter creation_id is required and must name a media container of this account');
		if (account.usage() >= account.settings.quotaTotal) {
			return graphError(400, 9, 'Application request limit reached: the account has reached the maximum number of posts that is allowed to be published by the Content Publishing API in 24 hours', 'OAuthException', 2207042);
		}
		if (container.status_code === 'PUBLISHED') return graphError(400, 9004, 'The media container has already been published', 'OAuthException', 2207008);
		if (container.status_code !== 'FINISHED') return graphError(400, 9007, 'Media ID is not available: the media is not ready for publishing, please wait for a moment', 'OAuthException', 2207027);
		const id = account.id();
		const shortcode = Buffer.from(id).toString('base64url').slice(0, 11);
		account.media.unshift({ id, caption: container.caption, media_type: 'IMAGE', media_url: container.image_url, permalink: `https://www.instagram.com/p/${shortcode}/`, timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+0000'), via_api: true, container_id: container.id });
		container.status_code = 'PUBLISHED';
		return { status: 200, body: { id } };
	});

	router.get('/:version/:igUserId/content_publishing_limit', (request) => {
		const refused = onAccount(request);
		if (refused) return refused;
		const fields = (request.query.get('fields') ?? 'quota_usage').split(',');
		return { status: 200, body: { data: [{ quota_usage: account.usage(), ...(fields.includes('config') ? { config: { quota_total: account.settings.quotaTotal, quota_duration: 86_400 } } : {}) }] } };
	});

	router.get('/:version/:igUserId/media', (request) => {
		const refused = onAccount(request);
		if (refused) return refused;
		const limit = Math.min(100, Number(request.query.get('limit') ?? 25));
		return { status: 200, body: { data: account.media.slice(0, limit).map((media) => fieldsOf(media, request, 'id')), paging: { cursors: { before: 'MA', after: 'MQ' } } } };
	});

	router.get('/:version/:objectId', (request) => {
		checkVersion(request);
		const id = request.params.objectId;
		const container = account.containers.get(id);
		if (container) {
			containerStatus(container);
			return { status: 200, body: fieldsOf(container, request, 'id') };
		}
		const media = account.media.find((candidate) => candidate.id === id);
		return media ? { status: 200, body: fieldsOf(media, request, 'id') } : unknownObject(id);
	});

	router.delete('/:version/:objectId', (request) => {
		checkVersion(request);
		const index = account.media.findIndex((candidate) => candidate.id === request.params.objectId);
		if (index < 0) return unknownObject(request.params.objectId);
		account.media.splice(index, 1);
		return { status: 200, body: { success: true } };
	});
}

function seed(account: IgAccount, data: Record<string, unknown[]>): unknown {
	const stored: Record_[] = [];
	for (const [collection, records] of Object.entries(data)) {
		if (collection !== 'media') throw controlError(400, `unknown collection ${collection}; seed media (via_api: true counts toward the publishing limit)`);
		for (const record of records as Record_[]) {
			const id = account.id();
			const media = { id, media_type: 'IMAGE', permalink: `https://www.instagram.com/p/${id}/`, timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+0000'), ...record };
			account.media.unshift(media);
			stored.push(media);
		}
	}
	return { media: stored };
}
