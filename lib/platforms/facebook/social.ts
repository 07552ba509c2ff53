import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { comparableText, textWithLink, type PostRules, type PublishedPost, type SocialConnector, type SocialPost } from '../social';

/**
 * Facebook Pages' rules: a message of up to 63,206 characters; a link is the post's link, or with a photo appended to
 * its caption; one photo; scheduled from 10 minutes to 30 days ahead.
 */
export const facebookRules: PostRules = {
	textField: 'message',
	maxText: 63_206,
	image: 'optional',
	imageFormats: ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'tiff', 'tif', 'webp', 'heic'],
	schedule: { minAheadMs: 10 * 60_000, maxAheadMs: 30 * 86_400_000 },
	link: 'fieldUnlessImage',
};

interface PagePost {
	id: string;
	message?: string;
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * A Facebook Page through the Graph API: a post is `POST /{page-id}/feed` (message, link), a photo
 * `POST /{page-id}/photos` (url, caption), each unpublished with `scheduled_publish_time` when scheduled. No
 * idempotency key: a lost answer is found among the Page's posts (or its scheduled posts) since the attempt by its
 * message.
 */
export class FacebookSocial implements SocialConnector {
	readonly platform = 'facebook';

	constructor(
		private readonly transport: Transport,
		private readonly pageId: string,
	) {
		if (!/^\d+$/.test(pageId)) throw new Error(`The Facebook credential's Page ID must be the Page's numeric id, got ${JSON.stringify(pageId)}`);
	}

	async account(): Promise<string> {
		return this.pageId;
	}

	async publish(post: SocialPost): Promise<PublishedPost> {
		const schedule = post.scheduledAt ? { published: false, scheduled_publish_time: unixSeconds(post.scheduledAt) } : {};
		const page = encodeURIComponent(this.pageId);
		const id = post.image
			? await this.create(`/${page}/photos`, { url: post.image.url, caption: textWithLink(post), ...(post.image.altText ? { alt_text_custom: post.image.altText } : {}), ...schedule }, true)
			: await this.create(`/${page}/feed`, { message: post.text, ...(post.link ? { link: post.link } : {}), ...schedule }, false);
		return await this.published(id, post.scheduledAt ? 'scheduled' : 'published');
	}

	async findPublished(post: SocialPost, since: Date): Promise<PublishedPost | undefined> {
		const wanted = comparableText(post.image ? textWithLink(post) : post.text);
		const edge = post.scheduledAt ? 'scheduled_posts' : 'published_posts';
		let after: string | undefined;
		for (let page = 0; page < 5; page++) {
			const answer = await this.transport.request<{ data?: PagePost[]; paging?: { cursors?: { after?: string }; next?: string } }>({
				method: 'GET',
				url: `/${encodeURIComponent(this.pageId)}/${edge}`,
				qs: { fields: 'id,message,created_time', since: unixSeconds(since), limit: 100, after },
			});
			const found = (answer.data ?? []).find((candidate) => comparableText(candidate.message ?? '') === wanted);
			if (found) return await this.published(found.id, post.scheduledAt ? 'scheduled' : 'published');
			after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
			if (!after) return undefined;
		}
		return undefined;
	}

	async delete(externalId: string): Promise<void> {
		try {
			await this.transport.request({ method: 'DELETE', url: `/${encodeURIComponent(externalId)}` });
		} catch (error) {
			if (!(error instanceof PlatformApiError) || (error.status !== 404 && error.code !== '100')) throw error;
		}
	}

	/** The new object's post id (a photo answers its photo id and the post's). */
	private async create(url: string, body: Record<string, unknown>, photo: boolean): Promise<string> {
		const answer = await this.transport.request<{ id: string; post_id?: string }>({ method: 'POST', url, body }, { replaySafe: false });
		return photo ? (answer.post_id ?? `${this.pageId}_${answer.id}`) : answer.id;
	}

	private async published(id: string, status: PublishedPost['status']): Promise<PublishedPost> {
		const { permalink_url: url } = await this.transport.request<{ permalink_url?: string }>({ method: 'GET', url: `/${encodeURIComponent(id)}`, qs: { fields: 'permalink_url' } });
		return { externalId: id, url: url ?? `https://www.facebook.com/${id}`, status };
	}
}
