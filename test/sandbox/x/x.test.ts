/** The X sandbox behaves as X documents API v2 (prose docs; no machine-readable spec is collected). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';

let sandbox: RunningSandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sandbox = await startSandbox('x');
	api = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
});
afterAll(() => sandbox.close());
beforeEach(() => new SandboxControl(sandbox.baseUrl).reset());

test('a post answers 201 with its id; links come back as t.co links; the same text again is refused as duplicate content', async () => {
	const created = await api('/2/tweets', { method: 'POST', body: { text: 'Sale today https://shop.example.com/a-very-long-path/that-x-shortens' } });
	expect(created.status).toBe(201);
	expect(created.body.data.text).toMatch(/^Sale today https:\/\/t\.co\/\w{10}$/);
	expect(created.headers.get('x-rate-limit-limit')).toBe('200');
	expect(created.headers.get('x-rate-limit-remaining')).toBe('199');
	const again = await api('/2/tweets', { method: 'POST', body: { text: 'Sale today https://shop.example.com/a-very-long-path/that-x-shortens' } });
	expect(again).toMatchObject({ status: 403, body: { detail: 'You are not allowed to create a Tweet with duplicate content.' } });
});

test("280 weighted characters: a link counts 23, CJK 2; the user's posts are listed newest first since start_time", async () => {
	expect((await api('/2/tweets', { method: 'POST', body: { text: `${'a'.repeat(256)} https://example.com/${'b'.repeat(100)}` } })).status).toBe(201);
	expect((await api('/2/tweets', { method: 'POST', body: { text: '漢'.repeat(141) } })).status).toBe(403);
	await api('/2/tweets', { method: 'POST', body: { text: 'second' } });
	const { body: me } = await api('/2/users/me');
	const listed = await api(`/2/users/${me.data.id}/tweets?max_results=5&tweet.fields=created_at&start_time=2020-01-01T00:00:00Z`);
	expect(listed.body.data.map((tweet: { text: string }) => tweet.text)[0]).toBe('second');
	expect(listed.body.meta.result_count).toBe(2);
	expect((await api(`/2/users/${me.data.id}/tweets?max_results=500`)).status).toBe(400);
});

test('media is uploaded as base64 JSON and referenced; unknown media ids and a wrong token are refused', async () => {
	const uploaded = await api('/2/media/upload', { method: 'POST', body: { media: Buffer.from('jpeg-bytes').toString('base64'), media_category: 'tweet_image' } });
	expect(uploaded.body.data).toMatchObject({ media_key: `3_${uploaded.body.data.id}` });
	expect((await api('/2/tweets', { method: 'POST', body: { media: { media_ids: [uploaded.body.data.id] } } })).status).toBe(201);
	expect((await api('/2/tweets', { method: 'POST', body: { text: 'x', media: { media_ids: ['999'] } } })).status).toBe(400);
	expect((await apiClient(sandbox.baseUrl, 'wrong')('/2/users/me')).body).toMatchObject({ status: 401, title: 'Unauthorized' });
});
