/**
 * Checks every GraphQL exchange a sandbox has against the vendor's published schema, independently of how the
 * sandbox executes it: the query validates against the schema, its variables fit their declared types, and the
 * response's `data` holds exactly the fields
 * the query selected (aliases, fragments, @skip/@include), each of the type the schema gives it (non-null, lists,
 * scalars, enum values, concrete types of interfaces and unions).
 */
import {
	getNullableType,
	getVariableValues,
	GraphQLEnumType,
	GraphQLInterfaceType,
	GraphQLList,
	GraphQLNonNull,
	GraphQLObjectType,
	GraphQLScalarType,
	GraphQLUnionType,
	Kind,
	parse,
	validate,
	valueFromASTUntyped,
	type DirectiveNode,
	type DocumentNode,
	type FragmentDefinitionNode,
	type GraphQLCompositeType,
	type GraphQLField,
	type GraphQLOutputType,
	type GraphQLSchema,
	type OperationDefinitionNode,
	type SelectionSetNode,
} from 'graphql';

import type { SandboxExchange } from '../framework/server';

interface Context {
	schema: GraphQLSchema;
	fragments: Map<string, FragmentDefinitionNode>;
	variables: Record<string, unknown>;
	problems: string[];
}

/** One response key the selection asks for: its field, the sub-selections merged, and whether it must appear. */
interface Expected {
	field: GraphQLField<unknown, unknown> | '__typename';
	selections: SelectionSetNode[];
	required: boolean;
}

const stringScalars = new Set(['String', 'ID']);

function included(node: { directives?: readonly DirectiveNode[] }, variables: Record<string, unknown>): boolean {
	for (const directive of node.directives ?? []) {
		const argument = directive.arguments?.find((candidate) => candidate.name.value === 'if');
		if (!argument) continue;
		const value = argument.value.kind === Kind.VARIABLE ? variables[argument.value.name.value] : argument.value.kind === Kind.BOOLEAN ? argument.value.value : undefined;
		if (directive.name.value === 'skip' && value === true) return false;
		if (directive.name.value === 'include' && value === false) return false;
	}
	return true;
}

/** The runtime type of an object value: its __typename when given, else the static type when it is concrete. */
function runtimeType(context: Context, staticType: GraphQLCompositeType, value: Record<string, unknown>): GraphQLObjectType | undefined {
	if (typeof value.__typename === 'string') {
		const named = context.schema.getType(value.__typename);
		return named instanceof GraphQLObjectType ? named : undefined;
	}
	return staticType instanceof GraphQLObjectType ? staticType : undefined;
}

function appliesTo(context: Context, condition: string | undefined, concrete: GraphQLObjectType | undefined): boolean | 'unknown' {
	if (!condition) return true;
	if (!concrete) return 'unknown';
	if (condition === concrete.name) return true;
	const named = context.schema.getType(condition);
	if (named instanceof GraphQLInterfaceType || named instanceof GraphQLUnionType) return context.schema.isSubType(named, concrete);
	return false;
}

function collect(context: Context, type: GraphQLCompositeType, concrete: GraphQLObjectType | undefined, selectionSet: SelectionSetNode, required: boolean, into: Map<string, Expected>): void {
	for (const selection of selectionSet.selections) {
		if (!included(selection, context.variables)) continue;
		if (selection.kind === Kind.FIELD) {
			const key = selection.alias?.value ?? selection.name.value;
			const name = selection.name.value;
			const owner = concrete ?? type;
			const field = name === '__typename' ? '__typename' : 'getFields' in owner ? owner.getFields()[name] : undefined;
			if (!field) continue;
			const known = into.get(key);
			if (known) {
				known.required ||= required;
				if (selection.selectionSet) known.selections.push(selection.selectionSet);
			} else into.set(key, { field, selections: selection.selectionSet ? [selection.selectionSet] : [], required });
			continue;
		}
		const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : context.fragments.get(selection.name.value);
		if (!fragment) continue;
		const condition = fragment.typeCondition?.name.value;
		const applies = appliesTo(context, condition, concrete);
		if (applies === false) continue;
		const fragmentType = condition ? (context.schema.getType(condition) as GraphQLCompositeType) : type;
		collect(context, fragmentType, concrete ?? (fragmentType instanceof GraphQLObjectType ? fragmentType : undefined), fragment.selectionSet, required && applies === true, into);
	}
}

function checkObject(context: Context, type: GraphQLCompositeType, selections: SelectionSetNode[], value: unknown, path: string): void {
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		context.problems.push(`${path} must be an object (${type.name})`);
		return;
	}
	const record = value as Record<string, unknown>;
	const concrete = runtimeType(context, type, record);
	if (concrete && type !== concrete && !context.schema.isSubType(type as GraphQLInterfaceType | GraphQLUnionType, concrete)) {
		context.problems.push(`${path} is a ${concrete.name}, which is not a ${type.name}`);
	}
	const expected = new Map<string, Expected>();
	for (const selectionSet of selections) collect(context, type, concrete, selectionSet, true, expected);
	for (const key of Object.keys(record)) if (!expected.has(key)) context.problems.push(`${path}.${key} was not selected`);
	for (const [key, entry] of expected) {
		if (!(key in record)) {
			if (entry.required) context.problems.push(`${path}.${key} was selected but is missing`);
			continue;
		}
		if (entry.field === '__typename') {
			if (typeof record[key] !== 'string') context.problems.push(`${path}.${key} must be a type name`);
			continue;
		}
		checkValue(context, entry.field.type, entry.selections, record[key], `${path}.${key}`);
	}
}

function checkValue(context: Context, type: GraphQLOutputType, selections: SelectionSetNode[], value: unknown, path: string): void {
	if (type instanceof GraphQLNonNull) {
		if (value === null || value === undefined) context.problems.push(`${path} must not be null (${String(type)})`);
		else checkValue(context, type.ofType as GraphQLOutputType, selections, value, path);
		return;
	}
	if (value === null) return;
	if (type instanceof GraphQLList) {
		if (!Array.isArray(value)) context.problems.push(`${path} must be a list (${String(type)})`);
		else value.forEach((entry, index) => checkValue(context, type.ofType as GraphQLOutputType, selections, entry, `${path}[${index}]`));
		return;
	}
	if (type instanceof GraphQLEnumType) {
		if (typeof value !== 'string' || !type.getValue(value)) context.problems.push(`${path} ${JSON.stringify(value)} is not a ${type.name} value`);
		return;
	}
	if (type instanceof GraphQLScalarType) {
		if (!scalarFits(type, value)) context.problems.push(`${path} ${JSON.stringify(value)} is not a ${type.name}`);
		return;
	}
	checkObject(context, getNullableType(type) as GraphQLCompositeType, selections, value, path);
}

function scalarFits(type: GraphQLScalarType, value: unknown): boolean {
	if (stringScalars.has(type.name)) return typeof value === 'string';
	if (type.name === 'Int') return Number.isInteger(value);
	if (type.name === 'Float') return typeof value === 'number';
	if (type.name === 'Boolean') return typeof value === 'boolean';
	// A vendor's own scalars (DateTime, UnsignedInt64, Money, JSON...) are serialised as JSON values, never undefined.
	return value !== undefined;
}

export interface GraphqlCheck {
	operation?: OperationDefinitionNode;
	problems: string[];
}

/** Problems of one request and its response against `schema`; the operation it ran, when the query parses. */
export function checkGraphqlExchange(schema: GraphQLSchema, request: { query?: unknown; variables?: unknown; operationName?: unknown }, response: unknown): GraphqlCheck {
	const problems: string[] = [];
	let document: DocumentNode;
	try {
		document = parse(String(request.query ?? ''));
	} catch (error) {
		return { problems: [`the query does not parse: ${(error as Error).message}`] };
	}
	for (const error of validate(schema, document)) problems.push(`the query does not validate: ${error.message}`);
	const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
	const operation = typeof request.operationName === 'string' ? operations.find((candidate) => candidate.name?.value === request.operationName) : operations[0];
	if (operation && problems.length === 0) {
		// The variables must fit the types the operation declares for them, in the vendor's schema.
		const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (request.variables ?? {}) as Record<string, unknown>);
		for (const error of coerced.errors ?? []) problems.push(`the variables do not fit: ${error.message}`);
	}
	const body = (response ?? {}) as { data?: unknown; errors?: unknown };
	if (body.errors !== undefined && (!Array.isArray(body.errors) || body.errors.some((entry) => typeof (entry as { message?: unknown })?.message !== 'string'))) {
		problems.push('errors must be a list of objects with a message');
	}
	if (body.data === undefined && body.errors === undefined) problems.push('a response needs data or errors');
	if (problems.length > 0 || !operation || body.data === undefined || body.data === null) return { operation, problems };
	const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
	if (!root) return { operation, problems: [`the schema has no ${operation.operation} type`] };
	const variables = variableValues(operation, request.variables);
	const fragments = new Map(document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]));
	const context: Context = { schema, fragments, variables, problems };
	checkObject(context, root, [operation.selectionSet], body.data, 'data');
	return { operation, problems };
}

function variableValues(operation: OperationDefinitionNode, given: unknown): Record<string, unknown> {
	const values = { ...((given ?? {}) as Record<string, unknown>) };
	for (const definition of operation.variableDefinitions ?? []) {
		const name = definition.variable.name.value;
		if (!(name in values) && definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
	}
	return values;
}

/** Records a sandbox's exchanges at its GraphQL endpoint and checks them against the vendor's schema. */
export class GraphqlConformance {
	readonly exchanges: SandboxExchange[] = [];

	constructor(private readonly schema: GraphQLSchema, private readonly endpoint: RegExp) {}

	readonly record = (exchange: SandboxExchange): void => {
		if (this.endpoint.test(exchange.path)) this.exchanges.push(exchange);
	};

	/** One line per exchange that breaks the schema; only answers that carry GraphQL (200s) are checked. */
	problems(): string[] {
		return this.exchanges
			.filter((exchange) => exchange.status === 200)
			.flatMap((exchange) => {
				const { problems } = checkGraphqlExchange(this.schema, exchange.requestBody as Record<string, unknown>, exchange.body);
				return problems.map((problem) => `${operationLabel(exchange)}: ${problem}`);
			});
	}

	/** The root fields exercised, as 'query inventoryItems' / 'mutation inventorySetQuantities', sorted, once each. */
	covered(): string[] {
		const seen = new Set<string>();
		for (const exchange of this.exchanges) {
			const { operation } = checkGraphqlExchange(this.schema, exchange.requestBody as Record<string, unknown>, exchange.body);
			for (const selection of operation?.selectionSet.selections ?? []) if (selection.kind === Kind.FIELD) seen.add(`${operation!.operation} ${selection.name.value}`);
		}
		return [...seen].sort();
	}

	clear(): void {
		this.exchanges.length = 0;
	}
}

function operationLabel(exchange: SandboxExchange): string {
	const query = String((exchange.requestBody as { query?: unknown } | undefined)?.query ?? '');
	return query.replace(/\s+/g, ' ').slice(0, 60);
}
