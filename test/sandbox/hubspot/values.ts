/** Checks and normalises property values a client writes, the way HubSpot does before it stores them. */
import { type PropertyProblem, validationError } from './errors';
import { type CrmObjectType, type CrmProperty, findProperty } from './objects';

/** Normalised values ('' clears a property) and the problems that make the write invalid. */
export interface CheckedValues {
	values: Record<string, string>;
	problems: PropertyProblem[];
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws (as HubSpot's JSON mapping does) when `input` is not an object of primitive values. */
export function checkValues(type: CrmObjectType, input: unknown): CheckedValues {
	if (input === undefined) return { values: {}, problems: [] };
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw validationError('Invalid input JSON: "properties" must be an object of property names to values');
	}
	const checked: CheckedValues = { values: {}, problems: [] };
	for (const [name, raw] of Object.entries(input)) {
		const property = findProperty(type, name);
		if (!property) {
			checked.problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
			continue;
		}
		if (property.readOnly) {
			checked.problems.push({ name, code: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
			continue;
		}
		const outcome = normalise(property, primitive(name, raw));
		if (typeof outcome === 'string') checked.values[name] = outcome;
		else checked.problems.push(outcome);
	}
	return checked;
}

function primitive(name: string, raw: unknown): string {
	if (raw === null) return '';
	if (typeof raw === 'string') return raw;
	if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
	throw validationError(`Invalid input JSON: the value of "${name}" must be a string`);
}

function normalise(property: CrmProperty, value: string): string | PropertyProblem {
	if (value === '') return value;
	if (property.email) {
		const email = value.trim().toLowerCase();
		if (emailPattern.test(email)) return email;
		return { name: property.name, code: 'INVALID_EMAIL', message: `Email address ${value} is invalid` };
	}
	if (property.type === 'enumeration' && !property.options?.some((option) => option.value === value)) {
		return {
			name: property.name,
			code: 'INVALID_OPTION',
			message: `${value} was not one of the allowed options: [${property.options?.map((option) => option.value).join(', ')}]`,
		};
	}
	if (property.type === 'datetime') {
		const instant = toInstant(value);
		if (instant === undefined) {
			return { name: property.name, code: 'INVALID_DATE', message: `${value} is not a valid date or timestamp` };
		}
		return new Date(instant).toISOString();
	}
	return value;
}

/** Milliseconds since the epoch from a millisecond timestamp or an ISO 8601 string. */
export function toInstant(value: string): number | undefined {
	const instant = /^-?\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
	return Number.isFinite(instant) ? instant : undefined;
}
