import { picked, type MarketingFixture } from '../framework/fixtures';

export const MARKETO_CAMPAIGN = 7100;
/** The static lists segments go to, created by hand in Marketo. */
export const MARKETO_LISTS = ['enterprise', 'europe', 'customers'];
/** Smart campaigns: the nurture, the one whose flow is "Remove from Flow" of it, and the retention campaign. */
export const MARKETO_JOURNEYS = { nurture: 7200, nurtureStop: 7201, retention: 7300 };

export const marketoMarketing: MarketingFixture = {
	apiBase: (sandbox) => sandbox.baseUrl,
	parameters: {
		marketoCampaignId: picked(String(MARKETO_CAMPAIGN)),
		marketoNurtureCampaignId: picked(String(MARKETO_JOURNEYS.nurture)),
		marketoNurtureStopCampaignId: picked(String(MARKETO_JOURNEYS.nurtureStop)),
		marketoRetentionCampaignId: picked(String(MARKETO_JOURNEYS.retention)),
	},
	seed: async (control) =>
		void (await control.seed({
			lists: MARKETO_LISTS.map((name) => ({ name })),
			campaigns: [
				{ id: MARKETO_CAMPAIGN, name: 'Welcome' },
				{ id: MARKETO_JOURNEYS.nurture, name: 'Lead nurture' },
				{ id: MARKETO_JOURNEYS.nurtureStop, name: 'Remove from nurture flow' },
				{ id: MARKETO_JOURNEYS.retention, name: 'Win back' },
			],
		})),
};
