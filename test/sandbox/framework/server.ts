/**
 * One loopback HTTP server per sandbox. An API request goes: injected faults → authentication → rate windows →
 * the vendor's route; every API response carries the vendor's rate-limit headers. `/__control/` is served apart:
 * no faults, no auth, no limits, not logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyParseError, parseBody, readRawBody } from './body';
import { controlError, controlPrefix, controlRouter } from './control';
import { FaultInjector, type ActiveFault } from './faults';
import { RateLimiter, type RateLimitSpec, type WindowUsage } from './rateLimit';
import { queryRecord, RequestLog } from './requestLog';
import { Router } from './router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandbox, type VendorSandboxFactory } from './types';
import { WebhookHub } from './webhooks';

export interface SandboxServerOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	/** Adjusts the vendor's default windows for this instance; reset restores the adjusted windows. */
	rateLimits?: RateLimitSpec;
	/** Sees every API request and the response it got (not control requests), e.g. to check it against the vendor's spec. */
	onExchange?: (exchange: SandboxExchange) => void;
}

/** One API request and the response the sandbox sent (or would have, for a lost response). */
export interface SandboxExchange {
	method: string;
	path: string;
	query: URLSearchParams;
	requestBody: unknown;
	status: number;
	body: unknown;
}

export interface SandboxServer {
	name: string;
	baseUrl: string;
	port: number;
	credentials: Record<string, string>;
	close(): Promise<void>;
}

const host = '127.0.0.1';
const RESET_SETTLE_MS = 5_000;

export async function startSandboxServer(
	name: string,
	factory: VendorSandboxFactory,
	options: SandboxServerOptions = {},
): Promise<SandboxServer> {
	let baseUrl = '';
	const webhooks = new WebhookHub();
	const vendor: VendorSandbox = factory({
		publishWebhook: (payload) => webhooks.publish(payload, vendor.signWebhook),
		deliverWebhook: (target, payload, sign) => webhooks.deliverTo(target, payload, sign),
		baseUrl: () => baseUrl,
	});
	const api = new Router();
	vendor.routes(api);
	const parts = {
		name,
		vendor,
		limiter: new RateLimiter(vendor.rateLimits.defaults, options.rateLimits),
		faults: new FaultInjector(),
		log: new RequestLog(),
		webhooks,
	};
	const dispatcher = new SandboxHost(parts, api, controlRouter(parts), options.onExchange);
	const server = createServer((request, response) => {
		response.on('error', () => undefined);
		dispatcher.handle(request, response).catch((error: unknown) => dispatcher.fail(response, error));
	});
	const port = await listen(server, options.port ?? 0);
	baseUrl = `http://${host}:${port}`;
	return {
		name,
		baseUrl,
		port,
		credentials: { ...vendor.credentials },
		close: () => close(server, webhooks),
	};
}

class SandboxHost {
	constructor(
		private readonly parts: {
			vendor: VendorSandbox;
			limiter: RateLimiter;
			faults: FaultInjector;
			log: RequestLog;
		},
		private readonly api: Router,
		private readonly control: Router,
		private readonly onExchange?: (exchange: SandboxExchange) => void,
	) {}

	/** API requests being served, so that a reset is not overtaken by one that arrived before it. */
	private readonly inProgress = new Set<Promise<void>>();

	async handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
		const url = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
		const method = (incoming.method ?? 'GET').toUpperCase();
		if (url.pathname.startsWith(controlPrefix)) return this.serveControl(incoming, outgoing, method, url);
		const serving = this.serveApi(incoming, outgoing, method, url);
		this.inProgress.add(serving);
		try {
			await serving;
		} finally {
			this.inProgress.delete(serving);
		}
	}

	/**
	 * Waits (at most RESET_SETTLE_MS, since a fault may hold a request for minutes) for the API requests in progress: a
	 * delayed write from a client killed before the reset would otherwise land in the state that follows it.
	 */
	private async settleInProgress(): Promise<void> {
		if (this.inProgress.size === 0) return;
		await Promise.race([Promise.allSettled([...this.inProgress]), sleep(RESET_SETTLE_MS)]);
	}

	private async serveApi(incoming: IncomingMessage, outgoing: ServerResponse, method: string, url: URL): Promise<void> {

		const arrived = Date.now();
		const plan = this.parts.faults.plan(method, url.pathname);
		if (plan.delayMs > 0) await sleep(plan.delayMs);
		const entry = { method, path: url.pathname, query: queryRecord(url.searchParams), at: new Date(arrived).toISOString() };
		const fault = plan.terminal?.kind;
		if (fault === 'connection_reset') {
			incoming.socket.destroy();
			this.parts.log.record({ ...entry, status: null, durationMs: Date.now() - arrived, fault });
			return;
		}
		const request = await this.readRequest(incoming, method, url);
		const answer = request instanceof SandboxError ? request.response : await this.respond(request, plan.terminal);
		const response = withHeaders(answer, this.parts.vendor.responseHeaders?.(answer) ?? {});
		const body = request instanceof SandboxError ? undefined : request.body;
		this.parts.log.record({ ...entry, body, status: response.status, durationMs: Date.now() - arrived, fault });
		this.onExchange?.({ method, path: url.pathname, query: url.searchParams, requestBody: body, status: response.status, body: response.body });
		// The write is committed; the client never hears about it.
		if (fault === 'lost_response') incoming.socket.destroy();
		else send(outgoing, response);
	}

	fail(outgoing: ServerResponse, error: unknown): void {
		// A client that went away mid-request is not a sandbox failure.
		if (outgoing.socket?.destroyed) return;
		console.error('[sandbox] unexpected failure', error);
		if (!outgoing.headersSent) send(outgoing, this.parts.vendor.errors.serverError(500));
	}

	private async serveControl(incoming: IncomingMessage, outgoing: ServerResponse, method: string, url: URL): Promise<void> {
		const request = await this.readRequest(incoming, method, url);
		if (request instanceof SandboxError) return send(outgoing, controlError(400, 'body is not valid JSON').response);
		const route = this.control.match(method, url.pathname);
		if (url.pathname === `${controlPrefix}reset`) await this.settleInProgress();
		const response = route
			? await invoke(route.handler, { ...request, params: route.params }, () => controlError(500, 'control failure').response)
			: controlError(404, `no control route ${method} ${url.pathname}`).response;
		send(outgoing, response);
	}

	private async readRequest(incoming: IncomingMessage, method: string, url: URL): Promise<SandboxRequest | SandboxError> {
		const rawBody = await readRawBody(incoming);
		try {
			const body = parseBody(rawBody, incoming.headers['content-type']);
			return { method, path: url.pathname, query: url.searchParams, headers: incoming.headers, rawBody, body, params: {} };
		} catch (error) {
			if (error instanceof BodyParseError) return new SandboxError(this.parts.vendor.errors.badRequest(error.message));
			throw error;
		}
	}

	private async respond(request: SandboxRequest, fault: ActiveFault | undefined): Promise<SandboxResponse> {
		const { vendor, limiter } = this.parts;
		if (fault?.kind === 'error') return vendor.errors.serverError(fault.status ?? 500, request);
		if (fault?.kind === 'rate_limit_storm') return this.storm(request, fault.ms ?? 1000);
		if (fault?.kind === 'echo_credential') return echoCredential(vendor, request, fault.status ?? 400);
		const denied = vendor.authenticate(request);
		if (denied) return denied;
		const decision = limiter.decide(request.method, request.path);
		const rateHeaders = vendor.rateLimits.headers(decision.usage);
		if (!decision.allowed) {
			return withHeaders(vendor.rateLimits.rejection(decision.blocked, decision.retryAfterMs, request), rateHeaders);
		}
		const route = this.api.match(request.method, request.path);
		const response = route
			? await invoke(route.handler, { ...request, params: route.params }, () => vendor.errors.serverError(500, request))
			: vendor.errors.notFound(request);
		return withHeaders(response, rateHeaders);
	}

	/** A 429 as the vendor sends it, from the first window covering the request, reported as exhausted. */
	private storm(request: SandboxRequest, retryAfterMs: number): SandboxResponse {
		const { vendor, limiter } = this.parts;
		const [first, ...others] = limiter.peek(request.method, request.path);
		const blocked: WindowUsage = first ? { ...first, remaining: 0, resetMs: retryAfterMs } : stormWindow(retryAfterMs);
		const usage = first ? [blocked, ...others] : others;
		return withHeaders(vendor.rateLimits.rejection(blocked, retryAfterMs, request), vendor.rateLimits.headers(usage));
	}
}

/**
 * The vendor's error body with a message that repeats the credential the request carried, as careless APIs do
 * ("invalid token abc…"): bearer tokens, a basic pair decoded, and token / key / secret headers and query values.
 */
function echoCredential(vendor: VendorSandbox, request: SandboxRequest, status: number): SandboxResponse {
	const response = vendor.errors.badRequest(`Invalid credentials: ${presentedCredentials(request).join(' ') || 'none'}`);
	return { ...response, status };
}

function presentedCredentials(request: SandboxRequest): string[] {
	const found: string[] = [];
	const secretName = /token|key|secret|auth|password/i;
	for (const [name, value] of Object.entries(request.headers)) {
		if (typeof value !== 'string' || !secretName.test(name)) continue;
		const [scheme, credential = ''] = value.split(/\s+/, 2);
		if (/^basic$/i.test(scheme)) found.push(Buffer.from(credential, 'base64').toString('utf8'));
		else if (/^bearer$/i.test(scheme)) found.push(credential);
		else found.push(value);
	}
	for (const [name, value] of request.query) if (secretName.test(name)) found.push(value);
	return found;
}

function stormWindow(retryAfterMs: number): WindowUsage {
	return { window: { name: 'STORM', kind: 'fixed', limit: 0, intervalMs: retryAfterMs || 1 }, remaining: 0, resetMs: retryAfterMs };
}

async function invoke(
	handler: (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>,
	request: SandboxRequest,
	onUnexpected: () => SandboxResponse,
): Promise<SandboxResponse> {
	try {
		return await handler(request);
	} catch (error) {
		if (error instanceof SandboxError) return error.response;
		console.error('[sandbox] handler failed', error);
		return onUnexpected();
	}
}

function withHeaders(response: SandboxResponse, headers: Record<string, string>): SandboxResponse {
	return { ...response, headers: { ...headers, ...response.headers } };
}

function send(outgoing: ServerResponse, response: SandboxResponse): void {
	if (outgoing.destroyed || outgoing.socket?.destroyed) return;
	const headers: Record<string, string> = { ...response.headers };
	const hasContentType = Object.keys(headers).some((key) => key.toLowerCase() === 'content-type');
	let payload: string | Buffer | undefined;
	if (Buffer.isBuffer(response.body)) {
		payload = response.body;
		if (!hasContentType) headers['content-type'] = 'application/octet-stream';
	} else if (response.body !== undefined && response.status !== 204) {
		const isText = typeof response.body === 'string';
		payload = isText ? (response.body as string) : JSON.stringify(response.body);
		if (!hasContentType) headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json;charset=utf-8';
	}
	outgoing.writeHead(response.status, headers);
	outgoing.end(payload);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function listen(server: Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port, host }, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

function close(server: Server, webhooks: WebhookHub): Promise<void> {
	webhooks.close();
	return new Promise((resolve, reject) => {
		server.close((error) => (error ? reject(error) : resolve()));
		server.closeAllConnections();
	});
}
