/** Magento 2.4.8's admin REST schema as a validator, with the one place where Magento answers off its own schema. */
import { OpenApiValidator } from './openapi';

/**
 * Magento fills `parameters` from the message's placeholders: an object for named ones (`%fieldName` →
 * `{"fieldName": "sku"}`) and an array for numbered ones (`%1` → `["sku"]`); the generated schema knows only an
 * array of `{resources, fieldName, fieldValue}` items.
 */
function allowPlaceholderParameters(definitions: Record<string, any>): void {
	const listed = definitions['error-parameters'];
	definitions['error-parameters'] = {
		anyOf: [listed, { type: 'array', items: { type: ['string', 'number'] } }, { type: 'object', additionalProperties: { type: ['string', 'number', 'array'] } }],
	};
}

export const magentoSpec = (): OpenApiValidator => new OpenApiValidator('magento/admin-schema-2.4.8.yaml', allowPlaceholderParameters);

/** Magento's REST lives under /rest/{store code}; the schema's paths start at /V1. */
export const magentoBase = /^\/rest\/[^/]+/;
