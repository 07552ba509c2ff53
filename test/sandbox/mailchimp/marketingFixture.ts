import { picked, type MarketingFixture } from '../framework/fixtures';

export const MAILCHIMP_AUDIENCE = 'a1b2c3d4e5';
export const MAILCHIMP_JOURNEY = { id: '501', stepId: '9001' };
/** The nurture journey (its exit condition: tag "customer" added) and the retention journey. */
export const MAILCHIMP_NURTURE = { id: '601', stepId: '9101', exitTag: 'customer' };
export const MAILCHIMP_RETENTION = { id: '701', stepId: '9201' };

export const mailchimpMarketing: MarketingFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/3.0`,
	parameters: {
		mailchimpAudienceId: picked(MAILCHIMP_AUDIENCE),
		mailchimpJourneyId: picked(MAILCHIMP_JOURNEY.id),
		mailchimpJourneyStepId: picked(MAILCHIMP_JOURNEY.stepId),
		mailchimpNurtureJourneyId: picked(MAILCHIMP_NURTURE.id),
		mailchimpNurtureStepId: picked(MAILCHIMP_NURTURE.stepId),
		mailchimpNurtureExitTag: MAILCHIMP_NURTURE.exitTag,
		mailchimpRetentionJourneyId: picked(MAILCHIMP_RETENTION.id),
		mailchimpRetentionStepId: picked(MAILCHIMP_RETENTION.stepId),
	},
	seed: async (control) =>
		void (await control.seed({
			lists: [{ id: MAILCHIMP_AUDIENCE, name: 'Newsletter' }],
			journeys: [
				{ id: MAILCHIMP_JOURNEY.id, step_id: MAILCHIMP_JOURNEY.stepId },
				{ id: MAILCHIMP_NURTURE.id, step_id: MAILCHIMP_NURTURE.stepId, exit_tag: MAILCHIMP_NURTURE.exitTag },
				{ id: MAILCHIMP_RETENTION.id, step_id: MAILCHIMP_RETENTION.stepId },
			],
		})),
};
