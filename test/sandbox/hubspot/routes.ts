/** The CRM v3 endpoints: objects (basic, batch, search), the properties list and the pipelines. */
import type { Router } from '../framework/router';
import type { SandboxRequest, SandboxResponse } from '../framework/types';
import { associateOnCreate } from './associations';
import { HubspotFailure, objectNotFound, validationError } from './errors';
import { type CrmObjectType, describeProperty, findObjectType } from './objects';
import { findPipeline, pipelinesOf, presentPipeline } from './pipelines';
import { search } from './search';
import { type CrmRecord, type CrmStore, type ObjectTable, present, withHistory } from './store';

const maxBatchInputs = 100;
const maxListLimit = 100;

type BatchInput = { id?: unknown; idProperty?: unknown; properties?: unknown; objectWriteTraceId?: unknown };

export function registerCrmRoutes(router: Router, store: CrmStore, baseUrl: () => string): void {
	const objects = '/crm/v3/objects/:objectType';
	const table = (request: SandboxRequest) => store.table(objectType(request.params.objectType).name);
	router
		.get(objects, (request) => listPage(table(request), request, baseUrl()))
		.post(objects, (request) => {
			const body = objectBody(request.body);
			const records = table(request);
			const record = records.create(body.properties);
			associateOnCreate(store, records.type.name, record.id, body.associations);
			return { status: 201, body: present(record) };
		})
		.post(`${objects}/search`, (request) => searchPage(table(request), request))
		.post(`${objects}/batch/read`, (request) => batchRead(table(request), request))
		.post(`${objects}/batch/create`, (request) => batchCreate(store, table(request), request))
		.post(`${objects}/batch/update`, (request) => batchUpdate(table(request), request))
		.post(`${objects}/batch/upsert`, (request) => batchUpsert(table(request), request))
		.post(`${objects}/batch/archive`, (request) => batchArchive(table(request), request))
		.get(`${objects}/:objectId`, (request) => {
			const records = table(request);
			const record = records.require(request.params.objectId, lookup(records, request));
			const body = present(record, responseProperties(records.type, listParam(request, 'properties')));
			return { status: 200, body: withHistory(body, record, listParam(request, 'propertiesWithHistory')) };
		})
		.patch(`${objects}/:objectId`, (request) => {
			const records = table(request);
			const record = records.require(request.params.objectId, { idProperty: lookup(records, request).idProperty });
			return { status: 200, body: present(records.update(record, objectBody(request.body).properties)) };
		})
		.delete(`${objects}/:objectId`, (request) => {
			const records = table(request);
			const record = records.find(request.params.objectId, { idProperty: lookup(records, request).idProperty });
			if (record) records.archive(record);
			return { status: 204 };
		})
		.get('/crm/v3/properties/:objectType', (request) => ({
			status: 200,
			body: { results: objectType(request.params.objectType).properties.map(describeProperty) },
		}))
		.get('/crm/v3/pipelines/:objectType', (request) => ({
			status: 200,
			body: { results: pipelinesOf(objectType(request.params.objectType).name).map(presentPipeline) },
		}))
		.get('/crm/v3/pipelines/:objectType/:pipelineId', (request) => {
			const { pipeline, index } = findPipeline(objectType(request.params.objectType).name, request.params.pipelineId);
			return { status: 200, body: presentPipeline(pipeline, index) };
		})
		.get('/crm/v3/properties/:objectType/:propertyName', (request) => {
			const properties = objectType(request.params.objectType).properties;
			const index = properties.findIndex((property) => property.name === request.params.propertyName);
			if (index < 0) throw objectNotFound(`Unable to find property ${request.params.propertyName}`);
			return { status: 200, body: describeProperty(properties[index], index) };
		});
}

function objectType(name: string): CrmObjectType {
	const type = findObjectType(name);
	if (!type) throw validationError(`Unable to infer object type from: ${name}`);
	return type;
}

function listPage(records: ObjectTable, request: SandboxRequest, baseUrl: string): SandboxResponse {
	const limit = integerParam(request, 'limit', 10);
	if (limit < 1 || limit > maxListLimit) throw validationError(`limit must be between 1 and ${maxListLimit}`);
	const after = integerParam(request, 'after', 0);
	const names = responseProperties(records.type, listParam(request, 'properties'));
	const page = records.page(after, limit, booleanParam(request, 'archived'));
	const history = listParam(request, 'propertiesWithHistory');
	const body: Record<string, unknown> = { results: page.records.map((record) => withHistory(present(record, names), record, history)) };
	if (page.nextAfter) {
		const next = new URLSearchParams(request.query);
		next.set('after', page.nextAfter);
		body.paging = { next: { after: page.nextAfter, link: `${baseUrl}${request.path}?${next}` } };
	}
	return { status: 200, body };
}

function searchPage(records: ObjectTable, request: SandboxRequest): SandboxResponse {
	const page = search(records.type, records.searchable(), request.body);
	const names = responseProperties(records.type, page.properties ?? []);
	const body: Record<string, unknown> = { total: page.total, results: page.results.map((record) => present(record, names)) };
	if (page.nextAfter) body.paging = { next: { after: page.nextAfter } };
	return { status: 200, body };
}

function batchRead(records: ObjectTable, request: SandboxRequest): SandboxResponse {
	const body = objectBody(request.body);
	const inputs = batchInputs(body);
	const idProperty = optionalString(body.idProperty, 'idProperty');
	records.checkIdProperty(idProperty);
	const names = responseProperties(records.type, Array.isArray(body.properties) ? body.properties.map(String) : []);
	const archived = booleanParam(request, 'archived');
	const started = new Date().toISOString();
	const results: CrmRecord[] = [];
	const missing: string[] = [];
	for (const input of inputs) {
		const id = String(input.id);
		const record = records.find(id, { idProperty, archived });
		if (record) results.push(present(record, names));
		else missing.push(id);
	}
	const errors = missing.length === 0 ? [] : [notFoundInBatch(records.type, missing).toBatchError()];
	return batchResponse(results, errors, 200, started);
}

function batchCreate(store: CrmStore, records: ObjectTable, request: SandboxRequest): SandboxResponse {
	const started = new Date().toISOString();
	const outcome = eachInput(batchInputs(objectBody(request.body)), (input) => {
		const record = records.create(input.properties);
		associateOnCreate(store, records.type.name, record.id, (input as { associations?: unknown }).associations);
		return present(record);
	});
	return batchResponse(outcome.results, outcome.errors, 201, started);
}

function batchUpdate(records: ObjectTable, request: SandboxRequest): SandboxResponse {
	const started = new Date().toISOString();
	const inputs = uniqueIdInputs(batchInputs(objectBody(request.body)));
	const outcome = eachInput(inputs, (input) => {
		const idProperty = optionalString(input.idProperty, 'idProperty');
		records.checkIdProperty(idProperty);
		const record = records.find(String(input.id), { idProperty });
		if (!record) throw notFoundInBatch(records.type, [String(input.id)]);
		return present(records.update(record, input.properties));
	});
	return batchResponse(outcome.results, outcome.errors, 200, started);
}

/** With a unique idProperty (email), a missing record is created with that value; by record id it must exist. */
function batchUpsert(records: ObjectTable, request: SandboxRequest): SandboxResponse {
	const started = new Date().toISOString();
	const inputs = uniqueIdInputs(batchInputs(objectBody(request.body)));
	const outcome = eachInput(inputs, (input) => {
		const id = String(input.id);
		const idProperty = optionalString(input.idProperty, 'idProperty');
		records.checkIdProperty(idProperty);
		const existing = records.find(id, { idProperty });
		if (existing) return { ...present(records.update(existing, input.properties)), new: false };
		if (!idProperty || idProperty === 'hs_object_id') throw notFoundInBatch(records.type, [id]);
		const properties = { ...objectOrEmpty(input.properties), [idProperty]: id };
		return { ...present(records.create(properties)), new: true };
	});
	return batchResponse(outcome.results, outcome.errors, 200, started);
}

function batchArchive(records: ObjectTable, request: SandboxRequest): SandboxResponse {
	for (const input of batchInputs(objectBody(request.body))) {
		const record = records.find(String(input.id));
		if (record) records.archive(record);
	}
	return { status: 204 };
}

/** Runs one input at a time; a HubSpot failure becomes that input's entry in `errors`, the others go on. */
function eachInput<T>(inputs: BatchInput[], write: (input: BatchInput) => T): { results: T[]; errors: unknown[] } {
	const results: T[] = [];
	const errors: unknown[] = [];
	for (const input of inputs) {
		const traceId = input.objectWriteTraceId === undefined ? undefined : String(input.objectWriteTraceId);
		try {
			const result = write(input);
			results.push(traceId === undefined ? result : { ...result, objectWriteTraceId: traceId });
		} catch (error) {
			if (!(error instanceof HubspotFailure)) throw error;
			errors.push(batchError(error, input, traceId));
		}
	}
	return { results, errors };
}

/** Names the input a batch error belongs to, by its id and its objectWriteTraceId when it has them. */
function batchError(failure: HubspotFailure, input: BatchInput, traceId: string | undefined): unknown {
	const entry = failure.toBatchError() as { context: Record<string, string[]> };
	if (input.id !== undefined && !entry.context.ids) entry.context = { ...entry.context, ids: [String(input.id)] };
	if (traceId !== undefined) entry.context = { ...entry.context, objectWriteTraceId: [traceId] };
	return entry;
}

function notFoundInBatch(type: CrmObjectType, ids: string[]): HubspotFailure {
	const objectName = type.singular.toUpperCase();
	return objectNotFound(`Could not get some ${objectName} objects, they may be deleted or not exist. Check that ids are valid.`, ids);
}

function batchResponse(results: unknown[], errors: unknown[], okStatus: number, startedAt: string): SandboxResponse {
	const body: Record<string, unknown> = {
		status: 'COMPLETE',
		results,
		requestedAt: startedAt,
		startedAt,
		completedAt: new Date().toISOString(),
	};
	if (errors.length === 0) return { status: okStatus, body };
	return { status: 207, body: { ...body, numErrors: errors.length, errors } };
}

function batchInputs(body: Record<string, unknown>): BatchInput[] {
	const inputs = body.inputs;
	if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" must be an array');
	if (inputs.length > maxBatchInputs) {
		throw validationError(`Batch input is limited to ${maxBatchInputs} inputs; received ${inputs.length}`);
	}
	for (const input of inputs) {
		if (typeof input !== 'object' || input === null) throw validationError('Invalid input JSON: every input must be an object');
	}
	return inputs as BatchInput[];
}

function uniqueIdInputs(inputs: BatchInput[]): BatchInput[] {
	const ids = inputs.map((input) => String(input.id));
	const duplicates = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
	if (duplicates.length > 0) {
		throw validationError(`Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`);
	}
	return inputs;
}

/** The properties a read returns: the object's defaults, or those asked for plus id and timestamps. */
function responseProperties(type: CrmObjectType, requested: string[]): string[] {
	if (requested.length === 0) return type.defaultProperties;
	const known = requested.filter((name) => type.properties.some((property) => property.name === name));
	return [...new Set([...known, 'hs_object_id', 'createdate', type.lastModifiedProperty])].sort();
}

function lookup(records: ObjectTable, request: SandboxRequest): { idProperty?: string; archived: boolean } {
	const idProperty = request.query.get('idProperty') ?? undefined;
	records.checkIdProperty(idProperty);
	return { idProperty, archived: booleanParam(request, 'archived') };
}

/** `properties=a,b` and `properties=a&properties=b` alike. */
function listParam(request: SandboxRequest, name: string): string[] {
	return request.query
		.getAll(name)
		.flatMap((value) => value.split(','))
		.map((value) => value.trim())
		.filter((value) => value !== '');
}

function booleanParam(request: SandboxRequest, name: string): boolean {
	return request.query.get(name) === 'true';
}

function integerParam(request: SandboxRequest, name: string, fallback: number): number {
	const raw = request.query.get(name);
	if (raw === null || raw === '') return fallback;
	if (!/^\d+$/.test(raw)) throw validationError(`${name} must be a non-negative integer, got ${raw}`);
	return Number(raw);
}

function optionalString(value: unknown, name: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw validationError(`${name} must be a string`);
	return value;
}

function objectBody(body: unknown): Record<string, unknown> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw validationError('Invalid input JSON: expected a JSON object body');
	}
	return body as Record<string, unknown>;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
