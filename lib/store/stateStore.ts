import { ApiCallCounter } from './apiCalls';
import { CircuitBreakers } from './circuitBreakers';
import { ConcurrencySlots } from './concurrencySlots';
import { CursorRepository } from './cursors';
import { IdempotencyLedger } from './idempotency';
import { IdMapRepository } from './idMap';
import { Leases } from './leases';
import { LogRepository } from './logs';
import { Outbox } from './outbox';
import { RateBucketRepository } from './rateBuckets';
import { SnapshotRepository } from './snapshots';
import type { SqlDatabase } from './types';

/** The package's durable state: one database, one repository per kind of record, and the leases that guard them. */
export class StateStore {
	readonly idMap: IdMapRepository;
	readonly cursors: CursorRepository;
	readonly snapshots: SnapshotRepository;
	readonly logs: LogRepository;
	readonly idempotency: IdempotencyLedger;
	readonly rateBuckets: RateBucketRepository;
	readonly leases: Leases;
	readonly outbox: Outbox;
	readonly circuits: CircuitBreakers;
	readonly concurrency: ConcurrencySlots;
	readonly apiCalls: ApiCallCounter;
	private closing?: Promise<void>;

	/** `onClose` lets whoever caches the open store forget it, so the next open makes a new connection. */
	constructor(
		readonly db: SqlDatabase,
		private readonly onClose: () => void = () => undefined,
	) {
		this.idMap = new IdMapRepository(db);
		this.cursors = new CursorRepository(db);
		this.snapshots = new SnapshotRepository(db);
		this.logs = new LogRepository(db);
		this.idempotency = new IdempotencyLedger(db);
		this.rateBuckets = new RateBucketRepository(db);
		this.leases = new Leases(db);
		this.outbox = new Outbox(db);
		this.circuits = new CircuitBreakers(db);
		this.concurrency = new ConcurrencySlots(db);
		this.apiCalls = new ApiCallCounter(db);
	}

	/** Idempotent: closing twice (e.g. by its user and by closeAllStores) closes the connection once. */
	close(): Promise<void> {
		this.closing ??= (async () => {
			this.onClose();
			await this.db.close();
		})();
		return this.closing;
	}
}

/** What a capability that reaches no vendor platform takes (routing, metering, conflict): the state store alone. */
export interface StoreContext {
	store: StateStore;
}
