/** Which n8n credential type authenticates each platform, and which of its fields are secrets or the base URL. */
export interface PlatformCredential {
	type: string;
	baseUrlField: string;
	secretFields: string[];
}

export const platformCredentials: Record<string, PlatformCredential> = {
	hubspot: { type: 'integrationHubSpotApi', baseUrlField: 'baseUrl', secretFields: ['accessToken'] },
};

export const STATE_STORE_CREDENTIAL = 'integrationStateStore';
