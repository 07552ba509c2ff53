/**
 * The sync inbox stages a page of changes in a few statements on both backends: a record changed twice in one page is
 * staged once with its later change (one multi-row upsert cannot touch a row twice on PostgreSQL), and staging it again
 * replaces it with a newer revision.
 */
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
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
});
