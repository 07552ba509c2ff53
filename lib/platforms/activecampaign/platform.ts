import type { PlatformDefinition } from '../definition';
import { ActiveCampaignMarketing } from './marketing';
import { activeCampaignProfile } from './profile';
import { activeCampaignResources } from './resources';

export const activecampaign: PlatformDefinition = {
	id: 'activecampaign',
	displayName: 'ActiveCampaign',
	profile: () => activeCampaignProfile(),
	credentials: { type: 'integrationActiveCampaignApi', baseUrlField: 'baseUrl', secretFields: ['apiToken'] },
	resources: activeCampaignResources,
	standaloneAuth: { kind: 'headers', headers: { 'Api-Token': '{apiToken}' } },
	marketing: {
		connector: (transport, settings) => new ActiveCampaignMarketing(transport, settings),
		segmentsAs: 'tags',
		unsubscribesPerPage: 100,
		parameters: [
			{
				displayName: 'ActiveCampaign List',
				name: 'activeCampaignListId',
				default: '',
				required: true,
				description: 'The list the contacts are subscribed to',
				pick: { resource: 'lists', by: 'id', placeholder: 'e.g. 3', pattern: '^[0-9]+$', patternMessage: 'An ActiveCampaign list ID is a number' },
			},
			{
				displayName: 'ActiveCampaign Welcome By',
				name: 'activeCampaignWelcomeBy',
				options: [
					{ name: 'Tag (Batched)', value: 'tag', description: 'Add a tag whose "Tag is added" trigger starts the welcome automation, in the same bulk import' },
					{ name: 'Automation (Per Contact)', value: 'automation', description: 'Add each contact to the automation: two calls per contact at 5 requests per second' },
				],
				default: 'tag',
			},
			{
				displayName: 'ActiveCampaign Welcome Tag',
				name: 'activeCampaignWelcomeTag',
				default: 'welcome',
				shownWhen: { activeCampaignWelcomeBy: ['tag'] },
				description: 'The tag whose "Tag is added" trigger starts the welcome automation (a name typed By Name is created when missing); empty for none',
				pick: { resource: 'tags', by: 'name', placeholder: 'e.g. welcome' },
			},
			{
				displayName: 'ActiveCampaign Welcome Automation',
				name: 'activeCampaignAutomationId',
				default: '',
				shownWhen: { activeCampaignWelcomeBy: ['automation'] },
				description: 'The automation each new contact is added to; empty for none',
				pick: { resource: 'automations', by: 'id', placeholder: 'e.g. 11', pattern: '^[0-9]+$', patternMessage: 'An ActiveCampaign automation ID is a number' },
			},
			{ displayName: 'ActiveCampaign Nurture Automation', name: 'activeCampaignNurtureAutomationId', default: '', shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] }, description: 'The automation a lead is added to; becoming a customer removes it from the automation. Empty for none.', pick: { resource: 'automations', by: 'id', placeholder: 'e.g. 12', pattern: '^[0-9]+$', patternMessage: 'An ActiveCampaign automation ID is a number' } },
			{ displayName: 'ActiveCampaign Retention Automation', name: 'activeCampaignRetentionAutomationId', default: '', shownWhen: { operation: ['startRetention', 'retryPending'] }, description: 'The automation inactive customers are added to; empty for none', pick: { resource: 'automations', by: 'id', placeholder: 'e.g. 13', pattern: '^[0-9]+$', patternMessage: 'An ActiveCampaign automation ID is a number' } },
		],
		settings: (parameter) => {
			const byAutomation = parameter('activeCampaignWelcomeBy') === 'automation';
			const id = parameter(byAutomation ? 'activeCampaignAutomationId' : 'activeCampaignWelcomeTag');
			const nurture = parameter('activeCampaignNurtureAutomationId');
			const retention = parameter('activeCampaignRetentionAutomationId');
			return {
				listId: parameter('activeCampaignListId'),
				welcome: id ? { id, kind: byAutomation ? 'automation' : 'tag' } : undefined,
				journeys: { nurture: nurture ? { start: nurture, stop: nurture } : undefined, retention: retention ? { start: retention } : undefined },
			};
		},
	},
};
