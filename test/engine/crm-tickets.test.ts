/**
 * Tickets between support desks through the neutral ticket model (status, priority, requester, assignee, subject,
 * description, comments): a ticket created or updated in one desk appears once in the other, comments included, and
 * what the sync wrote does not come back as a change (no echo, no comment written twice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { freshdeskDefaultMappings } from '../../lib/platforms/freshdesk';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce';
import { zendeskDefaultMappings } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface ZendeskTicket { id: number; subject: string; description: string; status: string; priority: string; requester_id: number; assignee_id?: number | null }
interface ZendeskUser { id: number; email: string }
interface FreshdeskTicket { id: number; subject: string; description_text: string; status: number; priority: number; requester_id: number; responder_id: number | null; deleted: boolean }
interface FreshdeskConversation { ticket_id: number; body_text: string; private: boolean }

let servers: RunningSandbox[];
let dir: string;
let store: StateStore;
let zendesk: CrmSandbox;
let freshdesk: CrmSandbox;
let salesforce: CrmSandbox;
let run = 0;

beforeAll(async () => {
	servers = [await startCrmSandbox('zendesk'), await startCrmSandbox('freshdesk'), await startCrmSandbox('salesforce')];
});
afterAll(async () => {
	for (const server of servers) await server.close();
});
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-tickets-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	zendesk = crmClient('zendesk', servers[0], store);
	freshdesk = crmClient('freshdesk', servers[1], store);
	salesforce = crmClient('salesforce', servers[2], store);
	await zendesk.control.reset();
	await freshdesk.control.reset();
	await salesforce.control.reset();
	await zendesk.control.updateSettings({ incrementalDelayMs: 0 });
	// The same agent in both desks, so an assignee travels by email.
	await zendesk.control.seed({ users: [{ name: 'Sam Agent', email: 'sam@support.example', role: 'agent' }] });
	await freshdesk.control.seed({ agents: [{ name: 'Sam Agent', email: 'sam@support.example' }] });
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sync = () => syncPlatforms({
	store, integration: 'desk', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: `desk-${++run}`,
	platforms: [
		{ connector: zendesk.connector, mappings: zendeskDefaultMappings.tickets! },
		{ connector: freshdesk.connector, mappings: freshdeskDefaultMappings.tickets! },
	],
});
const zendeskTickets = () => zendesk.control.state<ZendeskTicket[]>('tickets');
const freshdeskTickets = async () => (await freshdesk.control.state<FreshdeskTicket[]>('tickets')).filter((ticket) => !ticket.deleted);
const zendeskComments = async (ticketId: number) => {
	const response = await fetch(`${servers[0].baseUrl}/api/v2/tickets/${ticketId}/comments.json`, { headers: { authorization: `Basic ${Buffer.from(`${servers[0].credentials.email}/token:${servers[0].credentials.apiToken}`).toString('base64')}` } });
	return ((await response.json()) as { comments: Array<{ body: string; public: boolean }> }).comments.map((comment) => [comment.body, comment.public]);
};
const freshdeskComments = async (ticketId: number) =>
	(await freshdesk.control.state<Array<FreshdeskConversation & { id: number }>>('conversations')).filter((entry) => entry.ticket_id === ticketId).map((entry) => [entry.body_text, !entry.private]);
const freshdeskCall = (path: string, body: unknown, method = 'POST') => fetch(`${servers[1].baseUrl}${path}`, {
	method, headers: { authorization: `Basic ${Buffer.from(`${servers[1].credentials.apiKey}:X`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const zendeskCall = (path: string, body: unknown) => fetch(`${servers[0].baseUrl}${path}`, {
	method: 'PUT', headers: { authorization: `Basic ${Buffer.from(`${servers[0].credentials.email}/token:${servers[0].credentials.apiToken}`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const writesTo = async (sandbox: CrmSandbox) => (await sandbox.control.requests()).filter((entry) => entry.method !== 'GET');

test('a Freshdesk ticket reaches Zendesk once, with status, priority, requester, assignee and its comments, and nothing echoes', async () => {
	const agentId = (await freshdesk.control.state<Array<{ id: number; contact: { email: string } }>>('agents')).find((agent) => agent.contact.email === 'sam@support.example')!.id;
	const created = await freshdeskCall('/api/v2/tickets', { email: 'Ann@Example.com', subject: 'Printer on fire', description: 'Smoke from tray 2', status: 3, priority: 4, responder_id: agentId });
	const ticket = (await created.json()) as { id: number };
	await freshdeskCall(`/api/v2/tickets/${ticket.id}/reply`, { body: 'Please unplug it.' });
	await freshdeskCall(`/api/v2/tickets/${ticket.id}/notes`, { body: 'Third time this week', private: true });

	const first = await sync();
	expect(first.failures).toEqual([]);
	expect(first.platforms.zendesk.created).toBe(1);
	const [copy] = await zendeskTickets();
	expect(copy).toMatchObject({ subject: 'Printer on fire', description: 'Smoke from tray 2', status: 'pending', priority: 'urgent' });
	const users = await zendesk.control.state<ZendeskUser[]>('users');
	expect(users.find((user) => user.id === copy.requester_id)?.email).toBe('ann@example.com');
	expect(users.find((user) => user.id === copy.assignee_id)?.email).toBe('sam@support.example');
	expect(await zendeskComments(copy.id)).toEqual([['Smoke from tray 2', true], ['Please unplug it.', true], ['Third time this week', false]]);

	// The next runs read Zendesk's copy and Freshdesk's original back: both are what the sync knows, so nothing moves.
	await zendesk.control.clearRequests();
	await freshdesk.control.clearRequests();
	for (let quiet = 0; quiet < 2; quiet++) {
		const again = await sync();
		expect([again.platforms.zendesk.pulled, again.platforms.freshdesk.pulled]).toEqual([0, 0]);
	}
	expect(await writesTo(zendesk)).toEqual([]);
	expect(await writesTo(freshdesk)).toEqual([]);
	expect(await zendeskTickets()).toHaveLength(1);
	expect(await zendeskComments(copy.id)).toHaveLength(3);
});

test('a Zendesk ticket and its later reply reach Freshdesk once each, both ways, with statuses mapped', async () => {
	await zendesk.control.seed({ tickets: [{ subject: 'Refund please', comment: { body: 'Order 1001 arrived broken' }, requester: { email: 'bob@example.com' }, priority: 'low', status: 'open' }] });
	const first = await sync();
	expect(first.failures).toEqual([]);
	const [copy] = await freshdeskTickets();
	expect(copy).toMatchObject({ subject: 'Refund please', description_text: 'Order 1001 arrived broken', status: 2, priority: 1 });
	expect(await freshdeskComments(copy.id)).toEqual([]);

	// An agent answers in Zendesk and solves it: Freshdesk gets the reply once and Resolved.
	const [original] = await zendeskTickets();
	await zendeskCall(`/api/v2/tickets/${original.id}.json`, { ticket: { comment: { body: 'Refunded, sorry!', public: true }, status: 'solved' } });
	const second = await sync();
	expect(second.failures).toEqual([]);
	expect(second.platforms.freshdesk.updated).toBe(1);
	expect((await freshdeskTickets())[0].status).toBe(4);
	expect(await freshdeskComments(copy.id)).toEqual([['Refunded, sorry!', true]]);

	// The requester answers in Freshdesk (a note here), the other way round: Zendesk gets it once, nothing is doubled.
	await freshdeskCall(`/api/v2/tickets/${copy.id}/notes`, { body: 'Thanks, received.', private: false });
	const third = await sync();
	expect(third.failures).toEqual([]);
	expect(await zendeskComments(original.id)).toEqual([['Order 1001 arrived broken', true], ['Refunded, sorry!', true], ['Thanks, received.', true]]);
	expect(await freshdeskComments(copy.id)).toEqual([['Refunded, sorry!', true], ['Thanks, received.', true]]);

	await zendesk.control.clearRequests();
	await freshdesk.control.clearRequests();
	const quiet = await sync();
	expect([quiet.platforms.zendesk.pulled, quiet.platforms.freshdesk.pulled]).toEqual([0, 0]);
	expect([...(await writesTo(zendesk)), ...(await writesTo(freshdesk))]).toEqual([]);
});

test('an assignee who is no agent of the other desk fails that ticket alone, naming the email', async () => {
	await zendesk.control.seed({ users: [{ name: 'Zed Only', email: 'zed@support.example', role: 'agent' }] });
	const zed = (await zendesk.control.state<ZendeskUser[]>('users')).find((user) => user.email === 'zed@support.example')!;
	await zendesk.control.seed({ tickets: [
		{ subject: 'Assigned to Zed', comment: { body: 'A' }, requester: { email: 'c1@example.com' }, assignee_id: zed.id },
		{ subject: 'Unassigned', comment: { body: 'B' }, requester: { email: 'c2@example.com' } },
	] });
	const result = await sync();
	expect(result.failures.map((failure) => [failure.platform, failure.error?.code, failure.error?.message])).toEqual([
		['freshdesk', 'UNKNOWN_AGENT', 'No Freshdesk agent has the email zed@support.example (responder_email)'],
	]);
	expect((await freshdeskTickets()).map((ticket) => ticket.subject)).toEqual(['Unassigned']);
});

interface SalesforceCase { Id: string; Subject: string; Description: string; Status: string; Priority: string; SuppliedEmail: string }
interface SalesforceComment { ParentId: string; CommentBody: string; IsPublished: boolean }

const syncThree = () => syncPlatforms({
	store, integration: 'desks', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: `desks-${++run}`,
	platforms: [
		{ connector: zendesk.connector, mappings: zendeskDefaultMappings.tickets! },
		{ connector: freshdesk.connector, mappings: freshdeskDefaultMappings.tickets! },
		{ connector: salesforce.connector, mappings: salesforceDefaultMappings.tickets },
	],
});
const caseComments = async (caseId: string) =>
	(await salesforce.control.state<SalesforceComment[]>('CaseComment')).filter((comment) => comment.ParentId === caseId).map((comment) => [comment.CommentBody, comment.IsPublished]);

test('three desks: a Freshdesk ticket reaches Zendesk and a Salesforce Case once each; a Case comment then reaches both once', async () => {
	const created = await freshdeskCall('/api/v2/tickets', { email: 'cy@example.com', subject: 'Login broken', description: 'Cannot sign in', status: 2, priority: 2 });
	const ticket = (await created.json()) as { id: number };
	await freshdeskCall(`/api/v2/tickets/${ticket.id}/notes`, { body: 'Checked SSO logs', private: true });

	const first = await syncThree();
	expect(first.failures).toEqual([]);
	const [kase] = await salesforce.control.state<SalesforceCase[]>('Case');
	expect(kase).toMatchObject({ Subject: 'Login broken', Description: 'Cannot sign in', Status: 'New', Priority: 'Medium', SuppliedEmail: 'cy@example.com' });
	expect(await caseComments(kase.Id)).toEqual([['Checked SSO logs', false]]);
	const [zendeskCopy] = await zendeskTickets();
	expect(await zendeskComments(zendeskCopy.id)).toEqual([['Cannot sign in', true], ['Checked SSO logs', false]]);

	// An agent comments on the Case in Salesforce (which touches the Case): Zendesk and Freshdesk get it once.
	const auth = { authorization: `Bearer ${servers[2].credentials.accessToken}`, 'content-type': 'application/json' };
	const comment = await fetch(`${servers[2].baseUrl}/services/data/v60.0/sobjects/CaseComment`, { method: 'POST', headers: auth, body: JSON.stringify({ ParentId: kase.Id, CommentBody: 'Reset your password, please', IsPublished: true }) });
	expect(comment.status).toBe(201);
	const second = await syncThree();
	expect(second.failures).toEqual([]);
	expect(await zendeskComments(zendeskCopy.id)).toEqual([['Cannot sign in', true], ['Checked SSO logs', false], ['Reset your password, please', true]]);
	expect(await freshdeskComments(ticket.id)).toEqual([['Checked SSO logs', false], ['Reset your password, please', true]]);
	expect(await caseComments(kase.Id)).toHaveLength(2);

	await zendesk.control.clearRequests();
	await freshdesk.control.clearRequests();
	await salesforce.control.clearRequests();
	const quiet = await syncThree();
	expect([quiet.platforms.zendesk.pulled, quiet.platforms.freshdesk.pulled, quiet.platforms.salesforce.pulled]).toEqual([0, 0, 0]);
	const salesforceWrites = (await salesforce.control.requests()).filter((entry) => entry.method !== 'GET' && !entry.path.endsWith('/composite'));
	expect([...(await writesTo(zendesk)), ...(await writesTo(freshdesk)), ...salesforceWrites]).toEqual([]);
	expect([(await zendeskTickets()).length, (await freshdeskTickets()).length, (await salesforce.control.state<SalesforceCase[]>('Case')).length]).toEqual([1, 1, 1]);
});

test('comments added on both desks in the same round reach the other once each, equal texts stay two, and no copy comes back', async () => {
	await zendesk.control.seed({ tickets: [{ subject: 'Slow site', comment: { body: 'Pages take 10 s' }, requester: { email: 'dee@example.com' }, priority: 'normal', status: 'open' }] });
	expect((await sync()).failures).toEqual([]);
	const [original] = await zendeskTickets();
	const [copy] = await freshdeskTickets();

	// Each desk gets a comment before the next round; both say "Thanks" once, which is two comments, not one.
	await zendeskCall(`/api/v2/tickets/${original.id}.json`, { ticket: { comment: { body: 'Thanks', public: true } } });
	await freshdeskCall(`/api/v2/tickets/${copy.id}/notes`, { body: 'CDN cache was cold', private: true });
	await freshdeskCall(`/api/v2/tickets/${copy.id}/reply`, { body: 'Thanks' });
	const second = await sync();
	expect(second.failures).toEqual([]);
	const zendeskThread = await zendeskComments(original.id);
	const freshdeskThread = await freshdeskComments(copy.id);
	expect(zendeskThread.slice(0, 2)).toEqual([['Pages take 10 s', true], ['Thanks', true]]);
	expect(zendeskThread.slice(2).sort()).toEqual([['CDN cache was cold', false], ['Thanks', true]]);
	expect(freshdeskThread.slice(0, 2)).toEqual([['CDN cache was cold', false], ['Thanks', true]]);
	expect(freshdeskThread.slice(2)).toEqual([['Thanks', true]]);

	await zendesk.control.clearRequests();
	await freshdesk.control.clearRequests();
	for (let quiet = 0; quiet < 2; quiet++) {
		const again = await sync();
		expect([again.platforms.zendesk.pulled, again.platforms.freshdesk.pulled]).toEqual([0, 0]);
	}
	expect([...(await writesTo(zendesk)), ...(await writesTo(freshdesk))]).toEqual([]);
	expect([(await zendeskComments(original.id)).length, (await freshdeskComments(copy.id)).length]).toEqual([4, 3]);
});

test('a ticket created on a desk whose comment was then refused is linked, not created again: the next round adds the comment to that ticket', async () => {
	await zendesk.control.seed({ tickets: [{ subject: 'Lost parcel', comment: { body: 'Tracking shows nothing' }, requester: { email: 'hal@example.com' } }] });
	const [original] = await zendeskTickets();
	await zendeskCall(`/api/v2/tickets/${original.id}.json`, { ticket: { comment: { body: 'Which address?', public: true } } });
	// Freshdesk creates the ticket, then refuses the reply once (a 400 is not retried).
	await freshdesk.control.fault({ kind: 'error', status: 400, match: { method: 'POST', path: '^/api/v2/tickets/\\d+/reply$' }, times: 1 });
	const first = await sync();
	expect(first.failures.map((failure) => failure.platform)).toEqual(['freshdesk']);
	expect(first.pending).toBe(1);

	const second = await sync();
	expect(second.failures).toEqual([]);
	const tickets = await freshdeskTickets();
	expect(tickets.map((ticket) => ticket.subject)).toEqual(['Lost parcel']);
	expect(await freshdeskComments(tickets[0].id)).toEqual([['Which address?', true]]);
});

test('Zendesk as the source: 60 tickets reach Freshdesk with their comments read from the ticket events export, not a comments call per ticket; a later comment arrives once', async () => {
	const seeded = (await zendesk.control.seed({
		tickets: Array.from({ length: 60 }, (_, i) => ({ subject: `Ticket ${i}`, comment: { body: `Problem ${i}` }, priority: 'normal', requester: { email: `req${i}@example.com` } })),
	}) as { tickets: ZendeskTicket[] }).tickets;
	await zendesk.control.seed({ comments: seeded.map((ticket, i) => ({ ticket_id: ticket.id, body: `Reply ${i}`, public: i % 2 === 0 })) });
	await zendesk.control.seed({ comments: [{ ticket_id: seeded[7].id, body: 'Second look', public: false }] });
	await zendesk.control.clearRequests();
	// What is measured is Zendesk's reads: Freshdesk's per-minute windows (shared with the tests before) are lifted meanwhile.
	await freshdesk.control.setRateLimits({ enabled: false });

	const first = await sync();
	expect(first.failures).toEqual([]);
	const copies = await freshdeskTickets();
	expect(copies).toHaveLength(60);
	for (const [i, ticket] of seeded.entries()) {
		const copy = copies.find((entry) => entry.subject === ticket.subject)!;
		expect([ticket.subject, copy.description_text, await freshdeskComments(copy.id)]).toEqual([ticket.subject, `Problem ${i}`, i === 7 ? [['Reply 7', false], ['Second look', false]] : [[`Reply ${i}`, i % 2 === 0]]]);
	}
	const calls = (await zendesk.control.requests()).filter((entry) => entry.method === 'GET').map((entry) => entry.path);
	expect(calls.filter((path) => /\/tickets\/\d+\/comments/.test(path))).toEqual([]);
	expect(calls.filter((path) => path.startsWith('/api/v2/incremental/ticket_events')).length).toBeGreaterThan(0);
	// The requesters come side-loaded with the export's pages (include=users): no users call of their own.
	expect(calls.filter((path) => path.startsWith('/api/v2/users/show_many'))).toEqual([]);
	expect((await freshdesk.control.state<Array<{ requester_id: number }>>('tickets')).length).toBe(60);
	const requesters = new Set((await freshdesk.control.state<Array<{ email: string }>>('contacts')).map((contact) => contact.email));
	expect(seeded.map((_ticket, i) => requesters.has(`req${i}@example.com`))).toEqual(seeded.map(() => true));

	await zendeskCall(`/api/v2/tickets/${seeded[3].id}.json`, { ticket: { comment: { body: 'Any news?', public: true } } });
	expect((await sync()).failures).toEqual([]);
	const third = copies.find((entry) => entry.subject === 'Ticket 3')!;
	expect(await freshdeskComments(third.id)).toEqual([['Reply 3', false], ['Any news?', true]]);
	await freshdesk.control.clearRequests();
	expect((await sync()).failures).toEqual([]);
	expect(await writesTo(freshdesk)).toEqual([]);
	await freshdesk.control.setRateLimits({ enabled: true });
});

test('a Zendesk pull begun after a ticket was made lists that ticket\'s comments (the events read starts at the pull), and reads a newer ticket\'s from the events export', async () => {
	const [older] = (await zendesk.control.seed({ tickets: [{ subject: 'Older', comment: { body: 'Made before' }, requester: { email: 'old@example.com' } }] }) as { tickets: ZendeskTicket[] }).tickets;
	await zendesk.control.seed({ comments: [{ ticket_id: older.id, body: 'Before the start', public: true }] });
	// Zendesk's times are whole seconds: the pull starts on the next one.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const startAt = new Date();
	await zendesk.control.seed({ comments: [{ ticket_id: older.id, body: 'After the start', public: false }] });
	const [newer] = (await zendesk.control.seed({ tickets: [{ subject: 'Newer', comment: { body: 'Made after' }, requester: { email: 'new@example.com' } }] }) as { tickets: ZendeskTicket[] }).tickets;
	await zendesk.control.seed({ comments: [{ ticket_id: newer.id, body: 'Newer reply', public: true }] });
	await zendesk.control.clearRequests();

	const page = await zendesk.connector.pullChanges('tickets', zendesk.connector.cursorAt('tickets', startAt));
	const comments = Object.fromEntries(page.records.map((record) => [record.fields.subject, (record.fields.comments as Array<{ body: string; public: boolean }>).map((comment) => [comment.body, comment.public])]));
	expect(comments).toEqual({ Older: [['Before the start', true], ['After the start', false]], Newer: [['Newer reply', true]] });
	const listed = (await zendesk.control.requests()).map((entry) => entry.path).filter((path) => /\/tickets\/\d+\/comments/.test(path));
	expect(listed).toEqual([`/api/v2/tickets/${older.id}/comments.json`]);
});

test('a comment the Zendesk events read reaches for a ticket not on the pulled page goes out with that ticket, read by id', async () => {
	const [first, second] = (await zendesk.control.seed({ tickets: [{ subject: 'First', comment: { body: 'One' }, requester: { email: 'a@example.com' } }, { subject: 'Second', comment: { body: 'Two' }, requester: { email: 'b@example.com' } }] }) as { tickets: ZendeskTicket[] }).tickets;
	const initial = await zendesk.connector.pullChanges('tickets', undefined);
	expect(initial.records.map((record) => record.fields.subject).sort()).toEqual(['First', 'Second']);
	await zendesk.control.seed({ comments: [{ ticket_id: first.id, body: 'Reply to first', public: true }] });
	const withFirst = await zendesk.connector.pullChanges('tickets', initial.cursor);
	expect(withFirst.records.map((record) => record.fields.subject)).toEqual(['First']);
	await zendeskCall(`/api/v2/tickets/${second.id}.json`, { ticket: { subject: 'Second, renamed' } });
	// The export's cursor after First, but the events read from where the first pull left it: First's reply is read
	// again with a page holding only Second, so First goes out beside it, read by id.
	const position = JSON.parse(withFirst.cursor) as { cursor: string; events: { from: number; origin: number } };
	const behind = JSON.stringify({ ...position, events: (JSON.parse(initial.cursor) as typeof position).events });
	await zendesk.control.clearRequests();
	const page = await zendesk.connector.pullChanges('tickets', behind);
	expect(page.records.map((record) => [record.fields.subject, (record.fields.comments as Array<{ body: string }>).map((comment) => comment.body)])).toEqual([['Second, renamed', []], ['First', ['Reply to first']]]);
	expect((await zendesk.control.requests()).map((entry) => entry.path)).toContain('/api/v2/tickets/show_many.json');
});
