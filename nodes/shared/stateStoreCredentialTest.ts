import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

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
