/** Which n8n credential type authenticates each platform, and which of its fields are secrets or the base URL. */
export interface PlatformCredential {
	type: string;
	baseUrlField: string;
	secretFields: string[];
}

export const platformCredentials: Record<string, PlatformCredential> = {
	hubspot: { type: 'integrationHubSpotApi', baseUrlField: 'baseUrl', secretFields: ['accessToken'] },
	stripe: { type: 'integrationStripeApi', baseUrlField: 'baseUrl', secretFields: ['secretKey', 'webhookSecret'] },
	paypal: { type: 'integrationPayPalApi', baseUrlField: 'baseUrl', secretFields: ['clientSecret', 'accessToken'] },
	square: { type: 'integrationSquareApi', baseUrlField: 'baseUrl', secretFields: ['accessToken', 'webhookSecret'] },
	braintree: { type: 'integrationBraintreeApi', baseUrlField: 'baseUrl', secretFields: ['privateKey'] },
};

export const STATE_STORE_CREDENTIAL = 'integrationStateStore';
