/**
 * The sync inbox stages a page of changes in a few statements on both backends: a record changed twice in one page is
 * staged once with its later change (one multi-row upsert cannot touch a row twice on PostgreSQL), and staging it again
 * replaces it with a newer revision.
 */
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { HubRecordRepository } from '../../lib/sync/hubRecords';
import { InboxRepository } from '../../lib/sync/inbox';
import { storeBackends } from './backends';

const key = { integration: 'inbox-test', entity: 'contacts' };
const change = (externalId: string, name: string) => ({ platform: 'hubspot', externalId, groupKey: `new:hubspot:${externalId}`, data: { name }, deleted: false });

describe.each(storeBackends())('sync inbox on $name', (backend) => {
	let store: StateStore;

	beforeAll(async () => {
		await backend.setUp();
		store = await openStore(await backend.freshConfig(), allMigrations);
	});
	afterAll(async () => {
		await closeAllStores();
		await backend.tearDown();
	});

	test('a page with a record twice stages it once, the later change; staging it again makes a newer revision', async () => {
		const inbox = new InboxRepository(store.db);
		const page = [...Array.from({ length: 700 }, (_, index) => change(`c-${index}`, `first ${index}`)), change('c-3', 'second 3')];
		await store.db.transaction(async (tx) => new InboxRepository(tx).stage(key, page));
		const staged = [...(await inbox.nextGroups(key, '', 1_000)).values()].flat();
		expect(staged).toHaveLength(700);
		expect(staged.find((entry) => entry.externalId === 'c-3')).toMatchObject({ data: { name: 'second 3' }, revision: 1, attempts: 0 });

		await inbox.stage(key, [change('c-3', 'third 3')]);
		const again = [...(await inbox.nextGroups(key, '', 1_000)).values()].flat().find((entry) => entry.externalId === 'c-3');
		expect(again).toMatchObject({ data: { name: 'third 3' }, revision: 2 });
		expect(await inbox.size(key)).toBe(700);
	});

	test('removing a chunk of handled changes removes the revisions read, not one restaged meanwhile', async () => {
		const removeKey = { integration: 'inbox-remove', entity: 'contacts' };
		const inbox = new InboxRepository(store.db);
		await inbox.stage(removeKey, Array.from({ length: 600 }, (_, index) => change(`r-${index}`, `first ${index}`)));
		await inbox.stage(removeKey, [change('r-7', 'second 7')]);
		const handled = [...(await inbox.nextGroups(removeKey, '', 1_000)).values()].flat();
		expect(new Set(handled.map((entry) => entry.revision))).toEqual(new Set([1, 2]));
		// A newer change to r-9 arrives while the chunk is handled: it must stay for the next run.
		await inbox.stage(removeKey, [change('r-9', 'second 9')]);

		await store.db.transaction(async (tx) => new InboxRepository(tx).removeMany(removeKey, handled));

		const left = [...(await inbox.nextGroups(removeKey, '', 1_000)).values()].flat();
		expect(left.map((entry) => [entry.externalId, entry.data, entry.revision])).toEqual([['r-9', { name: 'second 9' }, 2]]);
	});

	test('hub records saved together take match keys as one after another would: a key given up is taken, a held one is not', async () => {
		const hubKey = { integration: 'hub-put-many', entity: 'contacts' };
		const hub = new HubRecordRepository(store.db);
		await hub.putMany(hubKey, [
			{ internalId: 'a', matchKey: 'a@x.example', data: { n: 1 } },
			{ internalId: 'b', matchKey: 'b@x.example', data: { n: 1 } },
		], ['hubspot']);

		await store.db.transaction(async (tx) => new HubRecordRepository(tx).putMany(hubKey, [
			// c asks for b's key, which b still holds: saved without it.
			{ internalId: 'c', matchKey: 'b@x.example', data: { n: 2 } },
			// a moves to a new key, so its old one is free for d after it.
			{ internalId: 'a', matchKey: 'a2@x.example', data: { n: 2 } },
			{ internalId: 'd', matchKey: 'a@x.example', data: { n: 2 } },
			// e and f ask for one new key: the first one gets it.
			{ internalId: 'e', matchKey: 'new@x.example', data: { n: 2 } },
			{ internalId: 'f', matchKey: 'new@x.example', data: { n: 2 } },
			// a record saved twice keeps its last save.
			{ internalId: 'b', matchKey: 'b@x.example', data: { n: 3 } },
			{ internalId: 'b', matchKey: 'b@x.example', data: { n: 4 } },
		], ['hubspot', 'salesforce']));

		const saved = await hub.getMany(hubKey, ['a', 'b', 'c', 'd', 'e', 'f']);
		expect(Object.fromEntries([...saved].map(([id, record]) => [id, [record.matchKey ?? null, record.data.n]]))).toEqual({
			a: ['a2@x.example', 2], b: ['b@x.example', 4], c: [null, 2], d: ['a@x.example', 2], e: ['new@x.example', 2], f: [null, 2],
		});
	});
});
