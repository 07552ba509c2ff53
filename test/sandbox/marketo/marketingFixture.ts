import { picked, type MarketingFixture } from '../framework/fixtures';

export const MARKETO_CAMPAIGN = 7100;
/** The static lists segments go to, created by hand in Marketo. */
export const MARKETO_LISTS = ['enterprise', 'europe', 'customers'];

export const marketoMarketing: MarketingFixture = {
	apiBase: (sandbox) => sandbox.baseUrl,
	parameters: { marketoCampaignId: picked(String(MARKETO_CAMPAIGN)) },
	seed: async (control) => void (await control.seed({ lists: MARKETO_LISTS.map((name) => ({ name })), campaigns: [{ id: MARKETO_CAMPAIGN, name: 'Welcome' }] })),
};
