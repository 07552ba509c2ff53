/**
 * Tickets across all five desks at once (Zendesk, Freshdesk, Salesforce Case, Intercom, HubSpot) through the neutral
 * ticket model: a ticket created on any desk reaches the other four once, with its comments (HubSpot keeps them as
 * notes, which are internal); comments added on two desks in the
 * same round reach every other desk once; a status change travels mapped; the assignee travels by email (a Salesforce
 * case's owner, a user); and quiet rounds pull and write nothing (no copy comes back as a change, no comment is
 * written twice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { freshdeskDefaultMappings } from '../../lib/platforms/freshdesk';
import { hubSpotDefaultMappings } from '../../lib/platforms/hubspot';
import { intercomDefaultMappings } from '../../lib/platforms/intercom';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce';
import { zendeskDefaultMappings } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

const names = ['zendesk', 'freshdesk', 'salesforce', 'intercom', 'hubspot'] as const;
type Desk = typeof names[number];

let servers: Record<Desk, RunningSandbox>;
let desks: Record<Desk, CrmSandbox>;
let dir: string;
let store: StateStore;
let run = 0;

beforeAll(async () => {
	servers = {} as Record<Desk, RunningSandbox>;
	for (const name of names) servers[name] = await startCrmSandbox(name);
});
afterAll(async () => {
	for (const name of names) await servers[name].close();
});
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-desks-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	desks = {} as Record<Desk, CrmSandbox>;
	for (const name of names) {
		desks[name] = crmClient(name, servers[name], store);
		await desks[name].control.reset();
	}
	await desks.zendesk.control.updateSettings({ incrementalDelayMs: 0 });
	await desks.zendesk.control.seed({ users: [{ name: 'Sam Agent', email: 'sam@support.example', role: 'agent' }] });
	await desks.freshdesk.control.seed({ agents: [{ name: 'Sam Agent', email: 'sam@support.example' }] });
	await desks.intercom.control.seed({ admins: [{ name: 'Sam Agent', email: 'sam@support.example' }] });
	await desks.hubspot.control.seed({ owners: [{ firstName: 'Sam', lastName: 'Agent', email: 'sam@support.example' }] });
	await desks.salesforce.control.seed({ User: [{ FirstName: 'Sam', LastName: 'Agent', Email: 'sam@support.example' }] });
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sync = () => syncPlatforms({
	store, integration: 'desks', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: `desks-${++run}`,
	platforms: [
		{ connector: desks.zendesk.connector, mappings: zendeskDefaultMappings.tickets! },
		{ connector: desks.freshdesk.connector, mappings: freshdeskDefaultMappings.tickets! },
		{ connector: desks.salesforce.connector, mappings: salesforceDefaultMappings.tickets },
		{ connector: desks.intercom.connector, mappings: intercomDefaultMappings.tickets! },
		{ connector: desks.hubspot.connector, mappings: hubSpotDefaultMappings.tickets },
	],
});

function call(desk: Desk, path: string, body: unknown, method = 'POST'): Promise<Response> {
	const credentials = servers[desk].credentials;
	const authorization = desk === 'zendesk' ? `Basic ${Buffer.from(`${credentials.email}/token:${credentials.apiToken}`).toString('base64')}`
		: desk === 'freshdesk' ? `Basic ${Buffer.from(`${credentials.apiKey}:X`).toString('base64')}` : `Bearer ${credentials.accessToken}`;
	return fetch(`${servers[desk].baseUrl}${path}`, { method, headers: { authorization, 'content-type': 'application/json', 'intercom-version': '2.14' }, body: JSON.stringify(body) });
}

interface Thread { id: string; comments: Array<[string, boolean]> }

/** The one ticket each desk holds, with its comments after the description as [text, public], sorted (arrival order differs by desk). */
async function threads(): Promise<Record<Desk, Thread[]>> {
	const zendesk = await desks.zendesk.control.state<Array<{ id: number }>>('tickets');
	const zendeskThreads: Thread[] = [];
	for (const ticket of zendesk) {
		const response = await fetch(`${servers.zendesk.baseUrl}/api/v2/tickets/${ticket.id}/comments.json`, { headers: { authorization: `Basic ${Buffer.from(`${servers.zendesk.credentials.email}/token:${servers.zendesk.credentials.apiToken}`).toString('base64')}` } });
		const comments = ((await response.json()) as { comments: Array<{ body: string; public: boolean }> }).comments.slice(1);
		zendeskThreads.push({ id: String(ticket.id), comments: comments.map((comment) => [comment.body, comment.public] as [string, boolean]).sort() });
	}
	const conversations = await desks.freshdesk.control.state<Array<{ ticket_id: number; body_text: string; private: boolean }>>('conversations');
	const freshdesk = (await desks.freshdesk.control.state<Array<{ id: number; deleted: boolean }>>('tickets')).filter((ticket) => !ticket.deleted)
		.map((ticket) => ({ id: String(ticket.id), comments: conversations.filter((entry) => entry.ticket_id === ticket.id).map((entry) => [entry.body_text, !entry.private] as [string, boolean]).sort() }));
	const caseComments = await desks.salesforce.control.state<Array<{ ParentId: string; CommentBody: string; IsPublished: boolean }>>('CaseComment');
	const salesforce = (await desks.salesforce.control.state<Array<{ Id: string }>>('Case'))
		.map((kase) => ({ id: kase.Id, comments: caseComments.filter((entry) => entry.ParentId === kase.Id).map((entry) => [entry.CommentBody, entry.IsPublished] as [string, boolean]).sort() }));
	const intercom = (await desks.intercom.control.state<Array<{ id: string; ticket_parts: { ticket_parts: Array<{ part_type: string; body: string }> } }>>('tickets'))
		.map((ticket) => ({ id: ticket.id, comments: ticket.ticket_parts.ticket_parts.map((part) => [part.body.replace(/<\/?p>/g, ''), part.part_type === 'comment'] as [string, boolean]).sort() }));
	const hubspot: Thread[] = [];
	for (const ticket of await desks.hubspot.control.state<Array<{ id: string }>>('tickets')) {
		const linked = (await (await call('hubspot', '/crm/v4/associations/tickets/notes/batch/read', { inputs: [{ id: ticket.id }] })).json()) as { results: Array<{ to: Array<{ toObjectId: number }> }> };
		const noteIds = new Set((linked.results[0]?.to ?? []).map((target) => String(target.toObjectId)));
		const notes = (await desks.hubspot.control.state<Array<{ id: string; properties: { hs_note_body: string } }>>('notes')).filter((note) => noteIds.has(note.id));
		hubspot.push({ id: ticket.id, comments: notes.map((note) => [note.properties.hs_note_body.replace(/<\/?p>/g, ''), false] as [string, boolean]).sort() });
	}
	return { zendesk: zendeskThreads, freshdesk, salesforce, intercom, hubspot };
}

/** HubSpot keeps every comment as a note, which only agents see. */
function asHeldBy(desk: string, comments: Array<[string, boolean]>): Array<[string, boolean]> {
	return desk === 'hubspot' ? comments.map(([body]) => [body, false] as [string, boolean]).sort() : comments;
}

async function salesforceUserId(email: string): Promise<string> {
	const users = await desks.salesforce.control.state<Array<{ Id: string; Email: string }>>('User');
	return users.find((user) => user.Email === email)!.Id;
}

/** Each desk's assignee of its one ticket, by email (null: nobody). */
async function assignees(): Promise<Record<Desk, string | null>> {
	const [zendeskTicket] = await desks.zendesk.control.state<Array<{ assignee_id: number | null }>>('tickets');
	const zendeskUsers = await desks.zendesk.control.state<Array<{ id: number; email: string }>>('users');
	const [freshdeskTicket] = await desks.freshdesk.control.state<Array<{ responder_id: number | null }>>('tickets');
	const agents = await desks.freshdesk.control.state<Array<{ id: number; contact: { email: string } }>>('agents');
	const [kase] = await desks.salesforce.control.state<Array<{ OwnerId: string }>>('Case');
	const users = await desks.salesforce.control.state<Array<{ Id: string; Email: string }>>('User');
	const [intercomTicket] = await desks.intercom.control.state<Array<{ admin_assignee_id: string | null }>>('tickets');
	const admins = await desks.intercom.control.state<Array<{ id: string; email: string }>>('admins');
	const [hubspotTicket] = await desks.hubspot.control.state<Array<{ properties: Record<string, string> }>>('tickets');
	const owners = await desks.hubspot.control.state<Array<{ id: string; email: string }>>('owners');
	return {
		zendesk: zendeskUsers.find((user) => user.id === zendeskTicket.assignee_id)?.email ?? null,
		freshdesk: agents.find((agent) => agent.id === freshdeskTicket.responder_id)?.contact.email ?? null,
		salesforce: users.find((user) => user.Id === kase.OwnerId)?.Email ?? null,
		intercom: admins.find((admin) => admin.id === intercomTicket.admin_assignee_id)?.email ?? null,
		hubspot: owners.find((owner) => owner.id === hubspotTicket.properties.hubspot_owner_id)?.email ?? null,
	};
}

async function quietRounds(): Promise<void> {
	for (const name of names) await desks[name].control.clearRequests();
	for (let quiet = 0; quiet < 2; quiet++) {
		const again = await sync();
		expect(again.failures).toEqual([]);
		expect(names.map((name) => again.platforms[name].pulled)).toEqual([0, 0, 0, 0, 0]);
	}
	for (const name of names) {
		// Searches, Salesforce's composite look-ups and HubSpot's batch reads are POSTs that write nothing.
		const writes = (await desks[name].control.requests()).filter((entry) => entry.method !== 'GET' && !/\/(search|composite|batch\/read)$/.test(entry.path));
		expect([name, writes]).toEqual([name, []]);
	}
}

test('an Intercom ticket with a reply and a note reaches the four other desks once, state and assignee mapped; comments then added on Salesforce and Zendesk in one round reach every desk once', async () => {
	const created = await call('intercom', '/tickets', { ticket_type_id: '1', contacts: [{ email: 'Eve@Example.com' }], ticket_attributes: { _default_title_: 'VPN drops', _default_description_: 'Every 10 minutes' } });
	const ticket = (await created.json()) as { id: string };
	const sam = (await desks.intercom.control.state<Array<{ id: string; email: string }>>('admins')).find((admin) => admin.email === 'sam@support.example')!;
	await call('intercom', `/tickets/${ticket.id}`, { ticket_state_id: '3', assignment: { admin_id: '1', assignee_id: sam.id } }, 'PUT');
	await call('intercom', `/tickets/${ticket.id}/reply`, { message_type: 'comment', type: 'admin', admin_id: '1', body: 'Which client version?' });
	await call('intercom', `/tickets/${ticket.id}/reply`, { message_type: 'note', type: 'admin', admin_id: '1', body: 'Known issue on 4.2' });

	const first = await sync();
	expect(first.failures).toEqual([]);
	expect([first.platforms.zendesk.created, first.platforms.freshdesk.created, first.platforms.salesforce.created, first.platforms.hubspot.created]).toEqual([1, 1, 1, 1]);
	// One ticket, written to four desks: one ticket for the meter.
	expect(first.records).toBe(1);
	const [zendeskTicket] = await desks.zendesk.control.state<Array<{ subject: string; status: string; assignee_id: number; requester_id: number }>>('tickets');
	expect(zendeskTicket).toMatchObject({ subject: 'VPN drops', status: 'pending' });
	const zendeskUsers = await desks.zendesk.control.state<Array<{ id: number; email: string }>>('users');
	expect(zendeskUsers.find((user) => user.id === zendeskTicket.assignee_id)?.email).toBe('sam@support.example');
	expect(zendeskUsers.find((user) => user.id === zendeskTicket.requester_id)?.email).toBe('eve@example.com');
	expect((await desks.freshdesk.control.state<Array<{ status: number }>>('tickets'))[0].status).toBe(3);
	expect((await desks.salesforce.control.state<Array<{ Status: string; SuppliedEmail: string; OwnerId: string }>>('Case'))[0]).toMatchObject({ Status: 'Working', SuppliedEmail: 'eve@example.com', OwnerId: await salesforceUserId('sam@support.example') });
	const [hubspotTicket] = await desks.hubspot.control.state<Array<{ id: string; properties: Record<string, string> }>>('tickets');
	const [hubspotOwner] = await desks.hubspot.control.state<Array<{ id: string }>>('owners');
	expect(hubspotTicket.properties).toMatchObject({ subject: 'VPN drops', content: 'Every 10 minutes', hs_pipeline_stage: '2', hubspot_owner_id: hubspotOwner.id });
	const requester = (await (await call('hubspot', '/crm/v4/associations/tickets/contacts/batch/read', { inputs: [{ id: hubspotTicket.id }] })).json()) as { results: Array<{ to: Array<{ toObjectId: number }> }> };
	const contacts = await desks.hubspot.control.state<Array<{ id: string; properties: { email: string } }>>('contacts');
	expect(requester.results[0].to.map((target) => contacts.find((contact) => contact.id === String(target.toObjectId))?.properties.email)).toEqual(['eve@example.com']);
	const opening: Array<[string, boolean]> = [['Known issue on 4.2', false], ['Which client version?', true]];
	for (const [name, held] of Object.entries(await threads())) expect([name, held.map((entry) => entry.comments)]).toEqual([name, [asHeldBy(name, opening)]]);

	// An agent comments on the Case and another on the Zendesk copy before the next round.
	const held = await threads();
	await call('salesforce', '/services/data/v60.0/sobjects/CaseComment', { ParentId: held.salesforce[0].id, CommentBody: 'Escalated to network team', IsPublished: false });
	await call('zendesk', `/api/v2/tickets/${held.zendesk[0].id}.json`, { ticket: { comment: { body: 'We are on it', public: true } } }, 'PUT');
	const second = await sync();
	expect(second.failures).toEqual([]);
	expect(second.records).toBe(1);
	const everything: Array<[string, boolean]> = [['Escalated to network team', false], ['Known issue on 4.2', false], ['We are on it', true], ['Which client version?', true]];
	for (const [name, now] of Object.entries(await threads())) expect([name, now.map((entry) => entry.comments)]).toEqual([name, [asHeldBy(name, everything)]]);
	await quietRounds();
});

test('a Freshdesk ticket resolved there is solved on Zendesk, Closed on Salesforce and HubSpot and resolved on Intercom, with no echo', async () => {
	const created = await call('freshdesk', '/api/v2/tickets', { email: 'fay@example.com', subject: 'Invoice wrong', description: 'Charged twice', status: 2, priority: 3 });
	const ticket = (await created.json()) as { id: number };
	await call('freshdesk', `/api/v2/tickets/${ticket.id}/reply`, { body: 'Refund on its way' });
	expect((await sync()).failures).toEqual([]);
	const [intercomTicket] = await desks.intercom.control.state<Array<{ ticket_state: { category: string }; ticket_attributes: Record<string, string> }>>('tickets');
	expect(intercomTicket).toMatchObject({ ticket_state: { category: 'in_progress' }, ticket_attributes: { _default_title_: 'Invoice wrong', _default_description_: 'Charged twice' } });

	await call('freshdesk', `/api/v2/tickets/${ticket.id}`, { status: 4 }, 'PUT');
	const second = await sync();
	expect(second.failures).toEqual([]);
	expect((await desks.zendesk.control.state<Array<{ status: string }>>('tickets'))[0].status).toBe('solved');
	expect((await desks.salesforce.control.state<Array<{ Status: string }>>('Case'))[0].Status).toBe('Closed');
	expect((await desks.intercom.control.state<Array<{ ticket_state: { category: string } }>>('tickets'))[0].ticket_state.category).toBe('resolved');
	expect((await desks.hubspot.control.state<Array<{ properties: Record<string, string> }>>('tickets'))[0].properties).toMatchObject({ hs_pipeline_stage: '4', hs_ticket_priority: 'HIGH' });
	for (const [name, now] of Object.entries(await threads())) expect([name, now.map((entry) => entry.comments)]).toEqual([name, [asHeldBy(name, [['Refund on its way', true]])]]);
	await quietRounds();
});

test('a HubSpot ticket with its contact, owner and a note reaches the four other desks once, the note as a private comment', async () => {
	const [owner] = await desks.hubspot.control.state<Array<{ id: string }>>('owners');
	const contact = (await (await call('hubspot', '/crm/v3/objects/contacts', { properties: { email: 'gus@example.com', firstname: 'Gus' } })).json()) as { id: string };
	const ticket = (await (await call('hubspot', '/crm/v3/objects/tickets', {
		properties: { subject: 'Export fails', content: 'CSV export times out', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'LOW', hubspot_owner_id: owner.id },
		associations: [{ to: { id: contact.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 16 }] }],
	})).json()) as { id: string };
	await call('hubspot', '/crm/v3/objects/notes', { properties: { hs_note_body: '<p>Reproduced with 50k rows</p>', hs_timestamp: new Date().toISOString() }, associations: [{ to: { id: ticket.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 228 }] }] });

	const first = await sync();
	expect(first.failures).toEqual([]);
	expect([first.platforms.zendesk.created, first.platforms.freshdesk.created, first.platforms.salesforce.created, first.platforms.intercom.created]).toEqual([1, 1, 1, 1]);
	const [copy] = await desks.freshdesk.control.state<Array<{ subject: string; status: number; priority: number; responder_id: number; requester_id: number }>>('tickets');
	const sam = (await desks.freshdesk.control.state<Array<{ id: number; contact: { email: string } }>>('agents')).find((agent) => agent.contact.email === 'sam@support.example')!;
	expect(copy).toMatchObject({ subject: 'Export fails', status: 2, priority: 1, responder_id: sam.id });
	expect((await desks.salesforce.control.state<Array<{ SuppliedEmail: string; OwnerId: string }>>('Case'))[0]).toMatchObject({ SuppliedEmail: 'gus@example.com', OwnerId: await salesforceUserId('sam@support.example') });
	for (const [name, held] of Object.entries(await threads())) expect([name, held.map((entry) => entry.comments)]).toEqual([name, [[['Reproduced with 50k rows', false]]]]);
	await quietRounds();
});

test('a Salesforce case owner is the other desks\' assignee and back, by email: reassigned on Zendesk it changes owner, unassigned it returns to the integration user, with no echo', async () => {
	const kim = { name: 'Kim Lead', email: 'kim@support.example' };
	await desks.zendesk.control.seed({ users: [{ ...kim, role: 'agent' }] });
	await desks.freshdesk.control.seed({ agents: [kim] });
	await desks.intercom.control.seed({ admins: [kim] });
	await desks.hubspot.control.seed({ owners: [{ firstName: 'Kim', lastName: 'Lead', email: kim.email }] });
	await desks.salesforce.control.seed({ User: [{ FirstName: 'Kim', LastName: 'Lead', Email: kim.email }] });
	await call('salesforce', '/services/data/v60.0/sobjects/Case', { Subject: 'Printer jammed', Description: 'Tray 2', Status: 'New', Priority: 'Low', SuppliedEmail: 'ida@example.com', OwnerId: await salesforceUserId('sam@support.example') });

	const first = await sync();
	expect(first.failures).toEqual([]);
	expect(await assignees()).toEqual({ zendesk: 'sam@support.example', freshdesk: 'sam@support.example', salesforce: 'sam@support.example', intercom: 'sam@support.example', hubspot: 'sam@support.example' });

	const [ticket] = await desks.zendesk.control.state<Array<{ id: number }>>('tickets');
	const kimOnZendesk = (await desks.zendesk.control.state<Array<{ id: number; email: string }>>('users')).find((user) => user.email === kim.email)!;
	await call('zendesk', `/api/v2/tickets/${ticket.id}.json`, { ticket: { assignee_id: kimOnZendesk.id } }, 'PUT');
	expect((await sync()).failures).toEqual([]);
	expect(await assignees()).toEqual({ zendesk: kim.email, freshdesk: kim.email, salesforce: kim.email, intercom: kim.email, hubspot: kim.email });

	// Salesforce has no unassigned case: the case goes back to the user the token acts as, which reads as nobody.
	await call('zendesk', `/api/v2/tickets/${ticket.id}.json`, { ticket: { assignee_id: null } }, 'PUT');
	expect((await sync()).failures).toEqual([]);
	expect(await assignees()).toEqual({ zendesk: null, freshdesk: null, salesforce: 'integration@sandbox.example', intercom: null, hubspot: null });
	await quietRounds();
});

test('a case in a Salesforce queue reads as unassigned and stays in its queue when another desk edits the ticket; an owner who is no active Salesforce user fails that ticket alone, naming the email', async () => {
	const [queue] = (await desks.salesforce.control.seed({ Group: [{ Name: 'Tier 1', Type: 'Queue' }] }) as { Group: Array<{ Id: string }> }).Group;
	await call('salesforce', '/services/data/v60.0/sobjects/Case', { Subject: 'Login loop', Status: 'New', Priority: 'High', SuppliedEmail: 'jo@example.com', OwnerId: queue.Id });
	expect((await sync()).failures).toEqual([]);
	expect((await assignees()).zendesk).toBeNull();

	const [ticket] = await desks.zendesk.control.state<Array<{ id: number }>>('tickets');
	await call('zendesk', `/api/v2/tickets/${ticket.id}.json`, { ticket: { subject: 'Login loop on SSO' } }, 'PUT');
	expect((await sync()).failures).toEqual([]);
	expect((await desks.salesforce.control.state<Array<{ Subject: string; OwnerId: string }>>('Case'))[0]).toEqual(expect.objectContaining({ Subject: 'Login loop on SSO', OwnerId: queue.Id }));
	await quietRounds();

	// Zed is an agent on Zendesk only: the other desks refuse him by name; the Case keeps its queue.
	await desks.zendesk.control.seed({ users: [{ name: 'Zed', email: 'zed@support.example', role: 'agent' }] });
	const zed = (await desks.zendesk.control.state<Array<{ id: number; email: string }>>('users')).find((user) => user.email === 'zed@support.example')!;
	await call('zendesk', `/api/v2/tickets/${ticket.id}.json`, { ticket: { assignee_id: zed.id } }, 'PUT');
	const refused = await sync();
	expect(refused.failures.find((failure) => failure.platform === 'salesforce')?.error).toEqual({ message: 'No active Salesforce user has the email zed@support.example (owner_email)', code: 'UNKNOWN_AGENT' });
	expect((await desks.salesforce.control.state<Array<{ OwnerId: string }>>('Case'))[0].OwnerId).toBe(queue.Id);
});
