import type { EngineContext } from '../platforms/resolver';
import type { AccountingBooks } from './books';
import type { AccountingSettings } from '../platforms/accounting';
import { openAccountingBooks } from './connectors';

/** Accounting Sync: sales, payments, refunds and invoices posted exactly once per source transaction; customers one per email. */
export { AccountingBooks, entryReference, type AccountingBooksOptions, type CustomerOutcome, type EntryOutcome, type BookChangeOutcome, type ChangesPulled, type EntryResult, type PendingEntry, type TransactionState } from './books';
export { EntryRepository, type EntryRow, type EntryState } from './entries';
export { customerSchema, linesEntrySchema, paymentEntrySchema, transactionLookupSchema, toLinesEntry, toPaymentEntry, toParty } from './inputs';
export { accountingMigrations } from './migrations';
export { ENTRY_KINDS, type AccountingConnector, type AccountingSettings, type EntryKind } from '../platforms/accounting';
export { openAccountingBooks } from './connectors';

/** The accounting capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openAccounting({ store, platforms }: EngineContext) {
	return {
		/** The books of one platform's connection, with the node's item, tax-code and account mappings. */
		books: async (platform: string, mappings?: AccountingSettings): Promise<AccountingBooks> => {
			const { transport, settings } = await platforms.connect(platform);
			return openAccountingBooks({ store, platform, transport, credential: settings, mappings });
		},
	};
}
export { EntryQueue, DEFAULT_FLUSH_LIMIT, type FlushOptions, type FlushResult, type QueuedOutcome, type QueueResult } from './queued';
