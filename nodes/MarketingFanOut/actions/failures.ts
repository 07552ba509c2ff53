import type { IDataObject } from 'n8n-workflow';

import type { PlatformResult } from '../../../lib/marketing';
import type { RecordFailure } from '../../shared/itemFailures';

/** What the platforms that refused the email said: "marketo: HTTP 503; hubspot: INVALID_EMAIL". */
function platformErrors(platforms: PlatformResult[]): { message: string; code?: string } {
	const failed = platforms.filter((platform) => !platform.ok);
	return {
		message: failed.map((platform) => `${platform.platform}: ${platform.error?.message ?? 'not written'}`).join('; ') || 'no platform took it',
		code: failed.find((platform) => platform.error?.code)?.error?.code,
	};
}

/**
 * A contact or unsubscribe the platforms refused (or could not take after retries), named by email; `json` is the
 * result the item would have carried, kept in the error's details. The change stays pending and is sent again.
 */
export function marketingFailure(what: string, email: string, platforms: PlatformResult[], json: IDataObject): RecordFailure {
	return { subject: `${what} ${email || '(no email)'}`, ...platformErrors(platforms), details: json };
}
