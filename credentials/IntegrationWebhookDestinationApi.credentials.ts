import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Signing secrets for the Event Router's webhook destinations (Standard Webhooks: `whsec_` + base64 key), one
 * default and optional per-destination overrides, plus an optional bearer token sent with every webhook.
 * No HTTP request can test a signing secret: the Event Router node checks its format instead (testedBy).
 */
export class IntegrationWebhookDestinationApi implements ICredentialType {
	name = 'integrationWebhookDestinationApi';

	displayName = 'Webhook Destination (Integration Automation)';

	icon: Icon = { light: 'file:icons/webhookDestination.svg', dark: 'file:icons/webhookDestination.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/event-endpoints.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsec_…',
			description: 'Standard Webhooks secret (whsec_ followed by a base64 key of at least 16 bytes) used for every webhook destination without its own',
		},
		{
			displayName: 'Per-Destination Secrets (JSON)',
			name: 'destinationSecrets',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '{"analytics": "whsec_…", "marketing": "whsec_…"}',
			description: 'Optional JSON object from destination ID to its own whsec_ secret',
		},
		{
			displayName: 'Bearer Token',
			name: 'bearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional: also sent as Authorization: Bearer with every webhook',
		},
	];
}
