import type { AccountingSettings } from '../platforms/accounting';
import { platformDefinition } from '../platforms/catalog';
import type { CredentialValues } from '../platforms/definition';
import { parseSettings, textSetting } from '../platforms/settings';
import type { StateStore } from '../store';
import type { Transport } from '../transport/transport';
import { AccountingBooks } from './books';

/**
 * The books of one accounting connection: the connector the platform's vendor folder declares, over `transport`, with
 * the credential's settings (the company or tenant the entries go to: exactly once is per platform and that account)
 * and the node's item, tax-code and account mappings.
 */
export function openAccountingBooks(options: { store: StateStore; platform: string; transport: Transport; credential: CredentialValues; mappings?: AccountingSettings }): AccountingBooks {
	const definition = platformDefinition(options.platform);
	const accounting = definition.accounting;
	if (!accounting) throw new Error(`Accounting Sync does not post to ${definition.displayName}`);
	const settings = parseSettings(definition, options.credential);
	const mappings = options.mappings ?? {};
	const reconnect = (other: AccountingSettings) => accounting.connector(options.transport, settings, other);
	return new AccountingBooks({ store: options.store, connector: reconnect(mappings), mappings, reconnect, account: textSetting(settings, accounting.accountSetting) });
}
