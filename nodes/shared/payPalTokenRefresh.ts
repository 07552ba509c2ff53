import type { IAllExecuteFunctions } from 'n8n-workflow';

import { PAYPAL_REFRESH_PROBE_PATH } from '../../lib/platforms/paypal';
import type { HttpClient } from '../../lib/transport';

/**
 * The transport reads every status itself, so n8n never sees PayPal's 401 for an expired token and never refreshes
 * it. On a 401 this makes one cheap authenticated call that lets n8n see the 401, run the credential's
 * preAuthentication and store the new token, then sends the request again (PayPal-Request-Id keeps a repeat safe).
 */
export function refreshPayPalTokenOn401(context: Pick<IAllExecuteFunctions, 'helpers'>, credentialType: string) {
	return (inner: HttpClient, baseUrl: string): HttpClient => ({
		async send(request) {
			const response = await inner.send(request);
			if (response.status !== 401) return response;
			try {
				await context.helpers.httpRequestWithAuthentication.call(context as never, credentialType, {
					method: 'GET',
					url: `${baseUrl.replace(/\/+$/, '')}${PAYPAL_REFRESH_PROBE_PATH}`,
					json: true,
				});
			} catch {
				return response;
			}
			return inner.send(request);
		},
	});
}
