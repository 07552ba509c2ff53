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
