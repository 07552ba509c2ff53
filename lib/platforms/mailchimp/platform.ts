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
		],
		settings: (parameter) => {
			const journey = parameter('mailchimpJourneyId');
			return { listId: parameter('mailchimpAudienceId'), welcome: journey ? { id: journey, stepId: parameter('mailchimpJourneyStepId') } : undefined };
		},
	},
};
