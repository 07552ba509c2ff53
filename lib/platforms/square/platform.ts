import { bearer, type PlatformDefinition } from '../definition';
import { squarePaymentWebhooks } from './paymentWebhooks';
import { SquarePayments } from './payments';
import { squareProfile, squareRoutingProfile } from './profile';

export const square: PlatformDefinition = {
	id: 'square',
	displayName: 'Square',
	profile: () => squareProfile(),
	credentials: { type: 'integrationSquareApi', baseUrlField: 'baseUrl', defaultBaseUrl: 'https://connect.squareup.com', secretFields: ['accessToken', 'webhookSecret'] },
	standaloneAuth: bearer('accessToken'),
	payments: { connector: (transport) => new SquarePayments(transport), routingProfile: squareRoutingProfile },
	paymentWebhooks: squarePaymentWebhooks,
};
