/** Each platform's post rules, checked before anything is sent: every broken rule names the platform's field and the rule. */
import { platformDefinition } from '../../lib/platforms/catalog';
import { xWeightedLength } from '../../lib/platforms/x';
import { escapeCommentary } from '../../lib/platforms/linkedin';
import { ruleViolations, toSocialPost } from '../../lib/social';
import type { SocialPost } from '../../lib/platforms/social';

const now = new Date('2026-12-06T10:00:00Z');
const check = (platform: string, post: Partial<SocialPost>) => {
	const definition = platformDefinition(platform);
	return ruleViolations(definition, definition.social!.rules, { postId: 'p', text: '', ...post }, now).map((violation) => `${violation.field} ${violation.problem}`);
};

test("X counts as X does: a link is 23 whatever its length, CJK and emoji 2, Latin 1", () => {
	expect(xWeightedLength(`hi https://example.com/${'a'.repeat(200)}`)).toBe(3 + 23);
	expect(xWeightedLength('漢字')).toBe(4);
	expect(xWeightedLength('🎉')).toBe(2);
	expect(xWeightedLength('café')).toBe(4);
	expect(check('x', { text: 'a'.repeat(280) })).toEqual([]);
	expect(check('x', { text: '漢'.repeat(141) })).toEqual(['x.text is 282 characters as X counts it (links as 23, CJK and emoji as 2); at most 280 are allowed (X rule)']);
	// The link is appended to the text on X and counted there.
	expect(check('x', { text: 'a'.repeat(256), link: 'https://example.com/x' })).toEqual(['x.text is 281 characters as X counts it (links as 23, CJK and emoji as 2), the link included; at most 280 are allowed (X rule)']);
});

test('each platform: text limits, the field named as the platform names it', () => {
	expect(check('linkedin', { text: 'a'.repeat(3001) })).toEqual(['linkedin.commentary is 3001 characters; at most 3,000 are allowed (LinkedIn rule)']);
	expect(check('linkedin', { text: '' })).toEqual(['linkedin.commentary is needed (LinkedIn rule)']);
	expect(check('facebook', { text: 'a'.repeat(63_207) })).toEqual(['facebook.message is 63207 characters; at most 63,206 are allowed (Facebook Pages rule)']);
	expect(check('facebook', { text: '', image: { url: 'https://cdn.example.com/a.png' } })).toEqual([]);
	expect(check('instagram', { text: 'a'.repeat(2201), image: { url: 'https://cdn.example.com/a.jpg' } })).toEqual(['instagram.caption is 2201 characters; at most 2,200 are allowed (Instagram rule)']);
	expect(check('instagram', { text: Array.from({ length: 31 }, (_, index) => `#tag${index}`).join(' '), image: { url: 'https://cdn.example.com/a.jpg' } })).toEqual(['instagram.caption has more than 30 hashtags (Instagram rule)']);
});

test('media rules: Instagram needs a JPEG, LinkedIn takes JPEG, PNG or GIF, X takes its four formats', () => {
	expect(check('instagram', { text: 'hi' })).toEqual(['instagram.image is required: an image URL must be given (Instagram rule)']);
	expect(check('instagram', { text: 'hi', image: { url: 'https://cdn.example.com/a.png' } })).toEqual(['instagram.image must be one of jpg, jpeg (by the URL\'s file extension), got .png (Instagram rule)']);
	expect(check('linkedin', { text: 'hi', image: { url: 'https://cdn.example.com/a.jpg' } })).toEqual([]);
	expect(check('linkedin', { text: 'hi', image: { url: 'https://cdn.example.com/a.webp' } })).toEqual(["linkedin.image must be one of jpg, jpeg, png, gif (by the URL's file extension), got .webp (LinkedIn rule)"]);
	// With an image, LinkedIn's and Facebook's link goes into the text and is counted there.
	expect(check('linkedin', { text: 'a'.repeat(2990), link: 'https://example.com/x', image: { url: 'https://cdn.example.com/a.jpg' } })[0]).toMatch(/^linkedin\.commentary is 3013 characters, the link included/);
	expect(check('x', { text: '', image: { url: 'https://cdn.example.com/a.webp' } })).toEqual([]);
	expect(check('x', { text: '' })).toEqual(['x.text is needed when there is no image (X rule)']);
});

test("scheduling: Facebook 10 minutes to 30 days ahead; the others point to n8n's Schedule Trigger", () => {
	expect(check('facebook', { text: 'hi', scheduledAt: new Date(now.getTime() + 3_600_000) })).toEqual([]);
	expect(check('facebook', { text: 'hi', scheduledAt: new Date(now.getTime() + 5 * 60_000) })).toEqual(['facebook.scheduledAt must be between 10 minutes and 30 days ahead, got 2026-12-06T10:05:00.000Z (Facebook Pages rule)']);
	expect(check('x', { text: 'hi', scheduledAt: new Date(now.getTime() + 3_600_000) })[0]).toMatch(/^x\.scheduledAt cannot be set: .* n8n's Schedule Trigger/);
});

test('post input: the post id is a key never coerced; URLs and dates are checked, naming the field', () => {
	expect(() => toSocialPost({ text: 'hi' })).toThrow(/postId must be a non-empty string or a whole number, got nothing/);
	expect(() => toSocialPost({ postId: true, text: 'hi' })).toThrow(/postId must be/);
	expect(() => toSocialPost({ postId: 'p', imageUrl: 'ftp://x/a.jpg' })).toThrow(/imageUrl must be an http\(s\) URL/);
	expect(() => toSocialPost({ postId: 'p', scheduledAt: '2026-12-24 09:00' })).toThrow(/scheduledAt must be a date and time with its offset/);
	expect(toSocialPost({ postId: 7, text: ' hi ', scheduledAt: '2026-12-24T09:00:00+01:00' })).toMatchObject({ postId: '7', text: 'hi', scheduledAt: new Date('2026-12-24T08:00:00Z') });
});

test("LinkedIn's reserved characters are escaped so the commentary is shown as written", () => {
	expect(escapeCommentary('50% off (today) @team #sale')).toBe('50% off \\(today\\) \\@team \\#sale');
});
