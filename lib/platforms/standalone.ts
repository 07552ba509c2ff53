import { ClientCredentialsClient } from '../transport/clientCredentials';
import { FetchHttpClient } from '../transport/fetchClient';
import type { HttpClient, HttpRequest } from '../transport/types';
import { isTokenRefusal, type CredentialValues, type PlatformDefinition, type StandaloneAuth } from './definition';
import { parseSettings, secretValues } from './settings';

/** A platform reached outside n8n: its authenticated client, settings (base URL included) and the secrets to redact. */
export interface StandaloneConnection {
	client: HttpClient;
	baseUrl: string;
	settings: ReturnType<typeof parseSettings>;
	secrets: string[];
}

/** Fills `{field}` from the credential's values; a field that is not set is an error naming it. */
function fill(template: string, values: CredentialValues, platform: string): string {
	return template.replace(/\{(\w+)\}/g, (_, field: string) => {
		const value = values[field];
		if (typeof value !== 'string' || value === '') throw new Error(`${platform} credential: "${field}" is not set`);
		return value;
	});
}

/** The credential's headers on every request but one marked `unauthenticated` (a URL signed for another host). */
function withHeaders(inner: HttpClient, headers: Record<string, string>): HttpClient {
	return { send: (request: HttpRequest) => inner.send(request.unauthenticated ? request : { ...request, headers: { ...request.headers, ...headers } }) };
}

function basicHeader(auth: Extract<StandaloneAuth, { kind: 'basic' }>, values: CredentialValues, platform: string): string {
	return Buffer.from(`${fill(auth.user, values, platform)}:${fill(auth.password, values, platform)}`).toString('base64');
}

function authenticatedClient(definition: PlatformDefinition, values: CredentialValues, baseUrl: string, inner: HttpClient): HttpClient {
	const auth = definition.standaloneAuth;
	const platform = definition.displayName;
	switch (auth.kind) {
		case 'headers':
			return withHeaders(inner, Object.fromEntries(Object.entries({ ...auth.identifiers, ...auth.headers }).map(([name, template]) => [name, fill(template, values, platform)])));
		case 'basic':
			return withHeaders(inner, { authorization: `Basic ${basicHeader(auth, values, platform)}` });
		case 'clientCredentials': {
			const credentials = { baseUrl, clientId: fill('{clientId}', values, platform), clientSecret: fill('{clientSecret}', values, platform) };
			return new ClientCredentialsClient(() => auth.fetchToken(credentials, inner), (response) => isTokenRefusal(definition, response), inner);
		}
	}
}

/** The fields a template reads. */
function fieldsOf(template: string): string[] {
	return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
}

/**
 * What the auth sends is secret too, credential field or not (an OAuth2 access token given outside n8n), and so is
 * basic auth's encoded pair: a vendor that echoes the Authorization header must not leak it.
 */
function derivedSecrets(definition: PlatformDefinition, values: CredentialValues): string[] {
	const auth = definition.standaloneAuth;
	if (auth.kind === 'clientCredentials') return [];
	const sent = auth.kind === 'headers' ? Object.values(auth.headers).flatMap(fieldsOf) : fieldsOf(auth.password);
	const encoded = auth.kind === 'basic' ? [basicHeader(auth, values, definition.displayName)] : [];
	return [...sent.map((field) => String(values[field])), ...encoded];
}

/**
 * The platform outside n8n (the demo, benchmarks, checks): a client that authenticates each request as the vendor
 * declares (`standaloneAuth`), over `inner` (plain fetch by default).
 */
export function standaloneConnection(definition: PlatformDefinition, values: CredentialValues, inner: HttpClient = new FetchHttpClient()): StandaloneConnection {
	const settings = parseSettings(definition, values);
	return {
		client: authenticatedClient(definition, values, settings.baseUrl, inner),
		baseUrl: settings.baseUrl,
		settings,
		secrets: [...new Set([...secretValues(definition.credentials, values), ...derivedSecrets(definition, values)])],
	};
}
