import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { comparableText, textWithLink, type PostRules, type PublishContext, type PublishedPost, type SocialConnector, type SocialPost } from '../social';
import { LINKEDIN_VERSION } from './profile';

/**
 * LinkedIn's rules: commentary of up to 3,000 characters; an image (JPEG, PNG or GIF) or a link as the post's article
 * (with an image, the link goes into the commentary: a post has one kind of content).
 */
export const linkedInRules: PostRules = {
	textField: 'commentary',
	maxText: 3000,
	textRequired: true,
	image: 'optional',
	imageFormats: ['jpg', 'jpeg', 'png', 'gif'],
	link: 'fieldUnlessImage',
};

/** Characters the Posts API's "little text" commentary reserves: sent escaped, or LinkedIn cuts the text at them. */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;

export const escapeCommentary = (text: string) => text.replace(RESERVED, (character) => `\\${character}`);
const unescapeCommentary = (text: string) => text.replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');

interface LinkedInPost {
	id: string;
	commentary?: string;
	createdAt?: number;
}

/**
 * LinkedIn's Posts API (`/rest/posts`, `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0` on every request) for
 * one author, an organization (`urn:li:organization:…`, scope w_organization_social) or a member (`urn:li:person:…`,
 * w_member_social). An image is uploaded first through the Images API (`initializeUpload`, then the bytes to the
 * upload URL it answers) and the post names its image URN. The new post's URN comes back in `x-restli-id`; a lost
 * answer is found among the author's posts (the `author` finder) by its commentary.
 */
export class LinkedInSocial implements SocialConnector {
	readonly platform = 'linkedin';

	constructor(
		private readonly transport: Transport,
		private readonly author: string,
	) {
		if (!/^urn:li:(organization|person):[^:\s]+$/.test(author)) throw new Error(`The LinkedIn credential's Author URN must be urn:li:organization:<id> or urn:li:person:<id>, got ${JSON.stringify(author)}`);
	}

	async account(): Promise<string> {
		return this.author;
	}

	async publish(post: SocialPost, context: PublishContext): Promise<PublishedPost> {
		const image = post.image ? await this.upload(post, context) : undefined;
		const content = image ? { media: { id: image, ...(post.image?.altText ? { altText: post.image.altText } : {}) } } : post.link ? { article: { source: post.link, title: post.link } } : undefined;
		const response = await this.transport.send(
			{
				method: 'POST',
				url: '/rest/posts',
				headers: headers(),
				body: {
					author: this.author,
					commentary: escapeCommentary(this.commentary(post)),
					visibility: 'PUBLIC',
					distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
					...(content ? { content } : {}),
					lifecycleState: 'PUBLISHED',
					isReshareDisabledByAuthor: false,
				},
			},
			{ replaySafe: false },
		);
		const urn = response.headers['x-restli-id'];
		if (!urn) throw new Error('LinkedIn created the post but sent no x-restli-id header naming it');
		return published(urn);
	}

	async findPublished(post: SocialPost, since: Date): Promise<PublishedPost | undefined> {
		const wanted = comparableText(this.commentary(post));
		for (let start = 0; start < 500; start += 50) {
			const answer = await this.transport.request<{ elements?: LinkedInPost[] }>({
				method: 'GET',
				url: '/rest/posts',
				headers: { ...headers(), 'X-RestLi-Method': 'FINDER' },
				qs: { q: 'author', author: this.author, count: 50, start, sortBy: 'CREATED' },
			});
			const elements = answer.elements ?? [];
			const found = elements.find((candidate) => comparableText(unescapeCommentary(candidate.commentary ?? '')) === wanted);
			if (found) return published(found.id);
			// Newest first: once a page reaches posts older than the attempt, nothing further is ours.
			if (elements.length < 50 || elements.some((candidate) => (candidate.createdAt ?? Infinity) < since.getTime())) return undefined;
		}
		return undefined;
	}

	/** With an image the post's content is the image, so the link goes into the commentary. */
	private commentary(post: SocialPost): string {
		return post.image ? textWithLink(post) : post.text;
	}

	/** The image's bytes to LinkedIn: an upload URL and image URN from initializeUpload, then the bytes PUT there. */
	private async upload(post: SocialPost, context: PublishContext): Promise<string> {
		// An image an earlier attempt uploaded is named again rather than uploaded twice.
		if (context.hint.imageUrn) return context.hint.imageUrn;
		const image = await context.fetchMedia(post.image!.url);
		const initialized = await this.transport.request<{ value: { uploadUrl: string; image: string } }>({
			method: 'POST',
			url: '/rest/images',
			qs: { action: 'initializeUpload' },
			headers: headers(),
			body: { initializeUploadRequest: { owner: this.author } },
		});
		await this.transport.request({ method: 'PUT', url: initialized.value.uploadUrl, headers: { 'content-type': image.contentType }, body: image.bytes, bodyType: 'binary' });
		await context.note({ imageUrn: initialized.value.image });
		return initialized.value.image;
	}

	async delete(externalId: string): Promise<void> {
		try {
			await this.transport.request({ method: 'DELETE', url: `/rest/posts/${encodeURIComponent(externalId)}`, headers: headers() });
		} catch (error) {
			if (!(error instanceof PlatformApiError) || error.status !== 404) throw error;
		}
	}
}

function headers(): Record<string, string> {
	return { 'LinkedIn-Version': LINKEDIN_VERSION, 'X-Restli-Protocol-Version': '2.0.0' };
}

function published(urn: string): PublishedPost {
	return { externalId: urn, url: `https://www.linkedin.com/feed/update/${urn}`, status: 'published' };
}
