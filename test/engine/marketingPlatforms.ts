/**
 * The marketing sandboxes of the catalog's marketing platforms and the connectors that talk to them outside n8n: shared
 * by the marketing engine tests and the benchmark. Each connector goes through its own transport (rate windows in the
 * store, retries), authenticated as the vendor declares, and is set up from the node parameters its sandbox's fixture
 * gives (test/sandbox/<vendor>/marketingFixture.ts).
 */
import { connectStandalone, platformDefinition, platformsServing } from '../../lib/platforms/catalog';
import type { MarketingConnector } from '../../lib/platforms/marketing';
import type { StateStore } from '../../lib/store';
import { Transport, type PlatformProfile, type RetryPolicy } from '../../lib/transport';
import type { MarketingTarget } from '../../lib/marketing';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, marketingFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

export { picked } from '../sandbox/fixtures';
export { ACTIVECAMPAIGN_LIST as AC_LIST, ACTIVECAMPAIGN_WELCOME_TAG as WELCOME_TAG } from '../sandbox/activecampaign/marketingFixture';
export { MAILCHIMP_AUDIENCE as AUDIENCE, MAILCHIMP_JOURNEY as JOURNEY } from '../sandbox/mailchimp/marketingFixture';
export { MARKETO_CAMPAIGN, MARKETO_LISTS as SEGMENTS } from '../sandbox/marketo/marketingFixture';

/** The catalog's marketing platforms, in its order. */
export const MARKETING_PLATFORMS: readonly string[] = platformsServing('marketing').map((definition) => definition.id);
export type MarketingPlatform = string;

const fixture = (platform: string) => fixtureOf(marketingFixtures, platform, 'marketing');

/** Marketing Fan-out's parameters pointing at what each sandbox was seeded with. */
export function marketingPicks(): Record<string, unknown> {
	return Object.assign({}, ...MARKETING_PLATFORMS.map((platform) => fixture(platform).parameters)) as Record<string, unknown>;
}

export interface MarketingSandboxes {
	sandboxes: Record<MarketingPlatform, RunningSandbox>;
	controls: Record<MarketingPlatform, SandboxControl>;
	close(): Promise<void>;
}

export async function startMarketingSandboxes(): Promise<MarketingSandboxes> {
	const started = await Promise.all(MARKETING_PLATFORMS.map((name) => startSandbox(name as SandboxName)));
	const sandboxes: Record<string, RunningSandbox> = Object.fromEntries(MARKETING_PLATFORMS.map((name, index) => [name, started[index]]));
	const controls: Record<string, SandboxControl> = Object.fromEntries(MARKETING_PLATFORMS.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)]));
	return { sandboxes, controls, close: async () => void (await Promise.all(started.map((sandbox) => sandbox.close()))) };
}

/** Resets every sandbox and seeds what marketers set up by hand: the audience, journey, lists, campaign, automation. */
export async function seedMarketingSandboxes(controls: Record<MarketingPlatform, SandboxControl>): Promise<void> {
	await Promise.all(Object.values(controls).map((control) => control.reset()));
	await Promise.all(MARKETING_PLATFORMS.map((platform) => fixture(platform).seed(controls[platform])));
}

interface ConnectorOptions {
	/** Rate windows and the vendors' concurrency slots (Mailchimp's 10 connections) are the store's. */
	store: StateStore;
	retry?: Partial<RetryPolicy>;
	/** Profiles with other limits (e.g. lifted) per platform. */
	profiles?: Partial<Record<MarketingPlatform, PlatformProfile>>;
}

/** A transport per platform to its sandbox, authenticated by the vendor's declared standalone auth. */
export function marketingTransports(sandboxes: Record<MarketingPlatform, RunningSandbox>, options: ConnectorOptions): Record<MarketingPlatform, Transport> {
	return Object.fromEntries(
		MARKETING_PLATFORMS.map((platform) => {
			const sandbox = sandboxes[platform];
			const { values } = sandboxAccount(platform, fixture(platform).apiBase(sandbox), sandbox.credentials);
			const connection = connectStandalone(platform, values);
			const transport = new Transport({
				profile: options.profiles?.[platform] ?? platformDefinition(platform).profile(values),
				client: connection.client,
				baseUrl: connection.baseUrl,
				accountKey: `test-${connection.baseUrl}`,
				rateBuckets: options.store.rateBuckets,
				concurrency: options.store.concurrency,
				retry: options.retry,
				secrets: connection.secrets,
			});
			return [platform, transport];
		}),
	);
}

/** A node parameter's value as the engine reads it: a picked value's id or name, else the text, else the declared default. */
function parameterOf(platform: string): (name: string) => string {
	const declared = platformDefinition(platform).marketing?.parameters ?? [];
	const given = fixture(platform).parameters;
	return (name) => {
		const value = given[name];
		if (value && typeof value === 'object' && '__rl' in value) return String((value as unknown as { value: unknown }).value);
		return value === undefined ? (declared.find((parameter) => parameter.name === name)?.default ?? '') : String(value);
	};
}

/** Each platform's connector, set up as Marketing Fan-out sets it up from its parameters. */
export function marketingConnectors(transports: Record<MarketingPlatform, Transport>): Record<MarketingPlatform, MarketingConnector> {
	return Object.fromEntries(
		MARKETING_PLATFORMS.map((platform) => {
			const marketing = platformDefinition(platform).marketing!;
			return [platform, marketing.connector(transports[platform], marketing.settings(parameterOf(platform)))];
		}),
	);
}

export function marketingTargets(connectors: Record<MarketingPlatform, MarketingConnector>): MarketingTarget[] {
	return MARKETING_PLATFORMS.map((platform) => ({ platform, connector: connectors[platform] }));
}

export const segmentRules = [
	{ segment: 'enterprise', conditions: [{ field: 'plan', operator: 'equals' as const, value: 'enterprise' }] },
	{ segment: 'europe', conditions: [{ field: 'country', operator: 'in' as const, value: 'DE,FR,ES,IT,NL' }] },
	{ segment: 'customers', conditions: [{ field: 'lifecycleStage', operator: 'equals' as const, value: 'customer' }] },
];

export function contact(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const countries = ['US', 'DE', 'FR', 'GB'];
	return {
		email: `person${index}@example.com`,
		firstName: `First${index}`,
		lastName: `Last${index}`,
		company: `Company ${index % 50}`,
		country: countries[index % countries.length],
		plan: index % 3 === 0 ? 'enterprise' : 'starter',
		lifecycleStage: index % 2 === 0 ? 'customer' : 'lead',
		consent: true,
		...extra,
	};
}
