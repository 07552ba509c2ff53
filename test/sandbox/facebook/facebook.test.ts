/** The Facebook Pages sandbox behaves as Meta documents the Pages API (prose docs; no spec is collected). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';

let sandbox: RunningSandbox;
let api: ReturnType<typeof apiClient>;
let page: string;

beforeAll(async () => {
	sandbox = await startSandbox('facebook');
	api = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
	page = `/v24.0/${sandbox.credentials.pageId}`;
});
afterAll(() => sandbox.close());
beforeEach(() => new SandboxControl(sandbox.baseUrl).reset());

test('feed and photo posts answer their ids; published posts are listed; usage is reported in X-Page-Usage', async () => {
	const post = await api(`${page}/feed`, { method: 'POST', body: { message: 'Hello', link: 'https://example.com' } });
	expect(post.body.id).toMatch(new RegExp(`^${sandbox.credentials.pageId}_\\d+$`));
	expect(JSON.parse(post.headers.get('x-page-usage')!)).toMatchObject({ call_count: 1 });
	const photo = await api(`${page}/photos`, { method: 'POST', body: { url: 'https://cdn.example.com/a.jpg', caption: 'A photo' } });
	expect(photo.body).toMatchObject({ id: expect.any(String), post_id: expect.stringMatching(/_\d+$/) });
	const listed = await api(`${page}/published_posts?fields=id,message`);
	expect(listed.body.data.map((entry: { message: string }) => entry.message)).toEqual(['A photo', 'Hello']);
	expect((await api(`/v24.0/${post.body.id}?fields=permalink_url`)).body.permalink_url).toMatch(/^https:\/\/www\.facebook\.com\//);
	expect((await api(`/v24.0/${post.body.id}`, { method: 'DELETE' })).body).toEqual({ success: true });
});

test('a scheduled post must be 10 minutes to 30 days ahead; errors are Graph errors; a wrong token is code 190', async () => {
	const soon = Math.floor(Date.now() / 1000) + 60;
	expect((await api(`${page}/feed`, { method: 'POST', body: { message: 'x', published: false, scheduled_publish_time: soon } })).body.error).toMatchObject({ code: 100 });
	const later = Math.floor(Date.now() / 1000) + 3600;
	expect((await api(`${page}/feed`, { method: 'POST', body: { message: 'x', published: false, scheduled_publish_time: later } })).status).toBe(200);
	expect((await api(`${page}/scheduled_posts`)).body.data).toHaveLength(1);
	expect((await apiClient(sandbox.baseUrl, 'wrong')(`${page}/feed`)).body.error).toMatchObject({ code: 190, type: 'OAuthException' });
});
