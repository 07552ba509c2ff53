import type { IExecuteFunctions } from 'n8n-workflow';

import { isMarketoTokenRefusal } from '../../../lib/platforms/marketo/profile';
import { MarketoOAuthClient } from '../../../lib/platforms/marketo';
import type { HttpClient } from '../../../lib/transport';
import { N8nHttpClient } from '../../shared/httpClient';
import { platformCredentials } from '../../shared/platformCredentials';

/**
 * n8n refreshes the credential's expirable token only when a request fails with 401, but Marketo refuses an expired
 * token with an HTTP 200 (code 601/602). So requests go out with n8n's stored token until Marketo refuses it; from
 * then on this execution fetches and uses its own token (client credentials, over n8n's plain HTTP helper).
 */
export async function marketoTokenFallback(context: IExecuteFunctions) {
	const values = await context.getCredentials(platformCredentials.marketo.type);
	return (inner: HttpClient, baseUrl: string): HttpClient => {
		let own: MarketoOAuthClient | undefined;
		return {
			async send(request) {
				if (own) return own.send(request);
				const response = await inner.send(request);
				if (!isMarketoTokenRefusal(response)) return response;
				own = new MarketoOAuthClient({ baseUrl, clientId: String(values.clientId), clientSecret: String(values.clientSecret) }, new N8nHttpClient(context));
				return own.send(request);
			},
		};
	};
}
