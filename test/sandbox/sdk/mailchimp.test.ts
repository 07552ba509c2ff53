/**
 * Mailchimp's own Node SDK (`@mailchimp/mailchimp_marketing`) against the Mailchimp sandbox: members set (upsert by
 * subscriber hash), get, update and list with count/offset, batch subscribe, batch operations and their results
 * archive; errors as Mailchimp's problem details (401, 404, 400, 429). The SDK is one configured instance, so every
 * test configures it before its calls.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import mailchimp from '@mailchimp/mailchimp_marketing';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const hash = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');

function configure(apiKey = sandbox.credentials.apiKey): typeof mailchimp {
	mailchimp.setConfig({ apiKey, server: apiKey.split('-').pop() });
	mailchimp.basePath = `${sandbox.baseUrl}/3.0`;
	return mailchimp;
}

/** What the SDK rejects with: superagent's error, Mailchimp's problem details in `response.body`. */
async function failure(call: Promise<unknown>): Promise<{ status: number; body: { title: string; detail: string; status: number } }> {
	const error = (await call.then(() => undefined, (caught: unknown) => caught)) as { status: number; response: { body: { title: string; detail: string; status: number } } } | undefined;
	if (!error) throw new Error('expected the call to fail');
	return { status: error.status, body: error.response.body };
}

beforeAll(async () => {
	sandbox = await startSandbox('mailchimp');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ lists: [{ id: 'list1', name: 'Newsletter' }] });
});

test('members: set inserts then updates by subscriber hash, get reads back, update patches, the list pages with count and offset', async () => {
	const client = configure();
	expect(await client.ping.get()).toEqual({ health_status: "Everything's Chimpy!" });
	const created = await client.lists.setListMember('list1', hash('Ann@Example.com'), { email_address: 'Ann@Example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Ann' } });
	expect(created).toMatchObject({ id: hash('ann@example.com'), email_address: 'ann@example.com', status: 'subscribed', merge_fields: { FNAME: 'Ann' }, list_id: 'list1' });
	const again = await client.lists.setListMember('list1', hash('ann@example.com'), { email_address: 'ann@example.com', status_if_new: 'pending', merge_fields: { LNAME: 'Lee' } });
	expect(again).toMatchObject({ status: 'subscribed', merge_fields: { FNAME: 'Ann', LNAME: 'Lee' } });
	expect(await client.lists.getListMember('list1', hash('ann@example.com'))).toMatchObject({ email_address: 'ann@example.com', tags: [] });
	expect(await client.lists.updateListMember('list1', hash('ann@example.com'), { status: 'unsubscribed' })).toMatchObject({ status: 'unsubscribed' });
	for (const name of ['bob', 'cy', 'di']) await client.lists.setListMember('list1', hash(`${name}@example.com`), { email_address: `${name}@example.com`, status_if_new: 'subscribed' });
	const first = await client.lists.getListMembersInfo('list1', { count: 2, offset: 0 });
	const second = await client.lists.getListMembersInfo('list1', { count: 2, offset: 2 });
	expect(first.total_items).toBe(4);
	expect([...first.members, ...second.members].map((member: { email_address: string }) => member.email_address).sort()).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com', 'di@example.com']);
	const subscribed = await client.lists.getListMembersInfo('list1', { status: 'subscribed' });
	expect(subscribed.total_items).toBe(3);
	await client.lists.deleteListMember('list1', hash('bob@example.com'));
	expect(await client.lists.getListMember('list1', hash('bob@example.com'))).toMatchObject({ status: 'archived' });
	expect((await client.lists.getAllLists()).lists).toEqual([expect.objectContaining({ id: 'list1', name: 'Newsletter', stats: expect.objectContaining({ member_count: 2 }) })]);
});

test('batch subscribe answers 200 with each member\'s error; batch operations run and their results download as Mailchimp\'s archive', async () => {
	const client = configure();
	const subscribed = await client.lists.batchListMembers('list1', { members: [{ email_address: 'a@example.com', status: 'subscribed' }, { email_address: 'not-an-email', status: 'subscribed' }] });
	expect(subscribed).toMatchObject({ total_created: 1, error_count: 1, errors: [{ email_address: 'not-an-email' }] });

	const started = await client.batches.start({ operations: [
		{ method: 'PUT', path: `/lists/list1/members/${hash('b@example.com')}`, body: JSON.stringify({ email_address: 'b@example.com', status_if_new: 'subscribed' }), operation_id: 'put-b' },
		{ method: 'GET', path: `/lists/list1/members/${hash('nobody@example.com')}`, operation_id: 'get-nobody' },
	] });
	expect(started).toMatchObject({ status: 'pending', total_operations: 2 });
	const finished = await client.batches.status(started.id);
	expect(finished).toMatchObject({ status: 'finished', finished_operations: 2, errored_operations: 1 });
	const archive = gunzipSync(Buffer.from(await (await fetch(finished.response_body_url)).arrayBuffer()));
	const results = JSON.parse(archive.subarray(512, 512 + Number.parseInt(archive.subarray(124, 135).toString(), 8)).toString()) as Array<{ status_code: number; operation_id: string }>;
	expect(results.map((result) => [result.operation_id, result.status_code])).toEqual([['put-b', 200], ['get-nobody', 404]]);
	expect(await client.lists.getListMember('list1', hash('b@example.com'))).toMatchObject({ status: 'subscribed' });
});

test('errors come out as Mailchimp\'s problem details: invalid key, not found, invalid resource, too many requests', async () => {
	expect(await failure(configure('00000000000000000000000000000000-us21').ping.get())).toMatchObject({ status: 401, body: { title: 'API Key Invalid' } });
	const client = configure();
	expect(await failure(client.lists.getListMember('list1', hash('nobody@example.com')))).toMatchObject({ status: 404, body: { title: 'Resource Not Found', status: 404 } });
	expect(await failure(client.lists.getListMember('no-such-list', hash('a@example.com')))).toMatchObject({ status: 404 });
	const invalid = await failure(client.lists.setListMember('list1', hash('fake'), { email_address: 'fake', status_if_new: 'subscribed' }));
	expect(invalid).toMatchObject({ status: 400, body: { title: 'Invalid Resource' } });
	const noStatus = await failure(client.lists.setListMember('list1', hash('c@example.com'), { email_address: 'c@example.com' }));
	expect(noStatus.body.detail).toContain('status');
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/3.0/lists' } });
	expect(await failure(client.lists.getListMembersInfo('list1'))).toMatchObject({ status: 429, body: { title: 'Too Many Requests' } });
	expect(await control.state('members')).toEqual([]);
});
