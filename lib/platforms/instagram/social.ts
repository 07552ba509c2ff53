import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { comparableText, SocialLimitError, textWithLink, type PostRules, type PublishContext, type PublishedPost, type SocialConnector, type SocialPost } from '../social';

/**
 * Instagram's rules: an image is required (JPEG, the only image format content publishing takes), a caption of up to
 * 2,200 characters with at most 30 hashtags and 20 @ mentions; a link is not clickable there and goes into the caption.
 */
export const instagramRules: PostRules = {
	textField: 'caption',
	maxText: 2200,
	image: 'required',
	imageFormats: ['jpg', 'jpeg'],
	maxHashtags: 30,
	maxMentions: 20,
	link: 'inText',
};

/** How often and how long a media container is polled until FINISHED (for at most five minutes, as Meta advises). */
export interface ContainerPolling {
	intervalMs: number;
	attempts: number;
}

interface Container {
	id: string;
	status_code?: 'EXPIRED' | 'ERROR' | 'FINISHED' | 'IN_PROGRESS' | 'PUBLISHED';
	status?: string;
}

/**
 * Instagram content publishing through the Graph API (Facebook Login) for one professional account: the 24-hour
 * publishing limit is read first (`content_publishing_limit`) and a post past it is refused before anything is sent;
 * then a media container (`POST /{ig-user-id}/media`), polled until its status_code is FINISHED, then published
 * (`POST /{ig-user-id}/media_publish`). The container's id is noted before it is polled: after a lost answer the next
 * attempt reads the container (PUBLISHED: the post is found among the account's media by its caption; FINISHED: it is
 * published now) instead of making a second one.
 */
export class InstagramSocial implements SocialConnector {
	readonly platform = 'instagram';

	constructor(
		private readonly transport: Transport,
		private readonly igUserId: string,
		private readonly polling: ContainerPolling = { intervalMs: 5_000, attempts: 60 },
	) {
		if (!/^\d+$/.test(igUserId)) throw new Error(`The Instagram credential's Instagram Account ID must be the account's numeric id, got ${JSON.stringify(igUserId)}`);
	}

	async account(): Promise<string> {
		return this.igUserId;
	}

	async publish(post: SocialPost, context: PublishContext): Promise<PublishedPost> {
		let containerId = context.hint.containerId;
		const container = containerId ? await this.container(containerId) : undefined;
		if (container?.status_code === 'PUBLISHED') {
			const landed = await this.findPublished(post, new Date(0), context.hint);
			if (landed) return landed;
		}
		await this.checkPublishingLimit();
		if (!container || container.status_code === 'EXPIRED' || container.status_code === 'ERROR') {
			containerId = await this.createContainer(post);
			await context.note({ containerId });
		}
		await this.waitUntilFinished(containerId!, context.sleep);
		const published = await this.transport.request<{ id: string }>({ method: 'POST', url: `/${encodeURIComponent(this.igUserId)}/media_publish`, body: { creation_id: containerId } }, { replaySafe: false });
		return await this.published(published.id);
	}

	async findPublished(post: SocialPost, since: Date, hint: Record<string, string>): Promise<PublishedPost | undefined> {
		// A container that is not PUBLISHED was not published: the next attempt goes on from it.
		if (hint.containerId && (await this.container(hint.containerId))?.status_code !== 'PUBLISHED') return undefined;
		const wanted = comparableText(textWithLink(post));
		const answer = await this.transport.request<{ data?: Array<{ id: string; caption?: string; timestamp?: string; permalink?: string }> }>({
			method: 'GET',
			url: `/${encodeURIComponent(this.igUserId)}/media`,
			qs: { fields: 'id,caption,timestamp,permalink', limit: 50 },
		});
		const found = (answer.data ?? []).find(
			(media) => comparableText(media.caption ?? '') === wanted && (!media.timestamp || Date.parse(media.timestamp) >= since.getTime()),
		);
		return found && { externalId: found.id, url: found.permalink ?? `https://www.instagram.com/`, status: 'published' };
	}

	async delete(externalId: string): Promise<void> {
		try {
			await this.transport.request({ method: 'DELETE', url: `/${encodeURIComponent(externalId)}` });
		} catch (error) {
			if (!(error instanceof PlatformApiError) || error.status !== 404) throw error;
		}
	}

	/** Refuses before anything is sent when the account has used its API-published posts of the last 24 hours. */
	private async checkPublishingLimit(): Promise<void> {
		const answer = await this.transport.request<{ data?: Array<{ quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }> }>({
			method: 'GET',
			url: `/${encodeURIComponent(this.igUserId)}/content_publishing_limit`,
			qs: { fields: 'quota_usage,config' },
		});
		const limit = answer.data?.[0];
		const total = limit?.config?.quota_total;
		if (limit?.quota_usage === undefined || total === undefined || limit.quota_usage < total) return;
		const hours = (limit.config?.quota_duration ?? 86_400) / 3600;
		throw new SocialLimitError('instagram', 'content_publishing_limit', `Instagram: the account has published ${limit.quota_usage} of its ${total} API posts allowed in ${hours} hours (content_publishing_limit); nothing was sent`);
	}

	private async createContainer(post: SocialPost): Promise<string> {
		const created = await this.transport.request<{ id: string }>(
			{
				method: 'POST',
				url: `/${encodeURIComponent(this.igUserId)}/media`,
				body: { image_url: post.image!.url, caption: textWithLink(post), ...(post.image!.altText ? { alt_text: post.image!.altText } : {}) },
			},
			// A second container is harmless (it expires unpublished after 24 hours): retrying a lost answer is safe.
			{ replaySafe: true },
		);
		return created.id;
	}

	private async waitUntilFinished(containerId: string, sleep: (ms: number) => Promise<void>): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			const container = await this.container(containerId);
			if (container?.status_code === 'FINISHED') return;
			if (container?.status_code === 'ERROR' || container?.status_code === 'EXPIRED') {
				throw new Error(`Instagram could not prepare the image (media container ${containerId} is ${container.status_code}${container.status ? `: ${container.status}` : ''})`);
			}
			if (attempt >= this.polling.attempts) throw new Error(`Instagram: media container ${containerId} was still ${container?.status_code ?? 'unknown'} after ${attempt} checks; the next run goes on from it`);
			await sleep(this.polling.intervalMs);
		}
	}

	private async container(containerId: string): Promise<Container | undefined> {
		try {
			return await this.transport.request<Container>({ method: 'GET', url: `/${encodeURIComponent(containerId)}`, qs: { fields: 'status_code,status' } });
		} catch (error) {
			if (error instanceof PlatformApiError && (error.status === 404 || error.code === '100')) return undefined;
			throw error;
		}
	}

	private async published(mediaId: string): Promise<PublishedPost> {
		const media = await this.transport.request<{ permalink?: string }>({ method: 'GET', url: `/${encodeURIComponent(mediaId)}`, qs: { fields: 'permalink' } });
		return { externalId: mediaId, url: media.permalink ?? `https://www.instagram.com/`, status: 'published' };
	}
}
