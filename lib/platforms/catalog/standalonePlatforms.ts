import type { ConcurrencySlots } from '../../store/concurrencySlots';
import type { RateBucketRepository } from '../../store/rateBuckets';
import { Transport } from '../../transport/transport';
import type { HttpClient, PlatformProfile, RetryPolicy } from '../../transport/types';
import { connectStandalone, platformDefinition } from './index';
import type { CredentialValues } from '../definition';
import type { ConnectOptions, PlatformConnection, PlatformResolver } from '../resolver';

/** One platform account outside n8n: the values its credential would hold. */
export interface StandaloneAccount {
	platform: string;
	/** Names the account where a platform has several (an inventory store); its rate windows are kept under it. */
	id?: string;
	/** The credential's field values (secrets, settings, the base URL field), as a settings file or a sandbox gives them. */
	values: CredentialValues;
}

export interface StandaloneOptions {
	/** Shared rate windows (a store's `rateBuckets`); without them the platforms' limits are not paced here. */
	rateBuckets?: RateBucketRepository;
	/** Concurrency slots shared by every process (a store's `concurrency`): required to reach a vendor that declares a limit. */
	concurrency?: ConcurrencySlots;
	/** Replaces the retry policy the capability asks for (tests and benchmarks shorten the waits). */
	retry?: Partial<RetryPolicy>;
	sleep?: (ms: number) => Promise<void>;
	/** Wraps an account's authenticated client (fault injection in benchmarks, recording in tests). */
	client?: (inner: HttpClient, account: StandaloneAccount) => HttpClient;
	/** Overrides a platform's profile, e.g. a plan's larger rate window. */
	profile?: (account: StandaloneAccount) => PlatformProfile | undefined;
}

/**
 * The platforms outside n8n (the demo, benchmarks, tests): each account reached with fetch and the vendor's declared
 * standalone auth, from its credential's values. An account is found by its id, else as its platform's only account.
 */
export function standalonePlatforms(accounts: readonly StandaloneAccount[], options: StandaloneOptions = {}): PlatformResolver {
	const find = (platform: string, id: string | undefined): StandaloneAccount => {
		const matches = accounts.filter((account) => account.platform === platform && (id === undefined || (account.id ?? account.platform) === id));
		if (matches.length === 1) return matches[0];
		const which = id === undefined ? platformDefinition(platform).displayName : `${platformDefinition(platform).displayName} account "${id}"`;
		throw new Error(matches.length === 0 ? `No credentials given for ${which}` : `Several ${which} accounts: name the one to use`);
	};
	return {
		async connect(platform: string, connect: ConnectOptions = {}): Promise<PlatformConnection> {
			const account = find(platform, connect.account);
			const connection = connectStandalone(platform, account.values);
			const transport = new Transport({
				profile: options.profile?.(account) ?? platformDefinition(platform).profile(account.values),
				client: options.client ? options.client(connection.client, account) : connection.client,
				baseUrl: connection.baseUrl,
				accountKey: account.id ?? connection.baseUrl,
				rateBuckets: options.rateBuckets,
				concurrency: options.concurrency,
				retry: options.retry ?? connect.retry,
				secrets: connection.secrets,
				sleep: options.sleep,
			});
			return { transport, settings: connection.settings };
		},
	};
}
