/**
 * Mailchimp batch operations (`POST /3.0/batches`): each operation runs through the sandbox's own routes, and the
 * results are a gzipped tar of JSON files, each an array of `{status_code, operation_id, response}` (the response a
 * JSON string), fetched without credentials from `response_body_url`, as Mailchimp's are.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface BatchOperation {
	method: string;
	path: string;
	params?: Record<string, unknown>;
	body?: string;
	operation_id?: string;
}

export interface BatchResult {
	status_code: number;
	operation_id: string | null;
	response: string;
}

export interface Batch {
	id: string;
	status: 'pending' | 'finished';
	total_operations: number;
	finished_operations: number;
	errored_operations: number;
	submitted_at: string;
	completed_at: string;
	response_body_url: string;
}

export const batchResultsPath = '/batch-results/';
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The reason an operation list is refused, or undefined when every operation is well formed. */
export function invalidOperations(operations: unknown): string | undefined {
	if (!Array.isArray(operations) || operations.length === 0) return 'operations must be a non-empty array.';
	const index = operations.findIndex((operation: Partial<BatchOperation> | null) => (
		!operation || typeof operation !== 'object' || !methods.includes(String(operation.method).toUpperCase()) || typeof operation.path !== 'string' || !operation.path.startsWith('/')
		|| (operation.body !== undefined && typeof operation.body !== 'string')
	));
	return index < 0 ? undefined : `operations.${index}: each operation needs a method (GET, POST, PUT, PATCH or DELETE), a path starting with /, and a body given as a JSON string.`;
}

export function newBatchId(): string {
	return randomBytes(5).toString('hex');
}

/** A one-file-per-entry ustar archive, gzipped. */
export function tarGz(files: Array<{ name: string; content: string }>): Buffer {
	const blocks: Buffer[] = [];
	for (const file of files) {
		const data = Buffer.from(file.content, 'utf8');
		const header = Buffer.alloc(512);
		header.write(file.name, 0, 100, 'utf8');
		header.write('0000644\0', 100, 'ascii');
		header.write('0000000\0', 108, 'ascii');
		header.write('0000000\0', 116, 'ascii');
		header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
		header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
		header.write('        ', 148, 'ascii');
		header.write('0', 156, 'ascii');
		header.write('ustar\0' + '00', 257, 'ascii');
		const checksum = header.reduce((sum, byte) => sum + byte, 0);
		header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
		blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
	}
	blocks.push(Buffer.alloc(1024));
	return gzipSync(Buffer.concat(blocks));
}
