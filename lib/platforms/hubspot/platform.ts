import { bearer, type PlatformDefinition } from '../definition';
import { HubSpotCrm } from './crm';
import { hubSpotCrmWebhooks } from './crmWebhooks';
import { HubSpotMarketing } from './lists';
import { hubSpotDefaultMappings } from './mappings';
import { hubSpotProfile } from './profile';
import { hubSpotResources } from './resources';

/** A contact workflow, picked from HubSpot's list (Automation API v4) or typed by its id (a number). */
const workflowPick = {
	resource: 'contactWorkflows',
	by: 'id',
	placeholder: 'e.g. 8101',
	pattern: '^[0-9]*$',
	patternMessage: 'A HubSpot workflow ID is a number',
	// The workflow editor's address: app.hubspot.com/workflows/<portal>/platform/flow/<id>/edit (older: …/flow/<id>/…).
	url: { placeholder: 'e.g. https://app.hubspot.com/workflows/123456/platform/flow/8101/edit', regex: 'app(?:-[a-z0-9]+)?\\.hubspot\\.com/workflows/[0-9]+/(?:platform/)?flow/([0-9]+)' },
} as const;

export const hubspot: PlatformDefinition = {
	id: 'hubspot',
	displayName: 'HubSpot',
	profile: () => hubSpotProfile(),
	credentials: { type: 'integrationHubSpotApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api.hubapi.com', secretFields: ['accessToken', 'clientSecret'] },
	resources: hubSpotResources,
	standaloneAuth: bearer('accessToken'),
	crm: {
		connector: (transport) => new HubSpotCrm(transport),
		defaultMappings: hubSpotDefaultMappings,
		createDefaults: [
			{
				entity: 'tickets',
				field: 'hs_pipeline',
				name: 'hubspotTicketPipeline',
				displayName: 'HubSpot Ticket Pipeline',
				description: 'The pipeline the tickets created on HubSpot go into; empty for the portal\'s default ticket pipeline',
				pick: { resource: 'ticketPipelines', placeholder: 'e.g. 0' },
			},
			{
				entity: 'tickets',
				field: 'hs_pipeline_stage',
				name: 'hubspotTicketStage',
				displayName: 'HubSpot Ticket Stage',
				description: 'The stage of a ticket created on HubSpot whose record has no status (a status is mapped to a stage of the support pipeline)',
				pick: { resource: 'ticketStages', placeholder: 'e.g. 1', within: 'hubspotTicketPipeline' },
			},
		],
	},
	crmWebhooks: hubSpotCrmWebhooks,
	marketing: {
		connector: (transport, settings) => new HubSpotMarketing(transport, settings),
		segmentsAs: 'lists',
		parameters: [
			{
				displayName: 'HubSpot Welcome List',
				name: 'hubspotWelcomeList',
				default: 'Welcome',
				description: 'The contact list whose workflow sends the welcome; a name typed By Name is created when missing; empty for none',
				pick: { resource: 'lists', by: 'name', placeholder: 'e.g. Welcome' },
			},
			{
				displayName: 'HubSpot Subscription Type',
				name: 'hubspotSubscriptionId',
				default: '',
				description: 'The email subscription type an unsubscribe applies to (Settings → Marketing → Email → Subscription types)',
				pick: { resource: 'subscriptionTypes', by: 'id', placeholder: 'e.g. 7001', pattern: '^[0-9]+$', patternMessage: 'A HubSpot subscription type ID is a number' },
			},
			{
				displayName: 'HubSpot Nurture Workflow',
				name: 'hubspotNurtureWorkflowId',
				default: '',
				shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] },
				description: 'The contact workflow a lead is enrolled in (turned-on contact workflows are listed); becoming a customer unenrols it. Empty for none.',
				pick: workflowPick,
			},
			{
				displayName: 'HubSpot Retention Workflow',
				name: 'hubspotRetentionWorkflowId',
				default: '',
				shownWhen: { operation: ['startRetention', 'retryPending'] },
				description: 'The contact workflow inactive customers are enrolled in (turned-on contact workflows are listed); empty for none',
				pick: workflowPick,
			},
		],
		settings: (parameter) => {
			const list = parameter('hubspotWelcomeList');
			const nurture = parameter('hubspotNurtureWorkflowId');
			const retention = parameter('hubspotRetentionWorkflowId');
			return {
				welcome: list ? { id: list } : undefined,
				subscriptionId: parameter('hubspotSubscriptionId') || undefined,
				journeys: { nurture: nurture ? { start: nurture, stop: nurture } : undefined, retention: retention ? { start: retention } : undefined },
			};
		},
	},
};
