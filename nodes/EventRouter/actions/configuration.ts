import { NodeOperationError, sleep, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import {
	compileRoutes,
	openRouting,
	type EventRouter,
	RoutingConfigError,
	secretKey,
	type CompiledRoutes,
	type DestinationKind,
	type DestinationSecrets,
	type DestinationSpec,
	type RouterConfig,
	type RuleSpec,
	type HttpMethod,
} from '../../../lib/routing';
import { nodeStore } from '../../shared/engineContext';
import { N8nHttpClient } from '../../shared/httpClient';
import { parseJsonParameter } from '../../shared/jsonParameter';
import { readTableOrJson } from '../../shared/tableOrJson';

export const WEBHOOK_CREDENTIAL = 'integrationWebhookDestinationApi';
export const HTTP_CREDENTIAL = 'integrationHttpDestinationApi';
export const INGEST_CREDENTIAL = 'integrationEventIngestApi';

/** Names of the extra output branches, in order. */
export function nodeOutputNames(context: IExecuteFunctions): string[] {
	return splitList(context.getNodeParameter('nodeOutputs', 0, '') as string);
}

function splitList(text: unknown): string[] {
	return String(text ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

interface RuleRow {
	id: string;
	sources?: string;
	eventTypes?: string;
	filters?: unknown;
	transform?: unknown;
	destinations?: string;
	enabled?: boolean;
}

function readRules(context: IExecuteFunctions): RuleSpec[] {
	return readTableOrJson<RuleRow, RuleSpec>(context, {
		mode: { name: 'rulesMode', default: 'list' },
		json: { name: 'rulesJson', label: 'Rules (JSON)' },
		rows: 'rules.rule',
		fromRow: (row) => ({
			id: row.id,
			sources: splitList(row.sources),
			eventTypes: splitList(row.eventTypes),
			filters: parseJsonParameter(context, row.filters ?? '[]', `Filters of rule "${row.id}"`),
			transform: parseJsonParameter(context, row.transform ?? '[]', `Transform of rule "${row.id}"`),
			destinations: splitList(row.destinations),
			enabled: row.enabled !== false,
		}),
	});
}

interface DestinationRow {
	id: string;
	kind: DestinationKind;
	url?: string;
	method?: HttpMethod;
	bodyTemplate?: unknown;
	output?: string;
	timeoutSeconds?: number;
	maxAttempts?: number;
	ratePerSecond?: number;
	failureThreshold?: number;
	cooldownSeconds?: number;
}

function readDestinations(context: IExecuteFunctions): DestinationSpec[] {
	return readTableOrJson<DestinationRow, DestinationSpec>(context, {
		mode: { name: 'destinationsMode', default: 'json' },
		json: { name: 'destinations', label: 'Destinations (JSON)' },
		rows: 'destinationList.destination',
		fromRow: (row) => {
			const template = row.bodyTemplate === '' || row.bodyTemplate === undefined ? undefined : parseJsonParameter(context, row.bodyTemplate, `Body template of destination "${row.id}"`);
			return {
				id: row.id,
				kind: row.kind,
				...(row.kind === 'output' ? { output: row.output } : { url: row.url }),
				...(row.kind === 'http' ? { method: row.method, bodyTemplate: template } : {}),
				timeoutMs: (row.timeoutSeconds ?? 10) * 1000,
				retry: { maxAttempts: row.maxAttempts ?? 4 },
				...(row.ratePerSecond ? { ratePerSecond: row.ratePerSecond } : {}),
				...(row.failureThreshold ? { circuitBreaker: { failureThreshold: row.failureThreshold, cooldownMs: (row.cooldownSeconds ?? 30) * 1000 } } : {}),
			};
		},
	});
}

/** Reads, validates and compiles the rules and destinations once per execution. */
export function readRoutes(context: IExecuteFunctions): CompiledRoutes {
	const config: RouterConfig = {
		rules: readRules(context),
		destinations: readDestinations(context),
		outputs: nodeOutputNames(context),
	};
	try {
		return compileRoutes(config);
	} catch (error) {
		const message = error instanceof RoutingConfigError ? error.message : `Invalid routing configuration: ${(error as Error).message}`;
		throw new NodeOperationError(context.getNode(), message);
	}
}

function requireCredential(context: IExecuteFunctions, type: string, message: string): void {
	if (!context.getNode().credentials?.[type]) throw new NodeOperationError(context.getNode(), message);
}

async function ingestSecret(context: IExecuteFunctions): Promise<string> {
	requireCredential(context, INGEST_CREDENTIAL, 'Verify Ingest Signature needs an Event Ingest Signing Secret credential: select one');
	return String((await context.getCredentials(INGEST_CREDENTIAL)).signingSecret ?? '');
}

/**
 * Each item's Event Fields, evaluated for that item; a failed expression becomes that item's Error, not the batch's.
 * None at all (an empty list) when no rows are configured: nothing to evaluate, so no per-item parameter resolution.
 */
export function eventFields(context: IExecuteFunctions, items: INodeExecutionData[]): Array<Record<string, unknown> | Error | undefined> {
	const configured = (context.getNode().parameters.eventFields as { field?: unknown[] } | undefined)?.field ?? [];
	if (configured.length === 0) return [];
	return items.map((_, index) => {
		try {
			const rows = context.getNodeParameter('eventFields.field', index, []) as Array<{ path: string; value: unknown }>;
			return rows.length === 0 ? undefined : Object.fromEntries(rows.map((row) => [row.path, row.value]));
		} catch (error) {
			return error as Error;
		}
	});
}

/** The webhook bodies as received, where the Webhook node kept them (its Raw Body option puts them in binary `data`). */
export async function rawBodies(context: IExecuteFunctions, items: INodeExecutionData[]): Promise<Array<string | undefined>> {
	// Items without binary data (nearly every batch but a Webhook node's) have no raw body to read.
	if (!items.some((item) => item.binary?.data)) return [];
	return Promise.all(
		items.map(async (item, index) => (item.binary?.data ? (await context.helpers.getBinaryDataBuffer(index, 'data')).toString('utf8') : undefined)),
	);
}

/** Reads the webhook destination credential: a default secret, per-destination ones, an optional bearer token. */
async function webhookSecrets(context: IExecuteFunctions): Promise<DestinationSecrets> {
	requireCredential(context, WEBHOOK_CREDENTIAL, 'Webhook destinations are signed with a Webhook Destination credential: select one');
	const values = await context.getCredentials(WEBHOOK_CREDENTIAL);
	const overrides = values.destinationSecrets ? parseSecretMap(context, values.destinationSecrets) : {};
	const fallback = values.signingSecret ? String(values.signingSecret) : undefined;
	const token = values.bearerToken ? String(values.bearerToken) : undefined;
	return { signingSecret: (id) => overrides[id] ?? fallback, bearerToken: () => token };
}

function parseSecretMap(context: IExecuteFunctions, text: unknown): Record<string, string> {
	try {
		return JSON.parse(String(text)) as Record<string, string>;
	} catch {
		// The secret itself never goes into the message.
		throw new NodeOperationError(context.getNode(), 'Per-Destination Secrets in the Webhook Destination credential is not a JSON object');
	}
}

/** The engine for this execution: store, a client per destination kind, secrets from the credentials, n8n's sleep. */
export async function buildRouter(context: IExecuteFunctions, routes: CompiledRoutes): Promise<EventRouter> {
	const kinds = new Set([...routes.destinations.values()].map((destination) => destination.kind));
	const store = await nodeStore(context);
	const options = context.getNodeParameter('options', 0, {}) as { defaultSource?: string; dedupWindowSeconds?: number; maxEventBytes?: number; verifySignature?: boolean };
	const noSecrets: DestinationSecrets = { signingSecret: () => undefined };
	let httpBaseUrl: string | undefined;
	if (kinds.has('http')) {
		requireCredential(context, HTTP_CREDENTIAL, 'HTTP API destinations are sent through an HTTP API Destination credential: select one');
		httpBaseUrl = String((await context.getCredentials(HTTP_CREDENTIAL)).baseUrl ?? '');
	}
	return openRouting({ store }).router(
		routes,
		{
			clientFor: (destination) => (destination.kind === 'http' ? new N8nHttpClient(context, HTTP_CREDENTIAL) : new N8nHttpClient(context)),
			secrets: kinds.has('webhook') ? await webhookSecrets(context) : noSecrets,
			httpBaseUrl,
			sleep,
		},
		{
			defaultSource: options.defaultSource || undefined,
			dedupWindowMs: (options.dedupWindowSeconds ?? 86400) * 1000,
			maxEventBytes: options.maxEventBytes,
			ingestSecret: options.verifySignature ? await ingestSecret(context) : undefined,
		},
	);
}

/** Checks a webhook destination credential: every secret must be whsec_ plus a base64 key of 16+ bytes. */
export function webhookSecretProblems(data: Record<string, unknown>): string[] {
	const problems: string[] = [];
	const check = (label: string, secret: unknown) => {
		try {
			secretKey(String(secret));
		} catch (error) {
			problems.push(`${label}: ${(error as Error).message}`);
		}
	};
	if (data.signingSecret) check('Signing Secret', data.signingSecret);
	if (data.destinationSecrets) {
		let map: unknown;
		try {
			map = JSON.parse(String(data.destinationSecrets));
		} catch {
			return [...problems, 'Per-Destination Secrets is not valid JSON'];
		}
		if (typeof map !== 'object' || map === null || Array.isArray(map)) return [...problems, 'Per-Destination Secrets must be a JSON object'];
		for (const [id, secret] of Object.entries(map)) check(`secret of "${id}"`, secret);
	}
	if (!data.signingSecret && !data.destinationSecrets) problems.push('Set a Signing Secret or Per-Destination Secrets');
	return problems;
}
