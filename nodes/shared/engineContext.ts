import { sleep, type IExecuteFunctions, type IHookFunctions, type ILoadOptionsFunctions, type IPollFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { allMigrations } from '../../lib/migrations';
import { platformDefinition } from '../../lib/platforms/catalog';
import { resolveBaseUrl } from '../../lib/platforms/settings';
import { defaultSqliteStore, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { Transport, type RetryPolicy } from '../../lib/transport';
import { N8nHttpClient } from './httpClient';
import { chosenCredential, credentialSecrets, STATE_STORE_CREDENTIAL } from './platformCredentials';
import { refreshTokenOnRefusal } from './tokenRefresh';

type NodeContext = IExecuteFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

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
 * A transport for one platform, authenticated by the node's credential for it, paced through the store, with the
 * vendor's declared token refresh around the n8n client. `retry` shortens the retry policy where falling back
 * elsewhere beats waiting (payments).
 */
export async function platformTransport(context: NodeContext, platform: string, store: StateStore, options: { retry?: Partial<RetryPolicy> } = {}): Promise<Transport> {
	const definition = platformDefinition(platform);
	const credential = chosenCredential(platform, context.getNode().credentials);
	const values = await context.getCredentials(credential.type);
	const reference = context.getNode().credentials?.[credential.type];
	const baseUrl = resolveBaseUrl(credential, values);
	const client = refreshTokenOnRefusal(context, definition, credential.type, values)(new N8nHttpClient(context, credential.type), baseUrl);
	return new Transport({
		profile: definition.profile(),
		client,
		baseUrl,
		accountKey: reference?.id ?? reference?.name ?? credential.type,
		rateBuckets: store.rateBuckets,
		requestCounter: store.apiCalls,
		concurrency: store.concurrency,
		retry: options.retry,
		secrets: credentialSecrets(credential, values),
		sleep,
	});
}
