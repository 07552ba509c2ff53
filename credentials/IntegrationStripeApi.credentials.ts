import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Stripe secret (or restricted) key; the base URL is overridable for sandboxes and proxies. */
export class IntegrationStripeApi implements ICredentialType {
	name = 'integrationStripeApi';

	displayName = 'Stripe (Integration Automation) API';

	icon: Icon = { light: 'file:icons/stripe.svg', dark: 'file:icons/stripe.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/stripe.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Secret key (sk_…) or a restricted key with write access to PaymentIntents',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The endpoint secret (whsec_…) that signs Stripe-Signature headers; needed only to receive events',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.stripe.com',
			description: 'Change only to reach a sandbox or a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.secretKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/v1/payment_intents', qs: { limit: 1 } },
	};
}
