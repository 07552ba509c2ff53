import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { comparableText, type PostRules, type PublishedPost, type SocialConnector, type SocialPost } from '../social';
import { LINKEDIN_VERSION } from './profile';

/** LinkedIn's rules: commentary of up to 3,000 characters, a link as the post's article; images are not posted yet. */
export const linkedInRules: PostRules = {
	textField: 'commentary',
	maxText: 3000,
	textRequired: true,
	image: 'unsupported',
	link: 'field',
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
 * w_member_social). The new post's URN comes back in `x-restli-id`; a lost answer is found among the author's posts
 * (the `author` finder) by its commentary.
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

	async publish(post: SocialPost): Promise<PublishedPost> {
		const response = await this.transport.send(
			{
				method: 'POST',
				url: '/rest/posts',
				headers: headers(),
				body: {
					author: this.author,
					commentary: escapeCommentary(post.text),
					visibility: 'PUBLIC',
					distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
					...(post.link ? { content: { article: { source: post.link, title: post.link } } } : {}),
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
		const wanted = comparableText(post.text);
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
