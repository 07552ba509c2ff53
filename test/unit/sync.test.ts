/** The pull and sync engines against in-memory platforms and a real SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ReviewQueue } from '../../lib/store/reviews';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { InboxRepository } from '../../lib/sync/inbox';
import { pullChanges, type PulledChange } from '../../lib/sync/pull';
import { pushRecords } from '../../lib/sync/push';
import { fullRoundChunk, syncPlatforms, syncScope, type SyncOptions } from '../../lib/sync/sync';
import { FakeCrm, fakeMappings, tick } from './crmFakeConnector';

let dir: string;
let store: StateStore;
let run = 0;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-sync-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
});

afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

async function pullAll(connector: FakeCrm, onPage?: (changes: PulledChange[]) => Promise<void>) {
	const seen: PulledChange[] = [];
	const summary = await pullChanges({
		store, connector, integration: 'test', entity: 'contacts', mappings: fakeMappings, deletes: 'propagate',
		onPage: async (changes) => {
			if (onPage) await onPage(changes);
			seen.push(...changes);
		},
	});
	return { seen, summary };
}

function sync(platforms: FakeCrm[], extra: Partial<SyncOptions> = {}) {
	return syncPlatforms({
		store, integration: 'test', entity: 'contacts', platforms: platforms.map((connector) => ({ connector, mappings: fakeMappings })),
		strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `run-${++run}`, ...extra,
	});
}

function writes(connector: FakeCrm): number {
	return connector.calls.filter((call) => call.kind === 'write').length;
}

describe('pull', () => {
	it('returns changes since the cursor page by page, in internal field names', async () => {
		const hubspot = new FakeCrm('hubspot', undefined, { pageSize: 2 });
		for (let i = 0; i < 5; i++) hubspot.add({ firstname: `P${i}`, email: `p${i}@x.test` });
		const first = await pullAll(hubspot);
		expect(first.seen.map((change) => change.record.firstName)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
		expect(first.seen.every((change) => change.kind === 'created')).toBe(true);
		expect(first.summary.pages).toBe(3);
		const id = hubspot.byField('email', 'p3@x.test')[0].id;
		hubspot.edit(id, { firstname: 'Changed' });
		const second = await pullAll(hubspot);
		expect(second.seen).toHaveLength(1);
		expect(second.seen[0]).toMatchObject({ externalId: id, kind: 'updated', record: { firstName: 'Changed' } });
	});

	it('leaves the cursor before a page whose handling failed, so the next run reads it again', async () => {
		const hubspot = new FakeCrm('hubspot', undefined, { pageSize: 2 });
		for (let i = 0; i < 4; i++) hubspot.add({ email: `p${i}@x.test` });
		let pages = 0;
		await expect(pullAll(hubspot, async () => {
			if (++pages === 2) throw new Error('downstream failed');
		})).rejects.toThrow('downstream failed');
		const retry = await pullAll(hubspot);
		expect(retry.seen.map((change) => change.fields.email)).toEqual(['p2@x.test', 'p3@x.test']);
	});

	it('does not report our own writes or edits to unsynced fields as changes', async () => {
		const hubspot = new FakeCrm('hubspot', ['firstname', 'lastname', 'email', 'phone', 'company', 'notes']);
		await pushRecords({ store, connector: hubspot, integration: 'test', entity: 'contacts', mappings: fakeMappings, records: [{ id: 'c1', email: 'a@x.test', firstName: 'Ann' }], runId: 'r' });
		const afterPush = await pullAll(hubspot);
		expect(afterPush.seen).toHaveLength(0);
		expect(afterPush.summary.unchanged).toBe(1);
		hubspot.edit(hubspot.live()[0].id, { notes: 'not synced' });
		expect((await pullAll(hubspot)).seen).toHaveLength(0);
		hubspot.edit(hubspot.live()[0].id, { firstname: 'Anna' });
		const edited = await pullAll(hubspot);
		expect(edited.seen).toHaveLength(1);
		expect(edited.seen[0]).toMatchObject({ internalId: 'c1', kind: 'updated' });
	});

	it('names a mapped field the platform lacks before reading anything', async () => {
		const hubspot = new FakeCrm('hubspot', ['email']);
		await expect(pullAll(hubspot)).rejects.toThrow('Field "firstname" does not exist on hubspot contacts');
		expect(hubspot.calls).toHaveLength(0);
	});
});

describe('sync', () => {
	it('copies a new record to the other platforms, links it, and a second run writes nothing (no loop)', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce', undefined, { batchSize: 200 });
		hubspot.add({ firstname: 'Ann', lastname: 'Lee', email: 'ann@x.test', phone: '+15550100' });
		const first = await sync([hubspot, salesforce]);
		expect(salesforce.live()).toHaveLength(1);
		expect(salesforce.live()[0].fields).toMatchObject({ firstname: 'Ann', email: 'ann@x.test' });
		expect(first.platforms.salesforce.created).toBe(1);
		expect(first.platforms.hubspot.pulled).toBe(1);
		const activity = await store.db.query<{ platform: string; operation: string; created: number }>(
			'SELECT platform, operation, created FROM activity_log WHERE run_id = ? ORDER BY platform', [first.runId],
		);
		expect(activity.map((row) => [row.platform, row.operation, Number(row.created)])).toEqual([['hubspot', 'sync', 0], ['salesforce', 'sync', 1]]);
		const writesBefore = writes(hubspot) + writes(salesforce);
		const second = await sync([hubspot, salesforce]);
		expect(writes(hubspot) + writes(salesforce)).toBe(writesBefore);
		expect(second.platforms.salesforce.echoes).toBe(1);
		expect(second.platforms.hubspot.pulled + second.platforms.salesforce.pulled).toBe(0);
		expect(hubspot.live()).toHaveLength(1);
	});

	it('links records that already exist on both platforms by email instead of duplicating them', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		salesforce.add({ firstname: 'Ann', email: 'ANN@x.test ', phone: '+15550100' });
		await sync([hubspot, salesforce]);
		expect(hubspot.live()).toHaveLength(1);
		expect(salesforce.live()).toHaveLength(1);
		expect(hubspot.live()[0].fields.phone).toBe('+15550100');
	});

	it('propagates an edit, and the copy it wrote does not bounce back', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		const zendesk = new FakeCrm('zendesk');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		await sync([hubspot, salesforce, zendesk]);
		salesforce.edit(salesforce.live()[0].id, { lastname: 'Smith' });
		const edit = await sync([hubspot, salesforce, zendesk]);
		expect(edit.platforms.hubspot.updated).toBe(1);
		expect(edit.platforms.zendesk.updated).toBe(1);
		expect(hubspot.live()[0].fields.lastname).toBe('Smith');
		expect(zendesk.live()[0].fields.lastname).toBe('Smith');
		const quiet = await sync([hubspot, salesforce, zendesk]);
		expect(quiet.platforms.hubspot.updated + quiet.platforms.salesforce.updated + quiet.platforms.zendesk.updated).toBe(0);
		expect(quiet.platforms.hubspot.echoes + quiet.platforms.zendesk.echoes).toBe(2);
	});

	it('settles concurrent edits by last write wins, field by field, identically on every platform', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Ann', lastname: 'Lee', email: 'ann@x.test', phone: '+15550100' });
		await sync([hubspot, salesforce]);
		const early = tick();
		const late = tick();
		hubspot.edit(hubspot.live()[0].id, { firstname: 'Annie', phone: '+15550111' }, early);
		salesforce.edit(salesforce.live()[0].id, { firstname: 'Anne', company: 'Acme' }, late);
		const result = await sync([hubspot, salesforce]);
		expect(result.conflicts).toBe(1);
		expect(result.platforms.hubspot.conflicts).toBe(1);
		for (const platform of [hubspot, salesforce]) {
			expect(platform.live()[0].fields).toMatchObject({ firstname: 'Anne', phone: '+15550111', company: 'Acme', lastname: 'Lee' });
		}
	});

	it('breaks a tie of equal modified times by platform priority, the same on every run', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		await sync([hubspot, salesforce]);
		const same = tick();
		hubspot.edit(hubspot.live()[0].id, { firstname: 'FromHubSpot' }, same);
		salesforce.edit(salesforce.live()[0].id, { firstname: 'FromSalesforce' }, same);
		await sync([hubspot, salesforce], { platformPriority: ['salesforce', 'hubspot'] });
		expect(hubspot.live()[0].fields.firstname).toBe('FromSalesforce');
		expect(salesforce.live()[0].fields.firstname).toBe('FromSalesforce');
	});

	it('queues a manual review, keeps both values until decided, then applies the decision everywhere', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		await sync([hubspot, salesforce], { strategy: { kind: 'manual' } });
		hubspot.edit(hubspot.live()[0].id, { firstname: 'Annie', company: 'Acme' });
		salesforce.edit(salesforce.live()[0].id, { firstname: 'Anne' });
		const result = await sync([hubspot, salesforce], { strategy: { kind: 'manual' } });
		expect(result.reviewsOpened).toBe(1);
		expect(hubspot.live()[0].fields.firstname).toBe('Annie');
		expect(salesforce.live()[0].fields).toMatchObject({ firstname: 'Anne', company: 'Acme' });
		const reviews = new ReviewQueue(store.db);
		const [review] = await reviews.list({ scope: syncScope('test', 'contacts') });
		expect(review.fields).toEqual(['firstName']);
		// Running again before a decision neither writes the field nor queues a second review.
		await sync([hubspot, salesforce], { strategy: { kind: 'manual' } });
		expect(await reviews.list({ scope: syncScope('test', 'contacts') })).toHaveLength(1);
		await reviews.decide(review.id, { side: 'salesforce' });
		const applied = await sync([hubspot, salesforce], { strategy: { kind: 'manual' } });
		expect(applied.reviewsApplied).toBe(1);
		expect(hubspot.live()[0].fields.firstname).toBe('Anne');
		expect((await reviews.get(review.id))?.status).toBe('applied');
	});

	it('keeps a change staged while a platform rejects it and delivers it on a later run', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		hubspot.add({ firstname: 'Bob', email: 'bob@x.test' });
		salesforce.rejecting.add('bob@x.test');
		const failed = await sync([hubspot, salesforce]);
		expect(failed.platforms.salesforce).toMatchObject({ created: 1, failed: 1 });
		expect(failed.failures[0]).toMatchObject({ platform: 'salesforce', error: { code: 'INVALID' } });
		expect(failed.pending).toBe(1);
		salesforce.rejecting.clear();
		salesforce.failNextWrites = 1;
		await sync([hubspot, salesforce]);
		const delivered = await sync([hubspot, salesforce]);
		expect(delivered.pending).toBe(0);
		expect(salesforce.live().map((record) => record.fields.email).sort()).toEqual(['ann@x.test', 'bob@x.test']);
		expect(hubspot.live()).toHaveLength(2);
	});

	it('takes a record a write left half done for that write coming back, not for an edit: the change is not undone elsewhere and is written again', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		const intercom = new FakeCrm('intercom');
		const id = hubspot.add({ firstname: 'Ann', lastname: 'Lee', email: 'ann@x.test' });
		expect((await sync([hubspot, salesforce, intercom])).failures).toEqual([]);
		const copy = intercom.live()[0].id;
		intercom.refusedFields.set(copy, 'lastname');
		hubspot.edit(id, { firstname: 'Anna', lastname: 'Smith' });

		const refused = await sync([hubspot, salesforce, intercom]);
		expect(refused.failures.map((failure) => `${failure.platform}: ${failure.error?.message}`)).toEqual(['intercom: lastname: intercom refused "Smith"']);
		// Intercom holds half the edit, its record newer than the edit itself.
		expect(intercom.live()[0].fields).toMatchObject({ firstname: 'Anna', lastname: 'Lee' });

		const again = await sync([hubspot, salesforce, intercom]);
		expect(again.platforms.intercom).toMatchObject({ pulled: 0, echoes: 1 });
		expect(again.failures.map((failure) => `${failure.platform}: ${failure.error?.message}`)).toEqual(['intercom: lastname: intercom refused "Smith"']);
		for (const platform of [hubspot, salesforce]) expect(platform.live()[0].fields).toMatchObject({ firstname: 'Anna', lastname: 'Smith' });

		// Refused no more, the pending change is written; Intercom's record then reads back as our write.
		intercom.refusedFields.clear();
		expect((await sync([hubspot, salesforce, intercom])).failures).toEqual([]);
		expect(intercom.live()[0].fields).toMatchObject({ firstname: 'Anna', lastname: 'Smith' });
		const quiet = await sync([hubspot, salesforce, intercom]);
		expect([hubspot, salesforce, intercom].map((platform) => quiet.platforms[platform.platform].pulled)).toEqual([0, 0, 0]);
		// Only the read after a half-done write is taken for ours: an edit made on Intercom since is news everywhere.
		intercom.edit(copy, { lastname: 'Smythe' });
		await sync([hubspot, salesforce, intercom]);
		for (const platform of [hubspot, salesforce]) expect(platform.live()[0].fields.lastname).toBe('Smythe');
	});

	it('gives a change up to the error log after the attempt limit', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Bob', email: 'bob@x.test' });
		salesforce.rejecting.add('bob@x.test');
		for (let attempt = 0; attempt < 2; attempt++) await sync([hubspot, salesforce], { maxAttempts: 2 });
		const last = await sync([hubspot, salesforce], { maxAttempts: 2 });
		expect(last.pending).toBe(0);
		const errors = await store.logs.errors('test');
		expect(errors.some((error) => error.code === 'SYNC_GAVE_UP')).toBe(true);
	});

	it('applies the delete policy: propagate archives the copies, flag queues a review, ignore does nothing', async () => {
		for (const deletes of ['propagate', 'flag', 'ignore'] as const) {
			const hubspot = new FakeCrm(`hubspot`);
			const salesforce = new FakeCrm(`salesforce`);
			const integration = `deletes-${deletes}`;
			const options = { deletes, integration };
			hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
			await sync([hubspot, salesforce], options);
			hubspot.remove(hubspot.live()[0].id);
			const result = await sync([hubspot, salesforce], options);
			expect(salesforce.live()).toHaveLength(deletes === 'propagate' ? 0 : 1);
			expect(result.reviewsOpened).toBe(deletes === 'flag' ? 1 : 0);
		}
	});

	it('works through a large inbox a chunk at a time with full batches', async () => {
		const hubspot = new FakeCrm('hubspot', undefined, { pageSize: 200 });
		const salesforce = new FakeCrm('salesforce', undefined, { batchSize: 200 });
		for (let i = 0; i < 1000; i++) hubspot.add({ firstname: `P${i}`, email: `p${i}@x.test` });
		const result = await sync([hubspot, salesforce], { chunkSize: 400 });
		expect(salesforce.live()).toHaveLength(1000);
		expect(result.platforms.salesforce.created).toBe(1000);
		expect(salesforce.calls.filter((call) => call.kind === 'write').map((call) => call.size)).toEqual([200, 200, 200, 200, 200]);
		expect(await new InboxRepository(store.db).size({ integration: 'test', entity: 'contacts' })).toBe(0);
	});
	it('by default resolves one round of calls at a time (what is in flight is all the memory a sync holds), batches full', async () => {
		const hubRecords = async () => Number((await store.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM sync_records'))[0].n);
		const inFlight: number[] = [];
		class CountingCrm extends FakeCrm {
			override async write(...args: Parameters<FakeCrm['write']>) {
				inFlight.push(await hubRecords());
				return super.write(...args);
			}
		}
		const hubspot = new FakeCrm('hubspot', undefined, { pageSize: 200 });
		const salesforce = new CountingCrm('salesforce', undefined, { batchSize: 200 });
		for (let i = 0; i < 1000; i++) hubspot.add({ firstname: `P${i}`, email: `p${i}@x.test` });
		await sync([hubspot, salesforce]);
		expect(salesforce.live()).toHaveLength(1000);
		// Batches of 100 (HubSpot) and 200 (Salesforce): a chunk of 200 fills both; the hub had 200 more records per write.
		expect(salesforce.calls.filter((call) => call.kind === 'write').map((call) => call.size)).toEqual([200, 200, 200, 200, 200]);
		expect(inFlight).toEqual([200, 400, 600, 800, 1000]);
	});

	it('sizes the default chunk to fill every platform\'s batches and rounds of calls, at most 1,000 records', () => {
		const platform = (batchSize: number, batchesPerRound?: number) => {
			const connector = new FakeCrm('p', undefined, { batchSize });
			if (batchesPerRound) Object.assign(connector, { writeBatches: async () => undefined, entities: { contacts: { ...connector.entities.contacts, batchesPerRound } } });
			return { connector, mappings: fakeMappings };
		};
		expect(fullRoundChunk([platform(100), platform(100)], 'contacts')).toBe(100);
		expect(fullRoundChunk([platform(100), platform(200)], 'contacts')).toBe(200);
		expect(fullRoundChunk([platform(50), platform(30)], 'contacts')).toBe(150);
		// Zendesk-like jobs of 100, 100 a round; Salesforce-like collections of 200, 50 a round: capped, still whole batches.
		expect(fullRoundChunk([platform(100, 100), platform(200, 50)], 'contacts')).toBe(1000);
		expect(fullRoundChunk([platform(300, 10)], 'contacts')).toBe(900);
	});

	it('pushes to every platform at once: a run waits on its slowest platform, not on the sum of all', async () => {
		// Each write waits until the other platform's write has started too. Writes made one after another never meet: the
		// first gives up after 30 s (long enough that a loaded machine cannot make concurrent writes miss each other).
		let entered = 0;
		let bothEntered: () => void = () => undefined;
		const together = new Promise<void>((resolve) => (bothEntered = resolve));
		let concurrent = 0;
		let mostAtOnce = 0;
		class SlowCrm extends FakeCrm {
			override async write(...args: Parameters<FakeCrm['write']>) {
				mostAtOnce = Math.max(mostAtOnce, ++concurrent);
				if (++entered === 2) bothEntered();
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([together, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
				clearTimeout(timer);
				concurrent--;
				return super.write(...args);
			}
		}
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new SlowCrm('salesforce');
		const zendesk = new SlowCrm('zendesk');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		const result = await sync([hubspot, salesforce, zendesk]);
		expect(mostAtOnce).toBe(2);
		expect([result.platforms.salesforce.created, result.platforms.zendesk.created]).toEqual([1, 1]);
	});
});

describe('a platform joining an existing sync', () => {
	it('receives every record, including those unchanged elsewhere, and its own matching records are linked', async () => {
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new FakeCrm('salesforce');
		hubspot.add({ firstname: 'Ann', lastname: 'Lee', email: 'ann@x.test' });
		hubspot.add({ firstname: 'Bob', lastname: 'Ray', email: 'bob@x.test' });
		await sync([hubspot, salesforce]);
		const zendesk = new FakeCrm('zendesk');
		zendesk.add({ firstname: 'Bob', lastname: 'Ray', email: 'BOB@x.test', phone: '+15550199' });
		const joined = await sync([hubspot, salesforce, zendesk]);
		expect(zendesk.live().map((record) => String(record.fields.email).toLowerCase()).sort()).toEqual(['ann@x.test', 'bob@x.test']);
		expect(joined.platforms.zendesk.created).toBe(1);
		expect(salesforce.live().find((record) => record.fields.email === 'bob@x.test')?.fields.phone).toBe('+15550199');
		const writes = zendesk.calls.filter((call) => call.kind === 'write').length;
		await sync([hubspot, salesforce, zendesk]);
		expect(zendesk.calls.filter((call) => call.kind === 'write').length).toBe(writes);
	});

	it('has joined once pulled, even while empty (its position then empty text): it is not given every record again', async () => {
		/** A platform whose position before any record is '' (the store connectors' product cursors). */
		class EmptyPosition extends FakeCrm {
			async pullChanges(entity: 'contacts', cursor: string | undefined) {
				const page = await super.pullChanges(entity, cursor);
				return page.records.length === 0 && !cursor ? { ...page, cursor: '' } : page;
			}
		}
		const hubspot = new FakeCrm('hubspot');
		const salesforce = new EmptyPosition('salesforce');
		hubspot.add({ firstname: 'Ann', email: 'ann@x.test' });
		hubspot.add({ firstname: 'Bob', email: 'bob@x.test' });
		salesforce.rejecting.add('bob@x.test');
		await sync([hubspot, salesforce]);
		// Bob's change, still pending, is written once in the next run, not a second time as if Salesforce were joining.
		const next = await sync([hubspot, salesforce]);
		expect(next.failures.map((failure) => failure.platform)).toEqual(['salesforce']);
	});
});
