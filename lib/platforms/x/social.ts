import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { comparableText, textWithLink, type PostRules, type PublishContext, type PublishedPost, type SocialConnector, type SocialPost } from '../social';

/** Every link counts as a t.co link of 23 characters, whatever its length (X's transformed URL length). */
const LINK_WEIGHT = 23;
/** Code points X counts once (Latin, general punctuation…); every other one (CJK, emoji) counts twice. */
const SINGLE_WEIGHT_RANGES: Array<[number, number]> = [
	[0, 4351],
	[8192, 8205],
	[8208, 8223],
	[8242, 8247],
];

/** The text's length as X counts it toward its 280: links as 23, CJK and emoji as 2. */
export function xWeightedLength(text: string): number {
	let length = 0;
	const withoutLinks = text.replace(/https?:\/\/\S+/g, () => {
		length += LINK_WEIGHT;
		return '';
	});
	for (const character of withoutLinks) {
		const code = character.codePointAt(0) ?? 0;
		length += SINGLE_WEIGHT_RANGES.some(([low, high]) => code >= low && code <= high) ? 1 : 2;
	}
	return length;
}

/** X's rules: 280 weighted characters (the link appended and counted), text or an image, images as JPEG, PNG, GIF or WEBP. */
export const xRules: PostRules = {
	textField: 'text',
	maxText: 280,
	countText: xWeightedLength,
	image: 'optional',
	imageFormats: ['jpg', 'jpeg', 'png', 'gif', 'webp'],
	link: 'inText',
};

/** Images X takes for a post: up to 5 MB. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

interface XUser {
	id: string;
	username: string;
}

/** X's start_time: RFC 3339 without fractions. */
const xTime = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/**
 * X API v2 for the user the token belongs to: an image is uploaded first (`POST /2/media/upload`, base64 in JSON,
 * `tweet_image`), then the post is created (`POST /2/tweets`) with its media id. X takes no idempotency key; it refuses
 * a second post with the same text (403 duplicate content), and a lost answer is found among the user's posts since
 * the attempt (`GET /2/users/{id}/tweets`), compared without links (X returns them as t.co links).
 */
export class XSocial implements SocialConnector {
	readonly platform = 'x';
	private me?: Promise<XUser>;

	constructor(private readonly transport: Transport) {}

	async account(): Promise<string> {
		return (await this.user()).id;
	}

	async publish(post: SocialPost, context: PublishContext): Promise<PublishedPost> {
		const mediaIds = post.image ? [await this.upload(post, context)] : [];
		const text = textWithLink(post);
		const created = await this.transport.request<{ data: { id: string } }>(
			{ method: 'POST', url: '/2/tweets', body: { ...(text ? { text } : {}), ...(mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}) } },
			{ replaySafe: false },
		);
		return await this.published(created.data.id);
	}

	async findPublished(post: SocialPost, since: Date): Promise<PublishedPost | undefined> {
		const me = await this.user();
		const wanted = comparableText(textWithLink(post));
		let token: string | undefined;
		for (let page = 0; page < 5; page++) {
			const answer = await this.transport.request<{ data?: Array<{ id: string; text: string }>; meta?: { next_token?: string } }>({
				method: 'GET',
				url: `/2/users/${encodeURIComponent(me.id)}/tweets`,
				qs: { start_time: xTime(since), max_results: 100, 'tweet.fields': 'created_at', pagination_token: token },
			});
			const found = (answer.data ?? []).find((candidate) => comparableText(candidate.text) === wanted);
			if (found) return await this.published(found.id);
			token = answer.meta?.next_token;
			if (!token) return undefined;
		}
		return undefined;
	}

	async delete(externalId: string): Promise<void> {
		try {
			await this.transport.request({ method: 'DELETE', url: `/2/tweets/${encodeURIComponent(externalId)}` });
		} catch (error) {
			if (!(error instanceof PlatformApiError) || error.status !== 404) throw error;
		}
	}

	/** The image's media id: the one an earlier attempt uploaded (X keeps it 24 hours), else a new upload, noted. */
	private async upload(post: SocialPost, context: PublishContext): Promise<string> {
		if (context.hint.mediaId) return context.hint.mediaId;
		const image = await context.fetchMedia(post.image!.url);
		if (image.bytes.length > MAX_IMAGE_BYTES) throw new Error(`X: the image at ${post.image!.url} is ${image.bytes.length} bytes; X takes images up to ${MAX_IMAGE_BYTES} bytes (5 MB)`);
		const uploaded = await this.transport.request<{ data: { id: string } }>({
			method: 'POST',
			url: '/2/media/upload',
			body: { media: image.bytes.toString('base64'), media_category: 'tweet_image', media_type: image.contentType },
		});
		if (post.image!.altText) {
			await this.transport.request({ method: 'POST', url: '/2/media/metadata', body: { id: uploaded.data.id, metadata: { alt_text: { text: post.image!.altText } } } });
		}
		await context.note({ mediaId: uploaded.data.id });
		return uploaded.data.id;
	}

	private async published(id: string): Promise<PublishedPost> {
		const me = await this.user();
		return { externalId: id, url: `https://x.com/${me.username}/status/${id}`, status: 'published' };
	}

	private user(): Promise<XUser> {
		this.me ??= this.transport.request<{ data: XUser }>({ method: 'GET', url: '/2/users/me' }).then((answer) => answer.data);
		return this.me;
	}
}
