/** Accounting Sync: sales, payments, refunds and invoices posted exactly once per source transaction; customers one per email. */
export { AccountingBooks, entryReference, type AccountingBooksOptions, type CustomerOutcome, type EntryOutcome, type TransactionState } from './books';
export { EntryRepository, type EntryRow, type EntryState } from './entries';
export { customerSchema, linesEntrySchema, paymentEntrySchema, transactionLookupSchema, toLinesEntry, toPaymentEntry, toParty } from './inputs';
export { accountingMigrations } from './migrations';
export { ENTRY_KINDS, type AccountingConnector, type AccountingSettings, type EntryKind } from '../platforms/accounting';
export { openAccountingBooks } from './connectors';
