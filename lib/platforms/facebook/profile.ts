import type { PlatformProfile } from '../../transport/types';
import { graphProfile } from './graph';

/**
 * Facebook Pages through the Graph API with a Page access token: the Pages' business-use-case limit is counted by Meta
 * per Page and reported as percent used in X-Page-Usage (and X-App-Usage); it is held here as 200 calls an hour, the
 * Graph API's per-user allowance, lowered by what the header reports. Codes 4, 17, 32, 613 and 80001 are rate limits.
 */
export function facebookProfile(): PlatformProfile {
	return graphProfile('facebook', { name: 'page_hour', capacity: 200, windowMs: 3_600_000 }, 'x-page-usage');
}
