/**
 * Social Publisher's engine against the X, LinkedIn, Facebook Pages and Instagram sandboxes: a post published once per
 * platform account across a failed attempt, a lost answer, a run that died before it learned the outcome, and two
 * runs at once; Instagram's container polled until FINISHED and its 24-hour publishing limit read before anything is
 * sent; Facebook's scheduling; deletion.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { openSocial, type PublishOutcome } from '../../lib/social';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { socialAccount, socialPlatforms, type SocialPlatform } from '../support/social';

let sandboxes: Record<SocialPlatform, RunningSandbox>;
let control: Record<SocialPlatform, SandboxControl>;
let store: StateStore;
let postCounter = 0;

/** Where each sandbox keeps what was published, the create request that publishes, and the look-up of an account's posts. */
const published: Record<SocialPlatform, { collection: string; create: { method: string; path: string }; lookup: { method: string; path: string } }> = {
	x: { collection: 'tweets', create: { method: 'POST', path: '^/2/tweets$' }, lookup: { method: 'GET', path: '^/2/users/[^/]+/tweets$' } },
	linkedin: { collection: 'posts', create: { method: 'POST', path: '^/rest/posts$' }, lookup: { method: 'GET', path: '^/rest/posts$' } },
	facebook: { collection: 'posts', create: { method: 'POST', path: '/photos$' }, lookup: { method: 'GET', path: '/published_posts$' } },
	instagram: { collection: 'media', create: { method: 'POST', path: '/media_publish$' }, lookup: { method: 'GET', path: '/[0-9]+/media$' } },
};

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const fetchMedia = async () => ({ contentType: 'image/jpeg', bytes: jpeg });

beforeAll(async () => {
	const started = await Promise.all(socialPlatforms.map((name) => startSandbox(name)));
	sandboxes = Object.fromEntries(socialPlatforms.map((name, index) => [name, started[index]])) as Record<SocialPlatform, RunningSandbox>;
	control = Object.fromEntries(socialPlatforms.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)])) as Record<SocialPlatform, SandboxControl>;
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'social-engine-')), 'state.sqlite') }, allMigrations);
});

afterAll(async () => {
	await closeAllStores();
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

beforeEach(async () => {
	await Promise.all(socialPlatforms.map((name) => control[name].reset()));
});

/** The publisher for these platforms over the sandboxes (retries shortened). */
async function publisher(platforms: readonly SocialPlatform[]) {
	const resolver = standalonePlatforms(platforms.map((platform) => socialAccount(platform, sandboxes[platform])), { retry: { baseDelayMs: 1, maxDelayMs: 5 } });
	return await openSocial({ store, platforms: resolver }, { fetchMedia, sleep: async () => undefined }).publisher(platforms);
}

/** A fresh post every platform takes: text, a link, a JPEG. */
function post(overrides: Record<string, unknown> = {}) {
	postCounter++;
	return { postId: `post-${postCounter}`, text: `Winter sale ${postCounter}: everything 20% off`, link: 'https://shop.example.com/sale', imageUrl: 'https://cdn.example.com/sale.jpg', ...overrides };
}


async function count(platform: SocialPlatform): Promise<number> {
	return (await control[platform].state<unknown[]>(published[platform].collection)).length;
}

const okResult = (outcome: PublishOutcome) => {
	expect(outcome.failed).toBe(0);
	return outcome.results[0] as Extract<PublishOutcome['results'][number], { ok: true }>;
};

describe.each(socialPlatforms)('%s', (platform) => {
	test('a post is published once, with its id and URL; the same post id again replays it', async () => {
		const input = post();
		const first = okResult(await (await publisher([platform])).publish(input));
		expect(first).toMatchObject({ platform, status: 'published', replayed: false });
		expect(first.url).toMatch(/^https:\/\//);
		const again = okResult(await (await publisher([platform])).publish(input));
		expect(again).toMatchObject({ externalId: first.externalId, url: first.url, replayed: true, usageEventId: first.usageEventId });
		expect(await count(platform)).toBe(1);
	});

	test('a failed attempt (503) is looked up, found missing and published once', async () => {
		await control[platform].fault({ kind: 'error', status: 503, match: published[platform].create });
		const outcome = okResult(await (await publisher([platform])).publish(post()));
		expect(outcome.replayed).toBe(false);
		expect(await count(platform)).toBe(1);
	});

	test('a lost answer is found on the platform, not published again', async () => {
		await control[platform].fault({ kind: 'lost_response', match: published[platform].create });
		const outcome = okResult(await (await publisher([platform])).publish(post()));
		expect(await count(platform)).toBe(1);
		const listed = await control[platform].state<Array<{ id: string }>>(published[platform].collection);
		expect(listed.map((entry) => entry.id)).toContain(outcome.externalId);
	});

	test('a run that died after its publish landed: the retry finds the post and publishes nothing', async () => {
		const input = post();
		// The first run's publish lands but its answer is lost, and every look-up fails: it ends not knowing.
		await control[platform].fault({ kind: 'lost_response', match: published[platform].create });
		await control[platform].fault({ kind: 'error', status: 500, times: -1, match: published[platform].lookup });
		const first = await (await publisher([platform])).publish(input);
		expect(first.failed).toBe(1);
		expect(await count(platform)).toBe(1);
		await control[platform].clearFaults();
		const retry = okResult(await (await publisher([platform])).publish(input));
		expect(retry.replayed).toBe(false);
		expect(await count(platform)).toBe(1);
		const requests = await control[platform].requests();
		expect(requests.filter((request) => new RegExp(published[platform].create.path).test(request.path) && request.method === 'POST')).toHaveLength(1);
	});

	test('two runs of the same post at once publish it once', async () => {
		const input = post();
		const [a, b] = await Promise.all([(await publisher([platform])).publish(input), (await publisher([platform])).publish(input)]);
		expect(okResult(a).externalId).toBe(okResult(b).externalId);
		expect([okResult(a).replayed, okResult(b).replayed].sort()).toEqual([false, true]);
		expect(await count(platform)).toBe(1);
	});

	test('Delete Post deletes what the post id published, once', async () => {
		const input = post();
		const social = await publisher([platform]);
		const { externalId } = okResult(await social.publish(input));
		expect(await social.delete(String(input.postId), platform)).toEqual({ postId: input.postId, platform, externalId, alreadyDeleted: false });
		expect(await count(platform)).toBe(0);
		expect((await social.delete(String(input.postId), platform)).alreadyDeleted).toBe(true);
		await expect(social.delete('never-published', platform)).rejects.toThrow(/postId names no post published/);
	});
});

test('one post to all four platforms: each published once, rules checked first for all', async () => {
	const social = await publisher(socialPlatforms);
	await expect(social.publish(post({ text: 'x'.repeat(300), imageUrl: 'https://cdn.example.com/sale.png' }))).rejects.toThrow(/x\.text is 325 characters.*at most 280.*instagram\.image must be one of jpg, jpeg/);
	for (const platform of socialPlatforms) expect(await count(platform)).toBe(0);
	const outcome = await social.publish(post());
	expect(outcome.results.map((result) => [result.platform, result.ok])).toEqual(socialPlatforms.map((platform) => [platform, true]));
	for (const platform of socialPlatforms) expect(await count(platform)).toBe(1);
	const [linkedInPost] = await control.linkedin.state<Array<{ content: { media: { id: string } }; commentary: string }>>('posts');
	expect(linkedInPost.content.media.id).toMatch(/^urn:li:image:/);
	expect(linkedInPost.commentary).toContain('https://shop.example.com/sale');
});

test('Instagram: the container is polled until FINISHED, then published', async () => {
	await control.instagram.updateSettings({ containerChecks: 3 });
	okResult(await (await publisher(['instagram'])).publish(post()));
	const reads = (await control.instagram.requests()).filter((request) => request.method === 'GET' && request.query?.fields === 'status_code,status');
	expect(reads).toHaveLength(4);
	expect(await count('instagram')).toBe(1);
});

test("Instagram: past its 24-hour publishing limit nothing is sent, and the error names the limit", async () => {
	await control.instagram.updateSettings({ quotaTotal: 2 });
	await control.instagram.seed({ media: [{ caption: 'one', via_api: true }, { caption: 'two', via_api: true }] });
	const outcome = await (await publisher(['instagram'])).publish(post());
	expect(outcome.results[0]).toMatchObject({ ok: false, code: 'content_publishing_limit', error: expect.stringMatching(/published 2 of its 2 API posts allowed in 24 hours/) });
	expect(await control.instagram.state<unknown[]>('containers')).toEqual([]);
});

test('Facebook: a scheduled post is held by the Page, unpublished, at the time given', async () => {
	const at = new Date(Date.now() + 2 * 3_600_000);
	const outcome = okResult(await (await publisher(['facebook'])).publish(post({ scheduledAt: at.toISOString(), imageUrl: undefined })));
	expect(outcome.status).toBe('scheduled');
	const [held] = await control.facebook.state<Array<{ is_published: boolean; scheduled_publish_time: number }>>('posts');
	expect(held).toMatchObject({ is_published: false, scheduled_publish_time: Math.floor(at.getTime() / 1000) });
});

test('X and LinkedIn: an image uploaded by an attempt that failed is not uploaded again by the next', async () => {
	for (const platform of ['x', 'linkedin'] as const) {
		await control[platform].fault({ kind: 'error', status: 503, match: published[platform].create });
		okResult(await (await publisher([platform])).publish(post()));
		expect([platform, await count(platform)]).toEqual([platform, 1]);
	}
	expect(await control.x.state<unknown[]>('media')).toHaveLength(1);
	expect(await control.linkedin.state<unknown[]>('images')).toHaveLength(1);
});

test('X: the image is uploaded first and the post carries its media id', async () => {
	okResult(await (await publisher(['x'])).publish(post({ altText: 'A snowy storefront' })));
	const [media] = await control.x.state<Array<{ id: string; alt_text: string }>>('media');
	const [tweet] = await control.x.state<Array<{ media_ids: string[]; text: string }>>('tweets');
	expect(media.alt_text).toBe('A snowy storefront');
	expect(tweet.media_ids).toEqual([media.id]);
	expect(tweet.text).toMatch(/everything 20% off\n\nhttps:\/\/t\.co\//);
});
