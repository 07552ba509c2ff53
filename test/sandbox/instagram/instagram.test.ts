/** The Instagram sandbox behaves as Meta documents content publishing (prose docs; no spec is collected). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';

let sandbox: RunningSandbox;
let control: SandboxControl;
let api: ReturnType<typeof apiClient>;
let account: string;

beforeAll(async () => {
	sandbox = await startSandbox('instagram');
	control = new SandboxControl(sandbox.baseUrl);
	api = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
	account = `/v24.0/${sandbox.credentials.igUserId}`;
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('container IN_PROGRESS then FINISHED, published once, then PUBLISHED; the publishing limit counts it', async () => {
	await control.updateSettings({ containerChecks: 1 });
	const { body: container } = await api(`${account}/media`, { method: 'POST', body: { image_url: 'https://cdn.example.com/a.jpg', caption: 'Hi' } });
	expect((await api(`${account}/media_publish`, { method: 'POST', body: { creation_id: container.id } })).body.error).toMatchObject({ code: 9007 });
	expect((await api(`/v24.0/${container.id}?fields=status_code`)).body.status_code).toBe('IN_PROGRESS');
	expect((await api(`/v24.0/${container.id}?fields=status_code`)).body.status_code).toBe('FINISHED');
	const published = await api(`${account}/media_publish`, { method: 'POST', body: { creation_id: container.id } });
	expect(published.body.id).toMatch(/^\d+$/);
	expect((await api(`/v24.0/${container.id}?fields=status_code`)).body.status_code).toBe('PUBLISHED');
	expect((await api(`${account}/media_publish`, { method: 'POST', body: { creation_id: container.id } })).body.error).toMatchObject({ code: 9004 });
	expect((await api(`${account}/content_publishing_limit?fields=quota_usage,config`)).body.data[0]).toEqual({ quota_usage: 1, config: { quota_total: 100, quota_duration: 86400 } });
});

test('a PNG container ends in ERROR; past the quota media_publish is refused with subcode 2207042', async () => {
	const { body: png } = await api(`${account}/media`, { method: 'POST', body: { image_url: 'https://cdn.example.com/a.png' } });
	expect((await api(`/v24.0/${png.id}?fields=status_code,status`)).body).toMatchObject({ status_code: 'ERROR', status: expect.stringContaining('2207026') });
	await control.updateSettings({ quotaTotal: 1 });
	await control.seed({ media: [{ caption: 'earlier', via_api: true }] });
	const { body: jpeg } = await api(`${account}/media`, { method: 'POST', body: { image_url: 'https://cdn.example.com/a.jpg' } });
	await api(`/v24.0/${jpeg.id}?fields=status_code`);
	expect((await api(`${account}/media_publish`, { method: 'POST', body: { creation_id: jpeg.id } })).body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
});
