/** Salesforce REST API routes under /services/data/v60.0: describe, SOQL query with query locators, sObject rows, collections. */
import { randomUUID } from 'node:crypto';

import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse } from '../framework/types';
import { RecordFailure, SalesforceFailure } from './errors';
import { findSObject, type SObjectType } from './objects';
import { compareBy, matches, parseSoql, SoqlError } from './soql';
import { apiUser, type OrgStore, type SRecord } from './store';

export const apiVersion = 'v60.0';
export const apiBase = `/services/data/${apiVersion}`;
const collectionLimit = 200;
/** Salesforce's longest SOQL statement (characters). */
const soqlMaxLength = 100_000;
/** A composite call carries at most 25 subrequests, at most 5 of them queries. */
const compositeLimit = 25;
const compositeQueryLimit = 5;

interface Locator {
	rows: Array<Record<string, unknown>>;
	position: number;
	batchSize: number;
	totalSize: number;
}

export function registerSalesforceRoutes(router: Router, org: OrgStore): void {
	const locators = new Map<string, Locator>();
	const sObject = (name: string): SObjectType => {
		const type = findSObject(name);
		if (!type) throw new SalesforceFailure(404, 'NOT_FOUND', `The requested resource does not exist`);
		return type;
	};

	// OpenID Connect userinfo: who the session token acts as.
	router.get('/services/oauth2/userinfo', () => ok({
		sub: `https://login.salesforce.com/id/00D8d000000sandbox/${apiUser.Id}`, user_id: apiUser.Id, organization_id: '00D8d000000sandbox',
		preferred_username: apiUser.Username, email: apiUser.Email, name: `${apiUser.FirstName} ${apiUser.LastName}`,
	}));

	router.get(`${apiBase}/sobjects/:object/describe`, (request) => {
		const type = sObject(request.params.object);
		return ok({
			name: type.name,
			keyPrefix: type.keyPrefix,
			fields: type.fields.map((field) => ({
				name: field.name, type: field.type, nillable: !field.required, externalIdField: field.externalId === true, updateable: !field.readOnly, createable: !field.readOnly,
				restrictedPicklist: field.picklist?.restricted === true,
				picklistValues: (field.picklist?.values ?? []).map((value, index) => ({ active: true, defaultValue: index === 0 && field.required === true, label: value, validFor: null, value })),
			})),
		});
	});

	const runQuery = (request: SandboxRequest, includeDeleted: boolean): SandboxResponse => {
		const text = request.query.get('q');
		if (!text) throw new SalesforceFailure(400, 'MALFORMED_QUERY', 'A query string has to be specified');
		if (text.length > soqlMaxLength) throw new SalesforceFailure(400, 'MALFORMED_QUERY', `SOQL statements cannot be longer than ${soqlMaxLength} characters`);
		let query;
		try {
			query = parseSoql(text);
		} catch (error) {
			if (error instanceof SoqlError) throw new SalesforceFailure(400, 'MALFORMED_QUERY', `\n${text}\n^\nERROR at Row:1:Column:1\n${error.message}`);
			throw error;
		}
		const type = findSObject(query.object);
		if (!type) throw new SalesforceFailure(400, 'INVALID_TYPE', `\n${text}\n^\nERROR at Row:1:Column:1\nsObject type '${query.object}' is not supported.`);
		for (const field of [...query.fields, ...query.where.map((condition) => condition.field), ...query.orderBy.map((order) => order.field)]) {
			if (!type.fields.some((known) => known.name.toLowerCase() === field.toLowerCase())) {
				throw new SalesforceFailure(400, 'INVALID_FIELD', `\n${text}\n^\nERROR at Row:1:Column:1\nNo such column '${field}' on entity '${type.name}'.`);
			}
		}
		let rows = [...org.table(type).values()].filter((record) => (includeDeleted || !record.IsDeleted) && query.where.every((condition) => matches(record, condition)));
		if (query.orderBy.length > 0) rows.sort(compareBy(query.orderBy));
		if (query.limit !== undefined) rows = rows.slice(0, query.limit);
		const projected = rows.map((record) => project(type, record, query.fields));
		const batchSize = queryBatchSize(request);
		const locator: Locator = { rows: projected, position: 0, batchSize, totalSize: projected.length };
		return ok(nextBatch(locators, locator));
	};
	router.get(`${apiBase}/query`, (request) => runQuery(request, false));
	router.get(`${apiBase}/queryAll`, (request) => runQuery(request, true));
	const continueQuery = (request: SandboxRequest) => {
		const locator = locators.get(request.params.locator);
		if (!locator) throw new SalesforceFailure(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
		locators.delete(request.params.locator);
		return ok(nextBatch(locators, locator));
	};
	router.get(`${apiBase}/query/:locator`, continueQuery);
	router.get(`${apiBase}/queryAll/:locator`, continueQuery);

	router.get(`${apiBase}/sobjects/:object/:id`, (request) => {
		const type = sObject(request.params.object);
		const record = org.table(type).get(request.params.id);
		if (!record || record.IsDeleted) throw new SalesforceFailure(404, 'NOT_FOUND', 'The requested resource does not exist');
		return ok(project(type, record, type.fields.map((field) => field.name)));
	});

	// Single records: create answers 201 {id, success, errors}; update and delete answer 204 with no body.
	router.post(`${apiBase}/sobjects/:object`, (request) => {
		const type = sObject(request.params.object);
		const fields = writableFields(request.body);
		if (fields.Id !== undefined || fields.id !== undefined) throw new SalesforceFailure(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
		const record = asFailure(() => org.create(type, fields));
		return { status: 201, body: { id: record.Id, success: true, errors: [] } };
	});
	router.patch(`${apiBase}/sobjects/:object/:id`, (request) => {
		const type = sObject(request.params.object);
		const { Id: _id, id: _lower, ...fields } = writableFields(request.body);
		asFailure(() => org.update(type, request.params.id, fields));
		return { status: 204 };
	});
	router.delete(`${apiBase}/sobjects/:object/:id`, (request) => {
		const type = sObject(request.params.object);
		asFailure(() => org.delete(type, request.params.id));
		return { status: 204 };
	});

	router.patch(`${apiBase}/sobjects/:object/:field/:value`, (request) => {
		const type = sObject(request.params.object);
		const field = externalIdField(type, request.params.field);
		const fields = writableFields(request.body);
		try {
			const { record, created } = org.upsert(type, field, { ...fields, [field]: decodeURIComponent(request.params.value) });
			return { status: created ? 201 : 200, body: { id: record.Id, success: true, errors: [], created } };
		} catch (error) {
			if (error instanceof RecordFailure) {
				throw new SalesforceFailure(error.statusCode === 'DUPLICATE_EXTERNAL_ID' ? 300 : 400, error.statusCode, error.message, error.fields);
			}
			throw error;
		}
	});

	router.post(`${apiBase}/composite/sobjects`, (request) => {
		const { records, allOrNone } = collectionBody(request.body);
		return ok(applyAll(records, allOrNone, (record) => {
			const type = typed(record);
			if (record.Id ?? record.id) throw new RecordFailure('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
			return { id: org.create(type, writableFields(record)).Id, created: true };
		}));
	});

	router.patch(`${apiBase}/composite/sobjects`, (request) => {
		const { records, allOrNone } = collectionBody(request.body);
		return ok(applyAll(records, allOrNone, (record) => {
			const type = typed(record);
			const id = String(record.Id ?? record.id ?? '');
			if (!id) throw new RecordFailure('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
			const { Id: _id, id: _lower, ...fields } = writableFields(record);
			return { id: org.update(type, id, fields).Id };
		}));
	});

	router.patch(`${apiBase}/composite/sobjects/:object/:field`, (request) => {
		const type = sObject(request.params.object);
		const field = externalIdField(type, request.params.field);
		const { records, allOrNone } = collectionBody(request.body);
		return ok(applyAll(records, allOrNone, (record) => {
			if (typed(record).name !== type.name) throw new RecordFailure('INVALID_TYPE', `All records must be of type ${type.name}`);
			const { record: saved, created } = org.upsert(type, field, writableFields(record));
			return { id: saved.Id, created };
		}));
	});

	// Composite: subrequests run in order through these same routes; the whole call counts as one API call.
	router.post(`${apiBase}/composite`, async (request) => {
		const subrequests = (request.body as { compositeRequest?: unknown } | undefined)?.compositeRequest;
		if (!Array.isArray(subrequests) || subrequests.length === 0) throw new SalesforceFailure(400, 'JSON_PARSER_ERROR', 'compositeRequest is required');
		if (subrequests.length > compositeLimit) throw new SalesforceFailure(400, 'LIMIT_EXCEEDED', `Limit Exceeded. A composite request can have at most ${compositeLimit} subrequests`);
		const parts = subrequests.map((part) => compositePart(part));
		if (parts.filter((part) => isQuery(part.path)).length > compositeQueryLimit) {
			throw new SalesforceFailure(400, 'LIMIT_EXCEEDED', `Limit Exceeded. A composite request can have at most ${compositeQueryLimit} query operations`);
		}
		const compositeResponse = [];
		for (const part of parts) {
			const route = router.match(part.method, part.path);
			let response: SandboxResponse;
			try {
				if (!route) throw new SalesforceFailure(404, 'NOT_FOUND', 'The requested resource does not exist');
				response = await route.handler({ ...request, method: part.method, path: part.path, query: part.query, body: part.body, rawBody: JSON.stringify(part.body ?? ''), params: route.params });
			} catch (error) {
				if (!(error instanceof SandboxError)) throw error;
				response = error.response;
			}
			compositeResponse.push({ body: response.body ?? null, httpHeaders: response.headers ?? {}, httpStatusCode: response.status, referenceId: part.referenceId });
		}
		return ok({ compositeResponse });
	});

	router.delete(`${apiBase}/composite/sobjects`, (request) => {
		const ids = (request.query.get('ids') ?? '').split(',').filter(Boolean);
		if (ids.length === 0) throw new SalesforceFailure(400, 'MISSING_ARGUMENT', 'ids not specified');
		if (ids.length > collectionLimit) throw new SalesforceFailure(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${collectionLimit} records into this call`);
		return ok(ids.map((id) => {
			const found = org.find(id);
			try {
				if (!found) throw new RecordFailure('ENTITY_IS_DELETED', 'entity is deleted');
				org.delete(found.type, id);
				return { id, success: true, errors: [] };
			} catch (error) {
				if (error instanceof RecordFailure) return error.toItem(id);
				throw error;
			}
		}));
	});
}

function compositePart(value: unknown): { method: string; path: string; query: URLSearchParams; body: unknown; referenceId: string } {
	const part = (value ?? {}) as { method?: unknown; url?: unknown; body?: unknown; referenceId?: unknown };
	if (typeof part.method !== 'string' || typeof part.url !== 'string' || typeof part.referenceId !== 'string') {
		throw new SalesforceFailure(400, 'JSON_PARSER_ERROR', 'Each subrequest needs method, url and referenceId');
	}
	const url = new URL(part.url, 'http://composite.invalid');
	return { method: part.method.toUpperCase(), path: url.pathname, query: url.searchParams, body: part.body, referenceId: part.referenceId };
}

function isQuery(path: string): boolean {
	return /\/(query|queryAll)(\/|$)/.test(path);
}

function ok(body: unknown): SandboxResponse {
	return { status: 200, body };
}

function queryBatchSize(request: SandboxRequest): number {
	const header = request.headers['sforce-query-options'];
	const requested = typeof header === 'string' ? Number(/batchSize=(\d+)/i.exec(header)?.[1]) : Number.NaN;
	return Number.isFinite(requested) ? Math.min(2000, Math.max(200, requested)) : 2000;
}

function nextBatch(locators: Map<string, Locator>, locator: Locator) {
	const records = locator.rows.slice(locator.position, locator.position + locator.batchSize);
	const position = locator.position + records.length;
	const done = position >= locator.rows.length;
	const body: Record<string, unknown> = { totalSize: locator.totalSize, done, records };
	if (!done) {
		const id = `01g8d00000${randomUUID().replace(/-/g, '').slice(0, 8)}-${position}`;
		locators.set(id, { ...locator, position });
		body.nextRecordsUrl = `${apiBase}/query/${id}`;
	}
	return body;
}

function project(type: SObjectType, record: SRecord, fields: string[]): Record<string, unknown> {
	const row: Record<string, unknown> = { attributes: { type: type.name, url: `${apiBase}/sobjects/${type.name}/${record.Id}` } };
	for (const field of fields) {
		const known = type.fields.find((candidate) => candidate.name.toLowerCase() === field.toLowerCase())!;
		row[known.name] = record[known.name] ?? null;
	}
	return row;
}

/** A store failure on a single-record call as Salesforce answers it: 404 for a missing or deleted record, else 400. */
function asFailure<T>(work: () => T): T {
	try {
		return work();
	} catch (error) {
		if (!(error instanceof RecordFailure)) throw error;
		// The record itself not found; a bad reference in a field (an owner) stays a 400 naming the field.
		if (error.statusCode === 'INVALID_CROSS_REFERENCE_KEY' && error.fields.length === 0) throw new SalesforceFailure(404, 'NOT_FOUND', 'The requested resource does not exist');
		throw new SalesforceFailure(error.statusCode === 'ENTITY_IS_DELETED' ? 404 : 400, error.statusCode, error.message, error.fields);
	}
}

function externalIdField(type: SObjectType, name: string): string {
	const field = type.fields.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
	if (!field) throw new SalesforceFailure(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
	if (!field.externalId && field.name !== 'Id') throw new SalesforceFailure(400, 'INVALID_FIELD', `Field ${name} is not an external id field`);
	return field.name;
}

function writableFields(body: unknown): Record<string, unknown> {
	const { attributes: _attributes, ...fields } = (body ?? {}) as Record<string, unknown>;
	return fields;
}

function typed(record: Record<string, unknown>): SObjectType {
	const name = (record.attributes as { type?: string } | undefined)?.type;
	if (!name) throw new RecordFailure('INVALID_TYPE', 'Must send a concrete entity type.');
	const type = findSObject(name);
	if (!type) throw new RecordFailure('INVALID_TYPE', `sObject type '${name}' is not supported.`);
	return type;
}

function collectionBody(body: unknown): { records: Array<Record<string, unknown>>; allOrNone: boolean } {
	const value = (body ?? {}) as { records?: unknown; allOrNone?: unknown };
	if (!Array.isArray(value.records)) throw new SalesforceFailure(400, 'JSON_PARSER_ERROR', 'records is required');
	if (value.records.length > collectionLimit) {
		throw new SalesforceFailure(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${collectionLimit} records into this call`);
	}
	return { records: value.records as Array<Record<string, unknown>>, allOrNone: value.allOrNone === true };
}

/**
 * Applies each record; with allOrNone a single failure rolls every record back (the sandbox validates all first,
 * then writes), else each record succeeds or fails alone.
 */
function applyAll(
	records: Array<Record<string, unknown>>,
	allOrNone: boolean,
	apply: (record: Record<string, unknown>) => { id: string; created?: boolean },
): unknown[] {
	if (allOrNone) {
		// Dry-run is not available on the store, so check the cheap failure first: every record typed.
		for (const record of records) {
			try {
				typed(record);
			} catch (error) {
				if (error instanceof RecordFailure) return records.map((other) => (other === record ? error.toItem() : new RecordFailure('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header').toItem()));
				throw error;
			}
		}
	}
	return records.map((record) => {
		try {
			const { id, created } = apply(record);
			return created === undefined ? { id, success: true, errors: [] } : { id, success: true, errors: [], created };
		} catch (error) {
			if (error instanceof RecordFailure) return error.toItem();
			throw error;
		}
	});
}
