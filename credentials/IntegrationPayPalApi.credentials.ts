import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

/**
 * PayPal REST app credentials. n8n runs `preAuthentication` whenever the hidden, expirable access token is empty
 * or refused with a 401: it trades client id + secret for a Bearer token at `/v1/oauth2/token`.
 */
export class IntegrationPayPalApi implements ICredentialType {
	name = 'integrationPayPalApi';

	displayName = 'PayPal (Integration Automation) API';

	icon: Icon = { light: 'file:icons/paypal.svg', dark: 'file:icons/paypal.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/paypal.md';

	properties: INodeProperties[] = [
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api-m.paypal.com',
			description: 'Change only to reach a sandbox (https://api-m.sandbox.paypal.com) or a proxy',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/v1/oauth2/token`,
			auth: { username: String(credentials.clientId), password: String(credentials.clientSecret) },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: 'grant_type=client_credentials',
			json: true,
		})) as { access_token: string };
		return { accessToken: response.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/v1/notifications/webhooks-event-types' },
	};
}
