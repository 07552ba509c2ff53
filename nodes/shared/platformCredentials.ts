import { mailchimpBaseUrl } from '../../lib/platforms/mailchimp/profile';

/** Which n8n credential type authenticates each platform, and which of its fields are secrets or the base URL. */
export interface PlatformCredential {
	type: string;
	baseUrlField: string;
	secretFields: string[];
	/** Derives the base URL when the field is empty (Mailchimp: from the API key's datacenter suffix). */
	resolveBaseUrl?: (values: Record<string, unknown>) => string;
	/** Other credential types for the same platform (e.g. OAuth2 beside a token); the one set on the node is used. */
	alternatives?: PlatformCredential[];
}

export const platformCredentials: Record<string, PlatformCredential> = {
	hubspot: { type: 'integrationHubSpotApi', baseUrlField: 'baseUrl', secretFields: ['accessToken', 'clientSecret'] },
	salesforce: {
		type: 'integrationSalesforceApi',
		baseUrlField: 'instanceUrl',
		secretFields: ['accessToken'],
		alternatives: [{ type: 'integrationSalesforceOAuth2Api', baseUrlField: 'instanceUrl', secretFields: [] }],
	},
	zendesk: { type: 'integrationZendeskApi', baseUrlField: 'baseUrl', secretFields: ['apiToken', 'webhookSecret'] },
	intercom: { type: 'integrationIntercomApi', baseUrlField: 'baseUrl', secretFields: ['accessToken', 'clientSecret'] },
	stripe: { type: 'integrationStripeApi', baseUrlField: 'baseUrl', secretFields: ['secretKey', 'webhookSecret'] },
	paypal: { type: 'integrationPayPalApi', baseUrlField: 'baseUrl', secretFields: ['clientSecret', 'accessToken'] },
	square: { type: 'integrationSquareApi', baseUrlField: 'baseUrl', secretFields: ['accessToken', 'webhookSecret'] },
	braintree: { type: 'integrationBraintreeApi', baseUrlField: 'baseUrl', secretFields: ['privateKey'] },
	shopify: { type: 'integrationShopifyApi', baseUrlField: 'baseUrl', secretFields: ['accessToken', 'webhookSecret'] },
	woocommerce: { type: 'integrationWooCommerceApi', baseUrlField: 'baseUrl', secretFields: ['consumerKey', 'consumerSecret', 'webhookSecret'] },
	magento: { type: 'integrationMagentoApi', baseUrlField: 'baseUrl', secretFields: ['accessToken'] },
	bigcommerce: { type: 'integrationBigCommerceApi', baseUrlField: 'baseUrl', secretFields: ['accessToken'] },
	mailchimp: { type: 'integrationMailchimpApi', baseUrlField: 'baseUrl', secretFields: ['apiKey'], resolveBaseUrl: (values) => String(values.baseUrl || mailchimpBaseUrl(String(values.apiKey ?? ''))) },
	marketo: { type: 'integrationMarketoApi', baseUrlField: 'baseUrl', secretFields: ['clientSecret', 'accessToken'] },
	activecampaign: { type: 'integrationActiveCampaignApi', baseUrlField: 'baseUrl', secretFields: ['apiToken'] },
};

/**
 * The values no message may show: the binding's secret fields, and for an OAuth2 credential the client secret and
 * the tokens n8n keeps in `oauthTokenData` (the access token is sent with every request, and vendors echo it).
 */
export function credentialSecrets(credential: PlatformCredential, values: Record<string, unknown>): string[] {
	const named = credential.secretFields.map((field) => String(values[field] ?? ''));
	const oauth = values.oauthTokenData;
	if (typeof oauth !== 'object' || oauth === null) return named;
	const tokens = Object.entries(oauth).filter(([key, value]) => /token/i.test(key) && typeof value === 'string').map(([, value]) => value as string);
	return [...named, String(values.clientSecret ?? ''), ...tokens];
}

/** The platform's credential that is set on the node (the first choice when none is). */
export function chosenCredential(platform: string, configured: Record<string, unknown> = {}): PlatformCredential | undefined {
	const main = platformCredentials[platform];
	if (!main) return undefined;
	return [main, ...(main.alternatives ?? [])].find((candidate) => configured[candidate.type]) ?? main;
}

export const STATE_STORE_CREDENTIAL = 'integrationStateStore';
