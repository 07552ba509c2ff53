import type { HttpClient, HttpRequest, HttpResponse } from './types';

/** Adds a credential's authentication to a request (headers or query), outside n8n. */
export type Authenticate = (request: HttpRequest) => HttpRequest;

/** Sends `Authorization: Bearer <token>` with every request. */
export function bearerAuth(token: string): Authenticate {
	return (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
}

/** Sends `Authorization: Basic base64(user:password)` with every request. */
export function basicAuth(user: string, password: string): Authenticate {
	const encoded = Buffer.from(`${user}:${password}`).toString('base64');
	return (request) => ({ ...request, headers: { ...request.headers, authorization: `Basic ${encoded}` } });
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function buildUrl(url: string, qs: HttpRequest['qs']): string {
	if (!qs) return url;
	const target = new URL(url);
	for (const [name, value] of Object.entries(qs)) {
		if (value !== undefined) target.searchParams.append(name, String(value));
	}
	return target.toString();
}

export function encodeForm(body: unknown, prefix = ''): string[] {
	if (body === undefined || body === null) return [];
	if (typeof body !== 'object') return [`${encodeURIComponent(prefix)}=${encodeURIComponent(String(body))}`];
	return Object.entries(body as Record<string, unknown>).flatMap(([key, value]) =>
		encodeForm(value, prefix ? `${prefix}[${key}]` : key),
	);
}

function parseBody(text: string, contentType: string): unknown {
	if (text === '') return undefined;
	if (/json/i.test(contentType)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

/** The transport's client outside n8n (benchmarks, checks, the demo): global fetch plus an authenticate step. */
export class FetchHttpClient implements HttpClient {
	constructor(private readonly authenticate: Authenticate = (request) => request) {}

	async send(request: HttpRequest): Promise<HttpResponse> {
		const signed = request.unauthenticated ? request : this.authenticate(request);
		// One spelling per header: fetch would join `Content-Type: x` and our `content-type` default into "x, …".
		const headers: Record<string, string> = { accept: 'application/json' };
		for (const [name, value] of Object.entries(signed.headers ?? {})) headers[name.toLowerCase()] = value;
		let body: string | Uint8Array | undefined;
		if (signed.body !== undefined) {
			if (signed.bodyType === 'binary') {
				headers['content-type'] ??= 'application/octet-stream';
				body = signed.body as Uint8Array;
			} else if (signed.bodyType === 'form') {
				headers['content-type'] = 'application/x-www-form-urlencoded';
				body = encodeForm(signed.body).join('&');
			} else {
				headers['content-type'] ??= 'application/json';
				body = JSON.stringify(signed.body);
			}
		}
		const response = await fetch(buildUrl(signed.url, signed.qs), {
			method: signed.method,
			headers,
			body,
			signal: AbortSignal.timeout(signed.timeoutMs ?? DEFAULT_TIMEOUT_MS),
		});
		const responseHeaders: Record<string, string> = {};
		response.headers.forEach((value, name) => (responseHeaders[name.toLowerCase()] = value));
		if (signed.responseType === 'binary' && response.ok) return { status: response.status, headers: responseHeaders, body: Buffer.from(await response.arrayBuffer()) };
		const text = await response.text();
		return { status: response.status, headers: responseHeaders, body: parseBody(text, responseHeaders['content-type'] ?? '') };
	}
}
