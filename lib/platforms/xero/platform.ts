import type { PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { xeroResources } from './resources';
import { XeroAccounting } from './accounting';
import { xeroProductionUrl, xeroProfile } from './profile';

export const xero: PlatformDefinition = {
	id: 'xero',
	displayName: 'Xero',
	profile: () => xeroProfile(),
	credentials: {
		type: 'integrationXeroOAuth2Api',
		baseUrlField: 'baseUrl',
		// OAuth2: n8n keeps the client secret and tokens itself (credentialSecrets adds them from oauthTokenData).
		secretFields: [],
		deriveBaseUrl: () => xeroProductionUrl,
	},
	// Outside n8n, a token obtained elsewhere (the sandbox's, a benchmark's), for the organisation the tenant id names.
	standaloneAuth: { kind: 'headers', headers: { Authorization: 'Bearer {accessToken}' }, identifiers: { 'xero-tenant-id': '{tenantId}' } },
	resources: xeroResources,
	settings: [{ name: 'tenantId', displayName: 'Tenant ID', type: 'string' }],
	accounting: {
		connector: (transport, settings, mappings) => new XeroAccounting(transport, { ...mappings, tenantId: textSetting(settings, 'tenantId') }),
		accountSetting: 'tenantId',
		terms: { item: 'item code', taxCode: 'tax type', whenEmpty: { salesAccount: '200', taxAccount: '820 Sales Tax', paymentAccount: 'the bank account code 090' } },
		pullsChanges: true,
	},
};
