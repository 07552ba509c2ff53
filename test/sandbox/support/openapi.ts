/**
 * Validates sandbox responses against a vendor's published API description: OpenAPI 3 or Swagger 2, JSON or YAML.
 * The schema of one operation's response, with `$ref`s resolved from the document, and the operation found from a
 * concrete request path.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const specsFolder = '/work/shared/specs';

type Schema = Record<string, any>;

interface SpecResponse {
	$ref?: string;
	/** OpenAPI 3 */
	content?: Record<string, { schema?: Schema }>;
	/** Swagger 2 */
	schema?: Schema;
}

interface SpecOperationObject {
	responses?: Record<string, SpecResponse>;
	/** OpenAPI 3 */
	requestBody?: SpecResponse;
	/** Swagger 2: the body is the parameter `in: body`. */
	parameters?: Array<{ in?: string; schema?: Schema; $ref?: string }>;
}

interface SpecDocument {
	swagger?: string;
	basePath?: string;
	paths: Record<string, Record<string, SpecOperationObject>>;
	components?: { schemas?: Record<string, Schema>; responses?: Record<string, SpecResponse>; requestBodies?: Record<string, SpecResponse> };
	definitions?: Record<string, Schema>;
	responses?: Record<string, SpecResponse>;
}

/** One operation of the spec: its path template and its documented response statuses. */
export interface SpecOperation {
	method: string;
	template: string;
	statuses: string[];
}

const methods = ['get', 'put', 'post', 'delete', 'patch'];

function loadDocument(file: string): SpecDocument {
	const text = readFileSync(join(specsFolder, file), 'utf8');
	return (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 })) as SpecDocument;
}

/**
 * OpenAPI 3.0 and Swagger 2 keywords that JSON Schema reads differently: `x-nullable`, boolean
 * `exclusiveMinimum`/`exclusiveMaximum`, `nullable` beside an `enum`, and `nullable` without a `type` (Ajv reads it only beside one).
 */
function normalise(node: unknown): void {
	if (Array.isArray(node)) return node.forEach(normalise);
	if (!node || typeof node !== 'object') return;
	const schema = node as Schema;
	if (schema['x-nullable'] === true) schema.nullable = true;
	for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
		if (typeof schema[exclusive] !== 'boolean') continue;
		if (schema[exclusive] && typeof schema[bound] === 'number') schema[exclusive] = schema[bound];
		else delete schema[exclusive];
		if (typeof schema[exclusive] === 'number') delete schema[bound];
	}
	Object.values(schema).forEach(normalise);
	// A nullable enum takes null too (OpenAPI 3.0.3), which Ajv's `enum` would refuse.
	if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
	if (schema.nullable === true && (schema.type === undefined || schema.$ref)) {
		// `nullable` beside `anyOf` or `$ref` (Stripe's way): the schema, or null.
		const { nullable: _nullable, ...rest } = schema;
		for (const key of Object.keys(schema)) delete schema[key];
		schema.anyOf = [rest, { type: 'null' }];
	}
}

/** A copy of `schema` whose local `#/...` references point into the document registered as `id`. */
function anchored(schema: unknown, id: string): unknown {
	if (Array.isArray(schema)) return schema.map((entry) => anchored(entry, id));
	if (!schema || typeof schema !== 'object') return schema;
	return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${id}${value}` : anchored(value, id)]));
}

function literalLength(template: string): number {
	return template.replace(/\{[^}]+\}/g, '').length;
}

export class OpenApiValidator {
	// Vendors' patterns are written for plain (non-unicode) regular expressions, e.g. PayPal's e-mail pattern.
	private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
	private readonly document: SpecDocument;
	private readonly id: string;
	private readonly compiled = new Map<string, ValidateFunction>();
	private readonly matchers: Array<{ template: string; pattern: RegExp }>;

	/** `file` relative to /work/shared/specs, e.g. 'hubspot/crm-contacts-v3.json'. `patch` adjusts schemas in place. */
	constructor(readonly file: string, patch?: (schemas: Record<string, any>) => void) {
		addFormats(this.ajv);
		this.document = loadDocument(file);
		this.id = `https://specs.sandbox.invalid/${file}`;
		const schemas = this.document.swagger ? this.document.definitions : this.document.components?.schemas;
		const registered = structuredClone({ components: this.document.components ?? {}, definitions: this.document.definitions ?? {} });
		normalise(registered);
		patch?.(this.document.swagger ? registered.definitions : (registered.components.schemas ?? {}));
		if (!schemas) throw new Error(`${file} has no schemas`);
		this.ajv.addSchema({ $id: this.id, ...registered });
		this.matchers = Object.keys(this.document.paths)
			.sort((a, b) => literalLength(b) - literalLength(a))
			.map((template) => ({ template, pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`) }));
	}

	/** The spec's path templates, to find e.g. the `{contactId}` variant of an object path. */
	paths(): string[] {
		return Object.keys(this.document.paths);
	}

	/** The operation serving `method path` (a concrete path relative to the spec's base), preferring literal segments. */
	operation(method: string, path: string): SpecOperation | undefined {
		const lower = method.toLowerCase();
		for (const { template, pattern } of this.matchers) {
			const operation = this.document.paths[template][lower];
			if (operation && pattern.test(path)) return { method: lower, template, statuses: Object.keys(operation.responses ?? {}) };
		}
		return undefined;
	}

	/**
	 * Errors of `body` against the response schema of `method path` for `status` ('200', '207', 'default'...);
	 * an empty list when it conforms. `path` is the spec's template, e.g. '/crm/v3/objects/contacts/{contactId}'.
	 */
	errors(method: string, path: string, status: string, body: unknown): string[] {
		const validate = this.validator(method.toLowerCase(), path, status);
		if (!validate) return body === undefined || body === '' ? [] : [`a body where the spec documents none for ${status}`];
		if (validate(body)) return [];
		return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
	}

	/** Errors of a JSON request body against the operation's request schema; none when the operation documents no JSON body. */
	requestErrors(method: string, path: string, body: unknown): string[] {
		const key = `request ${method} ${path}`;
		if (!this.compiled.has(key)) {
			const operation = this.document.paths[path]?.[method.toLowerCase()];
			if (!operation) throw new Error(`no operation ${method.toUpperCase()} ${path} in the spec`);
			let requestBody = operation.requestBody;
			if (requestBody?.$ref) requestBody = this.document.components?.requestBodies?.[requestBody.$ref.split('/').pop() as string];
			const schema = this.document.swagger ? operation.parameters?.find((parameter) => parameter.in === 'body')?.schema : requestBody?.content?.['application/json']?.schema;
			this.compiled.set(key, (schema ? this.ajv.compile(anchored(this.normalised(schema), this.id) as Schema) : undefined) as ValidateFunction);
		}
		const validate = this.compiled.get(key);
		if (!validate || validate(body)) return [];
		return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
	}

	/** Errors of `body` against the schema at `pointer` in the document, e.g. 'components/schemas/error' (a vendor's shared error body). */
	schemaErrors(pointer: string, body: unknown): string[] {
		const key = `schema ${pointer}`;
		let validate = this.compiled.get(key);
		if (!validate) {
			const schema = pointer.split('/').reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.document);
			if (!schema) throw new Error(`no schema at ${pointer} in ${this.file}`);
			validate = this.ajv.compile(anchored(this.normalised(schema), this.id) as Schema);
			this.compiled.set(key, validate);
		}
		if (validate(body)) return [];
		return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
	}

	/** Undefined when the response is documented without a body. */
	private validator(method: string, path: string, status: string): ValidateFunction | undefined {
		const key = `${method} ${path} ${status}`;
		if (this.compiled.has(key)) return this.compiled.get(key);
		const operation = this.document.paths[path]?.[method];
		if (!operation || !methods.includes(method)) throw new Error(`no operation ${method.toUpperCase()} ${path} in the spec`);
		let response = operation.responses?.[status];
		if (!response) throw new Error(`no ${status} response for ${method.toUpperCase()} ${path}`);
		if (response.$ref) response = this.resolveResponse(response.$ref);
		const content = response.content?.['application/json'] ?? response.content?.['*/*'] ?? Object.values(response.content ?? {})[0];
		const schema = this.document.swagger ? response.schema : content?.schema;
		const validate = schema ? this.ajv.compile(anchored(this.normalised(schema), this.id) as Schema) : undefined;
		this.compiled.set(key, validate as ValidateFunction);
		return validate;
	}

	private normalised(schema: Schema): Schema {
		const copy = structuredClone(schema);
		normalise(copy);
		return copy;
	}

	private resolveResponse(ref: string): SpecResponse {
		const name = ref.split('/').pop() as string;
		const found = this.document.swagger ? this.document.responses?.[name] : this.document.components?.responses?.[name];
		if (!found) throw new Error(`no response ${ref}`);
		return found;
	}
}
