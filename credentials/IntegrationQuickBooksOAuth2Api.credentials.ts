import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

const PRODUCTION = 'https://quickbooks.api.intuit.com';
const SANDBOX = 'https://sandbox-quickbooks.api.intuit.com';
/** The API base: the Base URL field when set (a local sandbox, a proxy), else the environment's. */
const API_BASE = `={{$credentials.baseUrl || ($credentials.environment === "sandbox" ? "${SANDBOX}" : "${PRODUCTION}")}}`;

/** QuickBooks Online through Intuit's OAuth2 (authorization code, refresh tokens rotating), for one company (realm). */
export class IntegrationQuickBooksOAuth2Api implements ICredentialType {
	name = 'integrationQuickBooksOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'QuickBooks Online OAuth2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/quickbooks.svg', dark: 'file:icons/quickbooks.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/quickbooks.md';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
			],
			default: 'production',
			description: 'Sandbox companies live on sandbox-quickbooks.api.intuit.com',
		},
		{
			displayName: 'Realm ID',
			name: 'realmId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '9341452113265770',
			description: 'The company ID (realm ID) of the QuickBooks company: shown in QuickBooks under Settings → Account and settings → Billing & subscription, and returned as realmId when you connect',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for Intuit\'s API (by environment); set only to reach a local sandbox or a proxy',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://appcenter.intuit.com/connect/oauth2' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer' },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'com.intuit.quickbooks.accounting' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];

	test: ICredentialTestRequest = {
		request: { baseURL: API_BASE, url: '=/v3/company/{{$credentials.realmId}}/companyinfo/{{$credentials.realmId}}', qs: { minorversion: 75 } },
	};
}
