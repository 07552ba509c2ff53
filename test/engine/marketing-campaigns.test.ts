/**
 * Campaigns past the welcome against the four marketing sandboxes (no n8n): a contact leaving a segment is removed
 * from it on every platform once (a duplicate delivery, a platform's webhook echoing the removal and a retry after a
 * failure send nothing twice), the nurture starts for a lead and stops when it becomes a customer (once, concurrently
 * delivered events included, never restarted by a late "lead"), and inactive customers get the retention campaign
 * once per inactivity spell.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MarketingCampaigns, MarketingFanOut } from '../../lib/marketing';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { outboxKey } from '../../lib/store/outbox';
import type { RequestLogEntry } from '../sandbox/framework/requestLog';
import { ACTIVECAMPAIGN_JOURNEYS } from '../sandbox/activecampaign/marketingFixture';
import { HUBSPOT_WORKFLOWS } from '../sandbox/hubspot/marketingFixture';
import { MAILCHIMP_NURTURE, MAILCHIMP_RETENTION } from '../sandbox/mailchimp/marketingFixture';
import { MARKETO_JOURNEYS } from '../sandbox/marketo/marketingFixture';
import {
	contact,
	marketingConnectors,
	marketingTargets,
	marketingTransports,
	seedMarketingSandboxes,
	segmentRules,
	startMarketingSandboxes,
	type MarketingSandboxes,
} from './marketingPlatforms';

let platforms: MarketingSandboxes;
let store: StateStore;

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
});

beforeEach(async () => {
	await seedMarketingSandboxes(platforms.controls);
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'campaigns-')), 'state.sqlite') }, allMigrations);
});

afterAll(async () => {
	await closeAllStores();
	await platforms.close();
});

const ALL = ['activecampaign', 'hubspot', 'mailchimp', 'marketo'];

function targets() {
	return marketingTargets(marketingConnectors(marketingTransports(platforms.sandboxes, { store, retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 } })));
}

function campaigns(): MarketingCampaigns {
	return new MarketingCampaigns({ store, targets: targets(), integration: 'test' });
}

function fanOut(): MarketingFanOut {
	return new MarketingFanOut({ store, targets: targets(), integration: 'test', rules: segmentRules });
}

/** The requests each platform's sandbox got that take contacts out of segments. */
async function removalCalls(): Promise<Record<string, RequestLogEntry[]>> {
	const removal: Record<string, (entry: RequestLogEntry) => boolean> = {
		mailchimp: (entry) => entry.method === 'POST' && /\/segments\/\d+$/.test(entry.path) && Array.isArray((entry.body as { members_to_remove?: unknown }).members_to_remove),
		hubspot: (entry) => entry.path.endsWith('/memberships/remove'),
		marketo: (entry) => entry.method === 'DELETE' && entry.path.includes('/lists/'),
		activecampaign: (entry) => entry.method === 'DELETE' && entry.path.includes('/contactTags/'),
	};
	const calls = await Promise.all(ALL.map(async (platform) => (await platforms.controls[platform].requests()).filter(removal[platform])));
	return Object.fromEntries(ALL.map((platform, index) => [platform, calls[index]]));
}

const counts = (calls: Record<string, unknown[]>) => Object.fromEntries(Object.entries(calls).map(([platform, list]) => [platform, list.length]));

async function hubspotListMembers(name: string): Promise<string[]> {
	const headers = { authorization: `Bearer ${platforms.sandboxes.hubspot.credentials.accessToken}` };
	const found = (await (await fetch(`${platforms.sandboxes.hubspot.baseUrl}/crm/v3/lists/object-type-id/0-1/name/${name}`, { headers })).json()) as { list?: { listId: string } };
	if (!found.list) return [];
	const members = (await (await fetch(`${platforms.sandboxes.hubspot.baseUrl}/crm/v3/lists/${found.list.listId}/memberships`, { headers })).json()) as { results: Array<{ recordId: string }> };
	return members.results.map((member) => member.recordId);
}

/** Where the contact is in `segment` on each platform. */
async function inSegment(email: string, segment: string): Promise<string[]> {
	const { controls } = platforms;
	const where: string[] = [];
	const acContact = (await controls.activecampaign.state<Array<{ email: string; tags: string[] }>>('contacts')).find((entry) => entry.email === email);
	if (acContact?.tags.includes(segment)) where.push('activecampaign');
	const hubspotContact = (await controls.hubspot.state<Array<{ id: string; properties: { email: string } }>>('contacts')).find((entry) => entry.properties.email === email);
	if (hubspotContact && (await hubspotListMembers(segment)).includes(hubspotContact.id)) where.push('hubspot');
	const mailchimpSegments = await controls.mailchimp.state<Array<{ name: string; emails: string[] }>>('segments');
	if (mailchimpSegments.find((entry) => entry.name === segment)?.emails.includes(email)) where.push('mailchimp');
	const marketoLists = await controls.marketo.state<Array<{ name: string; emails: string[] }>>('lists');
	if (marketoLists.find((entry) => entry.name === segment)?.emails.includes(email)) where.push('marketo');
	return where;
}

describe('a contact leaving a segment', () => {
	const ada = contact(0, { email: 'ada@example.com' });

	test('is removed from it on every platform once; a duplicate delivery and the platforms echoing it back remove nothing again', async () => {
		await fanOut().fanOut([ada]);
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual(ALL);

		const [left] = await campaigns().leaveSegments([{ email: 'ADA@example.com ', segment: 'enterprise', source: 'crm' }]);
		expect(left).toMatchObject({ email: 'ada@example.com', segment: 'enterprise', status: 'removed', recorded: true, source: 'crm' });
		expect(left.platforms.map((step) => [step.platform, step.ok, step.replayed ?? false]).sort()).toEqual(ALL.map((platform) => [platform, true, false]));
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual([]);
		// Other segments stay.
		expect(await inSegment('ada@example.com', 'customers')).toEqual(ALL);
		expect(counts(await removalCalls())).toEqual({ activecampaign: 1, hubspot: 1, mailchimp: 1, marketo: 1 });

		// The same event again, and ActiveCampaign's "contact_tag_removed" webhook for the removal we made.
		const again = await campaigns().leaveSegments([
			{ email: 'ada@example.com', segment: 'enterprise', source: 'crm' },
			{ email: 'ada@example.com', segment: 'enterprise', source: 'activecampaign' },
		]);
		for (const result of again) {
			expect(result).toMatchObject({ status: 'removed', recorded: false, source: 'crm' });
			expect(result.platforms.every((step) => step.ok && step.replayed)).toBe(true);
		}
		expect(counts(await removalCalls())).toEqual({ activecampaign: 1, hubspot: 1, mailchimp: 1, marketo: 1 });
	});

	test('left on a platform first, it is removed from the others only; joining again through the fan-out makes the next leave news', async () => {
		await fanOut().fanOut([ada]);
		const [left] = await campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'europe', source: 'mailchimp' }]);
		// contact(0) is in the US: never in europe; leaving it touches the three others, none of which has her there.
		expect(left.platforms.map((step) => step.platform).sort()).toEqual(['activecampaign', 'hubspot', 'marketo']);

		const [first] = await campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'enterprise', source: 'hubspot' }]);
		expect(first.platforms.map((step) => step.platform).sort()).toEqual(['activecampaign', 'mailchimp', 'marketo']);
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual(['hubspot']);

		await fanOut().fanOut([ada]);
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual(ALL);
		const [second] = await campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'enterprise', source: 'crm' }]);
		expect(second).toMatchObject({ recorded: true, status: 'removed' });
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual([]);
	});

	test('a platform that fails is retried by the next delivery and by Retry Pending, once; the others are not asked again', async () => {
		await fanOut().fanOut([ada]);
		await platforms.controls.marketo.fault({ kind: 'error', status: 503, times: -1, match: { path: '/rest/v1/lists/' } });
		const [left] = await campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'enterprise' }]);
		await platforms.controls.marketo.clearFaults();
		expect(left.status).toBe('partial');
		expect(left.platforms.find((step) => step.platform === 'marketo')).toMatchObject({ ok: false, error: { retryable: true } });
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual(['marketo']);
		expect((await campaigns().pending()).map((entry) => [entry.work.platform, entry.work.action, entry.attempts])).toEqual([['marketo', 'leave', 1]]);

		const before = counts(await removalCalls());
		const [again] = await campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'enterprise' }]);
		expect(again).toMatchObject({ recorded: false, status: 'removed' });
		expect(again.platforms.filter((step) => !step.replayed).map((step) => step.platform)).toEqual(['marketo']);
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual([]);
		expect(counts(await removalCalls())).toEqual({ ...before, marketo: before.marketo + 1 });
		expect(await campaigns().pending()).toEqual([]);
		expect(await campaigns().retryPending()).toEqual([]);
	});

	test('two deliveries of one leave at the same time remove it once per platform', async () => {
		await fanOut().fanOut([ada]);
		await Promise.all([campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'enterprise' }]), campaigns().leaveSegments([{ email: 'ada@example.com', segment: 'enterprise' }])]);
		expect(await inSegment('ada@example.com', 'enterprise')).toEqual([]);
		expect(counts(await removalCalls())).toEqual({ activecampaign: 1, hubspot: 1, mailchimp: 1, marketo: 1 });
	});

	test('an invalid email or a missing segment is reported and sends nothing', async () => {
		const results = await campaigns().leaveSegments([{ email: 'not-an-email', segment: 'enterprise' }, { email: 'ada@example.com', segment: ' ' }]);
		expect(results.map((result) => result.status)).toEqual(['invalid_email', 'no_segment']);
		expect(counts(await removalCalls())).toEqual({ activecampaign: 0, hubspot: 0, mailchimp: 0, marketo: 0 });
	});
});

interface Journeys {
	mailchimpTriggers: string[];
	mailchimpExits: string[];
	hubspot: Array<[string, string]>;
	marketo: number[];
	activecampaignActive: string[];
	activecampaignEntered: string[];
}

/** What each platform did with the contact's journeys. */
async function journeysOf(email: string): Promise<Journeys> {
	const { controls } = platforms;
	const triggers = (await controls.mailchimp.state<Array<{ journey_id: string; email_address: string }>>('triggers')).filter((entry) => entry.email_address === email);
	const exits = (await controls.mailchimp.state<Array<{ journey_id: string; email_address: string }>>('exits')).filter((entry) => entry.email_address === email);
	const enrollments = (await controls.hubspot.state<Array<{ workflowId: string; email: string; action: string }>>('enrollments')).filter((entry) => entry.email === email);
	const runs = (await controls.marketo.state<Array<{ campaignId: number; email: string }>>('campaignRuns')).filter((entry) => entry.email === email);
	const automations = (await controls.activecampaign.state<Array<{ automation: string; email: string; removedAt?: string }>>('automationRuns')).filter((entry) => entry.email === email && entry.automation !== '11');
	return {
		mailchimpTriggers: triggers.map((entry) => entry.journey_id).filter((id) => id !== '501'),
		mailchimpExits: exits.map((entry) => entry.journey_id),
		hubspot: enrollments.map((entry) => [entry.action, entry.workflowId]),
		marketo: runs.map((entry) => entry.campaignId).filter((id) => id !== 7100),
		activecampaignActive: automations.filter((entry) => !entry.removedAt).map((entry) => entry.automation),
		activecampaignEntered: automations.map((entry) => entry.automation),
	};
}

describe('the nurture by lifecycle stage', () => {
	const grace = contact(1, { email: 'grace@example.com' });
	const nurturing: Journeys = {
		mailchimpTriggers: [MAILCHIMP_NURTURE.id],
		mailchimpExits: [],
		hubspot: [['enrolled', HUBSPOT_WORKFLOWS.nurture]],
		marketo: [MARKETO_JOURNEYS.nurture],
		activecampaignActive: [ACTIVECAMPAIGN_JOURNEYS.nurture],
		activecampaignEntered: [ACTIVECAMPAIGN_JOURNEYS.nurture],
	};
	const ended: Journeys = {
		mailchimpTriggers: [MAILCHIMP_NURTURE.id],
		mailchimpExits: [MAILCHIMP_NURTURE.id],
		hubspot: [['enrolled', HUBSPOT_WORKFLOWS.nurture], ['unenrolled', HUBSPOT_WORKFLOWS.nurture]],
		marketo: [MARKETO_JOURNEYS.nurture, MARKETO_JOURNEYS.nurtureStop],
		activecampaignActive: [],
		activecampaignEntered: [ACTIVECAMPAIGN_JOURNEYS.nurture],
	};

	test('a lead starts it once on every platform; becoming a customer stops it once; a late "lead" does not restart it', async () => {
		await fanOut().fanOut([grace]);
		const [lead] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'Lead' }]);
		expect(lead).toMatchObject({ email: 'grace@example.com', stage: 'lead', action: 'nurture_started', status: 'done' });
		expect(lead.campaignExecutions.map((execution) => execution.id).sort()).toEqual(ALL.map((platform) => `nurture:${platform}:grace@example.com:1`));
		expect(await journeysOf('grace@example.com')).toEqual(nurturing);

		// Delivered again (and twice at once): replayed, nothing new on any platform, the same execution ids.
		const repeats = await Promise.all([campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'lead' }]), campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'lead' }])]);
		for (const [repeat] of repeats) {
			expect(repeat.platforms.every((step) => step.ok && step.replayed)).toBe(true);
			expect(repeat.campaignExecutions.map((execution) => execution.id).sort()).toEqual(lead.campaignExecutions.map((execution) => execution.id).sort());
		}
		expect(await journeysOf('grace@example.com')).toEqual(nurturing);

		const [customer] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'customer' }]);
		expect(customer).toMatchObject({ action: 'nurture_stopped', status: 'done', campaignExecutions: [] });
		expect(customer.platforms.map((step) => step.platform).sort()).toEqual(ALL);
		expect(await journeysOf('grace@example.com')).toEqual(ended);

		await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'customer' }]);
		const [late] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'lead' }]);
		expect(late).toMatchObject({ action: 'none', status: 'unchanged' });
		expect(await journeysOf('grace@example.com')).toEqual(ended);
		expect(await campaigns().journeyState('grace@example.com', 'nurture')).toBe('stopped');
	});

	test('lead and customer in one call start then stop it; a stage that is neither changes nothing', async () => {
		await fanOut().fanOut([grace]);
		const results = await campaigns().updateLifecycleStages([
			{ email: 'grace@example.com', stage: 'lead' },
			{ email: 'grace@example.com', stage: 'customer' },
			{ email: 'grace@example.com', stage: 'opportunity' },
			{ email: 'nobody', stage: 'lead' },
		]);
		expect(results.map((result) => [result.action, result.status])).toEqual([
			['nurture_started', 'done'],
			['nurture_stopped', 'done'],
			['none', 'unchanged'],
			['none', 'invalid_email'],
		]);
		expect(await journeysOf('grace@example.com')).toEqual(ended);
	});

	test('a start that failed on one platform is retried until the contact becomes a customer, then cancelled, never sent after', async () => {
		await fanOut().fanOut([grace]);
		await platforms.controls.hubspot.fault({ kind: 'error', status: 503, times: -1, match: { path: '/automation/' } });
		const [lead] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'lead' }]);
		expect(lead.status).toBe('partial');
		expect(lead.campaignExecutions.map((execution) => execution.platform).sort()).toEqual(['activecampaign', 'mailchimp', 'marketo']);
		const retried = await campaigns().retryPending();
		expect(retried.map((entry) => [entry.platform, entry.action, entry.ok])).toEqual([['hubspot', 'start', false]]);
		await platforms.controls.hubspot.clearFaults();

		const [customer] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'customer' }]);
		expect(customer.platforms.map((step) => step.platform).sort()).toEqual(['activecampaign', 'mailchimp', 'marketo']);
		expect(await campaigns().pending()).toEqual([]);
		expect(await campaigns().retryPending()).toEqual([]);
		expect((await journeysOf('grace@example.com')).hubspot).toEqual([]);
	});

	test('an enrolment whose answer was lost is retried once and found done: the contact is enrolled once', async () => {
		await fanOut().fanOut([grace]);
		await platforms.controls.hubspot.fault({ kind: 'lost_response', times: 1, match: { method: 'POST', path: '/automation/' } });
		const [lead] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'lead' }]);
		expect(lead.platforms.find((step) => step.platform === 'hubspot')?.ok).toBe(false);
		const retried = await campaigns().retryPending();
		expect(retried.map((entry) => [entry.platform, entry.action, entry.ok])).toEqual([['hubspot', 'start', true]]);
		expect((await journeysOf('grace@example.com')).hubspot).toEqual([['enrolled', HUBSPOT_WORKFLOWS.nurture]]);
		expect(await campaigns().retryPending()).toEqual([]);
	});

	test('a lead who unsubscribed is not nurtured', async () => {
		await fanOut().fanOut([grace]);
		await fanOut().recordUnsubscribes([{ email: 'grace@example.com', source: 'other' }]);
		const [lead] = await campaigns().updateLifecycleStages([{ email: 'grace@example.com', stage: 'lead' }]);
		expect(lead).toMatchObject({ status: 'unsubscribed', action: 'none' });
		expect((await journeysOf('grace@example.com')).marketo).toEqual([]);
	});

	test('a stage that both starts and stops the nurture is refused', () => {
		expect(() => new MarketingCampaigns({ store, targets: [], integration: 'test', nurtureStages: ['lead', 'Customer'], customerStages: ['customer'] })).toThrow(/customer.*both start and stop/);
	});
});

describe('the retention campaign', () => {
	const now = new Date('2026-06-01T12:00:00Z');
	const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

	async function retentionRuns(email: string) {
		const journeys = await journeysOf(email);
		return {
			mailchimp: journeys.mailchimpTriggers.filter((id) => id === MAILCHIMP_RETENTION.id).length,
			hubspot: journeys.hubspot.filter(([, workflow]) => workflow === HUBSPOT_WORKFLOWS.retention).length,
			marketo: journeys.marketo.filter((id) => id === MARKETO_JOURNEYS.retention).length,
			activecampaign: journeys.activecampaignEntered.filter((id) => id === ACTIVECAMPAIGN_JOURNEYS.retention).length,
		};
	}

	test('starts once per inactivity spell for customers inactive past the threshold; active customers and bad dates are left alone', async () => {
		await fanOut().fanOut([contact(2, { email: 'idle@example.com' }), contact(3, { email: 'busy@example.com' })]);
		const first = await campaigns().startRetention(
			[
				{ email: 'idle@example.com', lastActivityAt: daysAgo(100) },
				{ email: 'busy@example.com', lastActivityAt: daysAgo(10) },
				{ email: 'odd@example.com', lastActivityAt: '03/04/2026' },
				{ email: 'odd@example.com', lastActivityAt: 1_700_000_000 },
			],
			60,
			now,
		);
		expect(first.map((result) => [result.email, result.status, result.field ?? null])).toEqual([
			['idle@example.com', 'started', null],
			['busy@example.com', 'active', null],
			['odd@example.com', 'invalid', 'lastActivityAt'],
			['odd@example.com', 'invalid', 'lastActivityAt'],
		]);
		expect(first[0]).toMatchObject({ inactiveDays: 100, lastActivityAt: daysAgo(100) });
		expect(first[0].campaignExecutions.map((execution) => execution.id).sort()).toEqual(ALL.map((platform) => `retention:${platform}:idle@example.com:${daysAgo(100)}`));
		expect(await retentionRuns('idle@example.com')).toEqual({ mailchimp: 1, hubspot: 1, marketo: 1, activecampaign: 1 });
		expect(await retentionRuns('busy@example.com')).toEqual({ mailchimp: 0, hubspot: 0, marketo: 0, activecampaign: 0 });

		// The next scheduled run reads the same last activity: nothing new, the same execution ids (metered once).
		const second = await campaigns().startRetention([{ email: 'idle@example.com', lastActivityAt: daysAgo(100) }], 60, new Date(now.getTime() + 86_400_000));
		expect(second[0].platforms.every((step) => step.ok && step.replayed)).toBe(true);
		expect(await retentionRuns('idle@example.com')).toEqual({ mailchimp: 1, hubspot: 1, marketo: 1, activecampaign: 1 });

		// Active again, then lapsed again: a new spell, a new campaign.
		const later = new Date(now.getTime() + 200 * 86_400_000);
		const third = await campaigns().startRetention([{ email: 'idle@example.com', lastActivityAt: daysAgo(-20) }], 60, later);
		expect(third[0].status).toBe('started');
		expect(await retentionRuns('idle@example.com')).toEqual({ mailchimp: 2, hubspot: 2, marketo: 2, activecampaign: 2 });
	});

	test('a retention start whose answer was lost on Marketo and ActiveCampaign is looked up on the retry and found: the campaign runs once on each', async () => {
		await fanOut().fanOut([contact(4, { email: 'lapsed@example.com' })]);
		await platforms.controls.marketo.fault({ kind: 'lost_response', times: 1, match: { method: 'POST', path: '/rest/v1/campaigns/' } });
		await platforms.controls.activecampaign.fault({ kind: 'lost_response', times: 1, match: { method: 'POST', path: '/api/3/contactAutomations' } });
		const [first] = await campaigns().startRetention([{ email: 'lapsed@example.com', lastActivityAt: daysAgo(90) }], 60, now);
		expect(first.platforms.filter((step) => !step.ok).map((step) => step.platform).sort()).toEqual(['activecampaign', 'marketo']);
		// The platforms acted before their answers were lost.
		expect(await retentionRuns('lapsed@example.com')).toEqual({ mailchimp: 1, hubspot: 1, marketo: 1, activecampaign: 1 });

		const retried = await campaigns().retryPending();
		expect(retried.map((entry) => [entry.platform, entry.action, entry.ok]).sort()).toEqual([['activecampaign', 'start', true], ['marketo', 'start', true]]);
		expect(await retentionRuns('lapsed@example.com')).toEqual({ mailchimp: 1, hubspot: 1, marketo: 1, activecampaign: 1 });
		expect(await campaigns().retryPending()).toEqual([]);
	});

	test('a retention start whose run died after ActiveCampaign acted (its claim left pending, no failure noted) is looked up by the next run and not sent again', async () => {
		await fanOut().fanOut([contact(6, { email: 'gone@example.com' })]);
		const occurrence = daysAgo(90);
		// What a run that died leaves: the ledger claim it wrote before sending (its lease lapsed with the process) and the
		// contact's entry in the automation, which ActiveCampaign made; no failure was noted, so nothing is on the outbox.
		await store.idempotency.claim(outboxKey('marketing-campaigns', 'test', 'activecampaign'), outboxKey('start', 'retention', 'gone@example.com', occurrence), 1);
		const { baseUrl, credentials } = platforms.sandboxes.activecampaign;
		const headers = { 'api-token': credentials.apiToken, 'content-type': 'application/json' };
		const found = (await (await fetch(`${baseUrl}/api/3/contacts?email=gone@example.com`, { headers })).json()) as { contacts: Array<{ id: string }> };
		const added = await fetch(`${baseUrl}/api/3/contactAutomations`, { method: 'POST', headers, body: JSON.stringify({ contactAutomation: { contact: found.contacts[0].id, automation: ACTIVECAMPAIGN_JOURNEYS.retention } }) });
		expect(added.status).toBe(201);

		const [next] = await campaigns().startRetention([{ email: 'gone@example.com', lastActivityAt: occurrence }], 60, now);
		expect(next.platforms.every((step) => step.ok)).toBe(true);
		expect((await retentionRuns('gone@example.com')).activecampaign).toBe(1);
	});

	test('a retried start that never reached Marketo or ActiveCampaign is sent on the retry', async () => {
		await fanOut().fanOut([contact(5, { email: 'quiet@example.com' })]);
		await platforms.controls.marketo.fault({ kind: 'error', status: 503, times: 3, match: { method: 'POST', path: '/rest/v1/campaigns/' } });
		await platforms.controls.activecampaign.fault({ kind: 'error', status: 503, times: 3, match: { method: 'POST', path: '/api/3/contactAutomations' } });
		await campaigns().startRetention([{ email: 'quiet@example.com', lastActivityAt: daysAgo(90) }], 60, now);
		expect(await retentionRuns('quiet@example.com')).toEqual({ mailchimp: 1, hubspot: 1, marketo: 0, activecampaign: 0 });
		await platforms.controls.marketo.clearFaults();
		await platforms.controls.activecampaign.clearFaults();
		const retried = await campaigns().retryPending();
		expect(retried.map((entry) => [entry.platform, entry.ok]).sort()).toEqual([['activecampaign', true], ['marketo', true]]);
		expect(await retentionRuns('quiet@example.com')).toEqual({ mailchimp: 1, hubspot: 1, marketo: 1, activecampaign: 1 });
	});

	test('a threshold that is not a positive number of days is refused', async () => {
		await expect(campaigns().startRetention([], 0)).rejects.toThrow(/Inactive Days/);
		await expect(campaigns().startRetention([], Number.NaN)).rejects.toThrow(/Inactive Days/);
	});
});
