import type { PlatformProfile } from '../transport/types';
import type { Transport } from '../transport/transport';
import type { FieldMapping } from '../sync/mapping';
import type { CrmConnector, CrmEntity } from './crm';
import { HubSpotCrm, hubSpotDefaultMappings, hubSpotProfile } from './hubspot';
import { SalesforceCrm, salesforceDefaultMappings, salesforceProfile } from './salesforce';
import { BraintreePayments, braintreeProfile } from './braintree';
import type { PaymentConnector } from './payments';
import { PayPalPayments, payPalProfile } from './paypal';
import { SquarePayments, squareProfile } from './square';
import { StripePayments, stripeProfile } from './stripe';

/** Everything the engine can build for one platform: its HTTP profile and the capabilities it supports. */
export interface PlatformEntry {
	displayName: string;
	profile: () => PlatformProfile;
	crm?: {
		connector: (transport: Transport) => CrmConnector;
		defaultMappings: Partial<Record<CrmEntity, FieldMapping[]>>;
	};
	payments?: { connector: (transport: Transport) => PaymentConnector };
}

/** One line per platform; adding a platform is one folder under platforms/ plus its line here. */
export const platformCatalog = {
	hubspot: {
		displayName: 'HubSpot',
		profile: () => hubSpotProfile(),
		crm: { connector: (transport: Transport) => new HubSpotCrm(transport), defaultMappings: hubSpotDefaultMappings },
	},
	salesforce: {
		displayName: 'Salesforce',
		profile: () => salesforceProfile(),
		crm: { connector: (transport: Transport) => new SalesforceCrm(transport), defaultMappings: salesforceDefaultMappings },
	},
	stripe: { displayName: 'Stripe', profile: () => stripeProfile(), payments: { connector: (transport: Transport) => new StripePayments(transport) } },
	paypal: { displayName: 'PayPal', profile: () => payPalProfile(), payments: { connector: (transport: Transport) => new PayPalPayments(transport) } },
	square: { displayName: 'Square', profile: () => squareProfile(), payments: { connector: (transport: Transport) => new SquarePayments(transport) } },
	braintree: { displayName: 'Braintree', profile: () => braintreeProfile(), payments: { connector: (transport: Transport) => new BraintreePayments(transport) } },
} satisfies Record<string, PlatformEntry>;

export type PlatformId = keyof typeof platformCatalog;

export function platformEntry(platform: string): PlatformEntry {
	const entry = (platformCatalog as Record<string, PlatformEntry>)[platform];
	if (!entry) throw new Error(`Unknown platform "${platform}"`);
	return entry;
}
