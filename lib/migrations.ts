import { coreMigrations } from './store/coreMigrations';
import type { Migration } from './store/types';

/** Every capability's schema, applied in (component, version) order when a store opens. Add one line per capability. */
export const allMigrations: Migration[] = [...coreMigrations];
