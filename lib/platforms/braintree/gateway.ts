import type { Transport } from '../../transport/transport';
import type { HttpMethod } from '../../transport/types';
import { readGatewayXml, type GatewayValue } from './xml';

/** The `X-ApiVersion` Braintree's current server SDKs send. */
export const GATEWAY_API_VERSION = '6';

/**
 * Braintree's gateway API (the one its server SDKs call, and the only one with recurring billing) lives on another host
 * than its GraphQL API, one per environment. Any other base URL (a proxy, a local stand-in) is taken to serve both.
 */
const GATEWAY_HOSTS: Readonly<Record<string, string>> = {
	'https://payments.braintree-api.com': 'https://api.braintreegateway.com',
	'https://payments.sandbox.braintree-api.com': 'https://api.sandbox.braintreegateway.com',
};

export function gatewayBaseUrl(graphQlBaseUrl: string): string {
	const base = graphQlBaseUrl.replace(/\/+$/, '');
	return GATEWAY_HOSTS[base] ?? base;
}

/** Raised before any call when the credential lacks the merchant id the gateway's paths name. */
export class MissingMerchantIdError extends Error {
	readonly code = 'MERCHANT_ID_REQUIRED';

	constructor() {
		super("Braintree's recurring billing goes through its gateway API, whose paths name the merchant: set Merchant ID in the Braintree credential (Control Panel → Settings → Business)");
	}
}

/**
 * Calls on `/merchants/{merchantId}/…` through the package transport (the credential's Basic public:private key auth,
 * pacing, retries): JSON with snake_case keys out, as Braintree's Node SDK sends, and Braintree's XML back, read into
 * camelCase objects. A refusal (HTTP 422 `<api-error-response>`) is a `PlatformApiError` whose code is Braintree's
 * first validation error code (the profile reads it).
 */
export class BraintreeGatewayClient {
	private readonly base: string;

	constructor(
		private readonly transport: Transport,
		settings: { baseUrl: string; merchantId?: string | number },
	) {
		const merchantId = typeof settings.merchantId === 'string' ? settings.merchantId.trim() : '';
		this.base = merchantId === '' ? '' : `${gatewayBaseUrl(settings.baseUrl)}/merchants/${encodeURIComponent(merchantId)}`;
	}

	/** `replaySafe: false` for a write the transport must not repeat blindly when its answer is lost: the caller reads back. */
	async call(method: HttpMethod, path: string, body?: Record<string, unknown>, replaySafe = true): Promise<Record<string, GatewayValue>> {
		if (this.base === '') throw new MissingMerchantIdError();
		const answer = await this.transport.request<unknown>(
			{ method, url: `${this.base}${path}`, headers: { accept: 'application/xml', 'x-apiversion': GATEWAY_API_VERSION }, ...(body ? { body: snakeKeys(body) } : {}) },
			{ replaySafe },
		);
		return typeof answer === 'string' && answer.trim() !== '' ? readGatewayXml(answer) : {};
	}
}

const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function snakeKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(snakeKeys);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).map(([key, child]) => [snakeCase(key), snakeKeys(child)]));
}

/** The codes of a gateway `<api-error-response>`'s validation errors, however deep Braintree nests them. */
export function apiErrorCodes(errors: GatewayValue | undefined): string[] {
	if (Array.isArray(errors)) return errors.flatMap(apiErrorCodes);
	if (errors === null || typeof errors !== 'object') return [];
	const own = typeof errors.code === 'string' ? [errors.code] : [];
	return [...own, ...Object.entries(errors).filter(([key]) => key !== 'code').flatMap(([, child]) => apiErrorCodes(child))];
}
