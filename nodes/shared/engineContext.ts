import { sleep, type IExecuteFunctions, type IHookFunctions, type IPollFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { allMigrations } from '../../lib/migrations';
import { platformEntry } from '../../lib/platforms/catalog';
import { defaultSqliteStore, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { Transport, type HttpClient, type RetryPolicy } from '../../lib/transport';
import { N8nHttpClient } from './httpClient';
import { chosenCredential, credentialSecrets, STATE_STORE_CREDENTIAL } from './platformCredentials';

type NodeContext = IExecuteFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions;

/** The state store for this node: Postgres when an Integration State Store credential is set, else the SQLite file. */
export async function nodeStore(context: NodeContext): Promise<StateStore> {
	if (!context.getNode().credentials?.[STATE_STORE_CREDENTIAL]) return openStore(defaultSqliteStore(), allMigrations);
	const credential = await context.getCredentials(STATE_STORE_CREDENTIAL);
	const config: StoreConfig = {
		kind: 'postgres',
		host: String(credential.host),
		port: Number(credential.port),
		database: String(credential.database),
		user: String(credential.user),
		password: String(credential.password),
		ssl: credential.ssl === true,
		schema: credential.schema ? String(credential.schema) : undefined,
	};
	return openStore(config, allMigrations);
}

/**
 * A transport for one platform, authenticated by the node's credential for it, paced through the store. `retry`
 * shortens the retry policy where falling back elsewhere beats waiting (payments); `wrapClient` adds a step around
 * the n8n client (PayPal's token refresh on 401).
 */
export async function platformTransport(
	context: NodeContext,
	platform: string,
	store: StateStore,
	options: { retry?: Partial<RetryPolicy>; wrapClient?: (client: HttpClient, baseUrl: string) => HttpClient } = {},
): Promise<Transport> {
	const credential = chosenCredential(platform, context.getNode().credentials);
	if (!credential) throw new Error(`No credential type is known for platform "${platform}"`);
	const values = await context.getCredentials(credential.type);
	const reference = context.getNode().credentials?.[credential.type];
	const baseUrl = credential.resolveBaseUrl?.(values) ?? String(values[credential.baseUrlField]);
	const client = new N8nHttpClient(context, credential.type);
	return new Transport({
		profile: platformEntry(platform).profile(),
		client: options.wrapClient ? options.wrapClient(client, baseUrl) : client,
		baseUrl,
		accountKey: reference?.id ?? reference?.name ?? credential.type,
		rateBuckets: store.rateBuckets,
		concurrency: store.concurrency,
		retry: options.retry,
		secrets: credentialSecrets(credential, values),
		sleep,
	});
}
