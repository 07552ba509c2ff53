import { picked, type MarketingFixture } from '../framework/fixtures';

export const ACTIVECAMPAIGN_LIST = '3';
export const ACTIVECAMPAIGN_WELCOME_TAG = 'welcome';
/** The nurture and retention automations, built by hand in ActiveCampaign. */
export const ACTIVECAMPAIGN_JOURNEYS = { nurture: '12', retention: '13' };

export const activecampaignMarketing: MarketingFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/api/3`,
	parameters: {
		activeCampaignListId: picked(ACTIVECAMPAIGN_LIST),
		activeCampaignWelcomeTag: picked(ACTIVECAMPAIGN_WELCOME_TAG, 'name'),
		activeCampaignNurtureAutomationId: picked(ACTIVECAMPAIGN_JOURNEYS.nurture),
		activeCampaignRetentionAutomationId: picked(ACTIVECAMPAIGN_JOURNEYS.retention),
	},
	seed: async (control) =>
		void (await control.seed({
			lists: [{ id: ACTIVECAMPAIGN_LIST, name: 'Newsletter' }],
			automations: [
				{ id: '11', name: 'Welcome series', startTag: ACTIVECAMPAIGN_WELCOME_TAG },
				{ id: ACTIVECAMPAIGN_JOURNEYS.nurture, name: 'Lead nurture' },
				{ id: ACTIVECAMPAIGN_JOURNEYS.retention, name: 'Win back' },
			],
		})),
};
