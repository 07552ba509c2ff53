/**
 * The state store's contract, proven on both backends with the same tests: whatever a capability relies on must
 * hold on SQLite (the default) and on Postgres (queue mode across hosts) alike.
 */
import { allMigrations } from '../../lib/migrations';
import {
	closeAllStores,
	DEFAULT_LEASE_MS,
	IdempotencyConflictError,
	LeaseLostError,
	Leases,
	leaseName,
	migrate,
	openStore,
	type BucketSpec,
	type Claim,
	type LeaseTimers,
	type Migration,
	type SqlDatabase,
	type StateStore,
	type StoreConfig,
} from '../../lib/store';
import { CursorRepository } from '../../lib/store/cursors';
import { IdempotencyLedger } from '../../lib/store/idempotency';
import { IdMapRepository } from '../../lib/store/idMap';
import { storeBackends } from './backends';

const contacts = { integration: 'crm-sync', platform: 'hubspot', entity: 'contacts' };
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** The heartbeat's timer, ticked by the test: each tick is one heartbeat, however much (injected) time passed. */
class ManualTimers implements LeaseTimers {
	readonly intervals = new Map<number, { tick: () => void; ms: number }>();
	private next = 0;

	setInterval(tick: () => void, ms: number): unknown {
		this.intervals.set(++this.next, { tick, ms });
		return this.next;
	}

	clearInterval(handle: unknown): void {
		this.intervals.delete(handle as number);
	}

	tick(): void {
		for (const { tick } of this.intervals.values()) tick();
	}
}

/** A component of the tests' own, to prove that migrations of any capability apply in order and once. */
const widgets = (version: number, statements: string[]): Migration => ({
	component: 'widgets',
	version,
	description: `widgets v${version}`,
	statements,
});
const widgetsV1 = widgets(1, ['CREATE TABLE widgets (id TEXT PRIMARY KEY, size BIGINT NOT NULL)']);
const widgetsV2 = widgets(2, ['CREATE TABLE widget_parts (widget_id TEXT NOT NULL REFERENCES widgets (id), part TEXT NOT NULL)']);

describe.each(storeBackends())('state store on $name', (backend) => {
	let config: StoreConfig;
	let store: StateStore;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		config = await backend.freshConfig();
		store = await openStore(config, allMigrations);
	});
	afterEach(async () => await closeAllStores());

	describe('migrations', () => {
		const ledger = async (target: StateStore = store) =>
			await target.db.query<{ component: string; version: number; description: string }>(
				'SELECT component, version, description FROM schema_migrations ORDER BY component, version',
			);

		test('a fresh store records every migration it applied in the ledger', async () => {
			const expected = allMigrations
				.map(({ component, version, description }) => ({ component, version, description }))
				.sort((a, b) => a.component.localeCompare(b.component) || a.version - b.version);
			expect(await ledger()).toEqual(expected);
		});

		test('running the migrations again applies nothing and adds no ledger rows', async () => {
			const before = await ledger();
			expect(await migrate(store.db, allMigrations)).toBe(0);
			expect(await migrate(store.db, allMigrations)).toBe(0);
			expect(await ledger()).toEqual(before);
		});

		test('versions apply in order whatever order they are listed in, and only the new ones', async () => {
			expect(await migrate(store.db, [...allMigrations, widgetsV2, widgetsV1])).toBe(2);
			await store.db.run('INSERT INTO widgets (id, size) VALUES (?, ?)', ['w1', 3]);
			await store.db.run('INSERT INTO widget_parts (widget_id, part) VALUES (?, ?)', ['w1', 'gear']);
			const widgetsV3 = widgets(3, ['CREATE INDEX widget_parts_by_part ON widget_parts (part)']);
			expect(await migrate(store.db, [...allMigrations, widgetsV1, widgetsV2, widgetsV3])).toBe(1);
			expect((await ledger()).filter((row) => row.component === 'widgets').map((row) => row.version)).toEqual([1, 2, 3]);
			expect(await store.db.query('SELECT widget_id, part FROM widget_parts')).toEqual([{ widget_id: 'w1', part: 'gear' }]);
		});

		test('two migrations under one component and version are refused, naming both, and nothing is applied', async () => {
			const clash = widgets(1, ['CREATE TABLE other_widgets (id TEXT PRIMARY KEY)']);
			const clashing = { ...clash, description: 'other widgets' };
			await expect(migrate(store.db, [...allMigrations, widgetsV1, clashing])).rejects.toThrow(
				'Migration widgets version 1 is declared twice ("widgets v1" and "other widgets")',
			);
			expect((await ledger()).filter((row) => row.component === 'widgets')).toEqual([]);
		});

		test('components apply in the order listed, so a later capability may reference core tables', async () => {
			await closeAllStores();
			// "audit" sorts before "core": alphabetical order would create its table before the one it references.
			const audit: Migration = {
				component: 'audit',
				version: 1,
				description: 'audit of links',
				statements: [
					`CREATE TABLE link_audit (integration TEXT NOT NULL, platform TEXT NOT NULL, entity TEXT NOT NULL, internal_id TEXT NOT NULL,
					FOREIGN KEY (integration, platform, entity, internal_id) REFERENCES id_map (integration, platform, entity, internal_id))`,
				],
			};
			const withAudit = await openStore(await backend.freshConfig(), [...allMigrations, audit]);
			await withAudit.idMap.link(contacts, 'c1', 'h1');
			await withAudit.db.run('INSERT INTO link_audit VALUES (?, ?, ?, ?)', [contacts.integration, contacts.platform, contacts.entity, 'c1']);
			await expect(withAudit.db.run('INSERT INTO link_audit VALUES (?, ?, ?, ?)', ['x', 'y', 'z', 'c1'])).rejects.toThrow(/foreign key/i);
		});

		test('a failing migration rolls back whole, records nothing, and fails the open', async () => {
			await closeAllStores();
			const broken = widgets(1, ['CREATE TABLE widgets (id TEXT PRIMARY KEY, size BIGINT NOT NULL)', 'INSERT INTO no_such_table VALUES (1)']);
			const fresh = await backend.freshConfig();
			await expect(openStore(fresh, [...allMigrations, broken])).rejects.toThrow(/no_such_table/);
			// The table of the failed migration's first statement must not exist, or v1 could not run again.
			const reopened = await openStore(fresh, [...allMigrations, widgetsV1]);
			expect((await ledger(reopened)).filter((row) => row.component === 'widgets')).toEqual([
				{ component: 'widgets', version: 1, description: 'widgets v1' },
			]);
			expect(await reopened.db.query('SELECT id FROM widgets')).toEqual([]);
		});

		test('a closed store can be opened again with the same config', async () => {
			await store.idMap.link(contacts, 'c1', 'h1');
			await store.close();
			const reopened = await openStore(config, allMigrations);
			expect(reopened).not.toBe(store);
			expect(await reopened.idMap.externalIds(contacts, ['c1'])).toEqual(new Map([['c1', 'h1']]));
			// Closing twice (by its user, then by closeAllStores) is harmless.
			await store.close();
		});
	});

	describe('id map', () => {
		test('links an internal id to an external id once; linking the same pair again changes nothing', async () => {
			expect(await store.idMap.link(contacts, 'c1', 'h1')).toEqual({ internalId: 'c1', externalId: 'h1', created: true });
			expect(await store.idMap.link(contacts, 'c1', 'h1')).toEqual({ internalId: 'c1', externalId: 'h1', created: false });
			expect(await store.db.query('SELECT internal_id, external_id FROM id_map')).toEqual([{ internal_id: 'c1', external_id: 'h1' }]);
		});

		test('an internal id maps to one external id: a second link returns the existing mapping', async () => {
			await store.idMap.link(contacts, 'c1', 'h1');
			expect(await store.idMap.link(contacts, 'c1', 'h2')).toEqual({ internalId: 'c1', externalId: 'h1', created: false });
			expect(await store.idMap.internalIds(contacts, ['h2'])).toEqual(new Map());
		});

		test('an external id maps to one internal id: a second link returns the existing mapping', async () => {
			await store.idMap.link(contacts, 'c1', 'h1');
			expect(await store.idMap.link(contacts, 'c2', 'h1')).toEqual({ internalId: 'c1', externalId: 'h1', created: false });
			expect(await store.idMap.externalIds(contacts, ['c2'])).toEqual(new Map());
		});

		test('mappings of other integrations, platforms and entities are separate', async () => {
			const others = [
				{ ...contacts, integration: 'other-sync' },
				{ ...contacts, platform: 'salesforce' },
				{ ...contacts, entity: 'companies' },
			];
			await store.idMap.link(contacts, 'c1', 'h1');
			for (const [index, key] of others.entries()) {
				expect(await store.idMap.link(key, 'c1', `x${index}`)).toMatchObject({ externalId: `x${index}`, created: true });
				expect(await store.idMap.link(key, `other${index}`, 'h1')).toMatchObject({ internalId: `other${index}`, created: true });
			}
			expect(await store.idMap.externalIds(contacts, ['c1'])).toEqual(new Map([['c1', 'h1']]));
		});

		test('looks up more ids than one statement may carry, both ways, leaving out unknown ids', async () => {
			const count = 1203;
			await store.db.transaction(async (tx) => {
				const idMap = new IdMapRepository(tx);
				for (let index = 0; index < count; index++) await idMap.link(contacts, `c${index}`, `h${index}`);
			});
			const internal = [...Array(count).keys()].map((index) => `c${index}`);
			const external = await store.idMap.externalIds(contacts, [...internal, 'c-unknown']);
			expect(external.size).toBe(count);
			expect(external.get('c0')).toBe('h0');
			expect(external.get('c1202')).toBe('h1202');
			expect(external.has('c-unknown')).toBe(false);
			const back = await store.idMap.internalIds(contacts, [...external.values()]);
			expect([...back.entries()].sort()).toEqual([...external.entries()].map(([c, h]) => [h, c]).sort());
			expect(await store.idMap.externalIds(contacts, [])).toEqual(new Map());
		});
	});

	describe('cursors', () => {
		test('a stream has no cursor until one is set; setting again moves it', async () => {
			expect(await store.cursors.get(contacts)).toBeUndefined();
			await store.cursors.set(contacts, '2026-01-01T00:00:00Z');
			await store.cursors.set(contacts, 'page:42');
			expect(await store.cursors.get(contacts)).toBe('page:42');
			expect(await store.cursors.get({ ...contacts, entity: 'companies' })).toBeUndefined();
			expect(await store.db.query('SELECT cursor FROM sync_cursors')).toEqual([{ cursor: 'page:42' }]);
		});
	});

	describe('snapshots', () => {
		const snapshot = (externalId: string, writtenByUs: boolean, modifiedAt?: string) => ({
			externalId,
			fingerprint: `fp-${externalId}`,
			data: { email: `${externalId}@example.com`, tags: ['a', 'ü'], nested: { score: 1.5, none: null } },
			modifiedAt,
			writtenByUs,
		});

		test('stores the last-synced state of each record and replaces it on the next put', async () => {
			await store.snapshots.put(contacts, snapshot('h1', true, '2026-03-01T10:00:00.000Z'));
			await store.snapshots.put(contacts, snapshot('h2', false));
			const replaced = { ...snapshot('h2', true), fingerprint: 'fp-new', data: { email: 'new@example.com' } };
			await store.snapshots.put(contacts, replaced);
			const found = await store.snapshots.getMany(contacts, ['h1', 'h2', 'h3']);
			expect([...found.keys()].sort()).toEqual(['h1', 'h2']);
			expect(found.get('h1')).toEqual(snapshot('h1', true, '2026-03-01T10:00:00.000Z'));
			expect(found.get('h2')).toEqual(replaced);
			expect(await store.snapshots.getMany({ ...contacts, platform: 'salesforce' }, ['h1'])).toEqual(new Map());
		});

		test('keeps that our write to a record was left half done until the next snapshot of it', async () => {
			await store.snapshots.putMany(contacts, [{ ...snapshot('h1', true), partial: true }, snapshot('h2', true)]);
			const found = await store.snapshots.getMany(contacts, ['h1', 'h2']);
			expect(found.get('h1')).toEqual({ ...snapshot('h1', true), partial: true });
			expect(found.get('h2')).toEqual(snapshot('h2', true));
			await store.snapshots.put(contacts, snapshot('h1', false));
			expect((await store.snapshots.getMany(contacts, ['h1'])).get('h1')).toEqual(snapshot('h1', false));
		});

		test('a later snapshot of the same record in one putMany wins, across statements too', async () => {
			const first = { ...snapshot('d1', true), partial: true };
			const last = { ...snapshot('d1', false), fingerprint: 'fp-last', data: { email: 'last@example.com' } };
			const between = [...Array(150).keys()].map((index) => snapshot(`d-${index}`, true));
			// d-5 twice in the first statement of a hundred, d-3 and d1 in both statements.
			await store.snapshots.putMany(contacts, [first, ...between.slice(0, 10), snapshot('d-5', false), ...between.slice(10), snapshot('d-3', false), last]);
			const found = await store.snapshots.getMany(contacts, ['d1', 'd-3', 'd-5', 'd-149']);
			expect(found.get('d1')).toEqual(last);
			expect(found.get('d-5')).toEqual(snapshot('d-5', false));
			expect(found.get('d-3')).toEqual(snapshot('d-3', false));
			expect(found.get('d-149')).toEqual(snapshot('d-149', true));
		});

		test('reads more snapshots than one statement may carry', async () => {
			const ids = [...Array(620).keys()].map((index) => `h${index}`);
			for (const id of ids) await store.snapshots.put(contacts, snapshot(id, false));
			const found = await store.snapshots.getMany(contacts, ids);
			expect(found.size).toBe(ids.length);
			expect(found.get('h619')?.writtenByUs).toBe(false);
		});
	});

	describe('logs', () => {
		const run = {
			runId: 'run-1',
			integration: 'crm-sync',
			operation: 'sync',
			platform: 'hubspot',
			entity: 'contacts',
			startedAt: '2026-03-01T10:00:00.000Z',
		};

		test('activity is one row per run, platform and entity; recording again updates its counts', async () => {
			await store.logs.recordActivity({ ...run, created: 1, updated: 2, skipped: 3, failed: 0, conflicts: 0, finishedAt: '2026-03-01T10:00:01.000Z' });
			await store.logs.recordActivity({ ...run, created: 5, updated: 6, skipped: 7, failed: 8, conflicts: 9, finishedAt: '2026-03-01T10:00:02.000Z' });
			await store.logs.recordActivity({ ...run, entity: 'companies', created: 1, updated: 0, skipped: 0, failed: 0, conflicts: 0, finishedAt: '2026-03-01T10:00:03.000Z' });
			const rows = await store.db.query(
				'SELECT entity, created, updated, skipped, failed, conflicts, started_at, finished_at FROM activity_log WHERE run_id = ? ORDER BY entity',
				['run-1'],
			);
			expect(rows).toEqual([
				{ entity: 'companies', created: 1, updated: 0, skipped: 0, failed: 0, conflicts: 0, started_at: run.startedAt, finished_at: '2026-03-01T10:00:03.000Z' },
				{ entity: 'contacts', created: 5, updated: 6, skipped: 7, failed: 8, conflicts: 9, started_at: run.startedAt, finished_at: '2026-03-01T10:00:02.000Z' },
			]);
		});

		test('errors are listed newest first per integration, with their detail, up to a limit', async () => {
			const first = await store.logs.recordError({ integration: 'crm-sync', scope: 'push', platform: 'hubspot', message: 'first' });
			await sleep(3);
			const second = await store.logs.recordError({
				integration: 'crm-sync', scope: 'push', platform: 'hubspot', recordKey: 'c1', code: 'VALIDATION', message: 'second',
				detail: { field: 'email', values: [1, 'two'] },
			});
			await sleep(3);
			await store.logs.recordError({ integration: 'other', scope: 'pull', platform: 'salesforce', message: 'elsewhere' });
			const errors = await store.logs.errors('crm-sync');
			expect(errors.map((error) => error.id)).toEqual([second, first]);
			expect(errors[0]).toMatchObject({ recordKey: 'c1', code: 'VALIDATION', message: 'second', detail: { field: 'email', values: [1, 'two'] } });
			expect(errors[1]).toEqual({
				id: first, integration: 'crm-sync', scope: 'push', platform: 'hubspot', recordKey: undefined, code: undefined,
				message: 'first', detail: undefined, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
			expect((await store.logs.errors('crm-sync', 1)).map((error) => error.id)).toEqual([second]);
		});
	});

	describe('idempotency ledger', () => {
		test('the first claim wins; later claims see it in progress, then its result once completed', async () => {
			const first = await store.idempotency.claim('charges', 'order-1');
			if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);
			expect(await store.idempotency.claim('charges', 'order-1')).toEqual({ status: 'in_progress', owner: first.owner });
			expect(await store.idempotency.claim('refunds', 'order-1')).toMatchObject({ status: 'claimed' });
			await store.idempotency.complete('charges', 'order-1', first.owner, { chargeId: 'ch_1', amount: 1200 });
			expect(await store.idempotency.claim('charges', 'order-1')).toEqual({ status: 'done', result: { chargeId: 'ch_1', amount: 1200 } });
			expect(await store.idempotency.get('charges', 'order-1')).toEqual({ state: 'done', result: { chargeId: 'ch_1', amount: 1200 } });
			expect(await store.idempotency.get('charges', 'order-2')).toBeUndefined();
		});

		test('only the owner completes or releases a claim', async () => {
			const claim = await store.idempotency.claim('charges', 'order-1');
			await store.idempotency.complete('charges', 'order-1', 'someone-else', 'stolen');
			await store.idempotency.release('charges', 'order-1', 'someone-else');
			expect(await store.idempotency.get('charges', 'order-1')).toEqual({ state: 'pending', result: null });
			if (claim.status !== 'claimed') throw new Error('expected a claim');
			await store.idempotency.release('charges', 'order-1', claim.owner);
			expect(await store.idempotency.get('charges', 'order-1')).toBeUndefined();
			const again = await store.idempotency.claim('charges', 'order-1');
			expect(again).toMatchObject({ status: 'claimed' });
			expect(again).not.toEqual(claim);
		});

		test('runOnceEach: two batches sharing keys do each key once; a failed key is released; done keys are replayed', async () => {
			const worked: string[] = [];
			const batch = (keys: string[], failing: string[] = []) =>
				store.idempotency.runOnceEach('batch', keys, async (claimed) => {
					worked.push(...claimed);
					await sleep(30);
					return new Map(claimed.map((key) => [key, failing.includes(key) ? { error: new Error(`${key} refused`) } : { result: `${key}-done` }]));
				}, { pollMs: 5 });
			const [left, right] = await Promise.all([batch(['a', 'b', 'c', 'b']), batch(['c', 'd', 'a'], ['d'])]);
			expect(worked.filter((key) => key !== 'd').sort()).toEqual(['a', 'b', 'c']);
			expect([...left.keys()].sort()).toEqual(['a', 'b', 'c']);
			expect(left.get('b')).toEqual({ result: 'b-done', replayed: false });
			for (const key of ['a', 'c']) {
				const results = [left.get(key), right.get(key)];
				expect(results.filter((result) => result && 'result' in result && !result.replayed)).toHaveLength(1);
				expect(results).toEqual(expect.arrayContaining([{ result: `${key}-done`, replayed: true }]));
			}
			expect(right.get('d')).toEqual({ error: new Error('d refused') });
			expect(await store.idempotency.get('batch', 'd')).toBeUndefined();
			const again = await batch(['a', 'd']);
			expect(again.get('a')).toEqual({ result: 'a-done', replayed: true });
			expect(again.get('d')).toEqual({ result: 'd-done', replayed: false });
		});

		test('a completed claim cannot be released', async () => {
			const claim = await store.idempotency.claim('charges', 'order-1');
			if (claim.status !== 'claimed') throw new Error('expected a claim');
			await store.idempotency.complete('charges', 'order-1', claim.owner, 7);
			await store.idempotency.release('charges', 'order-1', claim.owner);
			expect(await store.idempotency.get('charges', 'order-1')).toEqual({ state: 'done', result: 7 });
		});

		test('a claim whose lease ran out is taken over; its old owner can no longer complete it', async () => {
			const dead = await store.idempotency.claim('charges', 'order-1', 1);
			await sleep(5);
			const heir = await store.idempotency.claim('charges', 'order-1', 60_000);
			if (dead.status !== 'claimed' || heir.status !== 'claimed') throw new Error('expected two claims');
			expect(heir.owner).not.toBe(dead.owner);
			expect(await store.idempotency.claim('charges', 'order-1', 60_000)).toEqual({ status: 'in_progress', owner: heir.owner });
			await store.idempotency.complete('charges', 'order-1', dead.owner, 'late');
			expect(await store.idempotency.get('charges', 'order-1')).toEqual({ state: 'pending', result: null });
			await store.idempotency.complete('charges', 'order-1', heir.owner, 'heir');
			expect(await store.idempotency.get('charges', 'order-1')).toEqual({ state: 'done', result: 'heir' });
		});

		test('runOnce does the work once and replays its result', async () => {
			let runs = 0;
			const work = async () => ({ run: ++runs, at: 'ch_1' });
			expect(await store.idempotency.runOnce('charges', 'order-1', work)).toEqual({ result: { run: 1, at: 'ch_1' }, replayed: false });
			expect(await store.idempotency.runOnce('charges', 'order-1', work)).toEqual({ result: { run: 1, at: 'ch_1' }, replayed: true });
			expect(await store.idempotency.runOnce('charges', 'order-2', work)).toEqual({ result: { run: 2, at: 'ch_1' }, replayed: false });
			expect(runs).toBe(2);
		});

		test('runOnce releases the claim when the work fails, so a retry does the work', async () => {
			const failure = new Error('card network down');
			await expect(store.idempotency.runOnce('charges', 'order-1', async () => await Promise.reject(failure))).rejects.toBe(failure);
			expect(await store.idempotency.get('charges', 'order-1')).toBeUndefined();
			expect(await store.idempotency.runOnce('charges', 'order-1', async () => 'charged')).toEqual({ result: 'charged', replayed: false });
		});

		test('runOnce waits for the claim another worker holds and returns that worker\'s result', async () => {
			const other = await store.idempotency.claim('charges', 'order-1');
			if (other.status !== 'claimed') throw new Error('expected a claim');
			let polls = 0;
			const outcome = await store.idempotency.runOnce('charges', 'order-1', async () => 'must not run', {
				pollMs: 1,
				sleep: async () => {
					if (++polls === 3) await store.idempotency.complete('charges', 'order-1', other.owner, 'theirs');
				},
			});
			expect(outcome).toEqual({ result: 'theirs', replayed: true });
			expect(polls).toBe(3);
		});

		test('runOnce gives up with a conflict when the other worker holds the claim too long', async () => {
			await store.idempotency.claim('charges', 'order-1');
			let ran = false;
			const waiting = store.idempotency.runOnce('charges', 'order-1', async () => (ran = true), { waitMs: 20, pollMs: 2 });
			await expect(waiting).rejects.toBeInstanceOf(IdempotencyConflictError);
			await expect(waiting).rejects.toMatchObject({ scope: 'charges', key: 'order-1' });
			expect(ran).toBe(false);
		});

		test('a claim whose worker died frees after the short default lease; runOnce\'s live winner keeps its claim by heartbeat', async () => {
			let clock = 1_700_000_000_000;
			const timers = new ManualTimers();
			const ledger = new IdempotencyLedger(store.db, { now: () => clock, timers });
			await ledger.claim('charges', 'order-1');
			clock += DEFAULT_LEASE_MS;
			expect(await ledger.claim('charges', 'order-1')).toMatchObject({ status: 'in_progress' });
			clock += 1;
			const observed: Claim[] = [];
			const outcome = await ledger.runOnce('charges', 'order-1', async () => {
				// The winner works for three lease lengths, renewing each third: no one takes its claim meanwhile.
				for (let beat = 0; beat < 9; beat++) {
					clock += DEFAULT_LEASE_MS / 3;
					timers.tick();
					// The heartbeat's renewal runs in the background: wait until the store shows it.
					while ((await store.leases.holderOf(leaseName('idempotency', 'charges', 'order-1')))?.untilMs !== clock + DEFAULT_LEASE_MS) {
						await new Promise((resolveTick) => setImmediate(resolveTick));
					}
					observed.push(await ledger.claim('charges', 'order-1'));
				}
				return 'charged once';
			});
			expect(outcome).toEqual({ result: 'charged once', replayed: false });
			expect(observed.map((claim) => claim.status)).toEqual(Array(9).fill('in_progress'));
			expect(timers.intervals.size).toBe(0);
			expect(await ledger.claim('charges', 'order-1')).toEqual({ status: 'done', result: 'charged once' });
		});

		test('runOnce takes over work whose worker died and lets it run again', async () => {
			await store.idempotency.claim('charges', 'order-1', 1);
			await sleep(5);
			expect(await store.idempotency.runOnce('charges', 'order-1', async () => 'retried', { pollMs: 1 })).toEqual({ result: 'retried', replayed: false });
		});
	});

	describe('rate buckets', () => {
		/** A slot boundary (windows of 1 s count in 50 ms slots), so the arithmetic below is exact. */
		const t0 = 1_700_000_000_000;
		const perSecond = (capacity: number, key = 'hubspot:portal-1:10s'): BucketSpec => ({ key, capacity, windowMs: 1000 });

		test('grants up to capacity in a window, then says how long to wait, then grants again', async () => {
			const bucket = perSecond(3);
			expect(await store.rateBuckets.take([bucket], t0)).toBe(0);
			expect(await store.rateBuckets.take([bucket], t0 + 10)).toBe(0);
			expect(await store.rateBuckets.take([bucket], t0 + 20)).toBe(0);
			// The slot of t0 (50 ms) leaves the window 1000 ms after the slot ends.
			expect(await store.rateBuckets.take([bucket], t0 + 30)).toBe(1020);
			expect(await store.rateBuckets.take([bucket], t0 + 1049)).toBe(1);
			for (let index = 0; index < 3; index++) expect(await store.rateBuckets.take([bucket], t0 + 1050)).toBe(0);
			expect(await store.rateBuckets.take([bucket], t0 + 1050)).toBeGreaterThan(0);
		});

		test('never grants more than capacity within any rolling window', async () => {
			const bucket = perSecond(5);
			const granted: number[] = [];
			for (let now = t0; now < t0 + 5000; now += 37) {
				if ((await store.rateBuckets.take([bucket], now)) === 0) granted.push(now);
			}
			for (const at of granted) expect(granted.filter((other) => other > at - 1000 && other <= at).length).toBeLessThanOrEqual(5);
			// And it does not starve: about capacity per (window + one slot).
			expect(granted.length).toBeGreaterThanOrEqual(20);
		});

		test('several buckets are taken all together or not at all', async () => {
			const roomy = perSecond(10, 'roomy');
			const tight = perSecond(1, 'tight');
			expect(await store.rateBuckets.take([roomy, tight], t0)).toBe(0);
			expect(await store.rateBuckets.take([tight, roomy], t0 + 1)).toBeGreaterThan(0);
			let grants = 0;
			while ((await store.rateBuckets.take([roomy], t0 + 2)) === 0) grants++;
			expect(grants).toBe(9);
			expect(await store.rateBuckets.take([], t0)).toBe(0);
		});

		test('buckets with other keys are separate', async () => {
			expect(await store.rateBuckets.take([perSecond(1, 'portal-1')], t0)).toBe(0);
			expect(await store.rateBuckets.take([perSecond(1, 'portal-2')], t0)).toBe(0);
			expect(await store.rateBuckets.take([perSecond(1, 'portal-1')], t0)).toBeGreaterThan(0);
		});

		test('the vendor\'s remaining count lowers ours, never raises it', async () => {
			const bucket = perSecond(5);
			await store.rateBuckets.observeRemaining(bucket, 10, t0);
			await store.rateBuckets.observeRemaining(bucket, 2, t0);
			expect(await store.rateBuckets.take([bucket], t0)).toBe(0);
			expect(await store.rateBuckets.take([bucket], t0)).toBe(0);
			expect(await store.rateBuckets.take([bucket], t0)).toBe(1050);
			await store.rateBuckets.observeRemaining(perSecond(5, 'other'), -3, t0);
			expect(await store.rateBuckets.take([perSecond(5, 'other')], t0)).toBe(1050);
		});

		test('a block holds every take until it ends; a shorter block does not shorten it', async () => {
			const bucket = perSecond(5);
			await store.rateBuckets.blockUntil(bucket, t0 + 30_000, t0);
			await store.rateBuckets.blockUntil(bucket, t0 + 10_000, t0);
			expect(await store.rateBuckets.take([bucket], t0 + 1000)).toBe(29_000);
			expect(await store.rateBuckets.take([perSecond(5, 'other'), bucket], t0 + 1000)).toBe(29_000);
			expect(await store.rateBuckets.take([bucket], t0 + 30_000)).toBe(0);
			// The refused take on the other bucket took nothing.
			for (let index = 0; index < 5; index++) expect(await store.rateBuckets.take([perSecond(5, 'other')], t0 + 30_000)).toBe(0);
		});
	});

	describe('leases', () => {
		const ttlMs = 9_000;
		let clock: number;
		let timers: ManualTimers;
		let leases: Leases;
		beforeEach(() => {
			clock = 1_700_000_000_000;
			timers = new ManualTimers();
			leases = new Leases(store.db, { ttlMs, now: () => clock, timers });
		});
		/** One heartbeat of `holder`, after `elapsedMs` of injected time. */
		const beat = async (holder: ReturnType<Leases['holder']>, elapsedMs: number) => {
			clock += elapsedMs;
			timers.tick();
			await holder.renew();
		};

		test('a name is held by one holder at a time, and release frees it at once', async () => {
			const first = leases.holder();
			const second = leases.holder();
			expect(await first.claim(['sku-1', 'sku-2'])).toEqual(new Set(['sku-1', 'sku-2']));
			expect(await second.claim(['sku-2', 'sku-3'])).toEqual(new Set(['sku-3']));
			expect(await leases.holderOf('sku-2')).toEqual({ owner: first.owner, untilMs: clock + ttlMs });
			expect(await first.release(['sku-2'])).toEqual(new Set(['sku-2']));
			expect(await leases.holderOf('sku-2')).toBeUndefined();
			// No time has passed: the released name is free now, not when its lease would have run out.
			expect(await second.claim(['sku-2'])).toEqual(new Set(['sku-2']));
			expect(first.names).toEqual(['sku-1']);
			expect(second.names.sort()).toEqual(['sku-2', 'sku-3']);
		});

		test('only its holder renews or releases a name; a holder claiming its own name again keeps it', async () => {
			const holder = leases.holder();
			const other = leases.holder();
			await holder.claim(['pay-1']);
			expect(await other.release(['pay-1'])).toEqual(new Set());
			expect(await leases.holderOf('pay-1')).toMatchObject({ owner: holder.owner });
			await expect(store.db.transaction(async (tx) => await other.confirmIn(tx, ['pay-1']))).rejects.toBeInstanceOf(LeaseLostError);
			clock += 1_000;
			expect(await holder.claim(['pay-1'])).toEqual(new Set(['pay-1']));
			expect(await leases.holderOf('pay-1')).toEqual({ owner: holder.owner, untilMs: clock + ttlMs });
		});

		test('a dead holder\'s claim is taken by another once its lease runs out, and not before', async () => {
			const dead = leases.holder();
			const heir = leases.holder();
			await dead.claim(['sku-1']);
			dead.abandon();
			expect(timers.intervals.size).toBe(0);
			clock += ttlMs;
			expect(await heir.claim(['sku-1'])).toEqual(new Set());
			clock += 1;
			expect(await heir.claim(['sku-1'])).toEqual(new Set(['sku-1']));
			expect(await leases.holderOf('sku-1')).toEqual({ owner: heir.owner, untilMs: clock + ttlMs });
		});

		test('the heartbeat keeps a live holder\'s claim long past its first lease, and stops when it releases', async () => {
			const holder = leases.holder();
			const other = leases.holder();
			await holder.claim(['sku-1', 'sku-2']);
			expect([...timers.intervals.values()].map((interval) => interval.ms)).toEqual([Math.floor(ttlMs / 3)]);
			// Six heartbeats a third of a lease apart: twice the lease length in all, and the claim never lapses.
			for (let beatNumber = 0; beatNumber < 6; beatNumber++) {
				await beat(holder, ttlMs / 3);
				expect(await other.claim(['sku-1', 'sku-2'])).toEqual(new Set());
			}
			expect(holder.lost).toBe(false);
			expect(await leases.holderOf('sku-2')).toEqual({ owner: holder.owner, untilMs: clock + ttlMs });
			await holder.release();
			expect(timers.intervals.size).toBe(0);
			expect(await other.claim(['sku-1', 'sku-2'])).toEqual(new Set(['sku-1', 'sku-2']));
		});

		test('a holder whose heartbeat stalled past its lease learns at its next renewal that the claim was taken', async () => {
			const stalled = leases.holder();
			const heir = leases.holder();
			await stalled.claim(['sku-1', 'sku-2']);
			clock += ttlMs + 1;
			expect(await heir.claim(['sku-1'])).toEqual(new Set(['sku-1']));
			await beat(stalled, 0);
			expect(stalled.lost).toBe(true);
			expect(stalled.names).toEqual(['sku-2']);
			expect(() => stalled.assertHeld(['sku-2'])).not.toThrow();
			expect(() => stalled.assertHeld(['sku-1'])).toThrow(LeaseLostError);
			expect(() => stalled.assertHeld()).toThrow(LeaseLostError);
			// Its heir's claim stands: the stale holder's renewal touched only what was still its own.
			expect(await leases.holderOf('sku-1')).toEqual({ owner: heir.owner, untilMs: clock + ttlMs });
		});

		test('a holder that lost its claim cannot commit work that depends on it: confirmIn rolls the transaction back', async () => {
			const stalled = leases.holder();
			const heir = leases.holder();
			await stalled.claim(['pay-1']);
			clock += ttlMs + 1;
			await heir.claim(['pay-1']);
			// The stalled holder has not learnt it yet (no heartbeat ran); it learns in the transaction that would commit.
			expect(stalled.lost).toBe(false);
			const commit = store.db.transaction(async (tx) => {
				await new CursorRepository(tx).set(contacts, 'written-by-the-stale-holder');
				await stalled.confirmIn(tx);
			});
			await expect(commit).rejects.toBeInstanceOf(LeaseLostError);
			await expect(commit).rejects.toMatchObject({ names: ['pay-1'] });
			expect(await store.cursors.get(contacts)).toBeUndefined();
			expect(stalled.lost).toBe(true);
			// The heir's confirmation commits, and extends its lease.
			clock += 1_000;
			await store.db.transaction(async (tx) => {
				await new CursorRepository(tx).set(contacts, 'written-by-the-heir');
				await heir.confirmIn(tx);
			});
			expect(await store.cursors.get(contacts)).toBe('written-by-the-heir');
			expect(await leases.holderOf('pay-1')).toEqual({ owner: heir.owner, untilMs: clock + ttlMs });
		});

		test('a renewal the store cannot answer keeps the claim until its lease would have run out, then counts it lost', async () => {
			let storeDown = false;
			const flaky: SqlDatabase = {
				dialect: store.db.dialect,
				query: async (sql, params) => await store.db.query(sql, params),
				run: async (sql, params) => await store.db.run(sql, params),
				close: async () => await store.db.close(),
				transaction: async (work) => {
					if (storeDown) throw new Error('connection refused');
					return await store.db.transaction(work);
				},
			};
			const holder = new Leases(flaky, { ttlMs, now: () => clock, timers }).holder();
			await holder.claim(['sku-1']);
			storeDown = true;
			await beat(holder, ttlMs - 1);
			expect(holder.lost).toBe(false);
			await beat(holder, 1);
			expect(holder.lost).toBe(true);
			expect(holder.names).toEqual([]);
			expect(timers.intervals.size).toBe(0);
		});

		test('a name released and claimed again while a heartbeat was under way stays held: that renewal is not taken for its loss', async () => {
			// The heartbeat's renewal waits for the store (a busy pool, SQLite's write lock) and its caller resumes late (a
			// loaded host): the test lets it start, then resume, when it says.
			const gate = () => {
				let open!: () => void;
				return { opened: new Promise<void>((resolve) => (open = resolve)), open };
			};
			const renewalWaiting = gate();
			const startRenewal = gate();
			const renewalCommitted = gate();
			const resumeRenewal = gate();
			let transactions = 0;
			const slow: SqlDatabase = {
				dialect: store.db.dialect,
				query: async (sql, params) => await store.db.query(sql, params),
				run: async (sql, params) => await store.db.run(sql, params),
				close: async () => await store.db.close(),
				transaction: async (work) => {
					// The second transaction is the first heartbeat's renewal (the first is the claim): only it is slow.
					const renewal = ++transactions === 2;
					if (renewal) {
						renewalWaiting.open();
						await startRenewal.opened;
					}
					const result = await store.db.transaction(work);
					if (renewal) {
						renewalCommitted.open();
						await resumeRenewal.opened;
					}
					return result;
				},
			};
			const holder = new Leases(slow, { ttlMs, now: () => clock, timers }).holder();
			const other = leases.holder();
			await holder.claim(['sku-1']);
			clock += ttlMs / 3;
			timers.tick();
			await renewalWaiting.opened;
			// Meanwhile the work that held sku-1 gives it back (the renewal then finds it gone) and the next work takes it again.
			expect(await holder.release(['sku-1'])).toEqual(new Set(['sku-1']));
			startRenewal.open();
			await renewalCommitted.opened;
			expect(await holder.claim(['sku-1'])).toEqual(new Set(['sku-1']));
			resumeRenewal.open();
			await holder.renew();
			expect(holder.lost).toBe(false);
			expect(() => holder.assertHeld(['sku-1'])).not.toThrow();
			expect(holder.names).toEqual(['sku-1']);
			// The next heartbeat still renews it, and no one else can take it.
			await beat(holder, ttlMs / 3);
			expect(await leases.holderOf('sku-1')).toEqual({ owner: holder.owner, untilMs: clock + ttlMs });
			expect(await other.claim(['sku-1'])).toEqual(new Set());
			await holder.release();
		});

		test('names of any characters are kept apart, and a claim of many names takes only the free ones', async () => {
			const names = [leaseName('woo', 'a\u0000b'), leaseName('woo', 'a', 'b'), leaseName('woo\u0000a', 'b'), leaseName('magento', "o'neil \"x\"")];
			expect(new Set(names).size).toBe(names.length);
			const holder = leases.holder();
			expect(await holder.claim(names)).toEqual(new Set(names));
			const many = Array.from({ length: 1_200 }, (_, index) => leaseName('welcome', `p${index}@example.com`));
			const other = leases.holder();
			expect((await other.claim([...many, names[0]])).size).toBe(1_200);
			await beat(other, ttlMs / 2);
			expect(other.lost).toBe(false);
			expect(await leases.holderOf(many[1_199])).toEqual({ owner: other.owner, untilMs: clock + ttlMs });
			expect(await other.release()).toEqual(new Set(many));
			expect(await holder.release()).toEqual(new Set(names));
			expect(await store.db.query('SELECT lease_name FROM store_leases')).toEqual([]);
		});

		// Skipped on SQLite for a reason: there a transaction holds the one write lock, so no renewal can run beside it.
		(backend.name === 'postgres' ? test : test.skip)('a failed claim locks nothing: the live holder renews while the claimer\'s transaction is still open', async () => {
			const holder = leases.holder();
			const claimer = leases.holder();
			await holder.claim(['sku-1']);
			await store.db.transaction(async (tx) => {
				expect(await claimer.claimIn(tx, ['sku-1'])).toEqual(new Set());
				clock += 1_000;
				// On another connection, while the claimer's transaction is open: it must not wait for that transaction.
				await holder.renew();
				expect(await leases.holderOf('sku-1')).toEqual({ owner: holder.owner, untilMs: clock + ttlMs });
			});
			expect(holder.lost).toBe(false);
			await holder.release();
		});

		// Skipped on SQLite for a reason: there a transaction holds the one write lock, so no renewal can run beside it.
		(backend.name === 'postgres' ? test : test.skip)('a claim whose transaction has not committed yet is not counted lost by a heartbeat that cannot see it', async () => {
			const holder = leases.holder();
			const other = leases.holder();
			const lapsed = leases.holder();
			await lapsed.claim(['sku-2']);
			lapsed.abandon();
			clock += ttlMs + 1;
			await store.db.transaction(async (tx) => {
				// A free name (inserted) and a lapsed one (taken over): neither is visible outside this transaction yet.
				expect(await holder.claimIn(tx, ['sku-1', 'sku-2'])).toEqual(new Set(['sku-1', 'sku-2']));
				clock += ttlMs / 3;
				// The heartbeat, on another connection, while the claim's transaction is still open (a group commit's batch).
				await holder.renew();
				expect(holder.lost).toBe(false);
			});
			expect(() => holder.assertHeld(['sku-1', 'sku-2'])).not.toThrow();
			// Once committed, the next heartbeat renews both, and no one else can take them.
			await beat(holder, ttlMs / 3);
			expect(await leases.holderOf('sku-1')).toEqual({ owner: holder.owner, untilMs: clock + ttlMs });
			expect(await leases.holderOf('sku-2')).toEqual({ owner: holder.owner, untilMs: clock + ttlMs });
			expect(await other.claim(['sku-1', 'sku-2'])).toEqual(new Set());
			await holder.release();
		});

		test('with real timers, a holder keeps a short lease for several lease lengths while another polls, then frees it on release', async () => {
			// Renewed every 3 s: a renewal late by a loaded machine's stall of several seconds still lands before the lease
			// ends (3 s leases, renewed every second, were not enough for that).
			const ttlMs = 9_000;
			const live = new Leases(store.db, { ttlMs });
			const holder = live.holder();
			const other = live.holder();
			await holder.claim(['sku-1']);
			const first = await live.holderOf('sku-1');
			let polls = 0;
			let refused = 0;
			while (Date.now() < first!.untilMs + ttlMs) {
				await sleep(100);
				polls++;
				if ((await other.claim(['sku-1'])).size === 0) refused++;
			}
			// Polls until a lease length past the first lease's end: every one refused, because the heartbeat moved it forward.
			expect(refused).toBe(polls);
			expect((await live.holderOf('sku-1'))!.untilMs).toBeGreaterThan(first!.untilMs);
			await holder.release();
			expect(await other.claim(['sku-1'])).toEqual(new Set(['sku-1']));
			await other.release();
		});
	});

	describe('transactions', () => {
		test('commit makes the work visible and returns its value', async () => {
			const value = await store.db.transaction(async (tx) => {
				await new CursorRepository(tx).set(contacts, 'page:1');
				return 'committed';
			});
			expect(value).toBe('committed');
			expect(await store.cursors.get(contacts)).toBe('page:1');
		});

		test('a throw rolls back everything done in the transaction and rethrows', async () => {
			await store.cursors.set(contacts, 'page:1');
			const failure = new Error('push failed');
			await expect(
				store.db.transaction(async (tx) => {
					await new IdMapRepository(tx).link(contacts, 'c1', 'h1');
					await new CursorRepository(tx).set(contacts, 'page:2');
					expect(await new CursorRepository(tx).get(contacts)).toBe('page:2');
					throw failure;
				}),
			).rejects.toBe(failure);
			expect(await store.cursors.get(contacts)).toBe('page:1');
			expect(await store.idMap.externalIds(contacts, ['c1'])).toEqual(new Map());
			// The store stays usable after a rollback.
			expect(await store.idMap.link(contacts, 'c1', 'h1')).toMatchObject({ created: true });
		});

		test('a failing statement rolls the transaction back', async () => {
			await expect(
				store.db.transaction(async (tx) => {
					await tx.run('INSERT INTO sync_cursors (integration, platform, entity, cursor, updated_at) VALUES (?, ?, ?, ?, ?)', ['i', 'p', 'e', 'c', 'now']);
					await tx.run('INSERT INTO sync_cursors (integration, platform, entity, cursor, updated_at) VALUES (?, ?, ?, ?, ?)', ['i', 'p', 'e', 'c', 'now']);
				}),
			).rejects.toThrow();
			expect(await store.db.query('SELECT * FROM sync_cursors')).toEqual([]);
		});

		test('concurrent read-modify-write transactions that lock the row first lose no update', async () => {
			await migrate(store.db, [...allMigrations, widgetsV1]);
			await store.db.run('INSERT INTO widgets (id, size) VALUES (?, ?)', ['counter', 0]);
			const increment = async () =>
				await store.db.transaction(async (tx) => {
					await tx.run('UPDATE widgets SET size = size WHERE id = ?', ['counter']);
					const [row] = await tx.query<{ size: number }>('SELECT size FROM widgets WHERE id = ?', ['counter']);
					await sleep(1);
					await tx.run('UPDATE widgets SET size = ? WHERE id = ?', [row.size + 1, 'counter']);
				});
			await Promise.all([...Array(20).keys()].map(increment));
			expect(await store.db.query('SELECT size FROM widgets')).toEqual([{ size: 20 }]);
		});

		test('portable values: integers come back as numbers, bigints and nulls go in', async () => {
			await migrate(store.db, [...allMigrations, widgetsV1]);
			await store.db.run('INSERT INTO widgets (id, size) VALUES (?, ?)', ['big', 2n ** 40n]);
			await store.db.run('INSERT INTO widgets (id, size) VALUES (?, ?)', ['ms', 1_700_000_000_123]);
			const rows = await store.db.query('SELECT id, size, NULL AS missing FROM widgets ORDER BY id');
			expect(rows).toEqual([
				{ id: 'big', size: 2 ** 40, missing: null },
				{ id: 'ms', size: 1_700_000_000_123, missing: null },
			]);
			expect((await store.db.run('UPDATE widgets SET size = size + 1')).changes).toBe(2);
		});
	});
});
