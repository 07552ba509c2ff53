/**
 * The vendors' published GraphQL schemas (from /work/shared/specs), and the subset of one that a sandbox serves:
 * the fields a sandbox names, printed with the vendor's own arguments and types, plus every input type and enum
 * those arguments reach. A sandbox executes against its committed subset (`schema.graphql` beside it); the
 * conformance test regenerates the subset from the vendor's schema and expects the committed file to equal it.
 *
 * Regenerate: npx tsx test/sandbox/support/graphqlSchemas.ts shopify|braintree
 */
import {
	astFromValue,
	buildClientSchema,
	buildSchema,
	getNamedType,
	GraphQLEnumType,
	GraphQLInputObjectType,
	GraphQLInterfaceType,
	GraphQLObjectType,
	GraphQLScalarType,
	GraphQLUnionType,
	print,
	specifiedScalarTypes,
	type GraphQLArgument,
	type GraphQLInputField,
	type GraphQLNamedType,
	type GraphQLSchema,
	type IntrospectionQuery,
} from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { specsFolder } from './openapi';

const cache = new Map<string, GraphQLSchema>();

/** Shopify Admin 2025-01 (introspection JSON) or Braintree (SDL), as published. */
export function vendorSchema(vendor: 'shopify' | 'braintree'): GraphQLSchema {
	const cached = cache.get(vendor);
	if (cached) return cached;
	const schema = vendor === 'shopify'
		? buildClientSchema((JSON.parse(gunzipSync(readFileSync(join(specsFolder, 'shopify/admin_schema_2025-01.json.gz'))).toString('utf8')) as { data: IntrospectionQuery }).data)
		: buildSchema(readFileSync(join(specsFolder, 'braintree/schema.graphql'), 'utf8'));
	cache.set(vendor, schema);
	return schema;
}

/** Output type name → the fields a sandbox serves on it (all of an interface's or union's members must be listed too). */
export type ServedFields = Record<string, string[]>;

function printDefault(argument: GraphQLArgument | GraphQLInputField): string {
	if (argument.defaultValue === undefined) return '';
	const ast = astFromValue(argument.defaultValue, argument.type);
	return ast ? ` = ${print(ast)}` : '';
}

function printArguments(args: readonly GraphQLArgument[]): string {
	if (args.length === 0) return '';
	return `(${args.map((argument) => `${argument.name}: ${String(argument.type)}${printDefault(argument)}`).join(', ')})`;
}

/** The SDL of the served subset of `schema`: the listed output fields, and every input, enum and scalar they reach. */
export function servedSubset(schema: GraphQLSchema, served: ServedFields): string {
	const blocks = new Map<string, string>();
	const pending: GraphQLNamedType[] = [];
	const reach = (type: GraphQLNamedType) => {
		if (!blocks.has(type.name) && !pending.includes(type)) pending.push(type);
	};
	for (const [typeName, fieldNames] of Object.entries(served)) {
		const type = schema.getType(typeName);
		if (!type) throw new Error(`${typeName} is not in the vendor's schema`);
		if (type instanceof GraphQLUnionType) {
			blocks.set(typeName, `union ${typeName} = ${fieldNames.join(' | ')}`);
			continue;
		}
		if (!(type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType)) throw new Error(`${typeName} is not an output object type`);
		const fields = type.getFields();
		const lines = fieldNames.map((name) => {
			const field = fields[name];
			if (!field) throw new Error(`${typeName}.${name} is not in the vendor's schema`);
			field.args.forEach((argument) => reach(getNamedType(argument.type)));
			const target = getNamedType(field.type);
			if (!(target instanceof GraphQLObjectType || target instanceof GraphQLInterfaceType || target instanceof GraphQLUnionType)) reach(target);
			else if (!served[target.name]) throw new Error(`${typeName}.${name} returns ${target.name}, which serves no fields`);
			return `  ${name}${printArguments(field.args)}: ${String(field.type)}`;
		});
		const implemented = type instanceof GraphQLObjectType ? type.getInterfaces().filter((candidate) => served[candidate.name]).map((candidate) => candidate.name) : [];
		const keyword = type instanceof GraphQLInterfaceType ? 'interface' : 'type';
		blocks.set(typeName, `${keyword} ${typeName}${implemented.length ? ` implements ${implemented.join(' & ')}` : ''} {\n${lines.join('\n')}\n}`);
	}
	while (pending.length > 0) {
		const type = pending.shift() as GraphQLNamedType;
		if (blocks.has(type.name)) continue;
		if (type instanceof GraphQLScalarType) {
			if (!specifiedScalarTypes.some((scalar) => scalar.name === type.name)) blocks.set(type.name, `scalar ${type.name}`);
		} else if (type instanceof GraphQLEnumType) {
			blocks.set(type.name, `enum ${type.name} {\n${type.getValues().map((value) => `  ${value.name}`).join('\n')}\n}`);
		} else if (type instanceof GraphQLInputObjectType) {
			const fields = Object.values(type.getFields());
			fields.forEach((field) => reach(getNamedType(field.type)));
			const oneOf = (type as { isOneOf?: boolean }).isOneOf ? ' @oneOf' : '';
			blocks.set(type.name, `input ${type.name}${oneOf} {\n${fields.map((field) => `  ${field.name}: ${String(field.type)}${printDefault(field)}`).join('\n')}\n}`);
		}
		// Output types are reached only through `served`.
		else throw new Error(`${type.name} is reached but not served`);
	}
	const roots = [schema.getQueryType(), schema.getMutationType()].filter((root) => root && served[root.name]).map((root) => root as GraphQLObjectType);
	const schemaBlock = `schema {\n${roots.map((root) => `  ${root === schema.getQueryType() ? 'query' : 'mutation'}: ${root.name}`).join('\n')}\n}`;
	const header = '# Generated by test/sandbox/support/graphqlSchemas.ts from the vendor\'s published schema: the fields this sandbox serves.\n';
	return `${header}${[schemaBlock, ...[...blocks.keys()].sort().map((name) => blocks.get(name))].join('\n\n')}\n`;
}

/** Where a sandbox keeps its subset and the list of fields it serves. */
export function subsetFile(vendor: 'shopify' | 'braintree'): string {
	return join(__dirname, '..', vendor, 'schema.graphql');
}

if (require.main === module) {
	const vendor = process.argv[2] as 'shopify' | 'braintree';
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { servedFields } = require(join(__dirname, '..', vendor, 'schema.ts')) as { servedFields: ServedFields };
	writeFileSync(subsetFile(vendor), servedSubset(vendorSchema(vendor), servedFields));
	console.log(`wrote ${subsetFile(vendor)}`);
}
