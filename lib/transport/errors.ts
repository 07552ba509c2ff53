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

/** The (redacted) body the vendor answered a failed call with, in the shape the caller knows its errors take. */
export function vendorErrorBody<Body>(error: unknown): Body | undefined {
	return error instanceof PlatformApiError ? (error.responseBody as Body | undefined) : undefined;
}

/**
 * Replaces every known secret value in a text with a marker. Applied to every message that leaves the transport,
 * because vendors sometimes echo a token back ("invalid token abc…"). Longest first, so a secret that contains
 * another is not left half shown.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	const redactable = secrets.filter((secret) => secret && secret.length >= 4).sort((a, b) => b.length - a.length);
	let redacted = text;
	for (const secret of redactable) redacted = redacted.split(secret).join('[redacted]');
	return redacted;
}

/**
 * Redacts a parsed body value by value. Working on the JSON text instead would miss a secret that JSON escapes
 * (a quote or backslash in a password) and could break the JSON when a secret matches part of a number.
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
	if (secrets.length === 0) return value;
	return redactValue(value, secrets) as T;
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') return redactSecrets(value, secrets);
	if (typeof value === 'number') {
		const redacted = redactSecrets(String(value), secrets);
		return redacted === String(value) ? value : redacted;
	}
	if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [redactSecrets(key, secrets), redactValue(item, secrets)]),
		);
	}
	return value;
}

/**
 * Redacts, in place, the text of an error the transport passes on as it is (a programming error such as an
 * unparsable URL, whose message, stack and `input` may carry a token from the path), down its `cause` chain.
 */
export function redactError<T>(error: T, secrets: readonly string[], depth = 0): T {
	if (secrets.length === 0 || error === null || typeof error !== 'object' || depth > 3) return error;
	const fields = error as Record<string, unknown>;
	for (const name of Object.getOwnPropertyNames(error)) {
		const value = fields[name];
		if (name === 'cause') redactError(value, secrets, depth + 1);
		else if (typeof value === 'string') {
			try {
				fields[name] = redactSecrets(value, secrets);
			} catch {
				// A read-only field cannot be rewritten; the ones that carry text (message, stack) are writable.
			}
		}
	}
	return error;
}
