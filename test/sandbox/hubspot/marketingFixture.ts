import { picked, type MarketingFixture } from '../framework/fixtures';

/** The email subscription type contacts are subscribed to (the sandbox knows it). */
export const HUBSPOT_SUBSCRIPTION = '7001';
/** The nurture and retention workflows, built by hand in HubSpot. */
export const HUBSPOT_WORKFLOWS = { nurture: '8101', retention: '8102' };

export const hubspotMarketing: MarketingFixture = {
	apiBase: (sandbox) => sandbox.baseUrl,
	parameters: { hubspotSubscriptionId: picked(HUBSPOT_SUBSCRIPTION), hubspotNurtureWorkflowId: picked(HUBSPOT_WORKFLOWS.nurture), hubspotRetentionWorkflowId: picked(HUBSPOT_WORKFLOWS.retention) },
	seed: async (control) =>
		void (await control.seed({ workflows: [{ id: HUBSPOT_WORKFLOWS.nurture, name: 'Lead nurture' }, { id: HUBSPOT_WORKFLOWS.retention, name: 'Win back', allowContactToTriggerMultipleTimes: true }] })),
};
