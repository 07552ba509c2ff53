/**
 * The marketing state on both store backends (SQLite and a throw-away PostgreSQL): the statements that keep an
 * unsubscribe final and a welcome single are portable, and two processes claiming the same welcomes at once split
 * them without overlap; a segment leave and the nurture's state are news once, however many executions deliver them at
 * once, and each campaign step reaches a platform once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CampaignRepository, MarketingCampaigns, MarketingRepository } from '../../lib/marketing';
import type { ContactOutcome, MarketingConnector } from '../../lib/platforms/marketing';
import { allMigrations } from '../../lib/migrations';
import type { MemberChange } from '../../lib/platforms/marketing';
import { closeAllStores, DEFAULT_LEASE_MS, Leases, openStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';

let postgres: Awaited<ReturnType<typeof acquirePostgres>>;

beforeAll(async () => {
	postgres = await acquirePostgres();
}, 180_000);

afterAll(async () => {
	await closeAllStores();
	await postgres?.release();
});

const backends: Array<[string, () => StoreConfig]> = [
	['sqlite', () => ({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'marketing-store-')), 'state.sqlite') })],
	['postgres', () => ({ kind: 'postgres', ...postgres.config, schema: uniqueName('marketing') })],
];

/** A platform that counts the campaign calls it gets, each answered after a pause (so concurrent runs overlap). */
function countingConnector(platform: string, calls: string[]): MarketingConnector {
	const answer = async (what: string, emails: string[]): Promise<ContactOutcome[]> => {
		calls.push(...emails.map((email) => `${platform} ${what} ${email}`));
		await new Promise((resolve) => setTimeout(resolve, 30));
		return emails.map(() => ({ ok: true }));
	};
	return {
		platform,
		batchSize: 100,
		defaultMappings: [],
		fieldNames: async () => [],
		apply: async () => [],
		leaveSegment: (segment, emails) => answer(`leave ${segment}`, emails),
		hasJourney: () => true,
		startJourney: (kind, emails) => answer(`start ${kind}`, emails),
		stopJourney: (kind, emails) => answer(`stop ${kind}`, emails),
	};
}

const change = (email: string): MemberChange => ({ email, fields: {}, status: 'subscribed', segments: [], welcome: true });

describe.each(backends)('%s', (_name, config) => {
	test('an unsubscribe is final: consent recorded later does not overwrite it', async () => {
		const store = await openStore(config(), allMigrations);
		const repository = new MarketingRepository(store.db, 'it');
		await repository.recordConsent(['a@example.com', 'b@example.com'], 'contact');
		expect(await repository.recordUnsubscribe('a@example.com', 'mailchimp', '2026-01-01T00:00:00Z')).toBe(true);
		expect(await repository.recordUnsubscribe('a@example.com', 'hubspot', '2026-01-02T00:00:00Z')).toBe(false);
		await repository.recordConsent(['a@example.com'], 'contact');
		expect(Object.fromEntries(await repository.consent(['a@example.com', 'b@example.com', 'c@example.com']))).toEqual({ 'a@example.com': 'unsubscribed', 'b@example.com': 'subscribed' });
	});

	test('welcome claims: concurrent claimers split the emails, done ones are never claimed again, released ones are', async () => {
		const store = await openStore(config(), allMigrations);
		const one = new MarketingRepository(store.db, 'it');
		const two = new MarketingRepository(store.db, 'it');
		const emails = Array.from({ length: 50 }, (_, index) => `p${index}@example.com`);
		let clock = Date.now();
		const leases = new Leases(store.db, { ttlMs: 60_000, now: () => clock });
		const holders = ['owner-1', 'owner-2', 'owner-3', 'dead', 'alive'].map((owner) => leases.holder(owner));
		const [first, second] = await Promise.all([one.claimWelcomes('mailchimp', emails, holders[0]), two.claimWelcomes('mailchimp', [...emails].reverse(), holders[1])]);
		expect(first.size + second.size).toBe(50);
		expect([...first].filter((email) => second.has(email))).toEqual([]);
		const winner = first.size > 0 ? { repo: one, owner: 'owner-1', owned: [...first] } : { repo: two, owner: 'owner-2', owned: [...second] };
		await winner.repo.settleWelcomes('mailchimp', winner.owner, winner.owned.slice(1), winner.owned.slice(0, 1));
		const again = await one.claimWelcomes('mailchimp', emails, holders[2]);
		expect([...again]).toEqual(winner.owned.slice(0, 1));
		// A claim whose execution died (no more heartbeats) is taken over once its lease ran out, not before.
		expect([...(await one.claimWelcomes('marketo', ['x@example.com'], holders[3]))]).toEqual(['x@example.com']);
		holders[3].abandon();
		clock += 60_000;
		expect([...(await one.claimWelcomes('marketo', ['x@example.com'], holders[4]))]).toEqual([]);
		clock += 1;
		expect([...(await one.claimWelcomes('marketo', ['x@example.com'], holders[4]))]).toEqual(['x@example.com']);
		// The dead run's late settle changes nothing: the claim is the heir's.
		await one.settleWelcomes('marketo', 'dead', ['x@example.com'], []);
		expect(await one.welcomed('marketo')).toEqual([]);
		await one.settleWelcomes('marketo', 'alive', ['x@example.com'], []);
		expect(await one.welcomed('marketo')).toEqual(['x@example.com']);
		for (const holder of holders) holder.abandon();
	});

	test('a dead run\'s welcome claims free once the default lease has run out (seconds, not the former ten minutes)', async () => {
		const store = await openStore(config(), allMigrations);
		const repository = new MarketingRepository(store.db, 'it');
		const dead = repository.welcomeHolder();
		expect([...(await repository.claimWelcomes('hubspot', ['y@example.com'], dead))]).toEqual(['y@example.com']);
		dead.abandon();
		const startedAt = Date.now();
		const heirAt = (offsetMs: number) => new Leases(store.db, { now: () => startedAt + offsetMs }).holder();
		expect([...(await repository.claimWelcomes('hubspot', ['y@example.com'], heirAt(0)))]).toEqual([]);
		const heir = heirAt(DEFAULT_LEASE_MS + 1);
		expect([...(await repository.claimWelcomes('hubspot', ['y@example.com'], heir))]).toEqual(['y@example.com']);
		heir.abandon();
	});

	test('pending changes: one row per platform and email, attempts counted, cleared on success, bounded retries', async () => {
		const store = await openStore(config(), allMigrations);
		const repository = new MarketingRepository(store.db, 'it');
		await repository.settle('marketo', [{ change: change('a@example.com'), error: { code: '611', message: 'System error' } }], []);
		await repository.settle('marketo', [{ change: change('a@example.com'), error: { message: 'again' } }], []);
		expect((await repository.pending('marketo', 10, 5)).map((entry) => [entry.email, entry.attempts, entry.error?.message])).toEqual([['a@example.com', 2, 'again']]);
		expect(await repository.pending('marketo', 10, 2)).toEqual([]);
		await repository.settle('marketo', [], ['a@example.com']);
		expect(await repository.allPending()).toEqual([]);
	});

	test('a segment leave is news once among concurrent deliveries; joining again makes the next leave news, under a new version', async () => {
		const store = await openStore(config(), allMigrations);
		const repository = new CampaignRepository(store.db, 'it');
		await repository.recordJoins([{ email: 'a@example.com', segments: ['vip', 'eu'] }]);
		const leaves = await Promise.all(Array.from({ length: 5 }, (_, index) => new CampaignRepository(store.db, 'it').recordLeave('a@example.com', 'vip', `source-${index}`)));
		expect(leaves.filter((leave) => leave.recorded)).toHaveLength(1);
		const first = leaves.find((leave) => leave.recorded)!;
		// Every delivery, news or not, names the same leave: its version and the platform it happened on first.
		expect(new Set(leaves.map((leave) => `${leave.version} ${leave.source}`))).toEqual(new Set([`${first.version} ${first.source}`]));
		await repository.recordJoins([{ email: 'a@example.com', segments: ['vip'] }]);
		expect(await repository.recordLeave('a@example.com', 'vip', 'crm')).toEqual({ recorded: true, version: first.version + 1, source: 'crm' });
		// Never a member here (left on a platform first): news once.
		expect((await repository.recordLeave('b@example.com', 'vip', 'mailchimp')).recorded).toBe(true);
		expect((await repository.recordLeave('b@example.com', 'vip', 'hubspot')).recorded).toBe(false);
	});

	test('the nurture: started once, stopped for good, a late start changes nothing', async () => {
		const store = await openStore(config(), allMigrations);
		const repository = new CampaignRepository(store.db, 'it');
		expect(await repository.stopJourney('never@example.com', 'nurture', 'customer')).toEqual({ state: 'stopped', wasStarted: false });
		expect(await repository.moveJourney('never@example.com', 'nurture', 'started', 'lead')).toBe('stopped');
		expect(await Promise.all([repository.moveJourney('a@example.com', 'nurture', 'started', 'lead'), repository.moveJourney('a@example.com', 'nurture', 'started', 'lead')])).toEqual(['started', 'started']);
		expect(await repository.stopJourney('a@example.com', 'nurture', 'customer')).toEqual({ state: 'stopped', wasStarted: true });
		expect(await repository.moveJourney('a@example.com', 'nurture', 'started', 'lead')).toBe('stopped');
		expect(await repository.journeyState('a@example.com', 'nurture')).toBe('stopped');
	});

	test('concurrent deliveries of one leave and one lifecycle change reach each platform once', async () => {
		const store = await openStore(config(), allMigrations);
		const calls: string[] = [];
		const engine = () => new MarketingCampaigns({ store, integration: 'it', targets: ['hubspot', 'mailchimp'].map((platform) => ({ platform, connector: countingConnector(platform, calls) })) });
		await Promise.all(Array.from({ length: 4 }, () => engine().leaveSegments([{ email: 'a@example.com', segment: 'vip' }])));
		await Promise.all(Array.from({ length: 4 }, () => engine().updateLifecycleStages([{ email: 'a@example.com', stage: 'lead' }])));
		await Promise.all(Array.from({ length: 4 }, () => engine().updateLifecycleStages([{ email: 'a@example.com', stage: 'customer' }])));
		expect(calls.sort()).toEqual([
			'hubspot leave vip a@example.com',
			'hubspot start nurture a@example.com',
			'hubspot stop nurture a@example.com',
			'mailchimp leave vip a@example.com',
			'mailchimp start nurture a@example.com',
			'mailchimp stop nurture a@example.com',
		]);
	});
});
