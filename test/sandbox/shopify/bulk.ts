/**
 * Shopify's bulk import, as the GraphQL Admin API 2025-01 runs it (shopify.dev/docs/api/usage/bulk-operations/imports):
 * `stagedUploadsCreate` (resource BULK_MUTATION_VARIABLES) answers an upload target on another host (a signed form
 * POST: its `parameters`, then the file); `bulkOperationRunMutation(mutation, stagedUploadPath)` takes the uploaded
 * JSONL (its `key` parameter) and runs the mutation once per line, asynchronously, one bulk mutation per shop at a time;
 * `currentBulkOperation(type: MUTATION)` and `node(id)` report its status; once COMPLETED, `url` serves the result JSONL,
 * one line per input line (`{"data": …, "__lineNumber": n}`), in no promised order. The upload and result hosts take
 * no Shopify token: a request that carries one is noted (`state('stagedUploads')`), as a token sent where it has no
 * business going.
 */
import { randomUUID } from 'node:crypto';

import type { SandboxRequest, SandboxResponse } from '../framework/types';

/** The mutations Shopify accepts in a bulk mutation operation, of those this sandbox serves. */
const BULK_MUTATIONS = new Set(['productSet']);
/** Lines run per turn of the event loop: the operation stays RUNNING across several polls of a big file. */
const LINES_PER_TURN = 200;
/** Shopify's limit on the staged JSONL file (2025-01: 100 MB); kept here so a test can see it refused. */
export const MAX_JSONL_BYTES = 100 * 1024 * 1024;

export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'EXPIRED';

interface BulkOperation {
	id: number;
	status: BulkStatus;
	errorCode: string | null;
	createdAt: string;
	completedAt: string | null;
	objectCount: number;
	results: string;
	origin: string;
}

/** Runs one line's mutation with the line's variables; the GraphQL result as Shopify would put it in the result file. */
export type LineRunner = (mutation: string, variables: Record<string, unknown>) => Promise<{ data?: unknown; errors?: unknown[] }>;

export class ShopifyBulkOperations {
	private operations: BulkOperation[] = [];
	private uploads = new Map<string, { content: string | null; tokenPresented: boolean }>();
	private generation = 0;
	private nextId = 1;

	reset(): void {
		this.operations = [];
		this.uploads.clear();
		this.generation++;
		this.nextId = 1;
	}

	/** `stagedUploadsCreate(input)`: a target per input; only BULK_MUTATION_VARIABLES as text/jsonl by POST is served. */
	stagedUploadsCreate(input: Array<{ resource: string; filename: string; mimeType: string; httpMethod?: string }>, origin: string) {
		const refused = input.findIndex((entry) => entry.resource !== 'BULK_MUTATION_VARIABLES' || entry.mimeType !== 'text/jsonl' || (entry.httpMethod ?? 'PUT') !== 'POST');
		if (refused >= 0) return { stagedTargets: null, userErrors: [{ field: ['input', String(refused)], message: 'This sandbox stages BULK_MUTATION_VARIABLES as text/jsonl by POST only' }] };
		return {
			stagedTargets: input.map((entry) => {
				const key = `tmp/sandbox/bulk/${randomUUID()}/${entry.filename}`;
				this.uploads.set(key, { content: null, tokenPresented: false });
				return {
					url: `${origin}/staged-uploads`,
					resourceUrl: `${origin}/staged-uploads/${key}`,
					parameters: [
						{ name: 'Content-Type', value: entry.mimeType },
						{ name: 'success_action_status', value: '201' },
						{ name: 'acl', value: 'private' },
						{ name: 'key', value: key },
						{ name: 'policy', value: Buffer.from(key).toString('base64') },
					],
				};
			}),
			userErrors: [],
		};
	}

	/** The form POST to the upload host: the target's parameters, then `file`. Answers 201 with XML, as that host does. */
	receiveUpload(request: SandboxRequest): SandboxResponse {
		const form = parseMultipart(request);
		if (!form) return { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>multipart/form-data expected</Message></Error>', headers: { 'content-type': 'application/xml' } };
		const key = form.fields.get('key');
		const upload = key === undefined ? undefined : this.uploads.get(key);
		if (!upload || form.fields.get('policy') !== Buffer.from(key as string).toString('base64')) {
			return { status: 403, body: '<Error><Code>AccessDenied</Code><Message>Invalid policy</Message></Error>', headers: { 'content-type': 'application/xml' } };
		}
		if (form.file === undefined) return { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>file is missing</Message></Error>', headers: { 'content-type': 'application/xml' } };
		if (Buffer.byteLength(form.file) > MAX_JSONL_BYTES) return { status: 400, body: '<Error><Code>EntityTooLarge</Code></Error>', headers: { 'content-type': 'application/xml' } };
		upload.content = form.file;
		upload.tokenPresented ||= hasShopifyToken(request);
		return { status: 201, body: `<PostResponse><Key>${key}</Key></PostResponse>`, headers: { 'content-type': 'application/xml' } };
	}

	/** `bulkOperationRunMutation`: checks the mutation and the staged file, then runs it line by line after answering. */
	run(mutation: string, stagedUploadPath: string, origin: string, runLine: LineRunner) {
		const refuse = (message: string, code: string, field: string[] | null = null) => ({ bulkOperation: null, userErrors: [{ field, message, code }] });
		const running = this.operations.find((operation) => operation.status === 'CREATED' || operation.status === 'RUNNING');
		if (running) return refuse(`A bulk mutation operation for this app and shop is already in progress: ${gid(running)}.`, 'OPERATION_IN_PROGRESS');
		const root = /^\s*mutation\b[^{]*\{\s*([A-Za-z_]\w*)/.exec(mutation)?.[1];
		if (!root || !BULK_MUTATIONS.has(root)) return refuse(`Invalid mutation: bulk mutations support ${[...BULK_MUTATIONS].join(', ')}`, 'INVALID_MUTATION', ['mutation']);
		const upload = this.uploads.get(stagedUploadPath);
		if (!upload?.content) return refuse('The JSONL file could not be found. Try uploading the file again, and check that you\'ve entered the URL correctly for the stagedUploadPath mutation argument.', 'NO_SUCH_FILE', ['stagedUploadPath']);
		const lines = upload.content.split('\n').filter((line) => line.trim() !== '');
		const parsed: Array<Record<string, unknown>> = [];
		for (const line of lines) {
			try {
				const value = JSON.parse(line) as unknown;
				if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
				parsed.push(value as Record<string, unknown>);
			} catch {
				return refuse('Failed to parse the JSONL file: each line must be a JSON object of the mutation\'s variables', 'INVALID_STAGED_UPLOAD_FILE', ['stagedUploadPath']);
			}
		}
		const operation: BulkOperation = { id: this.nextId++, status: 'CREATED', errorCode: null, createdAt: secondsNow(), completedAt: null, objectCount: 0, results: '', origin };
		this.operations.push(operation);
		void this.execute(operation, mutation, parsed, runLine, this.generation);
		return { bulkOperation: this.node(operation), userErrors: [] };
	}

	private async execute(operation: BulkOperation, mutation: string, lines: Array<Record<string, unknown>>, runLine: LineRunner, generation: number): Promise<void> {
		const results: string[] = [];
		for (let start = 0; start < lines.length; start += LINES_PER_TURN) {
			await new Promise((resolve) => setImmediate(resolve));
			if (generation !== this.generation) return;
			operation.status = 'RUNNING';
			for (const [offset, variables] of lines.slice(start, start + LINES_PER_TURN).entries()) {
				const result = await runLine(mutation, variables);
				results.push(JSON.stringify({ ...result, __lineNumber: start + offset }));
				operation.objectCount++;
			}
		}
		await new Promise((resolve) => setImmediate(resolve));
		if (generation !== this.generation) return;
		operation.results = results.length > 0 ? `${results.join('\n')}\n` : '';
		operation.status = 'COMPLETED';
		operation.completedAt = secondsNow();
	}

	/** `currentBulkOperation(type)`: the shop's latest bulk mutation (queries are not served). */
	current(type: string) {
		if (type !== 'MUTATION') return null;
		const latest = this.operations.at(-1);
		return latest ? this.node(latest) : null;
	}

	/** `node(id)` for a BulkOperation gid. */
	byGid(id: string) {
		const operation = this.operations.find((candidate) => gid(candidate) === id);
		return operation ? this.node(operation) : null;
	}

	/** The result file of a completed operation, on the result host (no Shopify token needed). */
	resultFile(request: SandboxRequest, id: string): SandboxResponse {
		const operation = this.operations.find((candidate) => String(candidate.id) === id.replace(/\.jsonl$/, ''));
		if (!operation || operation.status !== 'COMPLETED') return { status: 404, body: '<Error><Code>NoSuchKey</Code></Error>', headers: { 'content-type': 'application/xml' } };
		if (hasShopifyToken(request)) this.uploads.set(`result:${operation.id}`, { content: null, tokenPresented: true });
		return { status: 200, body: operation.results, headers: { 'content-type': 'application/jsonl' } };
	}

	/** What the control API shows: each staged upload (its size, whether a Shopify token was sent to it) and each operation. */
	view() {
		return {
			stagedUploads: [...this.uploads.entries()].map(([key, upload]) => ({ key, bytes: upload.content === null ? null : Buffer.byteLength(upload.content), tokenPresented: upload.tokenPresented })),
			bulkOperations: this.operations.map((operation) => ({ id: gid(operation), status: operation.status, objectCount: operation.objectCount })),
		};
	}

	private node(operation: BulkOperation) {
		const completed = operation.status === 'COMPLETED';
		return {
			__typename: 'BulkOperation',
			id: gid(operation),
			type: 'MUTATION',
			status: operation.status,
			errorCode: operation.errorCode,
			createdAt: operation.createdAt,
			completedAt: operation.completedAt,
			objectCount: String(operation.objectCount),
			fileSize: completed ? String(Buffer.byteLength(operation.results)) : null,
			url: completed && operation.results !== '' ? `${operation.origin}/bulk-results/${operation.id}.jsonl` : null,
			partialDataUrl: null,
		};
	}
}

const gid = (operation: BulkOperation) => `gid://shopify/BulkOperation/${operation.id}`;
const secondsNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const hasShopifyToken = (request: SandboxRequest) => Object.keys(request.headers).some((name) => name.toLowerCase() === 'x-shopify-access-token');

/** A multipart/form-data body: its text fields and its `file` part. */
function parseMultipart(request: SandboxRequest): { fields: Map<string, string>; file?: string } | undefined {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(String(request.headers['content-type'] ?? ''));
	if (!boundary) return undefined;
	const delimiter = `--${boundary[1] ?? boundary[2]}`;
	const fields = new Map<string, string>();
	let file: string | undefined;
	for (const part of request.rawBody.split(delimiter).slice(1)) {
		if (part.startsWith('--')) break;
		const split = part.indexOf('\r\n\r\n');
		if (split < 0) continue;
		const headers = part.slice(0, split);
		const value = part.slice(split + 4).replace(/\r\n$/, '');
		const name = /name="([^"]+)"/i.exec(headers)?.[1];
		if (name === 'file') file = value;
		else if (name) fields.set(name, value);
	}
	return { fields, file };
}
