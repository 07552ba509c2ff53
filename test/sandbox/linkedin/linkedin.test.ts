/** The LinkedIn sandbox behaves as LinkedIn documents the versioned Posts API (prose docs; no spec is collected). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';

let sandbox: RunningSandbox;
let api: ReturnType<typeof apiClient>;
const versioned = { 'LinkedIn-Version': '202611', 'X-Restli-Protocol-Version': '2.0.0' };

beforeAll(async () => {
	sandbox = await startSandbox('linkedin');
	api = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
});
afterAll(() => sandbox.close());
beforeEach(() => new SandboxControl(sandbox.baseUrl).reset());

const postBody = (author: string, commentary: string) => ({ author, commentary, visibility: 'PUBLIC', distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] }, lifecycleState: 'PUBLISHED', isReshareDisabledByAuthor: false });

test('a post is created 201 with its URN in x-restli-id; the author finder lists it; delete is idempotent', async () => {
	const created = await api('/rest/posts', { method: 'POST', headers: versioned, body: postBody(sandbox.credentials.authorUrn, 'Hello') });
	expect(created.status).toBe(201);
	const urn = created.headers.get('x-restli-id');
	expect(urn).toMatch(/^urn:li:share:\d+$/);
	const listed = await api(`/rest/posts?q=author&author=${encodeURIComponent(sandbox.credentials.authorUrn)}&count=10`, { headers: { ...versioned, 'X-RestLi-Method': 'FINDER' } });
	expect(listed.body.elements.map((post: { id: string }) => post.id)).toEqual([urn]);
	expect((await api(`/rest/posts/${encodeURIComponent(urn!)}`, { method: 'DELETE', headers: versioned })).status).toBe(204);
	expect((await api(`/rest/posts/${encodeURIComponent(urn!)}`, { method: 'DELETE', headers: versioned })).status).toBe(204);
});

test('the version header is required; an author the token may not post as, or commentary past 3,000, is refused', async () => {
	expect((await api('/rest/posts', { method: 'POST', body: postBody(sandbox.credentials.authorUrn, 'x') })).body).toMatchObject({ status: 400, code: 'VERSION_MISSING' });
	expect((await api('/rest/posts', { method: 'POST', headers: versioned, body: postBody('urn:li:organization:1', 'x') })).body).toMatchObject({ status: 403, code: 'ACCESS_DENIED' });
	expect((await api('/rest/posts', { method: 'POST', headers: versioned, body: postBody(sandbox.credentials.authorUrn, 'x'.repeat(3001)) })).status).toBe(422);
});

test('an image is initialized, uploaded and then named by the post; an image never uploaded is refused', async () => {
	const { body: init } = await api('/rest/images?action=initializeUpload', { method: 'POST', headers: versioned, body: { initializeUploadRequest: { owner: sandbox.credentials.authorUrn } } });
	expect(init.value).toMatchObject({ uploadUrl: expect.stringContaining('/dms-uploads/'), image: expect.stringMatching(/^urn:li:image:/) });
	const withImage = { ...postBody(sandbox.credentials.authorUrn, 'Pic'), content: { media: { id: init.value.image } } };
	expect((await api('/rest/posts', { method: 'POST', headers: versioned, body: withImage })).status).toBe(422);
	const uploaded = await fetch(init.value.uploadUrl, { method: 'PUT', headers: { authorization: `Bearer ${sandbox.credentials.accessToken}`, 'content-type': 'image/jpeg' }, body: Buffer.from('jpeg') });
	expect(uploaded.status).toBe(201);
	expect((await api('/rest/posts', { method: 'POST', headers: versioned, body: withImage })).status).toBe(201);
});
