import type { Transport } from '../transport/transport';
import type { PlatformSettings } from './platformSettings';

/** One vendor object a user picks in the editor (an audience, a list, a campaign, a location…). */
export interface ResourceOption {
	/** What the engine is given: the vendor's id (or, where the engine keys by name, the name). */
	id: string;
	name: string;
	/** Where the object opens in the vendor's own app, when it has such a page. */
	url?: string;
}

export interface ResourcePage {
	options: ResourceOption[];
	/** Passed back as `cursor` for the next page; absent on the last one. */
	next?: string;
}

export interface ResourceQuery {
	/** What the user typed in the list's search box. */
	filter?: string;
	cursor?: string;
	/** The object the listed ones belong to, when they depend on another pick (a pipeline's stages). */
	within?: string;
}

/**
 * Lists one kind of vendor object, a page at a time, through the platform's transport; `settings` are the credential's
 * (a QuickBooks realm, a Xero tenant) for the vendors whose paths or headers name the account.
 */
export type ResourceLister = (transport: Transport, query: ResourceQuery, settings?: PlatformSettings) => Promise<ResourcePage>;

/** The options whose name or id contains the filter, ignoring case (for vendors whose list call cannot search). */
export function matching(options: ResourceOption[], filter?: string): ResourceOption[] {
	const wanted = filter?.trim().toLowerCase();
	if (!wanted) return options;
	return options.filter((option) => option.name.toLowerCase().includes(wanted) || option.id.toLowerCase() === wanted);
}

/** A plan's name with what it bills: "Pro monthly (29.00 USD / month)"; without a price where the list carries none. */
export function planName(name: string, price?: { amount: string; currency: string; every: string }): string {
	return price ? `${name} (${price.amount} ${price.currency.toUpperCase()} / ${price.every})` : name;
}

/** "month", or "3 months": how often a plan bills, from a unit and a count. */
export function billingPeriod(unit: string, count = 1): string {
	return count === 1 ? unit : `${count} ${unit}s`;
}

/** An offset cursor as the next page's start, or undefined once `total` is reached. */
export function nextOffset(offset: number, pageSize: number, total: number): string | undefined {
	return offset + pageSize < total ? String(offset + pageSize) : undefined;
}

export function offsetOf(query: ResourceQuery): number {
	const offset = Number(query.cursor ?? 0);
	return Number.isInteger(offset) && offset >= 0 ? offset : 0;
}

/** A text setting a lister needs (the realm or tenant its paths or headers name), or an error naming it. */
export function requiredSetting(settings: PlatformSettings | undefined, name: string, label: string): string {
	const value = settings?.[name];
	if (typeof value !== 'string' || value.trim() === '') throw new Error(`The credential's ${label} is empty: set it to list the account's objects`);
	return value;
}
