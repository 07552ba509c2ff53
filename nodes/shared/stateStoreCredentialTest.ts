import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult, INodeProperties } from 'n8n-workflow';

import { checkPostgresConnection } from '../../lib/store';

/** Tests an Integration State Store credential by connecting to its database (not an HTTP API, so no `test` request). */
export async function integrationStateStoreTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	try {
		await checkPostgresConnection({
			host: String(data.host),
			port: Number(data.port),
			database: String(data.database),
			user: String(data.user),
			password: String(data.password ?? ''),
			ssl: data.ssl === true,
			schema: data.schema ? String(data.schema) : undefined,
		});
		return { status: 'OK', message: 'Connected to the state store database' };
	} catch (error) {
		return { status: 'Error', message: `Could not connect: ${(error as Error).message}` };
	}
}

/**
 * The consequence of the state store choice, shown at the top of every node that keeps state: an integration's ID
 * maps, ledgers and cursors are in one store, so a node pointed at another one starts afresh.
 */
export const stateStoreNotice: INodeProperties = {
	displayName:
		'Use the same Integration State Store credential (or none, for the built-in SQLite file) on every node of one integration: its ID maps, ledgers and cursors live in that store, and a node on another store starts afresh and can create duplicates',
	name: 'stateStoreNotice',
	type: 'notice',
	default: '',
};
