import type { PlatformDefinition } from '../definition';
import { braintreePaymentWebhooks } from './paymentWebhooks';
import { BraintreePayments } from './payments';
import { braintreeProfile, braintreeRoutingProfile } from './profile';

export const braintree: PlatformDefinition = {
	id: 'braintree',
	displayName: 'Braintree',
	profile: () => braintreeProfile(),
	credentials: { type: 'integrationBraintreeApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://payments.braintree-api.com', secretFields: ['privateKey'] },
	standaloneAuth: { kind: 'basic', user: '{publicKey}', password: '{privateKey}' },
	payments: { connector: (transport) => new BraintreePayments(transport), routingProfile: braintreeRoutingProfile },
	paymentWebhooks: braintreePaymentWebhooks,
};
