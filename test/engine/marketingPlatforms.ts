/**
 * The four marketing sandboxes and the connectors that talk to them outside n8n: shared by the marketing engine
 * tests and the benchmark. Each connector goes through its own transport (rate windows in the store, retries).
 */
import { HubSpotMarketing, } from '../../lib/platforms/hubspot/lists';
import { hubSpotProfile } from '../../lib/platforms/hubspot';
import { MailchimpMarketing, mailchimpProfile } from '../../lib/platforms/mailchimp';
import { MarketoMarketing, MarketoOAuthClient, marketoProfile } from '../../lib/platforms/marketo';
import { ActiveCampaignMarketing, activeCampaignProfile } from '../../lib/platforms/activecampaign';
import type { MarketingConnector } from '../../lib/platforms/marketing';
import type { StateStore } from '../../lib/store';
import { FetchHttpClient, Transport, type HttpClient, type PlatformProfile, type RetryPolicy } from '../../lib/transport';
import type { MarketingTarget } from '../../lib/marketing';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

export const MARKETING_PLATFORMS = ['hubspot', 'mailchimp', 'marketo', 'activecampaign'] as const;
export type MarketingPlatform = (typeof MARKETING_PLATFORMS)[number];

export const AUDIENCE = 'a1b2c3d4e5';
export const JOURNEY = { id: '501', stepId: '9001' };
export const MARKETO_CAMPAIGN = 7100;
export const AC_LIST = '3';
export const WELCOME_TAG = 'welcome';
export const SEGMENTS = ['enterprise', 'europe', 'customers'];

/** A resourceLocator value as the editor saves it (`mode` "id", or "name" where the engine keys by name). */
export const picked = (value: string, mode: 'id' | 'name' | 'list' = 'id') => ({ __rl: true, mode, value });

/** Marketing Fan-out's parameters pointing at the seeded audience, journey, subscription type, campaign, list and tag. */
export function marketingPicks(): Record<string, unknown> {
	return {
		mailchimpAudienceId: picked(AUDIENCE),
		mailchimpJourneyId: JOURNEY.id,
		mailchimpJourneyStepId: JOURNEY.stepId,
		hubspotSubscriptionId: picked('7001'),
		marketoCampaignId: picked(String(MARKETO_CAMPAIGN)),
		activeCampaignListId: picked(AC_LIST),
		activeCampaignWelcomeTag: picked(WELCOME_TAG, 'name'),
	};
}

export interface MarketingSandboxes {
	sandboxes: Record<MarketingPlatform, RunningSandbox>;
	controls: Record<MarketingPlatform, SandboxControl>;
	close(): Promise<void>;
}

export async function startMarketingSandboxes(): Promise<MarketingSandboxes> {
	const started = await Promise.all(MARKETING_PLATFORMS.map((name) => startSandbox(name)));
	const sandboxes = Object.fromEntries(MARKETING_PLATFORMS.map((name, index) => [name, started[index]])) as Record<MarketingPlatform, RunningSandbox>;
	const controls = Object.fromEntries(MARKETING_PLATFORMS.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)])) as Record<MarketingPlatform, SandboxControl>;
	return { sandboxes, controls, close: async () => void (await Promise.all(started.map((sandbox) => sandbox.close()))) };
}

/** Resets every sandbox and seeds what marketers set up by hand: the audience, journey, lists, campaign, automation. */
export async function seedMarketingSandboxes(controls: Record<MarketingPlatform, SandboxControl>): Promise<void> {
	await Promise.all(Object.values(controls).map((control) => control.reset()));
	await controls.mailchimp.seed({ lists: [{ id: AUDIENCE, name: 'Newsletter' }], journeys: [{ id: JOURNEY.id, step_id: JOURNEY.stepId }] });
	await controls.marketo.seed({ lists: SEGMENTS.map((name) => ({ name })), campaigns: [{ id: MARKETO_CAMPAIGN, name: 'Welcome' }] });
	await controls.activecampaign.seed({ lists: [{ id: AC_LIST, name: 'Newsletter' }], automations: [{ id: '11', name: 'Welcome series', startTag: WELCOME_TAG }] });
}

interface ConnectorOptions {
	store?: StateStore;
	retry?: Partial<RetryPolicy>;
	/** Profiles with other limits (e.g. lifted) per platform. */
	profiles?: Partial<Record<MarketingPlatform, PlatformProfile>>;
}

export function marketingTransports(sandboxes: Record<MarketingPlatform, RunningSandbox>, options: ConnectorOptions = {}): Record<MarketingPlatform, Transport> {
	const make = (platform: MarketingPlatform, profile: PlatformProfile, baseUrl: string, client: HttpClient, secrets: string[]) =>
		new Transport({ profile: options.profiles?.[platform] ?? profile, client, baseUrl, accountKey: `test-${baseUrl}`, rateBuckets: options.store?.rateBuckets, retry: options.retry, secrets });
	const { hubspot, mailchimp, marketo, activecampaign } = sandboxes;
	return {
		hubspot: make('hubspot', hubSpotProfile(), hubspot.baseUrl, new FetchHttpClient((request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${hubspot.credentials.accessToken}` } })), [hubspot.credentials.accessToken]),
		mailchimp: make('mailchimp', mailchimpProfile(), `${mailchimp.baseUrl}/3.0`, new FetchHttpClient((request) => ({ ...request, headers: { ...request.headers, authorization: `Basic ${Buffer.from(`anystring:${mailchimp.credentials.apiKey}`).toString('base64')}` } })), [mailchimp.credentials.apiKey]),
		marketo: make('marketo', marketoProfile(), marketo.baseUrl, new MarketoOAuthClient({ baseUrl: marketo.baseUrl, clientId: marketo.credentials.clientId, clientSecret: marketo.credentials.clientSecret }, new FetchHttpClient()), [marketo.credentials.clientSecret]),
		activecampaign: make('activecampaign', activeCampaignProfile(), `${activecampaign.baseUrl}/api/3`, new FetchHttpClient((request) => ({ ...request, headers: { ...request.headers, 'api-token': activecampaign.credentials.apiToken } })), [activecampaign.credentials.apiToken]),
	};
}

export function marketingConnectors(transports: Record<MarketingPlatform, Transport>): Record<MarketingPlatform, MarketingConnector> {
	return {
		hubspot: new HubSpotMarketing(transports.hubspot, { welcome: { id: 'Welcome' }, subscriptionId: '7001' }),
		mailchimp: new MailchimpMarketing(transports.mailchimp, { listId: AUDIENCE, welcome: JOURNEY }),
		marketo: new MarketoMarketing(transports.marketo, { welcome: { id: String(MARKETO_CAMPAIGN) } }),
		activecampaign: new ActiveCampaignMarketing(transports.activecampaign, { listId: AC_LIST, welcome: { id: WELCOME_TAG } }),
	};
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
