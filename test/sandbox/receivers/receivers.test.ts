/** The receivers sandbox on its own: signature and bearer checks, one record per idempotency key, faults, reset. */
import { signHeaders } from '../../../lib/routing';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { receiverBearerToken, receiverSecret, type ReceivedDelivery } from '.';

let sandbox: RunningSandbox;
let control: SandboxControl;

const post = (receiver: string, body: string, headers: Record<string, string>) =>
	fetch(`${sandbox.baseUrl}/${receiver}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const signed = (receiver: string, id: string, body: string, secret = receiverSecret(receiver)) => signHeaders(secret, id, Math.floor(Date.now() / 1000), body);

beforeAll(async () => {
	sandbox = await startSandbox('receivers');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(async () => sandbox.close());
beforeEach(async () => control.reset());

test('records a signed delivery once per webhook-id and counts the duplicates', async () => {
	const body = '{"id":"e1","type":"order.placed"}';
	const headers = signed('inventory', 'msg_1', body);
	expect((await post('inventory', body, headers)).status).toBe(202);
	const again = await post('inventory', body, headers);
	expect(again.status).toBe(200);
	expect(await again.json()).toEqual({ received: true, duplicate: true });
	const [delivery] = await control.state<ReceivedDelivery[]>('inventory');
	expect(delivery).toMatchObject({ receiver: 'inventory', idempotencyKey: 'msg_1', auth: 'signature', requests: 2, body: { id: 'e1' } });
	expect(await control.state('duplicates')).toEqual({ duplicates: 1 });
	expect(await control.state('analytics')).toEqual([]);
});

test("rejects another receiver's signature, a tampered body, and no credentials at all; accepts the bearer token", async () => {
	const body = '{"id":"e2"}';
	expect((await post('accounting', body, signed('accounting', 'msg_2', body, receiverSecret('marketing')))).status).toBe(401);
	expect((await post('accounting', '{"id":"e3"}', signed('accounting', 'msg_2', body))).status).toBe(401);
	expect((await post('accounting', body, {})).status).toBe(401);
	expect((await post('accounting', body, { authorization: `Bearer ${receiverBearerToken}` })).status).toBe(400);
	expect((await post('accounting', body, { authorization: `Bearer ${receiverBearerToken}`, 'idempotency-key': 'k1' })).status).toBe(202);
	expect((await post('nowhere', body, signed('nowhere', 'msg_3', body))).status).toBe(404);
	expect((await control.state<unknown[]>('rejected')).length).toBe(4);
});

test('faults through the control API hit one receiver only', async () => {
	await control.fault({ kind: 'error', status: 503, times: 1, match: { path: '/marketing/' } });
	const body = '{"id":"e4"}';
	expect((await post('marketing', body, signed('marketing', 'msg_4', body))).status).toBe(503);
	expect((await post('analytics', body, signed('analytics', 'msg_4', body))).status).toBe(202);
	expect((await post('marketing', body, signed('marketing', 'msg_4', body))).status).toBe(202);
});

test("stands in for a content calendar's queue: lists the due posts seeded, none after a reset, and refuses other seed data", async () => {
	const due = async () => (await fetch(`${sandbox.baseUrl}/social/queue/due`)).json();
	expect(await due()).toEqual([]);
	await control.seed({ posts: [{ postId: 'launch', text: 'We are live' }] });
	expect(await due()).toEqual([{ postId: 'launch', text: 'We are live' }]);
	await control.reset();
	expect(await due()).toEqual([]);
	await expect(control.seed({ deliveries: [] })).rejects.toThrow(/posts/);
});

test("stands in for a customer database: lists the customers' last activity seeded (one item each in n8n), none after a reset", async () => {
	const customers = async () => (await fetch(`${sandbox.baseUrl}/customers/last-activity`)).json();
	expect(await customers()).toEqual([]);
	await control.seed({ customers: [{ email: 'idle@example.com', lastActivityAt: '2025-01-15T08:00:00Z' }] });
	expect(await customers()).toEqual([{ email: 'idle@example.com', lastActivityAt: '2025-01-15T08:00:00Z' }]);
	expect(await (await fetch(`${sandbox.baseUrl}/social/queue/due`)).json()).toEqual([]);
	await control.reset();
	expect(await customers()).toEqual([]);
	await expect(control.seed({ deliveries: [] })).rejects.toThrow(/customers/);
});
