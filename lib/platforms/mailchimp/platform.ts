import type { PlatformDefinition } from '../definition';
import { MailchimpMarketing } from './marketing';
import { mailchimpBaseUrl, mailchimpProfile } from './profile';
import { mailchimpResources } from './resources';

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
			{ displayName: 'Mailchimp Welcome Journey ID', name: 'mailchimpJourneyId', default: '', description: 'Customer journey whose API trigger starts the welcome (shown on its "Contact API event" starting point; Mailchimp\'s API lists no journeys); empty for none' },
			{ displayName: 'Mailchimp Journey Step ID', name: 'mailchimpJourneyStepId', default: '', description: 'The journey\'s "Contact API event" starting step' },
			{ displayName: 'Mailchimp Nurture Journey ID', name: 'mailchimpNurtureJourneyId', default: '', shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] }, description: 'Customer journey a lead is nurtured in, started by its "Contact API event" starting point; empty for none' },
			{ displayName: 'Mailchimp Nurture Step ID', name: 'mailchimpNurtureStepId', default: '', shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] }, description: 'The nurture journey\'s "Contact API event" starting step' },
			{ displayName: 'Mailchimp Nurture Exit Tag', name: 'mailchimpNurtureExitTag', default: 'customer', shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] }, description: 'The tag the nurture journey\'s exit condition ("Tag is added") waits for: added to stop the nurture, since Mailchimp\'s API takes no one out of a journey' },
			{ displayName: 'Mailchimp Retention Journey ID', name: 'mailchimpRetentionJourneyId', default: '', shownWhen: { operation: ['startRetention', 'retryPending'] }, description: 'Customer journey that wins back inactive customers, started by its "Contact API event" starting point' },
			{ displayName: 'Mailchimp Retention Step ID', name: 'mailchimpRetentionStepId', default: '', shownWhen: { operation: ['startRetention', 'retryPending'] }, description: 'The retention journey\'s "Contact API event" starting step' },
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
