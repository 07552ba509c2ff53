import type { PlatformDefinition } from '../definition';
import { braintreePaymentWebhooks } from './paymentWebhooks';
import { BraintreePayments } from './payments';
import { braintreeProfile, braintreeRoutingProfile } from './profile';
import { braintreeResources } from './resources';

export const braintree: PlatformDefinition = {
	id: 'braintree',
	displayName: 'Braintree',
	profile: () => braintreeProfile(),
	credentials: { type: 'integrationBraintreeApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://payments.braintree-api.com', secretFields: ['privateKey'] },
	standaloneAuth: { kind: 'basic', user: '{publicKey}', password: '{privateKey}' },
	// The merchant id names the gateway API's paths (recurring billing); payments go through GraphQL, which needs none.
	settings: [{ name: 'merchantId', displayName: 'Merchant ID', type: 'string', default: '' }],
	payments: {
		connector: (transport, account, settings) => new BraintreePayments(transport, account?.merchantAccountId, settings),
		routingProfile: braintreeRoutingProfile,
		plans: { resource: 'plans', label: 'Plan', placeholder: 'e.g. gold-monthly' },
		account: { setting: 'merchantAccountId', resource: 'merchantAccounts', label: 'Merchant Account', placeholder: 'e.g. my_store_EUR', whenEmpty: "the merchant's default account" },
	},
	resources: braintreeResources,
	paymentWebhooks: braintreePaymentWebhooks,
};
