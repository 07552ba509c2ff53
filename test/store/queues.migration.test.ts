/**
 * The pending queues moved onto the store's outbox keep what an older store held, on both backends: changes staged in
 * the sync inbox (group, attempts, revision), marketing's pending member changes (attempts, last error) and the Event
 * Router's dead letters (ids, attempts, reasons, status) read the same after the migration, and go on from there.
 */
import { MarketingRepository } from '../../lib/marketing/repository';
import { allMigrations } from '../../lib/migrations';
import { RoutingRepository } from '../../lib/routing';
import { closeAllStores, openStore, type Migration, type StoreConfig } from '../../lib/store';
import { InboxRepository } from '../../lib/sync/inbox';
import { storeBackends } from './backends';

/** The schema as it was before the queues moved: the versions that moved them left out. */
const moved = new Set(['outbox 2', 'sync 2', 'marketing 4', 'routing 2']);
const before: Migration[] = allMigrations.filter((migration) => !moved.has(`${migration.component} ${migration.version}`));

const stamp = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';
const event = { id: 'evt-1', type: 'order.placed', source: 'shop', time: stamp, data: { total: 4 } };

describe.each(storeBackends())('queues moved onto the outbox on $name', (backend) => {
	let config: StoreConfig;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		config = await backend.freshConfig();
		const old = await openStore(config, before);
		const run = (sql: string, params: Array<string | number | null>) => old.db.run(sql, params);
		await run(
			`INSERT INTO sync_inbox (integration, entity, platform, external_id, group_key, data, modified_at, deleted, attempts, revision, staged_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			['crm', 'contacts', 'hubspot', 'h-1', 'id-1', JSON.stringify({ email: 'a@x.test' }), stamp, 0, 3, 2, stamp,
				'crm', 'contacts', 'salesforce', 's-9', 'match:b@x.test', JSON.stringify({ email: 'b@x.test' }), null, 1, 0, 1, stamp],
		);
		await run(
			`INSERT INTO marketing_pending (integration, platform, email, change, attempts, error_code, error_message, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			['news', 'mailchimp', 'c@x.test', JSON.stringify({ email: 'c@x.test', fields: { FNAME: 'C' }, status: 'subscribed', segments: [], welcome: false }), 2, '429', 'slow down', stamp],
		);
		await run(
			`INSERT INTO routing_dead_letters (id, event_id, rule_id, destination_id, event, reason, attempts, status, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			['dl-1', 'evt-1', 'orders', 'accounting', JSON.stringify(event), 'HTTP 500', 4, 'dead', stamp, stamp,
				'dl-2', 'evt-1', 'orders', 'crm', JSON.stringify(event), 'HTTP 404', 1, 'replayed', stamp, later],
		);
		await old.close();
	});
	afterEach(async () => await closeAllStores());

	test('staged changes keep their group, attempts and revision; a handled one leaves, a newer one stays', async () => {
		const store = await openStore(config, allMigrations);
		const inbox = new InboxRepository(store.db);
		const key = { integration: 'crm', entity: 'contacts' };
		const groups = await inbox.nextGroups(key, '', 10);
		expect([...groups.keys()]).toEqual(['id-1', 'match:b@x.test']);
		expect(groups.get('id-1')).toEqual([{ platform: 'hubspot', externalId: 'h-1', groupKey: 'id-1', data: { email: 'a@x.test' }, modifiedAt: stamp, deleted: false, attempts: 3, revision: 2 }]);
		expect(groups.get('match:b@x.test')).toEqual([{ platform: 'salesforce', externalId: 's-9', groupKey: 'match:b@x.test', data: { email: 'b@x.test' }, modifiedAt: undefined, deleted: true, attempts: 0, revision: 1 }]);
		await inbox.stage(key, [{ platform: 'hubspot', externalId: 'h-1', groupKey: 'id-1', data: { email: 'a2@x.test' }, deleted: false }]);
		await inbox.remove(key, groups.get('id-1')![0]);
		await inbox.remove(key, groups.get('match:b@x.test')![0]);
		const left = [...(await inbox.nextGroups(key, '', 10)).values()].flat();
		expect(left).toEqual([expect.objectContaining({ externalId: 'h-1', data: { email: 'a2@x.test' }, revision: 3, attempts: 0 })]);
		expect(await inbox.size(key)).toBe(1);
	});

	test('pending member changes keep their attempts and error, and the next failure counts on from them', async () => {
		const store = await openStore(config, allMigrations);
		const marketing = new MarketingRepository(store.db, 'news');
		const change = { email: 'c@x.test', fields: { FNAME: 'C' }, status: 'subscribed' as const, segments: [], welcome: false };
		expect(await marketing.pending('mailchimp', 10, 5)).toEqual([{ platform: 'mailchimp', email: 'c@x.test', change, attempts: 2, error: { code: '429', message: 'slow down' } }]);
		expect(await marketing.pending('mailchimp', 10, 2)).toEqual([]);
		await marketing.settle('mailchimp', [{ change, error: { message: 'still refused' } }], []);
		expect(await marketing.allPending()).toEqual([{ platform: 'mailchimp', email: 'c@x.test', change, attempts: 3, error: { code: undefined, message: 'still refused' } }]);
		await marketing.settle('mailchimp', [], ['c@x.test']);
		expect(await marketing.allPending()).toEqual([]);
	});

	test('dead letters keep their ids, attempts, reasons and status; a letter that fails again adds its attempts', async () => {
		const store = await openStore(config, allMigrations);
		const routing = new RoutingRepository(store.db);
		expect(await routing.deadLetters()).toEqual([
			{ id: 'dl-1', eventId: 'evt-1', ruleId: 'orders', destinationId: 'accounting', event, reason: 'HTTP 500', attempts: 4, status: 'dead', createdAt: stamp, updatedAt: stamp },
		]);
		expect((await routing.deadLetters({ status: 'replayed' })).map((letter) => [letter.id, letter.updatedAt])).toEqual([['dl-2', later]]);
		expect((await routing.deadLettersById(['dl-2', 'dl-1'])).map((letter) => letter.id).sort()).toEqual(['dl-1', 'dl-2']);
		expect(await routing.deadLetter({ event, ruleId: 'orders', destinationId: 'crm', reason: 'HTTP 502', attempts: 2 })).toBe('dl-2');
		expect((await routing.deadLetters({ destinationId: 'crm' }))).toEqual([expect.objectContaining({ id: 'dl-2', reason: 'HTTP 502', attempts: 3, status: 'dead' })]);
		await routing.markReplayed('dl-1');
		expect((await routing.deadLetters({ ruleId: 'orders' })).map((letter) => letter.id)).toEqual(['dl-2']);
	});
});
