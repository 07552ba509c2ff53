import { type INodeCredentialDescription, type INodeProperties } from 'n8n-workflow';

import { type ConditionOperator } from '../../../lib/marketing';
import { platformEntry } from '../../../lib/platforms/catalog';
import { platformCredentials } from '../../shared/platformCredentials';

export const MARKETING_PLATFORMS = ['hubspot', 'mailchimp', 'marketo', 'activecampaign'] as const;
export type MarketingPlatformId = (typeof MARKETING_PLATFORMS)[number];

const shownFor = (platform: MarketingPlatformId) => ({ show: { platforms: [platform] } });

/** One credential per platform, shown once the platform is chosen. */
export function marketingCredentials(): INodeCredentialDescription[] {
	return MARKETING_PLATFORMS.map((platform) => ({ name: platformCredentials[platform].type, required: true, displayOptions: shownFor(platform) }));
}

export const platformProperties: INodeProperties[] = [
	{
		displayName: 'Platforms',
		name: 'platforms',
		type: 'multiOptions',
		options: MARKETING_PLATFORMS.map((value) => ({ name: platformEntry(value).displayName, value })),
		default: ['hubspot', 'mailchimp'],
		required: true,
		description: 'Every marketing platform the contacts go to; each needs its credential',
	},
	{
		displayName: 'Integration Name',
		name: 'integration',
		type: 'string',
		default: 'marketing',
		description: 'Keeps consent, pending retries and the welcome ledger of separate setups apart; use the same name in every node of one setup',
	},
	{ displayName: 'Mailchimp Audience ID', name: 'mailchimpAudienceId', type: 'string', default: '', required: true, displayOptions: shownFor('mailchimp'), description: 'The audience (list) the contacts join' },
	{ displayName: 'Mailchimp Welcome Journey ID', name: 'mailchimpJourneyId', type: 'string', default: '', displayOptions: shownFor('mailchimp'), description: 'Customer journey whose API trigger starts the welcome; empty for none' },
	{ displayName: 'Mailchimp Journey Step ID', name: 'mailchimpJourneyStepId', type: 'string', default: '', displayOptions: shownFor('mailchimp'), description: 'The journey\'s "Contact API event" starting step' },
	{ displayName: 'HubSpot Welcome List', name: 'hubspotWelcomeList', type: 'string', default: 'Welcome', displayOptions: shownFor('hubspot'), description: 'Name of the contact list whose workflow sends the welcome (created when missing); empty for none' },
	{ displayName: 'HubSpot Subscription Type ID', name: 'hubspotSubscriptionId', type: 'string', default: '', displayOptions: shownFor('hubspot'), description: 'The email subscription type an unsubscribe applies to (Settings → Marketing → Email → Subscription types)' },
	{ displayName: 'Marketo Welcome Campaign ID', name: 'marketoCampaignId', type: 'string', default: '', displayOptions: shownFor('marketo'), description: 'A smart campaign with a "Campaign is Requested" (Web Service API) trigger; empty for none' },
	{ displayName: 'ActiveCampaign List ID', name: 'activeCampaignListId', type: 'string', default: '', required: true, displayOptions: shownFor('activecampaign'), description: 'The list the contacts are subscribed to' },
	{
		displayName: 'ActiveCampaign Welcome By',
		name: 'activeCampaignWelcomeBy',
		type: 'options',
		options: [
			{ name: 'Tag (Batched)', value: 'tag', description: 'Add a tag whose "Tag is added" trigger starts the welcome automation, in the same bulk import' },
			{ name: 'Automation (Per Contact)', value: 'automation', description: 'Add each contact to the automation: two calls per contact at 5 requests per second' },
		],
		default: 'tag',
		displayOptions: shownFor('activecampaign'),
	},
	{ displayName: 'ActiveCampaign Welcome Tag', name: 'activeCampaignWelcomeTag', type: 'string', default: 'welcome', displayOptions: { show: { platforms: ['activecampaign'], activeCampaignWelcomeBy: ['tag'] } }, description: 'The tag whose "Tag is added" trigger starts the welcome automation; empty for none' },
	{ displayName: 'ActiveCampaign Welcome Automation ID', name: 'activeCampaignAutomationId', type: 'string', default: '', displayOptions: { show: { platforms: ['activecampaign'], activeCampaignWelcomeBy: ['automation'] } }, description: 'The automation each new contact is added to; empty for none' },
];

export const operatorOptions: Array<{ name: string; value: ConditionOperator }> = [
	{ name: 'Contains', value: 'contains' },
	{ name: 'Equals', value: 'equals' },
	{ name: 'Exists', value: 'exists' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Is One Of', value: 'in' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Not Equals', value: 'notEquals' },
];
