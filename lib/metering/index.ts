import type { StoreContext } from '../store/stateStore';
import { UsageMeter, type MeterOptions } from './meter';

export * from './money';
export * from './plan';
export * from './presets';
export * from './pricing';
export * from './periods';
export * from './meter';
export * from './export';
export { QuotaExceededError, quotaMessage, UsageRepository } from './usageStore';
export type { EventToRecord, QuotaAlert, QuotaRefusal, RecordStatus, StoredEvent } from './usageStore';
export { meteringMigrations } from './migrations';

/** The metering capability over a store: the one way in for the Usage Meter node, the demo, benchmarks and tests. */
export function openMetering({ store }: StoreContext) {
	return {
		/** A meter over the store's usage tables, for one namespace and billing period setting. */
		meter: (options: Omit<MeterOptions, 'db'>): UsageMeter => new UsageMeter({ ...options, db: store.db }),
		/** Records as `api_calls` usage the finished hours of API calls every node sent through this store's transport. */
		recordApiCalls: (meter: UsageMeter, customerId: string, options?: Parameters<UsageMeter['recordApiCalls']>[2]) =>
			meter.recordApiCalls(customerId, store.apiCalls, options),
	};
}

export type Metering = ReturnType<typeof openMetering>;
