import { bearer, type PlatformDefinition } from '../definition';
import { squarePaymentWebhooks } from './paymentWebhooks';
import { SquarePayments } from './payments';
import { squareProfile, squareRoutingProfile } from './profile';
import { squareResources } from './resources';

export const square: PlatformDefinition = {
	id: 'square',
	displayName: 'Square',
	profile: () => squareProfile(),
	credentials: { type: 'integrationSquareApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://connect.squareup.com', secretFields: ['accessToken', 'webhookSecret'] },
	standaloneAuth: bearer('accessToken'),
	payments: {
		connector: (transport, account) => new SquarePayments(transport, account?.locationId),
		routingProfile: squareRoutingProfile,
		plans: { resource: 'planVariations', label: 'Plan Variation', placeholder: 'e.g. 6JHXF3B2CW3YKHDV4XEM674H' },
		account: { setting: 'locationId', resource: 'locations', label: 'Location', placeholder: 'e.g. LSANDBOX', whenEmpty: 'the main location', requiredFor: ['subscriptions', 'invoices'] },
	},
	resources: squareResources,
	paymentWebhooks: squarePaymentWebhooks,
};
