import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { shopifyGraphql } from './graphql';
import { sleep as defaultSleep } from '../../records/sleep';

/**
 * Shopify's bulk import (shopify.dev/docs/api/usage/bulk-operations/imports): one mutation run once per line of a JSONL
 * file of its variables. The file is staged (`stagedUploadsCreate`, resource BULK_MUTATION_VARIABLES) and sent to the
 * target Shopify names, a signed form POST on another host that never receives the shop's token; then
 * `bulkOperationRunMutation` starts it, `node(id)` is polled until it ends, and its result file (one JSONL line per
 * input line, `__lineNumber` naming it, in no promised order) is read from the URL it gives, again without the token.
 * Before 2026-01 a shop runs one bulk mutation at a time: the callers run them one after the other.
 */

const STAGE = `mutation Stage($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } }
}`;
const RUN = `mutation Run($mutation: String!, $stagedUploadPath: String!) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath) { bulkOperation { id status } userErrors { code field message } }
}`;
const POLL = 'query Poll($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } } }';

/** How often a running operation is asked for its status: soon at first, then less often (at most every 5 s). */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;
/** How long a run waits for one operation (Shopify stops it after 24 hours); past it, its lines fail this run. */
const MAX_WAIT_MS = 60 * 60 * 1000;

type Status = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';

interface BulkOperationNode {
	id: string;
	status: Status;
	errorCode: string | null;
	objectCount: string;
	url: string | null;
	partialDataUrl: string | null;
}

/** One line of a result file: the mutation's data or its errors, for the input line `__lineNumber`. */
export interface BulkResultLine<T> {
	data?: T;
	errors?: Array<{ message: string }>;
}

export interface BulkMutationOptions {
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

/**
 * Runs `mutation` once per entry of `variables` as one bulk operation; the result of each entry, by its index
 * (undefined for a line the result file does not hold). Throws when the operation could not run or did not complete.
 */
export async function runBulkMutation<T>(transport: Transport, mutation: string, variables: Array<Record<string, unknown>>, options: BulkMutationOptions = {}): Promise<Array<BulkResultLine<T> | undefined>> {
	const path = await stageVariables(transport, variables);
	const started = await shopifyGraphql<{ bulkOperationRunMutation: { bulkOperation: { id: string } | null; userErrors: Array<{ code: string | null; message: string }> } }>(transport, RUN, {
		mutation,
		stagedUploadPath: path,
	});
	const { bulkOperation, userErrors } = started.bulkOperationRunMutation;
	if (!bulkOperation) throw refusal(`bulk mutation not started: ${userErrors.map((error) => error.message).join('; ') || 'no operation'}`, userErrors[0]?.code ?? undefined);
	const finished = await waitFor(transport, bulkOperation.id, options);
	if (finished.status !== 'COMPLETED') throw refusal(`bulk operation ${finished.id} ended ${finished.status}${finished.errorCode ? ` (${finished.errorCode})` : ''}`, finished.errorCode ?? finished.status);
	const results: Array<BulkResultLine<T> | undefined> = new Array(variables.length);
	// An operation that ran no line has no file.
	if (!finished.url) return results;
	const file = await transport.request<unknown>({ method: 'GET', url: finished.url, unauthenticated: true });
	for (const line of String(file ?? '').split('\n')) {
		if (line.trim() === '') continue;
		const { __lineNumber: index, ...result } = JSON.parse(line) as BulkResultLine<T> & { __lineNumber: number };
		if (Number.isInteger(index) && index >= 0 && index < variables.length) results[index] = result;
	}
	return results;
}

/** Stages the variables as a JSONL file and uploads it to the target Shopify names; the path the run takes. */
async function stageVariables(transport: Transport, variables: Array<Record<string, unknown>>): Promise<string> {
	const staged = await shopifyGraphql<{ stagedUploadsCreate: { stagedTargets: Array<{ url: string; parameters: Array<{ name: string; value: string }> }> | null; userErrors: Array<{ message: string }> } }>(
		transport,
		STAGE,
		{ input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'bulk_op_vars.jsonl', mimeType: 'text/jsonl', httpMethod: 'POST' }] },
	);
	const target = staged.stagedUploadsCreate.stagedTargets?.[0];
	const key = target?.parameters.find((parameter) => parameter.name === 'key')?.value;
	if (!target || !key) throw refusal(`no staged upload target: ${staged.stagedUploadsCreate.userErrors.map((error) => error.message).join('; ') || 'none given'}`);
	const { body, contentType } = multipartForm(target.parameters, variables.map((entry) => JSON.stringify(entry)).join('\n'));
	// The target is signed for the form it names: nothing else is sent, the shop's token least of all.
	await transport.send({ method: 'POST', url: target.url, body, bodyType: 'binary', headers: { 'content-type': contentType }, unauthenticated: true });
	return key;
}

/** Polls the operation until it ends, each wait longer than the one before (up to MAX_POLL_MS). */
async function waitFor(transport: Transport, id: string, options: BulkMutationOptions): Promise<BulkOperationNode> {
	const sleep = options.sleep ?? defaultSleep;
	const now = options.now ?? Date.now;
	const deadline = now() + MAX_WAIT_MS;
	for (let wait = FIRST_POLL_MS; ; wait = Math.min(MAX_POLL_MS, wait * 2)) {
		await sleep(wait);
		const { node } = await shopifyGraphql<{ node: BulkOperationNode | null }>(transport, POLL, { id });
		if (!node) throw refusal(`bulk operation ${id} not found`);
		if (!['CREATED', 'RUNNING', 'CANCELING'].includes(node.status)) return node;
		if (now() > deadline) throw refusal(`bulk operation ${id} still ${node.status} after ${MAX_WAIT_MS / 60_000} minutes`, 'BULK_TIMEOUT');
	}
}

/** A multipart/form-data body: the target's parameters in their order, then the file, as the signed form expects. */
function multipartForm(parameters: Array<{ name: string; value: string }>, file: string): { body: Buffer; contentType: string } {
	const boundary = `----bulk${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
	const parts = parameters.map((parameter) => `--${boundary}\r\nContent-Disposition: form-data; name="${parameter.name}"\r\n\r\n${parameter.value}\r\n`);
	parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bulk_op_vars.jsonl"\r\nContent-Type: text/jsonl\r\n\r\n${file}\r\n--${boundary}--\r\n`);
	return { body: Buffer.from(parts.join(''), 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
}

function refusal(message: string, code?: string): PlatformApiError {
	return new PlatformApiError({ platform: 'shopify', message, status: 200, code, retryable: false, attempts: 1 });
}
