/**
 * Each platform's rules for a post (lib/platforms/<vendor>/social.ts declares them as data), checked before anything is
 * sent: every broken rule is one violation naming the platform's field and the rule, so a post that one chosen
 * platform would refuse is refused on all of them with nothing published.
 */
import type { InputViolation } from '../records/inputSchema';
import { textWithLink, type PostRules, type SocialPost } from '../platforms/social';

const codePoints = (text: string) => [...text].length;

/** The text as the platform will receive it: with the link appended where the platform has no link field. */
export function textSent(rules: PostRules, post: Pick<SocialPost, 'text' | 'link' | 'image'>): string {
	return linkInText(rules, post) ? textWithLink(post) : post.text;
}

const linkInText = (rules: PostRules, post: Pick<SocialPost, 'image'>) => rules.link === 'inText' || (rules.link === 'fieldUnlessImage' && post.image !== undefined);

function extensionOf(url: string): string | undefined {
	try {
		return /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
	} catch {
		return undefined;
	}
}

/** The rules this post breaks on one platform, each naming `<platform>.<field>` and the rule in words. */
export function ruleViolations(platform: { id: string; displayName: string }, rules: PostRules, post: SocialPost, now: Date): InputViolation[] {
	const violations: InputViolation[] = [];
	const broken = (field: string, problem: string) => violations.push({ field: `${platform.id}.${field}`, problem: `${problem} (${platform.displayName} rule)` });
	const text = textSent(rules, post);
	const length = (rules.countText ?? codePoints)(text);
	if (length > rules.maxText) {
		const counted = rules.countText ? ` as ${platform.displayName} counts it (links as 23, CJK and emoji as 2)` : '';
		broken(rules.textField, `is ${length} characters${counted}${linkInText(rules, post) && post.link ? ', the link included' : ''}; at most ${rules.maxText.toLocaleString('en-US')} are allowed`);
	}
	if (text.trim() === '' && (rules.textRequired || !post.image)) broken(rules.textField, rules.textRequired ? 'is needed' : 'is needed when there is no image');
	if (rules.maxHashtags !== undefined && (text.match(/#[\p{L}\p{N}_]+/gu)?.length ?? 0) > rules.maxHashtags) broken(rules.textField, `has more than ${rules.maxHashtags} hashtags`);
	if (rules.maxMentions !== undefined && (text.match(/(^|\s)@[\w.]+/g)?.length ?? 0) > rules.maxMentions) broken(rules.textField, `has more than ${rules.maxMentions} @ mentions`);
	if (rules.image === 'required' && !post.image) broken('image', 'is required: an image URL must be given');
	if (rules.image === 'unsupported' && post.image) broken('image', 'is not supported: leave the image URL empty for this platform, or post a link');
	if (post.image && rules.image !== 'unsupported' && rules.imageFormats) {
		const extension = extensionOf(post.image.url);
		if (!extension || !rules.imageFormats.includes(extension)) broken('image', `must be one of ${rules.imageFormats.join(', ')} (by the URL's file extension), got ${extension ? `.${extension}` : 'a URL without one'}`);
	}
	if (post.scheduledAt) {
		if (!rules.schedule) broken('scheduledAt', "cannot be set: the platform's API does not schedule posts; schedule the workflow with n8n's Schedule Trigger instead");
		else {
			const ahead = post.scheduledAt.getTime() - now.getTime();
			if (ahead < rules.schedule.minAheadMs || ahead > rules.schedule.maxAheadMs) {
				broken('scheduledAt', `must be between ${describeMs(rules.schedule.minAheadMs)} and ${describeMs(rules.schedule.maxAheadMs)} ahead, got ${post.scheduledAt.toISOString()}`);
			}
		}
	}
	return violations;
}

function describeMs(ms: number): string {
	return ms >= 86_400_000 ? `${ms / 86_400_000} days` : `${ms / 60_000} minutes`;
}
