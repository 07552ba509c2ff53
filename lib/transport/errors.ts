/**
 * A failed platform call, normalised: the vendor's own message and status, whether a retry could help, and
 * how many attempts were made. Nodes turn it into NodeApiError; the engine never sees n8n's error types.
 */
export class PlatformApiError extends Error {
	readonly platform: string;
	readonly status?: number;
	readonly code?: string;
	readonly retryable: boolean;
	readonly attempts: number;
	readonly responseBody?: unknown;

	constructor(details: {
		platform: string;
		message: string;
		status?: number;
		code?: string;
		retryable: boolean;
		attempts: number;
		responseBody?: unknown;
	}) {
		super(details.message);
		this.name = 'PlatformApiError';
		this.platform = details.platform;
		this.status = details.status;
		this.code = details.code;
		this.retryable = details.retryable;
		this.attempts = details.attempts;
		this.responseBody = details.responseBody;
	}
}

/**
 * Replaces every known secret value in a text with a marker. Applied to every message that leaves the transport,
 * because vendors sometimes echo a token back ("invalid token abc…").
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let redacted = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) redacted = redacted.split(secret).join('[redacted]');
	}
	return redacted;
}

export function redactDeep<T>(value: T, secrets: readonly string[]): T {
	if (secrets.length === 0 || value === undefined) return value;
	return JSON.parse(redactSecrets(JSON.stringify(value), secrets)) as T;
}
