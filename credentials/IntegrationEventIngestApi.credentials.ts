import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The secret senders sign incoming events with (Standard Webhooks: `whsec_` + base64 key); the Event Router rejects
 * events whose signature does not verify. No HTTP request can test it: the node checks its format (testedBy).
 */
export class IntegrationEventIngestApi implements ICredentialType {
	name = 'integrationEventIngestApi';

	displayName = 'Event Ingest Signing Secret (Integration Automation)';

	icon: Icon = { light: 'file:icons/webhookDestination.svg', dark: 'file:icons/webhookDestination.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/event-endpoints.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'whsec_…',
			description: 'Shared with the senders, who sign each event with webhook-id, webhook-timestamp and webhook-signature headers',
		},
	];
}
