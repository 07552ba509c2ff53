export * from './money';
export * from './plan';
export * from './pricing';
export * from './periods';
export * from './meter';
export * from './export';
export { UsageRepository } from './usageStore';
export type { EventToRecord, QuotaAlert, RecordStatus, StoredEvent } from './usageStore';
export { meteringMigrations } from './migrations';
