import { sleep, type IExecuteFunctions, type IHookFunctions, type ILoadOptionsFunctions, type IPollFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { allMigrations } from '../../lib/migrations';
import { platformDefinition } from '../../lib/platforms/catalog';
import type { PlatformSettings } from '../../lib/platforms/definition';
import type { ConnectOptions, EngineContext, PlatformConnection, PlatformResolver } from '../../lib/platforms/resolver';
import { parseSettings, resolveBaseUrl } from '../../lib/platforms/settings';
import { defaultSqliteStore, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { Transport, type RetryPolicy } from '../../lib/transport';
import { N8nHttpClient } from './httpClient';
import { chosenCredential, credentialSecrets, STATE_STORE_CREDENTIAL } from './platformCredentials';
import { refreshTokenOnRefusal } from './tokenRefresh';

export type { StateStore };

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
 * The platforms as this node reaches them (the n8n side of the engine's PlatformResolver): each through the node's
 * credential for it, with the vendor's declared token refresh around the n8n client, paced through the store. A node
 * has one credential per platform and one per platform's second store: the account `shopify-2` is the second store's,
 * any other the platform's own. Settings are parsed when a capability reads
 * them, so a platform whose settings a capability does not need never fails on them.
 */
export function nodePlatforms(context: NodeContext, store: StateStore): PlatformResolver {
	return {
		async connect(platform: string, options: ConnectOptions = {}): Promise<PlatformConnection> {
			const definition = platformDefinition(platform);
			const credential = chosenCredential(platform, context.getNode().credentials, options.account);
			const values = await context.getCredentials(credential.type);
			const reference = context.getNode().credentials?.[credential.type];
			const baseUrl = resolveBaseUrl(credential, values);
			const client = refreshTokenOnRefusal(context, definition, credential.type, values)(new N8nHttpClient(context, credential.type), baseUrl);
			const transport = new Transport({
				profile: definition.profile(values),
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
			let settings: PlatformSettings | undefined;
			return {
				transport,
				get settings() {
					settings ??= parseSettings(definition, values, credential);
					return settings;
				},
			};
		},
	};
}

/** The engine's context for this node: its state store and its platforms. */
export async function nodeEngine(context: NodeContext): Promise<EngineContext> {
	const store = await nodeStore(context);
	return { store, platforms: nodePlatforms(context, store) };
}

/** A transport for one platform through the node's credential (triggers that talk to the vendor themselves). */
export async function platformTransport(context: NodeContext, platform: string, store: StateStore, options: { retry?: Partial<RetryPolicy> } = {}): Promise<Transport> {
	return (await nodePlatforms(context, store).connect(platform, options)).transport;
}
