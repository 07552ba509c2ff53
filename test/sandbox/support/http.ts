/** Plain fetch helpers for sandbox tests. */

export interface ApiReply<T = any> {
	status: number;
	headers: Headers;
	body: T;
}

export interface ApiCall {
	method?: string;
	body?: unknown;
	token?: string;
	headers?: Record<string, string>;
}

export async function callApi<T = any>(baseUrl: string, path: string, call: ApiCall = {}): Promise<ApiReply<T>> {
	const headers: Record<string, string> = { ...call.headers };
	if (call.token) headers.authorization = `Bearer ${call.token}`;
	if (call.body !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(`${baseUrl}${path}`, {
		method: call.method ?? 'GET',
		headers,
		body: call.body === undefined ? undefined : JSON.stringify(call.body),
	});
	const text = await response.text();
	const contentType = response.headers.get('content-type') ?? '';
	return { status: response.status, headers: response.headers, body: contentType.includes('json') && text ? JSON.parse(text) : text };
}

/** A client bound to one sandbox and token: `hub('/crm/v3/objects/contacts', { method: 'POST', body })`. */
export function apiClient(baseUrl: string, token: string) {
	return <T = any>(path: string, call: Omit<ApiCall, 'token'> = {}) => callApi<T>(baseUrl, path, { ...call, token });
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
