import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { crmWebhookScheme } from '../../lib/triggers';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { platformNames, receiveVendorWebhook, triggerPlatforms, vendorTriggerDescription, vendorWebhookMethods } from '../shared/webhookTrigger';
import { platformNameOf } from '../shared/subtitle';

const PLATFORMS = triggerPlatforms('crmWebhooks');

/**
 * Starts a workflow when a CRM record is created, updated or deleted. Zendesk: activating the workflow creates a
 * webhook through Zendesk's API and keeps its id and the signing secret Zendesk issues in the node's static data;
 * deactivating deletes it. HubSpot and Intercom: webhooks are registered in the user's app; Freshdesk: in an automation
 * rule that sends a shared secret in a header (the notices, declared by each vendor's scheme, say how).
 * Each delivery is verified on its raw body before any execution exists.
 */
export class CrmEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Event Trigger',
		name: 'crmEventTrigger',
		icon: { light: 'file:crmEventTrigger.svg', dark: 'file:crmEventTrigger.dark.svg' },
		// "contact.created" on "hubspot" reads "Contact created on HubSpot".
		subtitle: `={{String($parameter["event"] || "").charAt(0).toUpperCase() + String($parameter["event"] || "").slice(1).replace(".", " ") + " on " + ${platformNameOf('platform')}}}`,
		description: `Starts a workflow when a contact, company or ticket is created, updated or deleted on ${platformNames(PLATFORMS)}`,
		defaults: { name: 'CRM Event Trigger' },
		...vendorTriggerDescription({
			platforms: PLATFORMS,
			platformDescription: 'The CRM whose record changes start the workflow',
			events: [
				{ name: 'Company Created', value: 'company.created' },
				{ name: 'Company Deleted', value: 'company.deleted' },
				{ name: 'Company Updated', value: 'company.updated' },
				{ name: 'Contact Created', value: 'contact.created', description: 'A contact' },
				{ name: 'Contact Deleted', value: 'contact.deleted' },
				{ name: 'Contact Updated', value: 'contact.updated' },
				{ name: 'Ticket Created', value: 'ticket.created' },
				{ name: 'Ticket Deleted', value: 'ticket.deleted' },
				{ name: 'Ticket Updated', value: 'ticket.updated' },
			],
			defaultEvent: 'contact.created',
			noticesOf: 'crmWebhooks',
		}),
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	webhookMethods = vendorWebhookMethods(crmWebhookScheme);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVendorWebhook(this, crmWebhookScheme, 'record');
	}
}
