/** The SMTP sink takes a message the way nodemailer sends one (EHLO, AUTH, MAIL, RCPT, DATA) and shows it decoded. */
import { connect } from 'node:net';

import { startSmtpSink, type SmtpSink } from '.';

let sink: SmtpSink;
beforeAll(async () => {
	sink = await startSmtpSink();
});
afterAll(async () => await sink.close());

/** Sends `lines` one at a time, each after the server's reply to the one before; resolves with every reply. */
async function converse(lines: string[]): Promise<string[]> {
	const socket = connect(sink.port, sink.host);
	socket.setEncoding('utf8');
	const replies: string[] = [];
	let pending = '';
	return await new Promise((resolve, reject) => {
		socket.on('error', reject);
		socket.on('data', (chunk: string) => {
			pending += chunk;
			// A reply ends with a line whose code is followed by a space ("250 OK", not "250-AUTH").
			if (!/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(pending)) return;
			replies.push(pending.trimEnd());
			pending = '';
			const next = lines.shift();
			if (next === undefined) return void socket.end(() => resolve(replies));
			socket.write(`${next}\r\n`);
		});
	});
}

test('a message is kept with its envelope, decoded (folded, encoded-word) subject and quoted-printable text; the listing shows it', async () => {
	const replies = await converse([
		'EHLO client',
		'AUTH PLAIN AHVzZXIAcGFzcw==',
		'MAIL FROM:<alerts@example.com> SIZE=300',
		'RCPT TO:<finance@example.com>',
		'DATA',
		['From: Alerts <alerts@example.com>', 'To: finance@example.com', 'Subject: =?UTF-8?Q?Payment_failed_=E2=80=94_o?=', ' =?UTF-8?Q?rder_7?=', 'Content-Transfer-Encoding: quoted-printable', '', 'Reason: hard_decline =', 'for 30.00 USD', '..dot-stuffed', '.'].join('\r\n'),
		'QUIT',
	]);
	expect(replies.map((reply) => reply.slice(0, 3))).toEqual(['220', '250', '235', '250', '250', '354', '250', '221']);
	expect(sink.messages()).toEqual([
		expect.objectContaining({ from: 'alerts@example.com', to: ['finance@example.com'], subject: 'Payment failed — order 7', text: 'Reason: hard_decline for 30.00 USD\r\n.dot-stuffed' }),
	]);
	const listed = (await (await fetch(sink.messagesUrl)).json()) as Array<{ subject: string }>;
	expect(listed.map((message) => message.subject)).toEqual(['Payment failed — order 7']);
	await fetch(sink.messagesUrl, { method: 'DELETE' });
	expect(sink.messages()).toEqual([]);
});

test('DATA before any recipient is refused and keeps nothing', async () => {
	const replies = await converse(['HELO client', 'MAIL FROM:<a@example.com>', 'DATA', 'QUIT']);
	expect(replies[3]).toMatch(/^503 /);
	expect(sink.messages()).toEqual([]);
});
