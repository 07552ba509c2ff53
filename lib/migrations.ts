import { accountingMigrations } from './accounting/migrations';
import { conflictMigrations } from './conflict/migrations';
import { inventoryMigrations } from './inventory/migrations';
import { marketingMigrations } from './marketing/migrations';
import { meteringMigrations } from './metering/migrations';
import { paymentMigrations } from './payments/migrations';
import { routingMigrations } from './routing/migrations';
import { socialMigrations } from './social/migrations';
import { apiCallMigrations } from './store/apiCalls';
import { coreMigrations } from './store/coreMigrations';
import { outboxMigrations } from './store/outbox';
import { purchaseMigrations } from './sync/purchases';
import { syncMigrations } from './sync/migrations';
import { triggerMigrations } from './triggers/migrations';
import type { Migration } from './store/types';

/** Every capability's schema, applied when a store opens: components in list order (core first), versions ascending. Add one line per capability. */
export const allMigrations: Migration[] = [...coreMigrations, ...outboxMigrations, ...meteringMigrations, ...routingMigrations, ...syncMigrations, ...conflictMigrations, ...paymentMigrations, ...inventoryMigrations, ...marketingMigrations, ...purchaseMigrations, ...triggerMigrations, ...accountingMigrations, ...socialMigrations, ...apiCallMigrations];
