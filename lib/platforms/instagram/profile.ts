import type { PlatformProfile } from '../../transport/types';
import { graphProfile } from '../facebook/graph';

/**
 * Instagram through the Graph API (Facebook Login): the platform rate limit of 200 calls an hour per account,
 * reported as percent used in X-App-Usage; the separate 24-hour publishing limit is read from
 * content_publishing_limit before each post (see InstagramSocial).
 */
export function instagramProfile(): PlatformProfile {
	return graphProfile('instagram', { name: 'account_hour', capacity: 200, windowMs: 3_600_000 }, 'x-app-usage');
}
