/**
 * The marketing fan-out engine against the four sandboxes (no n8n): members, segments and the welcome campaign on
 * every platform, duplicates, consent and unsubscribe propagation, one platform down, Mailchimp's connection limit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MarketingFanOut } from '../../lib/marketing';
import { ActiveCampaignMarketing } from '../../lib/platforms/activecampaign';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import {
	AC_LIST,
	AUDIENCE,
	contact,
	marketingConnectors,
	marketingTargets,
	marketingTransports,
	MARKETO_CAMPAIGN,
	seedMarketingSandboxes,
	segmentRules,
	startMarketingSandboxes,
	WELCOME_TAG,
	type MarketingSandboxes,
} from './marketingPlatforms';

interface MailchimpMember {
	email_address: string;
	status: string;
	merge_fields: Record<string, string>;
	tags: Array<{ name: string }>;
}

let platforms: MarketingSandboxes;
let store: StateStore;

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
});

beforeEach(async () => {
	await seedMarketingSandboxes(platforms.controls);
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'marketing-')), 'state.sqlite') }, allMigrations);
});

afterAll(async () => {
	await closeAllStores();
	await platforms.close();
});

function fanOut(): MarketingFanOut {
	const connectors = marketingConnectors(marketingTransports(platforms.sandboxes, { store, retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 } }));
	return new MarketingFanOut({ store, targets: marketingTargets(connectors), integration: 'test', rules: segmentRules });
}

async function hubspotApi<T>(urlPath: string): Promise<T> {
	const response = await fetch(`${platforms.sandboxes.hubspot.baseUrl}${urlPath}`, { headers: { authorization: `Bearer ${platforms.sandboxes.hubspot.credentials.accessToken}` } });
	return (await response.json()) as T;
}

async function hubspotListMembers(name: string): Promise<string[]> {
	const found = await hubspotApi<{ list?: { listId: string } }>(`/crm/v3/lists/object-type-id/0-1/name/${name}`);
	if (!found.list) return [];
	const members = await hubspotApi<{ results: Array<{ recordId: string }> }>(`/crm/v3/lists/${found.list.listId}/memberships`);
	return members.results.map((member) => member.recordId);
}

test('a new contact becomes a subscribed member with its segments and one welcome campaign on every platform', async () => {
	const ada = contact(0, { email: ' Ada@Example.com ', firstName: 'Ada', country: 'DE' });
	const report = await fanOut().fanOut([ada]);
	expect(report.contacts[0]).toMatchObject({ email: 'ada@example.com', status: 'fanned_out', segments: ['customers', 'enterprise', 'europe'] });
	expect(report.contacts[0].platforms.map((result) => [result.platform, result.ok, result.welcomed]).sort()).toEqual([
		['activecampaign', true, true],
		['hubspot', true, true],
		['mailchimp', true, true],
		['marketo', true, true],
	]);

	const { controls } = platforms;
	const [member] = await controls.mailchimp.state<MailchimpMember[]>('members');
	expect(member).toMatchObject({ email_address: 'ada@example.com', status: 'subscribed', merge_fields: { FNAME: 'Ada' } });
	expect(member.tags.map((tag) => tag.name).sort()).toEqual(['customers', 'enterprise', 'europe']);
	expect(await controls.mailchimp.state('triggers')).toEqual([expect.objectContaining({ email_address: 'ada@example.com', journey_id: '501' })]);

	const [lead] = await controls.marketo.state<Array<{ id: number; email: string; firstName: string; unsubscribed: boolean }>>('leads');
	expect(lead).toMatchObject({ email: 'ada@example.com', firstName: 'Ada', unsubscribed: false });
	const lists = await controls.marketo.state<Array<{ name: string; emails: string[] }>>('lists');
	expect(lists.filter((list) => list.emails.includes('ada@example.com')).map((list) => list.name).sort()).toEqual(['customers', 'enterprise', 'europe']);
	expect(await controls.marketo.state('campaignRuns')).toEqual([expect.objectContaining({ campaignId: MARKETO_CAMPAIGN, email: 'ada@example.com' })]);

	const [acContact] = await controls.activecampaign.state<Array<{ email: string; lists: Record<string, number>; tags: string[] }>>('contacts');
	expect(acContact.lists).toEqual({ [AC_LIST]: 1 });
	expect(acContact.tags.sort()).toEqual(['customers', 'enterprise', 'europe', WELCOME_TAG]);
	expect(await controls.activecampaign.state('automationRuns')).toEqual([expect.objectContaining({ email: 'ada@example.com', automation: '11' })]);

	const [hubspotContact] = await controls.hubspot.state<Array<{ id: string; properties: Record<string, string> }>>('contacts');
	expect(hubspotContact.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada' });
	for (const list of ['enterprise', 'europe', 'customers', 'Welcome']) expect(await hubspotListMembers(list)).toEqual([hubspotContact.id]);
});

test('duplicate contact-created events, in one call, in sequence and at the same time, make one member and one welcome per platform', async () => {
	const grace = contact(1, { email: 'grace@example.com' });
	const engine = fanOut();
	const first = await engine.fanOut([grace, { ...grace, email: 'GRACE@example.com' }]);
	expect(first.contacts.map((result) => result.duplicateOf)).toEqual([1, undefined]);
	const again = await Promise.all([engine.fanOut([grace]), fanOut().fanOut([grace])]);
	for (const report of again) {
		expect(report.contacts[0].platforms.length).toBeGreaterThan(0);
		expect(report.contacts[0].platforms.every((result) => result.ok && !result.welcomed && result.alreadyWelcomed)).toBe(true);
	}

	const { controls } = platforms;
	expect(await controls.mailchimp.state('members')).toHaveLength(1);
	expect(await controls.mailchimp.state('triggers')).toHaveLength(1);
	expect(await controls.marketo.state('leads')).toHaveLength(1);
	expect(await controls.marketo.state('campaignRuns')).toHaveLength(1);
	expect(await controls.activecampaign.state('contacts')).toHaveLength(1);
	const imports = (await controls.activecampaign.requests()).filter((entry) => entry.path === '/api/3/import/bulk_import');
	const welcomeTagged = imports.flatMap((entry) => (entry.body as { contacts: Array<{ tags: string[] }> }).contacts).filter((entry) => entry.tags.includes(WELCOME_TAG));
	expect(welcomeTagged).toHaveLength(1);
	expect(await controls.hubspot.state('contacts')).toHaveLength(1);
	const welcomeAdds = (await controls.hubspot.requests()).filter((entry) => entry.method === 'PUT' && /memberships\/add$/.test(entry.path));
	expect(welcomeAdds.length).toBeGreaterThan(0);
	expect(await hubspotListMembers('Welcome')).toHaveLength(1);
	// Welcome list additions: one call for the first fan-out only (segments add their own calls).
	const segmentsOfGrace = first.contacts[1].segments.length;
	expect(welcomeAdds).toHaveLength(segmentsOfGrace + 1 + segmentsOfGrace * 2);
});

test('a contact without consent is subscribed nowhere', async () => {
	const report = await fanOut().fanOut([contact(2, { consent: false }), contact(3, { consent: undefined })]);
	expect(report.contacts.map((result) => result.status)).toEqual(['no_consent', 'no_consent']);
	const { controls } = platforms;
	expect(await controls.mailchimp.state('members')).toHaveLength(0);
	expect(await controls.marketo.state('leads')).toHaveLength(0);
	expect(await controls.activecampaign.state('contacts')).toHaveLength(0);
	expect(await controls.hubspot.state('contacts')).toHaveLength(0);
});

test('an unsubscribe on Mailchimp reaches the other platforms and a later sync never resubscribes anyone', async () => {
	const engine = fanOut();
	const alan = contact(4, { email: 'alan@example.com' });
	await engine.fanOut([alan, contact(5)]);
	const { controls } = platforms;
	await controls.mailchimp.seed({ members: [{ list_id: AUDIENCE, email_address: 'alan@example.com', status: 'unsubscribed' }] });
	await Promise.all(Object.values(controls).map((control) => control.clearRequests()));

	// ActiveCampaign, polled after Mailchimp, reports the unsubscribe just propagated to it: seen, not recorded again.
	const collected = (await engine.collectUnsubscribes()).unsubscribes.filter((entry) => entry.recorded);
	expect(collected.map((entry) => [entry.email, entry.source, entry.recorded])).toEqual([['alan@example.com', 'mailchimp', true]]);
	expect(collected[0].platforms.map((result) => [result.platform, result.ok]).sort()).toEqual([['activecampaign', true], ['hubspot', true], ['marketo', true]]);
	expect((await controls.mailchimp.requests()).filter((entry) => entry.method !== 'GET')).toHaveLength(0);

	const leads = await controls.marketo.state<Array<{ email: string; unsubscribed: boolean }>>('leads');
	expect(leads.find((lead) => lead.email === 'alan@example.com')?.unsubscribed).toBe(true);
	expect(leads.find((lead) => lead.email === 'person5@example.com')?.unsubscribed).toBe(false);
	const acContacts = await controls.activecampaign.state<Array<{ email: string; lists: Record<string, number> }>>('contacts');
	expect(acContacts.find((entry) => entry.email === 'alan@example.com')?.lists).toEqual({ [AC_LIST]: 2 });
	const status = await hubspotApi<{ subscriptionStatuses: Array<{ id: string; status: string }> }>('/communication-preferences/v3/status/email/alan@example.com');
	expect(status.subscriptionStatuses.find((entry) => entry.id === '7001')?.status).toBe('NOT_SUBSCRIBED');

	// Polling again finds the same unsubscribe (the cursor steps back a second) but propagates nothing twice.
	const repeat = (await engine.collectUnsubscribes()).unsubscribes;
	expect(repeat.map((entry) => [entry.email, entry.source])).toContainEqual(['alan@example.com', 'mailchimp']);
	expect(repeat.map((entry) => [entry.recorded, entry.platforms.length])).toEqual(Array(repeat.length).fill([false, 0]));

	const later = await engine.fanOut([{ ...alan, firstName: 'Alan M.' }]);
	expect(later.contacts[0].status).toBe('unsubscribed');
	const members = await controls.mailchimp.state<MailchimpMember[]>('members');
	expect(members.find((member) => member.email_address === 'alan@example.com')?.status).toBe('unsubscribed');
	const acAfter = await controls.activecampaign.state<Array<{ email: string; lists: Record<string, number> }>>('contacts');
	expect(acAfter.find((entry) => entry.email === 'alan@example.com')?.lists).toEqual({ [AC_LIST]: 2 });
});

test('an unsubscribe reported by a webhook (Marketo) is applied on the others, Mailchimp by PUT on the member hash', async () => {
	const engine = fanOut();
	await engine.fanOut([contact(6, { email: 'joan@example.com' })]);
	const [result] = await engine.recordUnsubscribes([{ email: 'JOAN@example.com', source: 'marketo' }]);
	expect(result.platforms.map((entry) => [entry.platform, entry.ok]).sort()).toEqual([['activecampaign', true], ['hubspot', true], ['mailchimp', true]]);
	const put = (await platforms.controls.mailchimp.requests()).filter((entry) => entry.method === 'PUT');
	expect(put.map((entry) => entry.path)).toEqual([`/3.0/lists/${AUDIENCE}/members/${require('node:crypto').createHash('md5').update('joan@example.com').digest('hex')}`]);
	const members = await platforms.controls.mailchimp.state<MailchimpMember[]>('members');
	expect(members[0].status).toBe('unsubscribed');
	expect((await engine.recordUnsubscribes([{ email: 'joan@example.com', source: 'hubspot' }]))[0].recorded).toBe(false);
});

test('one platform down does not stop the others; its work is kept, reported and retried by the next run', async () => {
	const { controls } = platforms;
	await controls.marketo.fault({ kind: 'error', status: 503, times: -1, match: { path: '/rest/' } });
	const engine = fanOut();
	const report = await engine.fanOut([contact(7), contact(8)]);
	expect(report.contacts.map((result) => result.status)).toEqual(['partial', 'partial']);
	const marketo = report.contacts[0].platforms.find((result) => result.platform === 'marketo');
	expect(marketo).toMatchObject({ ok: false, error: { stage: 'upsert', retryable: true } });
	expect(await controls.mailchimp.state('members')).toHaveLength(2);
	expect(await controls.activecampaign.state('contacts')).toHaveLength(2);
	expect(await controls.hubspot.state('contacts')).toHaveLength(2);
	expect((await engine.pending()).map((entry) => [entry.platform, entry.email, entry.attempts])).toEqual([
		['marketo', 'person7@example.com', 1],
		['marketo', 'person8@example.com', 1],
	]);

	await controls.marketo.clearFaults();
	const next = await engine.fanOut([]);
	expect(next.retried.map((entry) => [entry.platform, entry.email, entry.ok, entry.attempts])).toEqual([
		['marketo', 'person7@example.com', true, 2],
		['marketo', 'person8@example.com', true, 2],
	]);
	expect(await engine.pending()).toEqual([]);
	expect(await controls.marketo.state('leads')).toHaveLength(2);
	expect(await controls.marketo.state('campaignRuns')).toHaveLength(2);
	// The other platforms were not asked again, and welcomed nobody twice.
	expect(await controls.mailchimp.state('triggers')).toHaveLength(2);
});

test('Mailchimp never sees more than 10 connections at once and no 429 reaches the engine', async () => {
	const { controls } = platforms;
	// Held open long enough that the engine reaches its 10 at once even on a loaded machine.
	await controls.mailchimp.updateSettings({ responseDelayMs: 300 });
	const engine = new MarketingFanOut({
		store,
		targets: marketingTargets(marketingConnectors(marketingTransports(platforms.sandboxes, { store }))).filter((target) => target.platform === 'mailchimp'),
		integration: 'test',
		rules: segmentRules,
	});
	const report = await engine.fanOut(Array.from({ length: 40 }, (_, index) => contact(100 + index)));
	expect(report.contacts.map((result) => result.status)).toEqual(Array(40).fill('fanned_out'));
	const connections = await controls.mailchimp.state<{ peak: number }>('connections');
	expect(connections.peak).toBe(10);
	expect((await controls.mailchimp.requests()).filter((entry) => entry.status === 429)).toHaveLength(0);
	expect(await controls.mailchimp.state('triggers')).toHaveLength(40);
});

test('a contact already unsubscribed on Mailchimp is found before the fan-out and subscribed nowhere', async () => {
	const { controls } = platforms;
	await controls.mailchimp.seed({ members: [{ list_id: AUDIENCE, email_address: 'optout@example.com', status: 'unsubscribed' }] });
	const report = await fanOut().fanOut([contact(20, { email: 'optout@example.com' })]);
	expect(report.contacts[0].status).toBe('unsubscribed');
	expect(await controls.mailchimp.state('triggers')).toHaveLength(0);
	expect(await controls.marketo.state('campaignRuns')).toHaveLength(0);
	expect(await controls.activecampaign.state('automationRuns')).toHaveLength(0);
	const leads = await controls.marketo.state<Array<{ email: string; unsubscribed: boolean }>>('leads');
	expect(leads).toEqual([expect.objectContaining({ email: 'optout@example.com', unsubscribed: true })]);
});

test('an unsubscribe Mailchimp reports during the fan-out itself (not collected yet) is kept and propagated', async () => {
	const { controls } = platforms;
	await controls.mailchimp.seed({ members: [{ list_id: AUDIENCE, email_address: 'late@example.com', status: 'unsubscribed' }] });
	const connectors = marketingConnectors(marketingTransports(platforms.sandboxes, { store }));
	const engine = new MarketingFanOut({ store, targets: marketingTargets(connectors), integration: 'test', rules: segmentRules, collectUnsubscribesFirst: false });
	const report = await engine.fanOut([contact(21, { email: 'late@example.com' })]);
	expect(report.contacts[0].status).toBe('unsubscribed');
	expect(report.contacts[0].platforms.find((entry) => entry.platform === 'mailchimp')).toMatchObject({ ok: true, welcomed: false, unsubscribedOnPlatform: true });
	const members = await controls.mailchimp.state<MailchimpMember[]>('members');
	expect(members[0]).toMatchObject({ status: 'unsubscribed', tags: [] });
	expect(await controls.mailchimp.state('triggers')).toHaveLength(0);
	expect((await controls.marketo.state<Array<{ unsubscribed: boolean }>>('leads'))[0].unsubscribed).toBe(true);
	expect(await engine.fanOut([contact(21, { email: 'late@example.com' })])).toMatchObject({ contacts: [{ status: 'unsubscribed' }] });
});

test('a change that keeps failing is retried a bounded number of times, then left for review', async () => {
	const { controls } = platforms;
	await controls.marketo.fault({ kind: 'error', status: 503, times: -1, match: { path: '/rest/' } });
	const connectors = marketingConnectors(marketingTransports(platforms.sandboxes, { store, retry: { maxAttempts: 1 } }));
	const engine = new MarketingFanOut({ store, targets: marketingTargets(connectors).filter((target) => target.platform === 'marketo'), integration: 'test', maxAttempts: 2 });
	await engine.fanOut([contact(22)]);
	expect((await engine.fanOut([])).retried.map((entry) => entry.attempts)).toEqual([2]);
	expect((await engine.fanOut([])).retried).toEqual([]);
	expect((await engine.pending()).map((entry) => [entry.email, entry.attempts])).toEqual([['person22@example.com', 2]]);
});

test('ActiveCampaign can start the welcome by adding each contact to the automation instead of a tag', async () => {
	const transports = marketingTransports(platforms.sandboxes, { store });
	const connector = new ActiveCampaignMarketing(transports.activecampaign, { listId: AC_LIST, welcome: { id: '11', kind: 'automation' } });
	const engine = new MarketingFanOut({ store, targets: [{ platform: 'activecampaign', connector }], integration: 'test' });
	const report = await engine.fanOut([contact(30), contact(31)]);
	expect(report.contacts.map((result) => result.platforms[0].welcomed)).toEqual([true, true]);
	await engine.fanOut([contact(30)]);
	const runs = await platforms.controls.activecampaign.state<Array<{ email: string; automation: string }>>('automationRuns');
	expect(runs.map((run) => [run.email, run.automation])).toEqual([['person30@example.com', '11'], ['person31@example.com', '11']]);
	const contacts = await platforms.controls.activecampaign.state<Array<{ tags: string[] }>>('contacts');
	expect(contacts).toHaveLength(2);
	expect(contacts.every((entry) => !entry.tags.includes(WELCOME_TAG))).toBe(true);
});

test('an unsubscribe without a usable email is not recorded and touches no platform', async () => {
	const [result] = await fanOut().recordUnsubscribes([{ email: '  ', source: 'other' }]);
	expect(result).toMatchObject({ recorded: false, platforms: [] });
	expect(await platforms.controls.mailchimp.requests()).toEqual(expect.not.arrayContaining([expect.objectContaining({ method: 'PUT' })]));
});
