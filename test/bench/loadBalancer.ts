/**
 * A load balancer's connection limit in front of a webhook processor, as HAProxy's `maxconn` on a server line (or
 * nginx's `max_conns` with a `queue`): every connection is accepted at once, at most `maxInFlight` requests are passed
 * to the processor at a time and the rest wait their turn in arrival order. Without it, n8n's webhook processor takes
 * every request of a burst at once and they advance through its database pool in step: none is answered, and no
 * execution is queued for the workers, until all have done most of their work.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
	url: string;
	/** The most requests the processor had from it at once. */
	peakInFlight(): number;
	/** Requests dropped from the queue because their sender had given up. */
	abandoned(): number;
	/** Requests answered 503 after waiting longer than the queue timeout. */
	refusedAfterQueueTimeout(): number;
	close(): Promise<void>;
}

/**
 * `queueTimeoutMs` (HAProxy's `timeout queue`; 0: none): a request that has waited longer is answered 503 when its turn
 * comes instead of being passed on, so that what the processor gets still has time left before its sender gives up.
 */
export async function startLoadBalancer(target: string, maxInFlight: number, queueTimeoutMs = 0): Promise<LoadBalancer> {
	const waiting: Array<{ senderGone: () => boolean; queuedAt: number; refuse: () => void; start: () => void }> = [];
	let refused = 0;
	let inFlight = 0;
	let peak = 0;
	let abandoned = 0;
	/** Passes the next waiting requests on; one whose sender gave up meanwhile is dropped (HAProxy's `option abortonclose`). */
	const pump = () => {
		while (inFlight < maxInFlight && waiting.length > 0) {
			const next = waiting.shift()!;
			if (next.senderGone()) abandoned++;
			else if (queueTimeoutMs > 0 && Date.now() - next.queuedAt > queueTimeoutMs) {
				refused++;
				next.refuse();
			} else next.start();
		}
	};
	const release = () => {
		inFlight--;
		pump();
	};
	const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => {
		inFlight++;
		peak = Math.max(peak, inFlight);
		let released = false;
		const done = () => {
			if (released) return;
			released = true;
			release();
		};
		const upstream = httpRequest(`${target}${incoming.url ?? '/'}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
			outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(outgoing);
			answer.on('end', done);
			answer.on('error', done);
		});
		upstream.on('error', () => {
			done();
			if (!outgoing.headersSent) outgoing.writeHead(502);
			outgoing.end();
		});
		upstream.end(body);
	};
	const server = createServer((incoming, outgoing) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		let senderGone = false;
		outgoing.on('close', () => (senderGone = !outgoing.writableFinished));
		incoming.on('end', () => {
			const body = Buffer.concat(chunks);
			const refuse = () => outgoing.writeHead(503).end();
			waiting.push({ senderGone: () => senderGone, queuedAt: Date.now(), refuse, start: () => forward(incoming, outgoing, body) });
			pump();
		});
	});
	// A waiting request is answered when its turn comes, however long: the sender's own timeout decides.
	server.requestTimeout = 0;
	server.headersTimeout = 0;
	await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 65_535 }, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		peakInFlight: () => peak,
		abandoned: () => abandoned,
		refusedAfterQueueTimeout: () => refused,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
