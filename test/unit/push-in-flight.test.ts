/**
 * A push keeps several writes in flight for a vendor that declares it (`writesInFlight`, HubSpot's batch calls), each
 * write's outcomes kept as it ends: never more at once than declared, and a write failing among them loses and doubles
 * nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import type { CrmEntity, EntitySupport } from '../../lib/platforms/crm';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { pushRecords, type InternalRecord } from '../../lib/sync/push';
import { FakeCrm, fakeMappings } from './crmFakeConnector';

jest.setTimeout(60_000);

let dir: string;
let store: StateStore;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'push-in-flight-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
});

afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const key = { integration: 'test', platform: 'hubspot', entity: 'contacts' as const };
const people = (count: number): InternalRecord[] => Array.from({ length: count }, (_, i) => ({ id: `p${i}`, firstName: `P${i}`, email: `p${i}@x.test` }));
const push = (connector: FakeCrm, records: InternalRecord[], runId: string) =>
	pushRecords({ store, connector, integration: 'test', entity: 'contacts', mappings: fakeMappings, records, runId });

/**
 * A platform of batches of two that takes `inFlight` writes at once. Its first writes wait until `inFlight` of them are
 * open (or 10 s, so writes made one after another still end): only writes in flight together meet.
 */
class ConcurrentCrm extends FakeCrm {
	open = 0;
	mostAtOnce = 0;
	readonly started: number[] = [];
	/** Write calls (by the order they started) that throw before writing anything. */
	readonly failing = new Set<number>();
	private meet?: () => void;
	private readonly met: Promise<void>;

	constructor(private readonly inFlight: number) {
		super('hubspot', undefined, { batchSize: 2 });
		const support = this.entities.contacts as EntitySupport;
		this.entities.contacts = { ...support, writesInFlight: inFlight };
		this.met = new Promise((resolve) => (this.meet = resolve));
	}

	override async write(entity: CrmEntity, batch: Parameters<FakeCrm['write']>[1]) {
		const call = this.started.length + 1;
		this.started.push(call);
		this.mostAtOnce = Math.max(this.mostAtOnce, ++this.open);
		if (this.open === this.inFlight) this.meet?.();
		let timer: NodeJS.Timeout | undefined;
		if (call <= this.inFlight) await Promise.race([this.met, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
		clearTimeout(timer);
		this.open--;
		if (this.failing.has(call)) throw Object.assign(new Error('hubspot is unavailable'), { code: 'UNAVAILABLE' });
		return super.write(entity, batch);
	}
}

it('keeps as many writes in flight as the platform declares, never more, outcomes in input order', async () => {
	const hubspot = new ConcurrentCrm(3);
	const result = await push(hubspot, people(10), 'in-flight');
	// Five batches of two, three of them open at once (one at a time before).
	expect(hubspot.started).toHaveLength(5);
	expect(hubspot.mostAtOnce).toBe(3);
	expect(result.outcomes.map((outcome) => [outcome.index, outcome.status])).toEqual(Array.from({ length: 10 }, (_, i) => [i, 'created']));
	expect(hubspot.live()).toHaveLength(10);
	expect((await store.idMap.externalIds(key, people(10).map((person) => person.id))).size).toBe(10);
});

it('a write failing among those in flight fails its own records only; the next push creates those once, the others are not written again', async () => {
	const hubspot = new ConcurrentCrm(3);
	hubspot.failing.add(2);
	const first = await push(hubspot, people(10), 'in-flight-1');
	const failed = first.outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.internalId);
	expect(failed).toHaveLength(2);
	expect(first.counts).toMatchObject({ created: 8, failed: 2 });
	expect(hubspot.live()).toHaveLength(8);
	const linked = await store.idMap.externalIds(key, people(10).map((person) => person.id));
	expect([...linked.keys()].sort()).toEqual(people(10).map((person) => person.id).filter((id) => !failed.includes(id)).sort());

	const second = await push(hubspot, people(10), 'in-flight-2');
	expect(second.counts).toMatchObject({ created: 2, skipped: 8, failed: 0 });
	// One write of the two that failed: the eight already there are skipped by their snapshots, not written twice.
	expect(hubspot.started).toHaveLength(6);
	expect(hubspot.live().map((record) => record.fields.email).sort()).toEqual(people(10).map((person) => person.email).sort());
	const links = await store.idMap.externalIds(key, people(10).map((person) => person.id));
	expect(new Set(links.values()).size).toBe(10);
});
