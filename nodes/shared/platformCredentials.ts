import type { ICredentialsDisplayOptions, INodeCredentialDescription } from 'n8n-workflow';

import { platformDefinition, platformsServing, type Capability } from '../../lib/platforms/catalog';
import { secondStoreId, type CredentialBinding } from '../../lib/platforms/definition';

/** A platform's credential binding (type, base-URL field, secret fields), as its vendor folder declares it. */
export type PlatformCredential = CredentialBinding;

/** The platform's credential types: its main one, then the alternatives (Salesforce's OAuth2 beside a token). */
export function credentialChoices(platform: string): CredentialBinding[] {
	const main = platformDefinition(platform).credentials;
	return [main, ...(main.alternatives ?? [])];
}

/** The platform's main credential type name. */
export function credentialType(platform: string): string {
	return platformDefinition(platform).credentials.type;
}

/**
 * The values no message may show: the binding's secret fields, and for an OAuth2 credential the client secret and
 * the tokens n8n keeps in `oauthTokenData` (the access token is sent with every request, and vendors echo it).
 */
export function credentialSecrets(credential: CredentialBinding, values: Record<string, unknown>): string[] {
	const named = credential.secretFields.map((field) => String(values[field] ?? ''));
	const oauth = values.oauthTokenData;
	if (typeof oauth !== 'object' || oauth === null) return named;
	const tokens = Object.entries(oauth).filter(([key, value]) => /token/i.test(key) && typeof value === 'string').map(([, value]) => value as string);
	return [...named, String(values.clientSecret ?? ''), ...tokens];
}

/**
 * The platform's credential that is set on the node (the first choice when none is); for the account of the
 * platform's second store (`shopify-2`), the second store's own credential type.
 */
export function chosenCredential(platform: string, configured: Record<string, unknown> = {}, account?: string): CredentialBinding {
	const second = platformDefinition(platform).credentials.secondStore;
	if (second && storeOfAccount(account) === secondStoreId(platform)) return second;
	const choices = credentialChoices(platform);
	return choices.find((candidate) => configured[candidate.type]) ?? choices[0];
}

/**
 * Shows a credential slot while `platform` is the value of `parameter` (or among its values, for a multi-select). The
 * condition names the parameter by its root path ('/platforms'), not its name: n8n's editor takes a parameter that
 * credential slots name as the node's authentication choice and moves it out of the panel into the credential dialog
 * (what n8n's nodes do with `authentication`), so a multi-select of platforms vanished from the panel and a single
 * Platform choice showed only inside the credential dialog. n8n-workflow reads '/name' from the node's own parameters,
 * in the editor's credential list and in n8n-core's credential check alike.
 */
export function shownWhileChosen(parameter: string, platform: string): ICredentialsDisplayOptions {
	return { show: { [`/${parameter}`]: [platform] } };
}

/**
 * One optional credential slot per credential type of every platform serving the capability, in catalog order; with
 * `shownBy` (a multi-select of those platforms) each slot shows only while its platform is chosen there.
 */
export function credentialSlots(capability: Capability, shownBy?: string): INodeCredentialDescription[] {
	return platformsServing(capability).flatMap((definition) =>
		credentialChoices(definition.id).map((choice) => ({ name: choice.type, required: false, ...(shownBy ? { displayOptions: shownWhileChosen(shownBy, definition.id) } : {}) })),
	);
}

/** One slot per platform of a single Platform choice (`parameter`), required while its platform is the one chosen. */
export function chosenPlatformSlots(platforms: ReadonlyArray<{ value: string; credential: string }>, parameter = 'platform'): INodeCredentialDescription[] {
	return platforms.map(({ value, credential }) => ({ name: credential, required: true, displayOptions: shownWhileChosen(parameter, value) }));
}

/** One optional slot per second-store credential type of the platforms serving the capability, in catalog order. */
export function secondStoreSlots(capability: Capability): INodeCredentialDescription[] {
	return platformsServing(capability).flatMap((definition) => (definition.credentials.secondStore ? [{ name: definition.credentials.secondStore.type, required: false }] : []));
}

/** The stores of the platforms serving the capability, each platform's second store after its first: `{ name, value, platform }`. */
export function storeOptions(capability: Capability): Array<{ name: string; value: string; platform: string }> {
	return platformsServing(capability).flatMap((definition) => [
		{ name: definition.displayName, value: definition.id, platform: definition.id },
		...(definition.credentials.secondStore ? [{ name: `${definition.displayName} (Second Store)`, value: secondStoreId(definition.id), platform: definition.id }] : []),
	]);
}

/**
 * A store picked on a node as the engine takes it: `shopify-2` is the second store on `shopify`, any other id its
 * platform. With a store label (a node of a store group), the id carries it (`shopify-2@eu`), so stores that several
 * nodes each pick under the same name keep their own links in the state store.
 */
export function storeChoice(capability: Capability, store: string, label = ''): { platform: string; id: string } {
	return { platform: storeOptions(capability).find((option) => option.value === store)?.platform ?? store, id: label ? `${store}${LABEL_SEPARATOR}${label}` : store };
}

const LABEL_SEPARATOR = '@';

/** The store an account id names on its node, without the node's store label (`shopify-2@eu` is the node's `shopify-2`). */
function storeOfAccount(account: string | undefined): string | undefined {
	return account?.split(LABEL_SEPARATOR)[0];
}

export { secondStoreId };

export const STATE_STORE_CREDENTIAL = 'integrationStateStore';
