/** The Marketo sandbox's fidelity: OAuth tokens, errors in an HTTP 200, batch limits, the 20 s window. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	sandbox = await startSandbox('marketo');
	control = new SandboxControl(sandbox.baseUrl);
});
beforeEach(async () => control.reset());
afterAll(async () => sandbox.close());

async function token(secret = sandbox.credentials.clientSecret): Promise<Response> {
	return fetch(`${sandbox.baseUrl}/identity/oauth/token?grant_type=client_credentials&client_id=${sandbox.credentials.clientId}&client_secret=${secret}`);
}

async function rest(method: string, path: string, accessToken: string | undefined, body?: unknown): Promise<{ status: number; body: { success: boolean; errors?: Array<{ code: string }>; result?: Array<Record<string, unknown>> } }> {
	const response = await fetch(`${sandbox.baseUrl}${path}`, {
		method,
		headers: { ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as never };
}

test('client credentials trade for a token; a missing, wrong or expired token is refused in an HTTP 200', async () => {
	expect((await token('wrong')).status).toBe(401);
	const { access_token: good } = (await (await token()).json()) as { access_token: string };
	expect((await rest('GET', '/rest/v1/leads/describe.json', good)).body.success).toBe(true);
	expect(await rest('GET', '/rest/v1/leads/describe.json', undefined)).toMatchObject({ status: 200, body: { success: false, errors: [{ code: '600' }] } });
	expect((await rest('GET', '/rest/v1/leads/describe.json', 'made-up')).body.errors?.[0].code).toBe('601');
	await control.updateSettings({ tokenTtlMs: 1 });
	const { access_token: shortLived } = (await (await token()).json()) as { access_token: string };
	await new Promise((resolve) => setTimeout(resolve, 5));
	expect((await rest('GET', '/rest/v1/leads/describe.json', shortLived)).body.errors?.[0].code).toBe('602');
});

test('push createOrUpdate by email, batches of 300, static list and campaign limits', async () => {
	await control.seed({ lists: [{ id: 55, name: 'vip' }], campaigns: [{ id: 7 }] });
	const { access_token: accessToken } = (await (await token()).json()) as { access_token: string };
	const pushed = await rest('POST', '/rest/v1/leads.json', accessToken, { action: 'createOrUpdate', lookupField: 'email', input: [{ email: 'a@example.com' }, { email: 'bad' }, { email: 'A@example.com', firstName: 'A' }] });
	expect(pushed.body.result?.map((result) => result.status)).toEqual(['created', 'skipped', 'updated']);
	const tooMany = await rest('POST', '/rest/v1/leads.json', accessToken, { input: Array.from({ length: 301 }, (_, index) => ({ email: `p${index}@example.com` })) });
	expect(tooMany.body.errors?.[0].code).toBe('1003');
	const id = pushed.body.result?.[0].id;
	expect((await rest('POST', '/rest/v1/lists/55/leads.json', accessToken, { input: [{ id }, { id: 999999 }] })).body.result?.map((result) => result.status)).toEqual(['added', 'skipped']);
	expect((await rest('POST', '/rest/v1/lists/56/leads.json', accessToken, { input: [{ id }] })).body.errors?.[0].code).toBe('1013');
	expect((await rest('POST', '/rest/v1/campaigns/7/trigger.json', accessToken, { input: { leads: Array.from({ length: 101 }, () => ({ id })) } })).body.errors?.[0].code).toBe('1003');
	expect((await rest('POST', '/rest/v1/campaigns/7/trigger.json', accessToken, { input: { leads: [{ id }] } })).body.success).toBe(true);
	expect(await control.state('campaignRuns')).toHaveLength(1);
});

test('past the 20-second window Marketo answers 606 in an HTTP 200; the token endpoint is not counted', async () => {
	await control.setRateLimits({ windows: [{ name: 'twenty_seconds', limit: 2 }] });
	const { access_token: accessToken } = (await (await token()).json()) as { access_token: string };
	await rest('GET', '/rest/v1/leads/describe.json', accessToken);
	await rest('GET', '/rest/v1/leads/describe.json', accessToken);
	expect(await rest('GET', '/rest/v1/leads/describe.json', accessToken)).toMatchObject({ status: 200, body: { success: false, errors: [{ code: '606' }] } });
	expect((await token()).status).toBe(200);
});
