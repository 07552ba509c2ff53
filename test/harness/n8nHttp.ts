/** Plain HTTP to n8n, and the session the harness opens on it: the owner's cookie and an API key with every scope. */

const apiKeyLabel = 'integration-automation-harness';

export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

export function sleep(ms: number) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function requestJson<T>(url: string, init: RequestInit): Promise<{ body: T; response: Response }> {
	const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
	const text = await response.text();
	if (!response.ok) throw new HttpError(response.status, `${init.method ?? 'GET'} ${url} → ${response.status}: ${text.slice(0, 500)}`);
	return { body: (text ? JSON.parse(text) : undefined) as T, response };
}

function authCookieOf(response: Response): string {
	const cookie = response.headers.getSetCookie().find((header) => header.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n set no n8n-auth cookie');
	return cookie.split(';')[0];
}

/** Sets up the owner on a fresh instance; logs in on one whose owner exists (a kept user folder). */
export async function signIn(baseUrl: string, owner: { email: string; password: string }): Promise<string> {
	try {
		const { response } = await requestJson(`${baseUrl}/rest/owner/setup`, {
			method: 'POST',
			body: JSON.stringify({ ...owner, firstName: 'Harness', lastName: 'Owner' }),
		});
		return authCookieOf(response);
	} catch (error) {
		if (!(error instanceof HttpError) || error.status !== 400) throw error;
		const { response } = await requestJson(`${baseUrl}/rest/login`, {
			method: 'POST',
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		return authCookieOf(response);
	}
}

/** A fresh key with every scope; earlier harness keys of a kept user folder are revoked first. */
export async function createApiKey(baseUrl: string, cookie: string): Promise<string> {
	const rest = <T>(method: string, restPath: string, body?: unknown) =>
		requestJson<{ data: T }>(`${baseUrl}/rest${restPath}`, { method, headers: { cookie }, body: body === undefined ? undefined : JSON.stringify(body) }).then(
			({ body: response }) => response.data,
		);
	const existing = await rest<{ items: Array<{ id: string; label: string }> }>('GET', `/api-keys?label=${apiKeyLabel}`);
	for (const key of existing.items.filter(({ label }) => label === apiKeyLabel)) await rest('DELETE', `/api-keys/${key.id}`);
	const scopes = await rest<string[]>('GET', '/api-keys/scopes');
	const created = await rest<{ rawApiKey: string }>('POST', '/api-keys', { label: apiKeyLabel, scopes, expiresAt: null });
	return created.rawApiKey;
}


export interface WebhookRequest {
	method?: string;
	/** An object is sent as JSON; a string as it is (set its content-type in `headers`). */
	body?: unknown;
	headers?: Record<string, string>;
}

/** Calls a production webhook (`/webhook/<path>`) of the n8n process at `baseUrl`; JSON answers are parsed. */
export async function callWebhook(baseUrl: string, webhookPath: string, init: WebhookRequest = {}): Promise<{ status: number; body: unknown }> {
	const isJson = init.body !== undefined && typeof init.body !== 'string';
	const response = await fetch(`${baseUrl}/webhook/${webhookPath.replace(/^\//, '')}`, {
		method: init.method ?? 'POST',
		headers: { ...(isJson ? { 'content-type': 'application/json' } : {}), ...init.headers },
		body: init.body === undefined ? undefined : isJson ? JSON.stringify(init.body) : (init.body as string),
	});
	const text = await response.text();
	const isJsonResponse = response.headers.get('content-type')?.includes('json') && text !== '';
	return { status: response.status, body: isJsonResponse ? JSON.parse(text) : text };
}
