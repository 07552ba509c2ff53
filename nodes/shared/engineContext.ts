import { sleep, type IExecuteFunctions, type IHookFunctions, type ILoadOptionsFunctions, type IPollFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { allMigrations } from '../../lib/migrations';
import { platformDefinition } from '../../lib/platforms/catalog';
import type { CredentialValues, PlatformDefinition, PlatformSettings } from '../../lib/platforms/definition';
import type { ConnectOptions, EngineContext, PlatformConnection, PlatformResolver } from '../../lib/platforms/resolver';
import { parseSettings, resolveBaseUrl } from '../../lib/platforms/settings';
import { defaultSqliteStore, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { standaloneConnection } from '../../lib/platforms/standalone';
import { Transport, type HttpClient, type RetryPolicy } from '../../lib/transport';
import { N8nHttpClient } from './httpClient';
import { chosenCredential, credentialSecrets, STATE_STORE_CREDENTIAL } from './platformCredentials';
import type { NodeListedStore } from './storeLists';
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

/** One account's transport, paced through the store (rate buckets, call counts, concurrency), its secrets redacted. */
function storeTransport(store: StateStore, definition: PlatformDefinition, values: CredentialValues, parts: { client: HttpClient; baseUrl: string; accountKey: string; secrets: string[] }, options: ConnectOptions): Transport {
	return new Transport({
		profile: definition.profile(values),
		...parts,
		rateBuckets: store.rateBuckets,
		requestCounter: store.apiCalls,
		concurrency: store.concurrency,
		retry: options.retry,
		sleep,
	});
}

/**
 * A store of a list credential (`shopify@us`): its entry's values authenticate each request the vendor's declared way
 * over n8n's plain HTTP helper (n8n's own authentication knows one set of fields per credential), its rate limits and
 * secrets its own.
 */
function listedConnection(context: NodeContext, store: StateStore, listed: NodeListedStore, options: ConnectOptions): PlatformConnection {
	const definition = platformDefinition(listed.platform);
	const reference = context.getNode().credentials?.[listed.credentialType];
	const connection = standaloneConnection(definition, listed.values, new N8nHttpClient(context));
	const accountKey = `${reference?.id ?? reference?.name ?? listed.credentialType}@${listed.label}`;
	return { transport: storeTransport(store, definition, listed.values, { client: connection.client, baseUrl: connection.baseUrl, accountKey, secrets: connection.secrets }, options), settings: connection.settings };
}

/**
 * The platforms as this node reaches them (the n8n side of the engine's PlatformResolver): each through the node's
 * credential for it, with the vendor's declared token refresh around the n8n client, paced through the store. A node
 * has one credential per platform and one per platform's second store: the account `shopify-2` is the second store's,
 * any other the platform's own, but for the stores of a list credential (`listed`, by their ids). Settings are parsed
 * when a capability reads them, so a platform whose settings a capability does not need never fails on them.
 */
export function nodePlatforms(context: NodeContext, store: StateStore, listed: readonly NodeListedStore[] = []): PlatformResolver {
	const listedById = new Map(listed.map((entry) => [entry.id, entry]));
	return {
		async connect(platform: string, options: ConnectOptions = {}): Promise<PlatformConnection> {
			const entry = options.account === undefined ? undefined : listedById.get(options.account);
			if (entry) return listedConnection(context, store, entry, options);
			const definition = platformDefinition(platform);
			const credential = chosenCredential(platform, context.getNode().credentials, options.account);
			const values = await context.getCredentials(credential.type);
			const reference = context.getNode().credentials?.[credential.type];
			const baseUrl = resolveBaseUrl(credential, values);
			const client = refreshTokenOnRefusal(context, definition, credential.type, values)(new N8nHttpClient(context, credential.type), baseUrl);
			const accountKey = reference?.id ?? reference?.name ?? credential.type;
			const transport = storeTransport(store, definition, values, { client, baseUrl, accountKey, secrets: credentialSecrets(credential, values) }, options);
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
export async function nodeEngine(context: NodeContext, listed: readonly NodeListedStore[] = []): Promise<EngineContext> {
	const store = await nodeStore(context);
	return { store, platforms: nodePlatforms(context, store, listed) };
}

/** A transport for one platform through the node's credential (triggers that talk to the vendor themselves). */
export async function platformTransport(context: NodeContext, platform: string, store: StateStore, options: { retry?: Partial<RetryPolicy> } = {}): Promise<Transport> {
	return (await nodePlatforms(context, store).connect(platform, options)).transport;
}
