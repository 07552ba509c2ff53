/** `POST /crm/v3/objects/{type}/search`: filter groups (OR of ANDs), one sort, offset paging capped at 10,000 results. */
import { validationError } from './errors';
import { type CrmObjectType, type CrmProperty, findProperty } from './objects';
import type { IndexedRecord } from './store';
import { toInstant } from './values';

interface Filter {
	propertyName: string;
	operator: string;
	value?: unknown;
	highValue?: unknown;
	values?: unknown[];
}

interface SearchBody {
	filterGroups?: Array<{ filters?: Filter[] }>;
	sorts?: Array<string | { propertyName?: string; direction?: string }>;
	query?: string;
	properties?: string[];
	limit?: number;
	after?: string | number;
}

export interface SearchPage {
	total: number;
	results: IndexedRecord[];
	nextAfter?: string;
	/** The property names the caller asked for, if any. */
	properties?: string[];
}

export const searchResultCap = 10_000;
const maxLimit = 200;
const maxGroups = 5;
const maxFiltersPerGroup = 6;
const maxFilters = 18;

type Test = (record: IndexedRecord) => boolean;

export function search(type: CrmObjectType, records: IndexedRecord[], input: unknown): SearchPage {
	const body = (input ?? {}) as SearchBody;
	if (typeof body !== 'object' || Array.isArray(body)) throw validationError('Invalid input JSON: expected a search request object');
	const limit = pageLimit(body.limit);
	const after = offset(body.after);
	const test = groupsTest(type, body.filterGroups ?? []);
	const query = queryTest(type, body.query);
	const matches = records.filter((record) => !record.archived && test(record) && query(record));
	matches.sort(sorter(type, body.sorts ?? []));
	const end = Math.min(after + limit, searchResultCap);
	return {
		total: matches.length,
		results: matches.slice(after, end),
		nextAfter: after + limit < matches.length ? String(after + limit) : undefined,
		properties: Array.isArray(body.properties) && body.properties.length > 0 ? body.properties : undefined,
	};
}

function pageLimit(value: unknown): number {
	if (value === undefined) return 10;
	if (!Number.isInteger(value) || (value as number) < 1) throw validationError('limit must be a positive integer');
	if ((value as number) > maxLimit) throw validationError(`limit must be at most ${maxLimit}`);
	return value as number;
}

function offset(value: unknown): number {
	if (value === undefined || value === '') return 0;
	const after = Number(value);
	if (!Number.isInteger(after) || after < 0) throw validationError(`after ${String(value)} is not a valid paging token`);
	if (after >= searchResultCap) {
		throw validationError(
			`Search results are limited to ${searchResultCap} per query (after=${after}); narrow the filters to page further`,
		);
	}
	return after;
}

function groupsTest(type: CrmObjectType, groups: Array<{ filters?: Filter[] }>): Test {
	if (!Array.isArray(groups)) throw validationError('filterGroups must be an array');
	if (groups.length > maxGroups) throw validationError(`at most ${maxGroups} filterGroups are allowed`);
	const filterCount = groups.reduce((sum, group) => sum + (group.filters?.length ?? 0), 0);
	if (filterCount > maxFilters) throw validationError(`at most ${maxFilters} filters are allowed across all filterGroups`);
	if (groups.length === 0) return () => true;
	const compiled = groups.map((group) => {
		const filters = group.filters ?? [];
		if (filters.length > maxFiltersPerGroup) throw validationError(`at most ${maxFiltersPerGroup} filters are allowed per filterGroup`);
		const tests = filters.map((filter) => filterTest(type, filter));
		return (record: IndexedRecord) => tests.every((test) => test(record));
	});
	return (record) => compiled.some((test) => test(record));
}

function filterTest(type: CrmObjectType, filter: Filter): Test {
	const property = findProperty(type, filter?.propertyName);
	if (!property) throw validationError(`Property "${filter?.propertyName}" does not exist for ${type.name}`);
	const read = (record: IndexedRecord) => record.properties[property.name];
	const compare = comparator(property);
	const required = (field: 'value' | 'highValue') => {
		const value = filter[field];
		if (value === undefined || value === null) throw validationError(`${filter.operator} on ${property.name} needs a ${field}`);
		return String(value);
	};
	const list = () => {
		if (!Array.isArray(filter.values)) throw validationError(`${filter.operator} on ${property.name} needs values`);
		return filter.values.map(String);
	};
	const present = (record: IndexedRecord) => read(record) !== undefined;
	switch (filter.operator) {
		case 'EQ': {
			const value = required('value');
			return (record) => present(record) && compare(read(record), value) === 0;
		}
		case 'NEQ': {
			const value = required('value');
			return (record) => !present(record) || compare(read(record), value) !== 0;
		}
		case 'LT':
		case 'LTE':
		case 'GT':
		case 'GTE': {
			const value = required('value');
			const accepts = orderTest(filter.operator);
			return (record) => present(record) && accepts(compare(read(record), value));
		}
		case 'BETWEEN': {
			const low = required('value');
			const high = required('highValue');
			return (record) => present(record) && compare(read(record), low) >= 0 && compare(read(record), high) <= 0;
		}
		case 'IN': {
			const values = list();
			return (record) => present(record) && values.some((value) => compare(read(record), value) === 0);
		}
		case 'NOT_IN': {
			const values = list();
			return (record) => !present(record) || values.every((value) => compare(read(record), value) !== 0);
		}
		case 'HAS_PROPERTY':
			return present;
		case 'NOT_HAS_PROPERTY':
			return (record) => !present(record);
		case 'CONTAINS_TOKEN': {
			const matches = tokenTest(required('value'));
			return (record) => present(record) && matches(read(record));
		}
		case 'NOT_CONTAINS_TOKEN': {
			const matches = tokenTest(required('value'));
			return (record) => !present(record) || !matches(read(record));
		}
		default:
			throw validationError(`Unknown filter operator ${String(filter.operator)}`);
	}
}

function orderTest(operator: 'LT' | 'LTE' | 'GT' | 'GTE'): (order: number) => boolean {
	return {
		LT: (order: number) => order < 0,
		LTE: (order: number) => order <= 0,
		GT: (order: number) => order > 0,
		GTE: (order: number) => order >= 0,
	}[operator];
}

/** Orders two values the way the property's type does: instants for dates, numbers, else case-insensitive text. */
function comparator(property: CrmProperty): (a: string, b: string) => number {
	if (property.type === 'datetime') return (a, b) => numericOrder(toInstant(a), toInstant(b));
	if (property.type === 'number') return (a, b) => numericOrder(Number(a), Number(b));
	return (a, b) => {
		const left = a.toLowerCase();
		const right = b.toLowerCase();
		return left < right ? -1 : left > right ? 1 : 0;
	};
}

function numericOrder(a: number | undefined, b: number | undefined): number {
	if (a === undefined || Number.isNaN(a) || b === undefined || Number.isNaN(b)) return Number.NaN;
	return a - b;
}

/** A token pattern (with * wildcards) against the whole value or any word of it, ignoring case. */
function tokenTest(pattern: string): (value: string) => boolean {
	const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
	const regex = new RegExp(`^${escaped}$`, 'i');
	return (value) => regex.test(value) || value.split(/\s+/).some((token) => regex.test(token));
}

function queryTest(type: CrmObjectType, query: unknown): Test {
	if (query === undefined || query === '') return () => true;
	const needle = String(query).toLowerCase();
	return (record) => type.queryProperties.some((name) => (record.properties[name] ?? '').toLowerCase().includes(needle));
}

/** One sort (HubSpot allows one): `{propertyName, direction}` or a property name; unset values last; ties by id. */
function sorter(type: CrmObjectType, sorts: SearchBody['sorts']): (a: IndexedRecord, b: IndexedRecord) => number {
	const byId = (a: IndexedRecord, b: IndexedRecord) => Number(a.id) - Number(b.id);
	if (!Array.isArray(sorts)) throw validationError('sorts must be an array');
	if (sorts.length > 1) throw validationError('Only one sort is allowed');
	if (sorts.length === 0) return byId;
	const sort = sorts[0];
	const propertyName = typeof sort === 'string' ? sort.replace(/^-/, '') : sort?.propertyName;
	const descending = typeof sort === 'string' ? sort.startsWith('-') : sort?.direction === 'DESCENDING';
	const property = findProperty(type, propertyName ?? '');
	if (!property) throw validationError(`Property "${propertyName}" does not exist for ${type.name}`);
	const compare = comparator(property);
	return (a, b) => {
		const left = a.properties[property.name];
		const right = b.properties[property.name];
		if (left === undefined || right === undefined) return left === right ? byId(a, b) : left === undefined ? 1 : -1;
		const order = compare(left, right) || 0;
		return (descending ? -order : order) || byId(a, b);
	};
}
