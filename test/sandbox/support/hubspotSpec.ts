/** HubSpot's CRM v3 OpenAPI documents (one per object) as validators. */
import { OpenApiValidator } from './openapi';

export type SpecObject = 'contacts' | 'companies' | 'deals' | 'tickets';

/**
 * HubSpot answers a requested property that has no value with null, while the spec types every property value as a
 * string; the patch lets record `properties` values be null and changes nothing else.
 */
export function allowNullPropertyValues(schemas: Record<string, any>): void {
	for (const schema of Object.values(schemas)) {
		const values = schema?.properties?.properties?.additionalProperties;
		if (values?.type === 'string') values.nullable = true;
	}
}

export class HubspotSpec {
	readonly validator: OpenApiValidator;
	readonly item: string;

	constructor(readonly objectName: SpecObject) {
		this.validator = new OpenApiValidator(`hubspot/crm-${objectName}-v3.json`, allowNullPropertyValues);
		// The deals document names its object by id (/crm/v3/objects/0-3), the others by name.
		this.collection = this.validator.paths().reduce((shortest, path) => (path.length < shortest.length ? path : shortest));
		const itemPattern = new RegExp(`^${this.collection}/\\{[^}]+\\}$`);
		const item = this.validator.paths().find((path) => itemPattern.test(path));
		if (!item) throw new Error(`no item path for ${objectName}`);
		this.item = item;
	}

	/** The spec's collection path, e.g. /crm/v3/objects/contacts or /crm/v3/objects/0-3. */
	readonly collection: string;

	/** Errors for a response to `method` on the collection path plus `suffix` ('', '/search', '/batch/upsert', or ':item'). */
	errors(method: string, suffix: string, status: string, body: unknown): string[] {
		const path = suffix === ':item' ? this.item : `${this.collection}${suffix}`;
		return this.validator.errors(method, path, status, body);
	}
}

/**
 * HubSpot's search guide pages with an optional `after` and sorts by `{propertyName, direction}` objects (and the API
 * takes both), while the generated schema requires `after` and types sorts as strings: the patch allows both forms.
 */
export function allowDocumentedSearchRequests(schemas: Record<string, any>): void {
	const search = schemas.PublicObjectSearchRequest;
	if (!search) return;
	search.required = search.required.filter((name: string) => name !== 'after');
	search.properties.sorts.items = { anyOf: [{ type: 'string' }, { type: 'object', required: ['propertyName'], properties: { propertyName: { type: 'string' }, direction: { enum: ['ASCENDING', 'DESCENDING'] } } }] };
}
