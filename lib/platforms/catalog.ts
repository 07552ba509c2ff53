import type { PlatformProfile } from '../transport/types';
import { basicAuth, bearerAuth, type Authenticate } from '../transport/fetchClient';
import type { Transport } from '../transport/transport';
import type { FieldMapping } from '../records/mapping';
import type { CrmConnector, CrmEntity } from './crm';
import { HubSpotCrm, hubSpotDefaultMappings, hubSpotProfile } from './hubspot';
import { SalesforceCrm, salesforceDefaultMappings, salesforceProfile } from './salesforce';
import { ZendeskCrm, zendeskDefaultMappings, zendeskProfile } from './zendesk';
import { IntercomCrm, intercomDefaultMappings, intercomProfile } from './intercom';
import { BraintreePayments, braintreeProfile } from './braintree';
import type { PaymentConnector } from './payments';
import type { MarketingConnector, MarketingSettings } from './marketing';
import { HubSpotMarketing } from './hubspot/lists';
import { MailchimpMarketing, mailchimpProfile } from './mailchimp';
import { MarketoMarketing, marketoProfile } from './marketo';
import { ActiveCampaignMarketing, activeCampaignProfile } from './activecampaign';
import type { InventoryConnector } from './inventory';
import type { OrderWebhookScheme, PaymentWebhookScheme } from './webhookSchemes';
import { BigCommerceInventory, bigCommerceOrderWebhooks, bigCommerceProfile } from './bigcommerce';
import { MagentoInventory, magentoProfile } from './magento';
import { ShopifyInventory, shopifyOrderWebhooks, shopifyProfile } from './shopify';
import { WooCommerceInventory, wooCommerceOrderWebhooks, wooCommerceProfile } from './woocommerce';
import { PayPalPayments, payPalPaymentWebhooks, payPalProfile } from './paypal';
import { SquarePayments, squarePaymentWebhooks, squareProfile } from './square';
import { StripePayments, stripePaymentWebhooks, stripeProfile } from './stripe';

/** Everything the engine can build for one platform: its HTTP profile and the capabilities it supports. */
export interface PlatformEntry {
	displayName: string;
	profile: () => PlatformProfile;
	crm?: {
		connector: (transport: Transport) => CrmConnector;
		defaultMappings: Partial<Record<CrmEntity, FieldMapping[]>>;
	};
	payments?: { connector: (transport: Transport) => PaymentConnector };
	marketing?: { connector: (transport: Transport, settings: MarketingSettings) => MarketingConnector };
	/** `settings` are the store's credential fields (its location or source lives there). */
	inventory?: {
		connector: (transport: Transport, settings: Record<string, unknown>) => InventoryConnector;
		/** How the credential authenticates a request outside n8n (benchmarks, the demo); n8n applies it itself. */
		authenticate: (settings: Record<string, unknown>) => Authenticate;
		secretFields: string[];
	};
	/** Order events by webhook, registered through the vendor's API (the Order Trigger). */
	orderWebhooks?: OrderWebhookScheme;
	/** Payment events by webhook, registered through the vendor's API (the Payment Event Trigger). */
	paymentWebhooks?: PaymentWebhookScheme;
}

/** One line per platform; adding a platform is one folder under platforms/ plus its line here. */
export const platformCatalog = {
	hubspot: {
		displayName: 'HubSpot',
		profile: () => hubSpotProfile(),
		crm: { connector: (transport: Transport) => new HubSpotCrm(transport), defaultMappings: hubSpotDefaultMappings },
		marketing: { connector: (transport: Transport, settings: MarketingSettings) => new HubSpotMarketing(transport, settings) },
	},
	salesforce: {
		displayName: 'Salesforce',
		profile: () => salesforceProfile(),
		crm: { connector: (transport: Transport) => new SalesforceCrm(transport), defaultMappings: salesforceDefaultMappings },
	},
	zendesk: {
		displayName: 'Zendesk',
		profile: () => zendeskProfile(),
		crm: { connector: (transport: Transport) => new ZendeskCrm(transport), defaultMappings: zendeskDefaultMappings },
	},
	intercom: {
		displayName: 'Intercom',
		profile: () => intercomProfile(),
		crm: { connector: (transport: Transport) => new IntercomCrm(transport), defaultMappings: intercomDefaultMappings },
	},
	stripe: { displayName: 'Stripe', profile: () => stripeProfile(), payments: { connector: (transport: Transport) => new StripePayments(transport) }, paymentWebhooks: stripePaymentWebhooks },
	paypal: { displayName: 'PayPal', profile: () => payPalProfile(), payments: { connector: (transport: Transport) => new PayPalPayments(transport) }, paymentWebhooks: payPalPaymentWebhooks },
	square: { displayName: 'Square', profile: () => squareProfile(), payments: { connector: (transport: Transport) => new SquarePayments(transport) }, paymentWebhooks: squarePaymentWebhooks },
	braintree: { displayName: 'Braintree', profile: () => braintreeProfile(), payments: { connector: (transport: Transport) => new BraintreePayments(transport) } },
	shopify: {
		displayName: 'Shopify',
		profile: () => shopifyProfile(),
		inventory: {
			connector: (transport: Transport, settings: Record<string, unknown>) => new ShopifyInventory(transport, String(settings.locationId)),
			authenticate: (settings: Record<string, unknown>) => (request) => ({ ...request, headers: { ...request.headers, 'X-Shopify-Access-Token': String(settings.accessToken) } }),
			secretFields: ['accessToken', 'webhookSecret'],
		},
		orderWebhooks: shopifyOrderWebhooks,
	},
	woocommerce: {
		displayName: 'WooCommerce',
		profile: () => wooCommerceProfile(),
		inventory: {
			connector: (transport: Transport) => new WooCommerceInventory(transport),
			authenticate: (settings: Record<string, unknown>) => basicAuth(String(settings.consumerKey), String(settings.consumerSecret)),
			secretFields: ['consumerKey', 'consumerSecret', 'webhookSecret'],
		},
		orderWebhooks: wooCommerceOrderWebhooks,
	},
	magento: {
		displayName: 'Magento 2',
		profile: () => magentoProfile(),
		inventory: {
			connector: (transport: Transport, settings: Record<string, unknown>) => new MagentoInventory(transport, String(settings.sourceCode || 'default')),
			authenticate: (settings: Record<string, unknown>) => bearerAuth(String(settings.accessToken)),
			secretFields: ['accessToken'],
		},
	},
	bigcommerce: {
		displayName: 'BigCommerce',
		profile: () => bigCommerceProfile(),
		inventory: {
			connector: (transport: Transport, settings: Record<string, unknown>) => new BigCommerceInventory(transport, Number(settings.locationId || 1), settings.baseUrl ? String(settings.baseUrl) : undefined),
			authenticate: (settings: Record<string, unknown>) => (request) => ({ ...request, headers: { ...request.headers, 'X-Auth-Token': String(settings.accessToken) } }),
			secretFields: ['accessToken'],
		},
		orderWebhooks: bigCommerceOrderWebhooks,
	},
	mailchimp: { displayName: 'Mailchimp', profile: () => mailchimpProfile(), marketing: { connector: (transport: Transport, settings: MarketingSettings) => new MailchimpMarketing(transport, settings) } },
	marketo: { displayName: 'Marketo', profile: () => marketoProfile(), marketing: { connector: (transport: Transport, settings: MarketingSettings) => new MarketoMarketing(transport, settings) } },
	activecampaign: { displayName: 'ActiveCampaign', profile: () => activeCampaignProfile(), marketing: { connector: (transport: Transport, settings: MarketingSettings) => new ActiveCampaignMarketing(transport, settings) } },
} satisfies Record<string, PlatformEntry>;

export type PlatformId = keyof typeof platformCatalog;

export function platformEntry(platform: string): PlatformEntry {
	const entry = (platformCatalog as Record<string, PlatformEntry>)[platform];
	if (!entry) throw new Error(`Unknown platform "${platform}"`);
	return entry;
}
