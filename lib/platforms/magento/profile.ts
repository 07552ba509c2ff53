import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface MagentoErrorBody {
	message?: string;
	parameters?: Record<string, unknown> | unknown[];
}

/** Magento 2 renders `%name` placeholders in its messages from `parameters`. */
function render(message: string, parameters: MagentoErrorBody['parameters']): string {
	if (!parameters) return message;
	return message.replace(/%(\w+)/g, (whole, name: string) => {
		const value = Array.isArray(parameters) ? parameters[Number(name) - 1] : parameters[name];
		return value === undefined ? whole : String(value);
	});
}

/** Magento 2 / Adobe Commerce is self-hosted: no vendor rate limit, a polite default pace. */
export function magentoProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'magento',
		rateWindows: [{ name: 'site', capacity: options.requestsPerSecond ?? 25, windowMs: 1_000 }],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = (response.body ?? {}) as MagentoErrorBody;
			return { message: body.message ? render(body.message, body.parameters) : `Magento answered HTTP ${response.status}` };
		},
	};
}
