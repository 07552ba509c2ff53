/** The four social sandboxes as accounts of their platforms (credential values), for the engine, the e2e files and the demo. */
import { GRAPH_VERSION } from '../../lib/platforms/facebook';
import type { StandaloneAccount } from '../../lib/platforms/catalog/standalonePlatforms';
import type { RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from './standalone';

export const socialPlatforms = ['x', 'linkedin', 'facebook', 'instagram'] as const;
export type SocialPlatform = (typeof socialPlatforms)[number];

/** The credential values each platform's credential would hold for its sandbox (base URL included; Graph API versioned). */
export function socialCredentialValues(platform: SocialPlatform, sandbox: RunningSandbox): Record<string, string> {
	switch (platform) {
		case 'x':
			return { baseUrl: sandbox.baseUrl, accessToken: sandbox.credentials.accessToken };
		case 'linkedin':
			return { baseUrl: sandbox.baseUrl, accessToken: sandbox.credentials.accessToken, authorUrn: sandbox.credentials.authorUrn };
		case 'facebook':
			return { baseUrl: `${sandbox.baseUrl}/${GRAPH_VERSION}`, accessToken: sandbox.credentials.accessToken, pageId: sandbox.credentials.pageId };
		case 'instagram':
			return { baseUrl: `${sandbox.baseUrl}/${GRAPH_VERSION}`, accessToken: sandbox.credentials.accessToken, igUserId: sandbox.credentials.igUserId };
	}
}

export function socialAccount(platform: SocialPlatform, sandbox: RunningSandbox): StandaloneAccount {
	const { baseUrl, ...values } = socialCredentialValues(platform, sandbox);
	return sandboxAccount(platform, baseUrl, values);
}

/** The n8n credential type each platform's node slot takes. */
export const socialCredentialTypes: Record<SocialPlatform, string> = {
	x: 'integrationXOAuth2Api',
	linkedin: 'integrationLinkedInOAuth2Api',
	facebook: 'integrationFacebookPageApi',
	instagram: 'integrationInstagramOAuth2Api',
};

/** The credential n8n holds for a sandbox: OAuth2 ones with the sandbox's token as n8n's token data, Facebook's Page token as a field. */
export function socialN8nCredential(platform: SocialPlatform, sandbox: RunningSandbox): { type: string; data: Record<string, unknown> } {
	const { accessToken, ...values } = socialCredentialValues(platform, sandbox);
	const data =
		platform === 'facebook'
			? { ...values, accessToken }
			: { ...values, clientId: 'sandbox-client', clientSecret: 'sandbox-client-secret', oauthTokenData: { access_token: accessToken, token_type: 'Bearer', refresh_token: 'sandbox-refresh-token' } };
	return { type: socialCredentialTypes[platform], data };
}
