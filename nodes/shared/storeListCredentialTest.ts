import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { storeTestRequest } from '../../credentials/storeList';
import { platformCatalog, platformDefinition } from '../../lib/platforms/catalog';
import { standaloneConnection } from '../../lib/platforms/standalone';
import { listedStoreName, parseStoreList, StoreListError, type ListedStore } from '../../lib/platforms/storeList';
import { redactSecrets, type HttpClient, type HttpRequest, type HttpResponse } from '../../lib/transport';

/** The name every node taking a store list gives its list slots' `testedBy`, and its `methods.credentialTest` entry. */
export const STORE_LIST_TEST = 'integrationStoreListTest';

type RequestHelper = ICredentialTestFunctions['helpers']['request'];

interface FullResponse {
	statusCode: number;
	/** The reason phrase ("Unauthorized"). */
	statusMessage?: string;
	headers?: Record<string, string | string[] | undefined>;
	body: unknown;
}

/**
 * The one HTTP helper a credential test has (n8n's `request`), as the engine's client; every status resolves, and the
 * reason phrase of the last answer is kept for the test's message.
 */
class TestRequestClient implements HttpClient {
	lastReason = '';

	constructor(private readonly request: RequestHelper) {}

	async send(request: HttpRequest): Promise<HttpResponse> {
		const response = (await this.request({
			method: request.method,
			uri: request.url,
			qs: request.qs,
			headers: { accept: 'application/json', ...request.headers },
			body: request.body,
			json: true,
			timeout: request.timeoutMs ?? 30_000,
			resolveWithFullResponse: true,
			simple: false,
		})) as FullResponse;
		this.lastReason = response.statusMessage ?? '';
		const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value ?? '')]));
		return { status: response.statusCode, headers, body: response.body };
	}
}

/** Why one store fails its platform credential's test, or undefined when it passes; never shows a secret. */
async function storeFailure(store: ListedStore, platformType: string, request: RequestHelper): Promise<string | undefined> {
	const test = storeTestRequest(platformType, store.values);
	if (!test) throw new Error(`${platformType} declares no test request`);
	const client = new TestRequestClient(request);
	const connection = standaloneConnection(platformDefinition(store.platform), store.values, client);
	const base = String(test.baseURL || connection.baseUrl).replace(/\/+$/, '');
	try {
		const response = await connection.client.send({
			method: (test.method ?? 'GET') as HttpRequest['method'],
			url: `${base}${test.url ?? ''}`,
			qs: test.qs as HttpRequest['qs'],
			body: test.body,
		});
		if (response.status >= 200 && response.status < 300) return undefined;
		return `${response.status} ${client.lastReason}`.trim();
	} catch (error) {
		return redactSecrets((error as Error).message, connection.secrets);
	}
}

/**
 * A store list credential's test: every listed store is checked with its platform credential's own test request, and
 * each failing store is named by its label ("Store 'EU': 401 Unauthorized"). n8n restores a saved list's masked secrets
 * by position, so a secret that ended up on another store fails here on the store that now holds it.
 */
export async function integrationStoreListTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const definition = platformCatalog.find((candidate) => candidate.credentials.storeList?.type === credential.type);
	if (!definition) return { status: 'Error', message: `${credential.type} is not a store list credential` };
	const binding = definition.credentials.storeList!;
	let stores: ListedStore[];
	try {
		stores = parseStoreList(definition, binding, credential.data ?? {});
	} catch (error) {
		return { status: 'Error', message: error instanceof StoreListError ? error.message : `The store list cannot be read: ${(error as Error).message}` };
	}
	const failures: string[] = [];
	for (const store of stores) {
		// A store's settings or auth fields are checked by parseStoreList: what may still throw here names no secret.
		// A credential test function is given n8n's `request` helper only (ICredentialTestFunctions), no httpRequest.
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		const failure = await storeFailure(store, definition.credentials.type, this.helpers.request).catch((error: Error) => error.message);
		if (failure !== undefined) failures.push(`${listedStoreName(store)}: ${failure}`);
	}
	if (failures.length > 0) return { status: 'Error', message: failures.join('; ') };
	return { status: 'OK', message: `Every store answered (${stores.map((store) => store.label || store.id).join(', ')})` };
}
