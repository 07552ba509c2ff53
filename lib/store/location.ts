import { homedir } from 'node:os';
import { join } from 'node:path';

import type { StoreConfig } from './types';

/**
 * Where the zero-configuration SQLite store lives: beside n8n's own database in the n8n user folder
 * (`N8N_USER_FOLDER`, else the home folder, then `.n8n`), unless `INTEGRATION_AUTOMATION_STATE_FILE` says otherwise.
 */
export function defaultSqliteStore(env: NodeJS.ProcessEnv = process.env): StoreConfig {
	const file =
		env.INTEGRATION_AUTOMATION_STATE_FILE ??
		join(env.N8N_USER_FOLDER ?? homedir(), '.n8n', 'integration-automation', 'state.sqlite');
	return { kind: 'sqlite', file };
}
