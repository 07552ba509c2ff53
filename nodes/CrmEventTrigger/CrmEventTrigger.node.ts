import type { INodeProperties, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { crmWebhookScheme } from '../../lib/triggers';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { receiveVendorWebhook, triggerPlatforms, vendorTriggerDescription, vendorWebhookMethods } from '../shared/webhookTrigger';
import { platformNameOf } from '../shared/subtitle';

const PLATFORMS = triggerPlatforms('crmWebhooks');

/** For the vendors whose webhooks live in the user's app: the URL to paste, where, and which secret signs deliveries. */
const appNotices: INodeProperties[] = [
	{
		displayName:
			"HubSpot registers webhooks in your app, not through its API: in the app's Webhooks settings set Target URL to this node's Production URL (Webhook URLs, above), subscribe to the object and change chosen here (e.g. contact.creation, contact.propertyChange, contact.deletion), and set the app's Client Secret in the credential: deliveries are signed with it",
		name: 'hubspotNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { platform: ['hubspot'] } },
	},
	{
		displayName:
			"Intercom registers webhooks in your app: in the Developer Hub open the app's Webhooks, set Endpoint URL to this node's Production URL (Webhook URLs, above), select the topics for the change chosen here (e.g. contact.user.created and contact.lead.created), and set the app's Client Secret in the credential: deliveries are signed with it",
		name: 'intercomNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { platform: ['intercom'] } },
	},
	{
		displayName:
			"Freshdesk sends webhooks from automation rules: in Admin → Workflows → Automations add a rule (Ticket creation or Ticket updates) whose action is Trigger webhook: POST to this node's Production URL (Webhook URLs, above), custom header X-Freshdesk-Webhook-Secret set to the credential's Webhook Secret, JSON content {\"event\": \"ticket.created\" or \"ticket.updated\", \"ticket_id\": {{ticket.id}}}. Freshdesk signs nothing: a delivery without that header is refused",
		name: 'freshdeskNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { platform: ['freshdesk'] } },
	},
	{
		displayName: 'Freshdesk sends ticket events only (its automation rules run on tickets)',
		name: 'freshdeskTicketNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { platform: ['freshdesk'], event: ['contact.created', 'contact.updated', 'contact.deleted', 'company.created', 'company.updated', 'company.deleted', 'ticket.deleted'] } },
	},
	{
		displayName: 'Intercom sends no event when a ticket is deleted',
		name: 'intercomTicketNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { platform: ['intercom'], event: ['ticket.deleted'] } },
	},
];

/**
 * Starts a workflow when a CRM record is created, updated or deleted. Zendesk: activating the workflow creates a
 * webhook through Zendesk's API and keeps its id and the signing secret Zendesk issues in the node's static data;
 * deactivating deletes it. HubSpot and Intercom: webhooks are registered in the user's app; Freshdesk: in an automation
 * rule that sends a shared secret in a header (the notices say how).
 * Each delivery is verified on its raw body before any execution exists.
 */
export class CrmEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Event Trigger',
		name: 'crmEventTrigger',
		icon: { light: 'file:crmEventTrigger.svg', dark: 'file:crmEventTrigger.dark.svg' },
		// "contact.created" on "hubspot" reads "Contact created on HubSpot".
		subtitle: `={{String($parameter["event"] || "").charAt(0).toUpperCase() + String($parameter["event"] || "").slice(1).replace(".", " ") + " on " + ${platformNameOf('platform')}}}`,
		description: 'Starts a workflow when a contact, company or ticket is created, updated or deleted on HubSpot, Zendesk, Intercom or Freshdesk',
		defaults: { name: 'CRM Event Trigger' },
		...vendorTriggerDescription({
			platforms: PLATFORMS,
			platformDescription: 'The CRM whose record changes start the workflow',
			events: [
				{ name: 'Company Created', value: 'company.created' },
				{ name: 'Company Deleted', value: 'company.deleted' },
				{ name: 'Company Updated', value: 'company.updated' },
				{ name: 'Contact Created', value: 'contact.created', description: 'A contact (Zendesk: a user; Intercom: a user or a lead)' },
				{ name: 'Contact Deleted', value: 'contact.deleted' },
				{ name: 'Contact Updated', value: 'contact.updated' },
				{ name: 'Ticket Created', value: 'ticket.created' },
				{ name: 'Ticket Deleted', value: 'ticket.deleted' },
				{ name: 'Ticket Updated', value: 'ticket.updated' },
			],
			defaultEvent: 'contact.created',
			extraProperties: appNotices,
		}),
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	webhookMethods = vendorWebhookMethods(crmWebhookScheme);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVendorWebhook(this, crmWebhookScheme, 'record');
	}
}
