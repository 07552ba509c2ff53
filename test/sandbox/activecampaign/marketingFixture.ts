import { picked, type MarketingFixture } from '../framework/fixtures';

export const ACTIVECAMPAIGN_LIST = '3';
export const ACTIVECAMPAIGN_WELCOME_TAG = 'welcome';

export const activecampaignMarketing: MarketingFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/api/3`,
	parameters: { activeCampaignListId: picked(ACTIVECAMPAIGN_LIST), activeCampaignWelcomeTag: picked(ACTIVECAMPAIGN_WELCOME_TAG, 'name') },
	seed: async (control) =>
		void (await control.seed({ lists: [{ id: ACTIVECAMPAIGN_LIST, name: 'Newsletter' }], automations: [{ id: '11', name: 'Welcome series', startTag: ACTIVECAMPAIGN_WELCOME_TAG }] })),
};
