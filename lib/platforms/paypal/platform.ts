import type { PlatformDefinition } from '../definition';
import { fetchPayPalToken } from './auth';
import { payPalPaymentWebhooks } from './paymentWebhooks';
import { PayPalPayments } from './payments';
import { PAYPAL_REFRESH_PROBE_PATH, payPalProfile, payPalRoutingProfile } from './profile';
import { payPalResources } from './resources';

export const paypal: PlatformDefinition = {
	id: 'paypal',
	displayName: 'PayPal',
	profile: () => payPalProfile(),
	credentials: { type: 'integrationPayPalApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api-m.paypal.com', secretFields: ['clientSecret', 'accessToken'] },
	standaloneAuth: { kind: 'clientCredentials', fetchToken: fetchPayPalToken },
	// PayPal refuses an expired token with a 401, but the transport reads every status itself, so n8n never sees it.
	tokenRefresh: { refusedWith: { statuses: [401] }, inN8n: { probe: PAYPAL_REFRESH_PROBE_PATH } },
	payments: {
		connector: (transport) => new PayPalPayments(transport),
		routingProfile: payPalRoutingProfile,
		plans: { resource: 'billingPlans', label: 'Billing Plan', placeholder: 'e.g. P-5ML4271244454362WXNWU5NQ' },
	},
	resources: payPalResources,
	paymentWebhooks: payPalPaymentWebhooks,
};
