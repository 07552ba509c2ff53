export * from './types';
export { PlatformApiError, redactSecrets, redactDeep, vendorErrorBody } from './errors';
export type { ConcurrencyGate } from './concurrency';
export { Transport, type TransportOptions, type SendOptions, type TransportStats } from './transport';
export { FetchHttpClient, type Authenticate, basicAuth, bearerAuth, buildUrl, encodeForm } from './fetchClient';
export { ClientCredentialsClient, type AccessTokenResponse } from './clientCredentials';
export { hmac, hmacBase64, hmacHex, safeEqual, type HmacAlgorithm } from './signatures';
export { backoffDelay, parseRetryAfter, isNetworkError } from './retry';
