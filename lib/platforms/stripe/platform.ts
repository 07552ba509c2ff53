import { bearer, type PlatformDefinition } from '../definition';
import { stripePaymentWebhooks } from './paymentWebhooks';
import { StripePayments } from './payments';
import { stripeProfile, stripeRoutingProfile } from './profile';

export const stripe: PlatformDefinition = {
	id: 'stripe',
	displayName: 'Stripe',
	profile: () => stripeProfile(),
	credentials: { type: 'integrationStripeApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api.stripe.com', secretFields: ['secretKey', 'webhookSecret'] },
	standaloneAuth: bearer('secretKey'),
	payments: { connector: (transport) => new StripePayments(transport), routingProfile: stripeRoutingProfile },
	paymentWebhooks: stripePaymentWebhooks,
};
