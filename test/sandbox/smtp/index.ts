/**
 * A local SMTP sink for the templates' Send Email nodes: accepts every message (any or no login, no TLS), keeps it in
 * memory and shows it on a small HTTP page, so the demo's notifications can be read and tests can assert them.
 * SMTP (RFC 5321) as nodemailer speaks it: EHLO/HELO, AUTH PLAIN/LOGIN (any credentials), MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT. `GET /messages` lists what arrived (newest last), `DELETE /messages` forgets it.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface SinkMessage {
	from: string;
	to: string[];
	subject: string;
	/** The body as text: quoted-printable and base64 parts decoded, MIME headers of parts left out. */
	text: string;
	/** The message exactly as the client sent it in DATA. */
	raw: string;
	receivedAt: string;
}

export interface SmtpSink {
	host: string;
	/** SMTP port. */
	port: number;
	/** `GET` lists the messages as JSON; `DELETE` clears them. */
	messagesUrl: string;
	messages(): SinkMessage[];
	clear(): void;
	/** Resolves with the first message (oldest first) that `match` accepts, or throws after `timeoutMs`. */
	waitFor(match: (message: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
	close(): Promise<void>;
}

const address = (value: string) => (/<([^>]*)>/.exec(value)?.[1] ?? value).trim();

function decodeQuotedPrintable(text: string): string {
	const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
	return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Headers (unfolded) and body of one MIME entity. */
function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
	const end = raw.search(/\r?\n\r?\n/);
	const head = end === -1 ? raw : raw.slice(0, end);
	const body = end === -1 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
	const headers: Record<string, string> = {};
	// Unfolding removes the line break only (RFC 5322 2.2.3).
	for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
	const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
	if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
	if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	return body;
}

/** The readable text of a message: its text/plain part, else its first part, else its body. */
function textOf(headers: Record<string, string>, body: string): string {
	const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
	if (!boundary) return decodeBody(headers, body).trim();
	const parts = body.split(`--${boundary}`).slice(1, -1).map(splitEntity);
	const plain = parts.find((part) => /text\/plain/i.test(part.headers['content-type'] ?? '')) ?? parts[0];
	return plain ? textOf(plain.headers, plain.body) : '';
}

/** RFC 2047 encoded words in a header (nodemailer encodes non-ASCII subjects). */
function decodeHeader(value: string): string {
	// White space between two encoded words is not part of the text (RFC 2047 6.2): a long subject is split that way.
	return value.replace(/(\?=)\s+(?==\?)/g, '$1').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset, kind: string, text: string) =>
		kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
	);
}

export function parseMessage(raw: string, envelope: { from: string; to: string[] }): SinkMessage {
	const { headers, body } = splitEntity(raw);
	return { from: envelope.from, to: envelope.to, subject: decodeHeader(headers.subject ?? ''), text: textOf(headers, body), raw, receivedAt: new Date().toISOString() };
}

/** One SMTP conversation. */
function converse(socket: Socket, deliver: (message: SinkMessage) => void): void {
	let from = '';
	let to: string[] = [];
	let data: string[] | undefined;
	let authStep: 'username' | 'password' | 'plain' | undefined;
	let buffer = '';
	const reply = (line: string) => socket.write(`${line}\r\n`);
	const handle = (line: string) => {
		if (data) {
			if (line === '.') {
				deliver(parseMessage(data.join('\r\n'), { from, to }));
				data = undefined;
				from = '';
				to = [];
				return reply('250 2.0.0 OK: queued');
			}
			// Dot-stuffing (RFC 5321 4.5.2).
			data.push(line.startsWith('..') ? line.slice(1) : line);
			return;
		}
		if (authStep) {
			authStep = authStep === 'username' ? 'password' : undefined;
			return reply(authStep === 'password' ? '334 UGFzc3dvcmQ6' : '235 2.7.0 Authentication successful');
		}
		const [verb, ...rest] = line.split(' ');
		const argument = rest.join(' ');
		switch (verb.toUpperCase()) {
			case 'EHLO':
				return reply('250-smtp-sink\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8');
			case 'HELO':
				return reply('250 smtp-sink');
			case 'AUTH': {
				const [mechanism, initial] = argument.split(' ');
				if (mechanism.toUpperCase() === 'LOGIN') {
					authStep = initial ? 'password' : 'username';
					return reply(initial ? '334 UGFzc3dvcmQ6' : '334 VXNlcm5hbWU6');
				}
				if (initial) return reply('235 2.7.0 Authentication successful');
				authStep = 'plain';
				return reply('334 ');
			}
			case 'MAIL':
				from = address(argument.replace(/^FROM:/i, '').split(' ')[0]);
				return reply('250 2.1.0 OK');
			case 'RCPT':
				to.push(address(argument.replace(/^TO:/i, '')));
				return reply('250 2.1.5 OK');
			case 'DATA':
				if (to.length === 0) return reply('503 5.5.1 RCPT first');
				data = [];
				return reply('354 End data with <CR><LF>.<CR><LF>');
			case 'RSET':
				from = '';
				to = [];
				return reply('250 2.0.0 OK');
			case 'NOOP':
				return reply('250 2.0.0 OK');
			case 'QUIT':
				reply('221 2.0.0 Bye');
				return void socket.end();
			default:
				return reply('502 5.5.2 Command not recognized');
		}
	};
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => {
		buffer += chunk;
		for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			handle(line);
		}
	});
	socket.on('error', () => socket.destroy());
	reply('220 smtp-sink ESMTP ready');
}

const listen = async (server: Server | HttpServer, port: number) =>
	await new Promise<number>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
	});

/** Starts the sink on loopback: SMTP on `port` (0: a free one), its HTTP listing on `httpPort` (0: a free one). */
export async function startSmtpSink(options: { port?: number; httpPort?: number } = {}): Promise<SmtpSink> {
	let messages: SinkMessage[] = [];
	const waiters = new Set<() => void>();
	const sockets = new Set<Socket>();
	const smtp = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		converse(socket, (message) => {
			messages.push(message);
			for (const wake of waiters) wake();
		});
	});
	const http = createHttpServer((request, response) => {
		if (request.url !== '/messages') return void response.writeHead(404).end();
		if (request.method === 'DELETE') messages = [];
		response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(messages.map(({ raw: _raw, ...message }) => message), null, 2));
	});
	const port = await listen(smtp, options.port ?? 0);
	const httpPort = await listen(http, options.httpPort ?? 0);
	return {
		host: '127.0.0.1',
		port,
		messagesUrl: `http://127.0.0.1:${httpPort}/messages`,
		messages: () => [...messages],
		clear: () => void (messages = []),
		// 120 s by default: the mail is sent at the end of an n8n execution, which a loaded machine (or a queue-mode worker) runs late.
		async waitFor(match, timeoutMs = 120_000) {
			const found = () => messages.find(match);
			if (found()) return found()!;
			return await new Promise<SinkMessage>((resolve, reject) => {
				const wake = () => {
					const message = found();
					if (!message) return;
					cleanup();
					resolve(message);
				};
				const timer = setTimeout(() => {
					cleanup();
					reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(messages.map((message) => message.subject))}`));
				}, timeoutMs);
				const cleanup = () => {
					clearTimeout(timer);
					waiters.delete(wake);
				};
				waiters.add(wake);
			});
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await Promise.all([new Promise((resolve) => smtp.close(resolve)), new Promise((resolve) => http.close(resolve))]);
		},
	};
}
