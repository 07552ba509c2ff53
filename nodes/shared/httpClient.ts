import type { IAllExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { encodeForm, type HttpClient, type HttpRequest, type HttpResponse } from '../../lib/transport';

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

function parseJson(body: unknown): unknown {
	if (typeof body !== 'string' || body === '') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/**
 * The transport's client inside n8n: every request goes through `httpRequestWithAuthentication`, so n8n applies
 * the credential (including OAuth2 refresh) and the node never handles a secret itself.
 */
export class N8nHttpClient implements HttpClient {
	constructor(
		private readonly context: Pick<IAllExecuteFunctions, 'helpers'>,
		/** Without one (or for a request marked `unauthenticated`), the request goes out as it is (e.g. a webhook the engine has signed itself). */
		private readonly credentialType?: string,
	) {}

	async send(request: HttpRequest): Promise<HttpResponse> {
		const isForm = request.bodyType === 'form' && request.body !== undefined;
		const isBinary = request.bodyType === 'binary' && request.body !== undefined;
		const options: IHttpRequestOptions = {
			method: request.method as IHttpRequestMethods,
			url: request.url,
			headers: {
				accept: 'application/json',
				...(isForm ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
				...(isBinary ? { 'content-type': 'application/octet-stream' } : {}),
				...request.headers,
			},
			qs: request.qs,
			body: isForm ? encodeForm(request.body).join('&') : (request.body as IHttpRequestOptions['body']),
			json: !isForm && !isBinary && request.responseType !== 'binary',
			...(request.responseType === 'binary' ? { encoding: 'arraybuffer' as const } : {}),
			timeout: request.timeoutMs ?? 30_000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		const response = (
			this.credentialType && !request.unauthenticated
				? await this.context.helpers.httpRequestWithAuthentication.call(this.context as never, this.credentialType, options)
				: await this.context.helpers.httpRequest(options)
		) as FullResponse;
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers ?? {})) {
			if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
		if (request.responseType === 'binary' && response.statusCode < 400) return { status: response.statusCode, headers, body: Buffer.from(response.body as ArrayBuffer) };
		return { status: response.statusCode, headers, body: parseJson(Buffer.isBuffer(response.body) ? response.body.toString('utf8') : response.body) };
	}
}
