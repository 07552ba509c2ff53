/**
 * What a social platform (X, LinkedIn, Facebook Pages, Instagram) does for the Social Publisher capability, in the
 * package's neutral words: a post (text, an optional link, an optional image, an optional time to appear) published
 * to one account, found again on the account by its text after an answer was lost, and deleted. Each platform's rules
 * (how long a text may be, what media it takes) are declared as data beside its connector and checked before anything
 * is sent.
 */

/** A post as the capability hands it to a connector: checked against the platform's rules already. */
export interface SocialPost {
	/** The caller's id for the post: exactly once is per (post id, platform account). */
	postId: string;
	/** What the platform shows: the text as written (a connector adds the link where the platform has no field for it). */
	text: string;
	link?: string;
	image?: SocialImage;
	/** When the post is to appear, on platforms that schedule (Facebook); absent: at once. */
	scheduledAt?: Date;
}

export interface SocialImage {
	url: string;
	altText?: string;
}

/** The bytes of an image, for platforms that take an upload rather than a URL (X). */
export interface MediaBytes {
	contentType: string;
	bytes: Buffer;
}

/** Fetches an image the post names (plain HTTP, never with a platform's credential). */
export type MediaFetcher = (url: string) => Promise<MediaBytes>;

/** A post as the platform holds it. */
export interface PublishedPost {
	/** The platform's id (X post id, LinkedIn share URN, Facebook `{page}_{post}` id, Instagram media id). */
	externalId: string;
	/** Where people see it. */
	url: string;
	/** `scheduled` when the platform holds it to appear later (Facebook). */
	status: 'published' | 'scheduled';
}

/**
 * Progress a connector notes durably while it works (Instagram's media container id), so a later attempt after a
 * lost answer continues from it instead of starting over.
 */
export type ProgressNote = (hint: Record<string, string>) => Promise<void>;

export interface PublishContext {
	/** What an earlier attempt noted (see ProgressNote). */
	hint: Record<string, string>;
	note: ProgressNote;
	fetchMedia: MediaFetcher;
	/** Waits between status polls (Instagram's container). */
	sleep: (ms: number) => Promise<void>;
}

export interface SocialConnector {
	readonly platform: string;
	/** The platform's id of the account the posts go to (X user, LinkedIn author, Facebook Page, Instagram account). */
	account(): Promise<string>;
	/** Publishes the post; a refusal throws (PlatformApiError or SocialLimitError). */
	publish(post: SocialPost, context: PublishContext): Promise<PublishedPost>;
	/**
	 * The post as it landed, if an attempt whose answer was lost did publish it: matched by its text among the
	 * account's posts since `since` (and by what the attempt noted).
	 */
	findPublished(post: SocialPost, since: Date, hint: Record<string, string>): Promise<PublishedPost | undefined>;
	/** Deletes the post; a post already gone is not an error. */
	delete(externalId: string): Promise<void>;
}

/**
 * A platform's rules for a post, as data. `maxText` counts what `countText` counts (X weighs characters and links);
 * the image rules say whether an image is needed, allowed, and in which formats.
 */
export interface PostRules {
	/** The field the platform calls the text, for messages ("text", "commentary", "message", "caption"). */
	textField: string;
	maxText: number;
	/** Counts the text as the platform does; code points by default. */
	countText?: (text: string) => number;
	/** Some text is needed (LinkedIn, Facebook without a photo). */
	textRequired?: boolean;
	image: 'required' | 'optional' | 'unsupported';
	/** Image formats by file extension the platform takes; any when absent. */
	imageFormats?: string[];
	maxHashtags?: number;
	maxMentions?: number;
	/** How far ahead a post may be scheduled through the API, in ms; absent: the platform does not schedule. */
	schedule?: { minAheadMs: number; maxAheadMs: number };
	/**
	 * Where a link goes: a field of its own, appended to the text (and counted there), or its own field unless the post
	 * has an image, which takes the field's place (LinkedIn's article, Facebook's link): then in the text.
	 */
	link: 'field' | 'inText' | 'fieldUnlessImage';
}

/** A platform limit that stops the publish before anything is sent (Instagram's 24-hour publishing limit). */
export class SocialLimitError extends Error {
	constructor(
		readonly platform: string,
		readonly limit: string,
		message: string,
		/** When the limit frees again, when the platform says. */
		readonly resetsAt?: Date,
	) {
		super(message);
		this.name = 'SocialLimitError';
	}
}

/** Text compared the way the platforms return it: links removed (X shortens them), whitespace collapsed. */
export function comparableText(text: string): string {
	return text
		.replace(/https?:\/\/\S+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** The text with the link appended, for platforms that take no link field. */
export function textWithLink(post: Pick<SocialPost, 'text' | 'link'>): string {
	if (!post.link || post.text.includes(post.link)) return post.text;
	return post.text === '' ? post.link : `${post.text}\n\n${post.link}`;
}
