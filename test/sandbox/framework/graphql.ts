/**
 * GraphQL for the sandboxes that speak it (Shopify, Braintree): a request is parsed and validated against the
 * vendor's schema (the subset the sandbox serves) and executed by graphql-js, so a response holds exactly the
 * fields the query selected, and arguments are read the same whether written inline or passed as variables.
 * The vendor supplies the root resolvers; a resolver may return plain objects whose fields are values or
 * functions of the field's arguments.
 */
import { buildSchema, execute, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

export interface GraphqlBody {
	query?: unknown;
	variables?: unknown;
	operationName?: unknown;
}

export interface GraphqlErrorEntry {
	message: string;
	locations?: Array<{ line: number; column: number }>;
	path?: Array<string | number>;
	extensions?: Record<string, unknown>;
}

/** A request ready to run: its document and the operation chosen. */
export interface PreparedOperation {
	document: DocumentNode;
	operation: OperationDefinitionNode;
	variables: Record<string, unknown>;
	/** The root fields it selects, e.g. ['inventoryItems']. */
	rootFields: string[];
}

export class GraphqlExecutor {
	readonly schema: GraphQLSchema;

	constructor(sdl: string) {
		this.schema = buildSchema(sdl);
	}

	/** The operation to run, or the errors a vendor answers for a query that does not parse or validate. */
	prepare(body: GraphqlBody): PreparedOperation | { errors: GraphqlErrorEntry[] } {
		if (typeof body.query !== 'string' || body.query.trim() === '') return { errors: [{ message: 'No query string was present' }] };
		let document: DocumentNode;
		try {
			document = parse(body.query);
		} catch (error) {
			return { errors: [entry(error as GraphQLError)] };
		}
		const invalid = validate(this.schema, document);
		if (invalid.length > 0) return { errors: invalid.map(entry) };
		const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
		const operation = typeof body.operationName === 'string' ? operations.find((candidate) => candidate.name?.value === body.operationName) : operations[0];
		if (!operation || (operations.length > 1 && typeof body.operationName !== 'string')) return { errors: [{ message: 'An operation name is required when the document holds several operations' }] };
		const rootFields = operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : []));
		const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
		return { document, operation, variables, rootFields };
	}

	/** Runs a prepared operation; `root` holds the vendor's resolvers for query and mutation root fields. */
	async run(prepared: PreparedOperation, root: Record<string, unknown>): Promise<{ data?: unknown; errors?: GraphqlErrorEntry[] }> {
		const result = await execute({
			schema: this.schema,
			document: prepared.document,
			operationName: prepared.operation.name?.value,
			rootValue: root,
			variableValues: prepared.variables,
		});
		return { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors?.length ? { errors: result.errors.map(entry) } : {}) };
	}
}

function entry(error: GraphQLError): GraphqlErrorEntry {
	const json = error.toJSON() as GraphqlErrorEntry;
	return { message: json.message, ...(json.locations ? { locations: json.locations } : {}), ...(json.path ? { path: json.path } : {}), ...(json.extensions ? { extensions: json.extensions } : {}) };
}
