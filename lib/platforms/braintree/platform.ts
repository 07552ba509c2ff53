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
	payments: {
		connector: (transport, account) => new BraintreePayments(transport, account?.merchantAccountId),
		routingProfile: braintreeRoutingProfile,
		account: { setting: 'merchantAccountId', resource: 'merchantAccounts', label: 'Merchant Account', placeholder: 'e.g. my_store_EUR', whenEmpty: "the merchant's default account" },
	},
	resources: braintreeResources,
	paymentWebhooks: braintreePaymentWebhooks,
};
