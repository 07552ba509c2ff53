import { picked, type MarketingFixture } from '../framework/fixtures';

/** The email subscription type contacts are subscribed to (the sandbox knows it). */
export const HUBSPOT_SUBSCRIPTION = '7001';

export const hubspotMarketing: MarketingFixture = {
	apiBase: (sandbox) => sandbox.baseUrl,
	parameters: { hubspotSubscriptionId: picked(HUBSPOT_SUBSCRIPTION) },
	seed: async () => undefined,
};
