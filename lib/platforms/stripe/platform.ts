import { bearer, type PlatformDefinition } from '../definition';
import { stripePaymentWebhooks } from './paymentWebhooks';
import { StripePayments } from './payments';
import { stripeProfile, stripeRoutingProfile } from './profile';
import { stripeResources } from './resources';

export const stripe: PlatformDefinition = {
	id: 'stripe',
	displayName: 'Stripe',
	profile: () => stripeProfile(),
	credentials: { type: 'integrationStripeApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://api.stripe.com', secretFields: ['secretKey', 'webhookSecret'] },
	standaloneAuth: bearer('secretKey'),
	payments: {
		connector: (transport) => new StripePayments(transport),
		routingProfile: stripeRoutingProfile,
		plans: { resource: 'prices', label: 'Price', placeholder: 'e.g. price_1PxZb2LkdIwHu7ix' },
	},
	resources: stripeResources,
	paymentWebhooks: stripePaymentWebhooks,
};
