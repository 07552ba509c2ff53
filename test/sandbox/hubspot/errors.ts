/** HubSpot's error bodies: `{status:'error', message, correlationId, category, subCategory?, errors?, context?}`. */
import { randomUUID } from 'node:crypto';
import { SandboxError, type SandboxResponse } from '../framework/types';

export interface HubspotErrorDetail {
	message: string;
	code?: string;
	in?: string;
	context?: Record<string, string[]>;
}

interface FailureExtras {
	subCategory?: string;
	errors?: HubspotErrorDetail[];
	context?: Record<string, string[]>;
}

/** A HubSpot error, thrown from a handler (becomes the response) or caught by a batch (becomes one of its errors). */
export class HubspotFailure extends SandboxError {
	constructor(
		readonly status: number,
		readonly category: string,
		message: string,
		readonly extras: FailureExtras = {},
	) {
		super(errorResponse(status, category, message, extras));
		this.message = message;
	}

	/** As an entry of a batch response's `errors[]` (the spec's StandardError). */
	toBatchError(): Record<string, unknown> {
		return {
			status: 'error',
			category: this.category,
			message: this.message,
			context: this.extras.context ?? {},
			errors: this.extras.errors ?? [],
			links: {},
		};
	}
}

export function errorResponse(status: number, category: string, message: string, extras: FailureExtras = {}): SandboxResponse {
	return {
		status,
		body: { status: 'error', message, correlationId: randomUUID(), category, ...extras },
	};
}

/** One rejected property value, in the shape HubSpot lists inside "Property values were not valid: [...]". */
export interface PropertyProblem {
	name: string;
	code: string;
	message: string;
}

export function invalidProperties(problems: PropertyProblem[]): HubspotFailure {
	const listed = problems.map((problem) => ({
		isValid: false,
		message: problem.message,
		error: problem.code,
		name: problem.name,
		localizedErrorMessage: problem.message,
	}));
	return new HubspotFailure(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(listed)}`, {
		errors: problems.map((problem) => ({
			message: problem.message,
			code: problem.code,
			context: { propertyName: [problem.name] },
		})),
		context: { propertyName: problems.map((problem) => problem.name) },
	});
}

export function validationError(message: string): HubspotFailure {
	return new HubspotFailure(400, 'VALIDATION_ERROR', message);
}

export function objectNotFound(message = 'resource not found', ids?: string[]): HubspotFailure {
	return new HubspotFailure(404, 'OBJECT_NOT_FOUND', message, ids ? { context: { ids } } : {});
}

export function contactExists(existingId: string): HubspotFailure {
	return new HubspotFailure(409, 'CONFLICT', `Contact already exists. Existing ID: ${existingId}`, {
		context: { existingId: [existingId] },
	});
}
