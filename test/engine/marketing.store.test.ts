/**
 * The marketing state on both store backends (SQLite and a throw-away PostgreSQL): the statements that keep an
 * unsubscribe final and a welcome single are portable, and two processes claiming the same welcomes at once split
 * them without overlap.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MarketingRepository } from '../../lib/marketing';
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
});
