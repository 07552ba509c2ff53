import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A PostgreSQL database for the package's state (ID maps, cursors, ledgers, rate windows), shared by every n8n
 * worker in queue mode. Without this credential the nodes use a SQLite file in the n8n user folder.
 */
export class IntegrationStateStore implements ICredentialType {
	name = 'integrationStateStore';

	displayName = 'Integration State Store';

	icon: Icon = { light: 'file:icons/stateStore.svg', dark: 'file:icons/stateStore.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/state-store.md';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost', required: true },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432 },
		{ displayName: 'Database', name: 'database', type: 'string', default: 'integration_automation', required: true },
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres', required: true },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false },
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'public',
			description: 'Postgres schema holding the tables, so several environments can share one database',
		},
	];
}
