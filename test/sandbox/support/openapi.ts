/**
 * Validates sandbox responses against a vendor's OpenAPI 3 document: the schema of one operation's response,
 * with `$ref`s resolved from the document's components.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const specsFolder = '/work/shared/specs';

interface OpenApiDocument {
	paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
	components: { schemas: Record<string, any>; responses?: Record<string, OpenApiResponse> };
}

interface OpenApiResponse {
	$ref?: string;
	content?: Record<string, { schema?: { $ref?: string } }>;
}

export class OpenApiValidator {
	private readonly ajv = new Ajv({ strict: false, allErrors: true });
	private readonly document: OpenApiDocument;
	private readonly id: string;
	private readonly compiled = new Map<string, ValidateFunction>();

	/** `file` relative to /work/shared/specs, e.g. 'hubspot/crm-contacts-v3.json'. `patch` adjusts schemas in place. */
	constructor(file: string, patch?: (schemas: Record<string, any>) => void) {
		addFormats(this.ajv);
		this.document = JSON.parse(readFileSync(join(specsFolder, file), 'utf8')) as OpenApiDocument;
		this.id = `https://specs.sandbox.invalid/${file}`;
		const components = structuredClone(this.document.components);
		patch?.(components.schemas);
		this.ajv.addSchema({ $id: this.id, components });
	}

	/**
	 * Errors of `body` against the response schema of `method path` for `status` ('200', '207', 'default'...);
	 * an empty list when it conforms. `path` is the spec's template, e.g. '/crm/v3/objects/contacts/{contactId}'.
	 */
	errors(method: string, path: string, status: string, body: unknown): string[] {
		const validate = this.validator(method.toLowerCase(), path, status);
		if (validate(body)) return [];
		return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
	}

	/** The spec's path templates, to find e.g. the `{contactId}` variant of an object path. */
	paths(): string[] {
		return Object.keys(this.document.paths);
	}

	private validator(method: string, path: string, status: string): ValidateFunction {
		const key = `${method} ${path} ${status}`;
		const cached = this.compiled.get(key);
		if (cached) return cached;
		const operation = this.document.paths[path]?.[method];
		if (!operation) throw new Error(`no operation ${method.toUpperCase()} ${path} in the spec`);
		let response = operation.responses[status];
		if (!response) throw new Error(`no ${status} response for ${method.toUpperCase()} ${path}`);
		if (response.$ref) response = this.document.components.responses?.[response.$ref.split('/').pop() as string] as OpenApiResponse;
		const content = response.content?.['application/json'] ?? response.content?.['*/*'];
		const schemaRef = content?.schema?.$ref;
		if (!schemaRef) throw new Error(`no JSON schema for ${key}`);
		const validate = this.ajv.compile({ $ref: `${this.id}${schemaRef}` });
		this.compiled.set(key, validate);
		return validate;
	}
}
