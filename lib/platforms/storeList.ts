import type { CredentialBinding, CredentialValues, PlatformDefinition } from './definition';
import { parseSetting } from './settings';

/**
 * A platform's list of stores in one credential (n8n's `fixedCollection` with several values): `{ stores: { store:
 * [{ label, ...the platform credential's fields }] } }`. Each entry is one store, reached as the account
 * `<platform>@<label>`, the name a labelled store has in a stock group, so ledgers and ID maps stay the same when a
 * group of nodes becomes one node with a list.
 */
export const STORE_LIST_FIELD = 'stores';
export const STORE_LIST_ENTRY = 'store';
export const STORE_LIST_LABEL = 'label';

const LABEL = /^[A-Za-z0-9_-]+$/;

/** One store of a list: its label (empty for at most one), its id (`shopify@us`) and its credential values (the platform credential's fields). */
export interface ListedStore {
	platform: string;
	label: string;
	id: string;
	values: CredentialValues;
}

/** A list entry that cannot be used, named by its path (`stores[2].accessToken`); never shows a secret. */
export class StoreListError extends Error {
	constructor(
		readonly field: string,
		problem: string,
	) {
		super(`${field} ${problem}`);
		this.name = 'StoreListError';
	}
}

/**
 * The id of a listed store: `shopify@us`; the one store a list may leave without a label is the platform's own
 * (`shopify`), as a node's unlabelled store is in a store group, so that store keeps its ledger rows and links.
 */
export const listedStoreId = (platform: string, label: string): string => (label ? `${platform}@${label}` : platform);

/** A listed store as messages name it: by its label, or by its id for the one store a list may leave without one. */
export const listedStoreName = (store: Pick<ListedStore, 'id' | 'label'>): string => `Store '${store.label || store.id}'`;

/** The fields a request is authenticated with (`{accessToken}` in the vendor's declared auth), each required. */
function authFields(definition: PlatformDefinition): string[] {
	const auth = definition.standaloneAuth;
	const templates = auth.kind === 'headers' ? Object.values({ ...auth.identifiers, ...auth.headers }) : auth.kind === 'basic' ? [auth.user, auth.password] : ['{clientId}', '{clientSecret}'];
	return [...new Set(templates.flatMap((template) => [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1])))];
}

function entriesOf(values: CredentialValues): unknown[] {
	const list = values[STORE_LIST_FIELD];
	if (list === undefined || list === null || (typeof list === 'object' && !Array.isArray(list) && (list as Record<string, unknown>)[STORE_LIST_ENTRY] === undefined)) {
		throw new StoreListError(STORE_LIST_FIELD, 'lists no store: add one (Add Store)');
	}
	const entries = typeof list === 'object' && !Array.isArray(list) ? (list as Record<string, unknown>)[STORE_LIST_ENTRY] : undefined;
	if (!Array.isArray(entries)) throw new StoreListError(STORE_LIST_FIELD, 'must be a list of stores');
	if (entries.length === 0) throw new StoreListError(STORE_LIST_FIELD, 'lists no store: add one (Add Store)');
	return entries;
}

function checkLabel(entry: Record<string, unknown>, path: string, seen: Map<string, string>): string {
	const label = entry[STORE_LIST_LABEL];
	const field = `${path}.${STORE_LIST_LABEL}`;
	if (label !== undefined && label !== null && typeof label !== 'string') throw new StoreListError(field, `must be text, got ${typeof label}`);
	const trimmed = (label ?? '').trim();
	if (trimmed !== '' && !LABEL.test(trimmed)) throw new StoreListError(field, `must be letters, digits, - or _ only, got ${JSON.stringify(label)}`);
	const earlier = seen.get(trimmed);
	if (earlier !== undefined && trimmed === '') throw new StoreListError(field, `is empty, as is ${earlier}'s: only one store may go without a label`);
	if (earlier !== undefined) throw new StoreListError(field, `"${trimmed}" is also ${earlier}'s: each store needs a label of its own`);
	seen.set(trimmed, path);
	return trimmed;
}

/** A text field that must be set: its value is never shown (it may be a secret). */
function checkText(entry: Record<string, unknown>, path: string, name: string): void {
	const value = entry[name];
	if (value === undefined || value === null || value === '') throw new StoreListError(`${path}.${name}`, 'is empty');
	if (typeof value !== 'string') throw new StoreListError(`${path}.${name}`, `must be text, got ${Array.isArray(value) ? 'a list' : typeof value}`);
	if (value.trim() === '') throw new StoreListError(`${path}.${name}`, 'is empty');
}

/**
 * The stores of a list credential, each checked whole before any is used: a label of its own (letters, digits, - or _;
 * one store may have none),
 * the base URL (unless the vendor has a default), every field the vendor's auth sends, and the platform's settings
 * (location, source) by their types. The first problem is an error naming the entry and field.
 */
export function parseStoreList(definition: PlatformDefinition, binding: CredentialBinding, values: CredentialValues): ListedStore[] {
	const seen = new Map<string, string>();
	return entriesOf(values).map((raw, index) => {
		const path = `${STORE_LIST_FIELD}[${index}]`;
		if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new StoreListError(path, 'must be a store (label and fields)');
		const entry = raw as Record<string, unknown>;
		const label = checkLabel(entry, path, seen);
		if (!binding.defaultBaseUrl && !binding.deriveBaseUrl) checkText(entry, path, binding.baseUrlField);
		for (const field of authFields(definition)) checkText(entry, path, field);
		for (const setting of definition.settings ?? []) {
			try {
				parseSetting(definition.displayName, setting, entry[setting.name]);
			} catch (error) {
				throw new StoreListError(`${path}.${setting.name}`, (error as Error).message.replace(/^.*?\) /, ''));
			}
		}
		return { platform: definition.id, label, id: listedStoreId(definition.id, label), values: entry };
	});
}
