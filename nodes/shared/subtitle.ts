import type { INodePropertyOptions } from 'n8n-workflow';

import { platformCatalog } from '../../lib/platforms/catalog';
import { storeListValue } from './storeLists';

/** `{"hubspot":"HubSpot","shopify-list":"Shopify stores",…}`: platform ids and store lists to the names users know, as an expression literal. */
const platformNames = JSON.stringify(
	Object.fromEntries(
		platformCatalog.flatMap((definition) => [
			[definition.id, definition.displayName],
			...(definition.credentials.storeList ? [[storeListValue(definition.id), `${definition.displayName} stores`]] : []),
		]),
	),
);

/** An expression fragment: the display name of the platform chosen in `parameter`. */
export const platformNameOf = (parameter: string) => `(${platformNames}[$parameter["${parameter}"]] || $parameter["${parameter}"] || "")`;

/** An expression fragment: the display names of the platforms chosen in the multi-select `parameter`, comma-separated. */
export const platformNamesOf = (parameter: string) => `($parameter["${parameter}"] || []).map(function (id) { return ${platformNames}[id] || id; }).join(", ")`;

/**
 * A node subtitle in words: per operation an expression fragment (`phrases`), else the operation's action text
 * ("Route and charge a payment"), never the raw operation value.
 */
export function operationSubtitle(operations: INodePropertyOptions[], phrases: Record<string, string> = {}): string {
	const words = (option: INodePropertyOptions) => phrases[String(option.value)] ?? JSON.stringify(sentence(option.action ?? option.name));
	const chain = operations.reduceRight((rest, option) => `$parameter["operation"] === ${JSON.stringify(option.value)} ? ${words(option)} : ${rest}`, '""');
	return `={{${chain}}}`;
}

/** "Push records to a platform" as written; lower-case first words stay as they are. */
function sentence(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
