import type { MarketingParameter, PlatformDefinition } from '../definition';
import { MailchimpMarketing } from './marketing';
import { mailchimpBaseUrl, mailchimpProfile } from './profile';
import { mailchimpResources } from './resources';

const nurtureOperations = { operation: ['updateLifecycleStage', 'retryPending'] };
const retentionOperations = { operation: ['startRetention', 'retryPending'] };

/**
 * Mailchimp's Marketing API has no call that lists customer journeys or their steps (only the step trigger), so a
 * journey and its step are given By URL or By ID, and the field says why no list is offered.
 */
const noJourneyList = 'Mailchimp\'s API lists no customer journeys (it only triggers a step), so no list is offered: paste the API URL that the journey\'s "Contact API event" starting point shows, or the journey builder\'s URL';

/** The journey: by the trigger URL (…/customer-journeys/journeys/<id>/steps/…), the builder's URL (…/customer-journey/builder?id=<id>), or its id. */
function journeyParameter(displayName: string, name: string, description: string, shownWhen?: Record<string, string[]>): MarketingParameter {
	return {
		displayName, name, default: '', description, ...(shownWhen ? { shownWhen } : {}),
		pick: {
			by: 'id', placeholder: 'e.g. 501', pattern: '^[0-9]*$', patternMessage: 'A Mailchimp journey ID is a number', noList: noJourneyList,
			url: { placeholder: 'e.g. https://us1.api.mailchimp.com/3.0/customer-journeys/journeys/501/steps/9001/actions/trigger', regex: '(?:customer-journeys/journeys/|customer-journey/builder\\?(?:[^#]*&)?id=)([0-9]+)' },
		},
	};
}

/** The journey's "Contact API event" step: by the trigger URL (…/journeys/<journey>/steps/<id>/actions/trigger) or its id. */
function stepParameter(displayName: string, name: string, description: string, shownWhen?: Record<string, string[]>): MarketingParameter {
	return {
		displayName, name, default: '', description, ...(shownWhen ? { shownWhen } : {}),
		pick: {
			by: 'id', placeholder: 'e.g. 9001', pattern: '^[0-9]*$', patternMessage: 'A Mailchimp journey step ID is a number', noList: noJourneyList,
			url: { placeholder: 'e.g. https://us1.api.mailchimp.com/3.0/customer-journeys/journeys/501/steps/9001/actions/trigger', regex: 'customer-journeys/journeys/[0-9]+/steps/([0-9]+)' },
		},
	};
}

export const mailchimp: PlatformDefinition = {
	id: 'mailchimp',
	displayName: 'Mailchimp',
	profile: () => mailchimpProfile(),
	credentials: {
		type: 'integrationMailchimpApi',
		baseUrlField: 'baseUrl',
		secretFields: ['apiKey'],
		deriveBaseUrl: (values) => mailchimpBaseUrl(typeof values.apiKey === 'string' ? values.apiKey : ''),
	},
	resources: mailchimpResources,
	standaloneAuth: { kind: 'basic', user: 'anystring', password: '{apiKey}' },
	marketing: {
		connector: (transport, settings) => new MailchimpMarketing(transport, settings),
		segmentsAs: 'tags',
		unsubscribesPerPage: 1000,
		parameters: [
			{
				displayName: 'Mailchimp Audience',
				name: 'mailchimpAudienceId',
				default: '',
				required: true,
				description: 'The audience (list) the contacts join',
				pick: { resource: 'audiences', by: 'id', placeholder: 'e.g. a1b2c3d4e5', pattern: '^[0-9a-f]{10}$', patternMessage: 'A Mailchimp audience ID is 10 hexadecimal characters' },
			},
			journeyParameter('Mailchimp Welcome Journey', 'mailchimpJourneyId', 'The customer journey whose "Contact API event" starting point starts the welcome; empty for none'),
			stepParameter('Mailchimp Journey Step', 'mailchimpJourneyStepId', 'The welcome journey\'s "Contact API event" starting step'),
			journeyParameter('Mailchimp Nurture Journey', 'mailchimpNurtureJourneyId', 'The customer journey a lead is nurtured in, started by its "Contact API event" starting point; empty for none', nurtureOperations),
			stepParameter('Mailchimp Nurture Step', 'mailchimpNurtureStepId', 'The nurture journey\'s "Contact API event" starting step', nurtureOperations),
			{ displayName: 'Mailchimp Nurture Exit Tag', name: 'mailchimpNurtureExitTag', default: 'customer', shownWhen: nurtureOperations, description: 'The tag the nurture journey\'s exit condition ("Tag is added") waits for: added to stop the nurture, since Mailchimp\'s API takes no one out of a journey' },
			journeyParameter('Mailchimp Retention Journey', 'mailchimpRetentionJourneyId', 'The customer journey that wins back inactive customers, started by its "Contact API event" starting point; empty for none', retentionOperations),
			stepParameter('Mailchimp Retention Step', 'mailchimpRetentionStepId', 'The retention journey\'s "Contact API event" starting step', retentionOperations),
		],
		settings: (parameter) => {
			const journey = parameter('mailchimpJourneyId');
			const nurture = parameter('mailchimpNurtureJourneyId');
			const retention = parameter('mailchimpRetentionJourneyId');
			return {
				listId: parameter('mailchimpAudienceId'),
				welcome: journey ? { id: journey, stepId: parameter('mailchimpJourneyStepId') } : undefined,
				journeys: {
					nurture: nurture ? { start: nurture, startStep: parameter('mailchimpNurtureStepId'), stop: parameter('mailchimpNurtureExitTag') || undefined } : undefined,
					retention: retention ? { start: retention, startStep: parameter('mailchimpRetentionStepId') } : undefined,
				},
			};
		},
	},
};
