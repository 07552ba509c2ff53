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
 * A Marketo LaunchPoint API-only user. n8n runs `preAuthentication` whenever the hidden, expirable access token is
 * empty: it trades client id + secret for a Bearer token at `/identity/oauth/token`. Marketo refuses an expired token
 * with an HTTP 200 (code 602), which n8n cannot see, so the Marketing Fan-Out node fetches a fresh one itself then.
 */
export class IntegrationMarketoApi implements ICredentialType {
	name = 'integrationMarketoApi';

	displayName = 'Marketo (Integration Automation) API';

	icon: Icon = { light: 'file:icons/marketo.svg', dark: 'file:icons/marketo.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/marketo.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://123-ABC-456.mktorest.com',
			description: 'Admin → Web Services → REST API endpoint, without the trailing /rest',
		},
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
			method: 'GET',
			url: `${baseUrl}/identity/oauth/token`,
			qs: { grant_type: 'client_credentials', client_id: String(credentials.clientId), client_secret: String(credentials.clientSecret) },
			json: true,
		})) as { access_token: string };
		return { accessToken: response.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/rest/v1/leads/describe.json' },
		// Marketo reports a refused token in an HTTP 200 body.
		rules: [{ type: 'responseSuccessBody', properties: { key: 'success', value: false, message: 'Marketo refused the credentials' } }],
	};
}
