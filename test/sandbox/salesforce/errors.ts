/** Salesforce's error shapes: REST errors are a JSON array `[{message, errorCode, fields}]`; collection items carry `statusCode`. */
import { SandboxError, type SandboxResponse } from '../framework/types';

export function errorResponse(status: number, errorCode: string, message: string, fields: string[] = []): SandboxResponse {
	return { status, body: [{ message, errorCode, fields }] };
}

export class SalesforceFailure extends SandboxError {
	constructor(status: number, readonly errorCode: string, message: string, readonly fields: string[] = []) {
		super(errorResponse(status, errorCode, message, fields));
		this.message = message;
	}
}

/** A per-record failure inside a collection response. */
export class RecordFailure extends Error {
	constructor(readonly statusCode: string, message: string, readonly fields: string[] = []) {
		super(message);
	}

	toItem(id: string | null = null) {
		return { id, success: false, errors: [{ statusCode: this.statusCode, message: this.message, fields: this.fields }] };
	}
}
