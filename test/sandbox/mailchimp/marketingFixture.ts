import { picked, type MarketingFixture } from '../framework/fixtures';

export const MAILCHIMP_AUDIENCE = 'a1b2c3d4e5';
export const MAILCHIMP_JOURNEY = { id: '501', stepId: '9001' };

export const mailchimpMarketing: MarketingFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/3.0`,
	parameters: { mailchimpAudienceId: picked(MAILCHIMP_AUDIENCE), mailchimpJourneyId: MAILCHIMP_JOURNEY.id, mailchimpJourneyStepId: MAILCHIMP_JOURNEY.stepId },
	seed: async (control) => void (await control.seed({ lists: [{ id: MAILCHIMP_AUDIENCE, name: 'Newsletter' }], journeys: [{ id: MAILCHIMP_JOURNEY.id, step_id: MAILCHIMP_JOURNEY.stepId }] })),
};
