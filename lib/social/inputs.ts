/** What Publish Post and Delete Post take, checked by type: a post id is a key and is never coerced. */
import type { SocialPost } from '../platforms/social';
import { assertInput, describeValue, id, optional, text, type Checked, type Rule } from '../records/inputSchema';

function httpUrl(): Rule<string> {
	return {
		expected: 'an http(s) URL',
		check(value, field): Checked<string> {
			if (typeof value === 'string') {
				try {
					const url = new URL(value.trim());
					if (url.protocol === 'http:' || url.protocol === 'https:') return { value: value.trim() };
				} catch {
					// falls through to the violation
				}
			}
			return { violations: [{ field, problem: `must be an http(s) URL, got ${describeValue(value)}` }] };
		},
	};
}

/** A moment with its offset (ISO 8601, `2026-12-24T09:00:00Z`), or a Date. */
function moment(): Rule<Date> {
	return {
		expected: 'a date and time with its offset (ISO 8601)',
		check(value, field): Checked<Date> {
			const date = value instanceof Date ? value : typeof value === 'string' && /T.*(Z|[+-]\d\d:?\d\d)$/i.test(value.trim()) ? new Date(value.trim()) : undefined;
			if (date && !Number.isNaN(date.getTime())) return { value: date };
			return { violations: [{ field, problem: `must be a date and time with its offset, such as 2026-12-24T09:00:00Z, got ${describeValue(value)}` }] };
		},
	};
}

export const postSchema = {
	postId: id(),
	text: optional(text()),
	link: optional(httpUrl()),
	imageUrl: optional(httpUrl()),
	altText: optional(text()),
	scheduledAt: optional(moment()),
};

export const postLookupSchema = { postId: id() };

/** The input as a neutral post; a field of the wrong kind is an error naming it. */
export function toSocialPost(input: unknown): SocialPost {
	const checked = assertInput(postSchema, input, 'Post');
	return {
		postId: checked.postId,
		text: (checked.text ?? '').trim(),
		link: checked.link,
		image: checked.imageUrl ? { url: checked.imageUrl, altText: checked.altText } : undefined,
		scheduledAt: checked.scheduledAt,
	};
}
