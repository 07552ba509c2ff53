/** Sync with value maps against in-memory platforms: a decided review whose value a platform has no option for. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ReviewQueue } from '../../lib/store/reviews';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import type { FieldMapping } from '../../lib/records/mapping';
import { syncPlatforms, syncScope } from '../../lib/sync/sync';
import { FakeCrm, fakeMappings } from './crmFakeConnector';

let dir: string;
let store: StateStore;
let run = 0;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-sync-values-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

/** Salesforce's `company` here is a picklist of three companies; HubSpot's is free text. */
const salesforceMappings: FieldMapping[] = fakeMappings.map((mapping) =>
	mapping.internal === 'company' ? { ...mapping, values: { out: { ACME: 'Acme Inc', GLOBEX: 'Globex Corp', INITECH: 'Initech' } } } : mapping);

function sync(hubspot: FakeCrm, salesforce: FakeCrm) {
	return syncPlatforms({
		store, integration: 'test', entity: 'contacts', strategy: { kind: 'manual' }, deletes: 'ignore', runId: `run-${++run}`,
		platforms: [{ connector: hubspot, mappings: fakeMappings }, { connector: salesforce, mappings: salesforceMappings }],
	});
}

const writes = (connector: FakeCrm) => connector.calls.filter((call) => call.kind === 'write').length;

test('a decided value Salesforce has no option for is applied where it can be, reported once, and not pushed again', async () => {
	const hubspot = new FakeCrm('hubspot');
	const salesforce = new FakeCrm('salesforce');
	hubspot.add({ firstname: 'Ann', email: 'ann@x.test', company: 'ACME' });
	await sync(hubspot, salesforce);
	expect(salesforce.live()[0].fields.company).toBe('Acme Inc');
	hubspot.edit(hubspot.live()[0].id, { company: 'GLOBEX' });
	salesforce.edit(salesforce.live()[0].id, { company: 'Initech' });
	expect((await sync(hubspot, salesforce)).reviewsOpened).toBe(1);
	const reviews = new ReviewQueue(store.db);
	const [review] = await reviews.list({ scope: syncScope('test', 'contacts') });
	await reviews.decide(review.id, { values: { company: 'Nowhere Ltd' } });

	const applied = await sync(hubspot, salesforce);
	expect(hubspot.live()[0].fields.company).toBe('Nowhere Ltd');
	expect(salesforce.live()[0].fields.company).toBe('Initech');
	expect(applied.failures.map((failure) => [failure.platform, failure.error?.code])).toEqual([['salesforce', 'UNMAPPED_VALUE']]);
	expect(applied.failures[0].error?.message).toMatch(/"company".*"Nowhere Ltd"/);
	expect((await reviews.get(review.id))?.status).toBe('applied');

	const writesBefore = writes(hubspot) + writes(salesforce);
	const later = await sync(hubspot, salesforce);
	expect(later.failures).toEqual([]);
	expect(writes(hubspot) + writes(salesforce)).toBe(writesBefore);
	const reported = (await store.logs.errors('test')).filter((entry) => entry.code === 'SYNC_REFUSED');
	expect(reported).toHaveLength(1);
	expect(reported[0].message).toContain('Nowhere Ltd');
});
