import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { platformOptions } from '../../shared/platformOptions';
import { credentialChoices } from '../../shared/platformCredentials';

export const crmPlatformOptions = platformOptions('crm');

/** The platform a new node starts on: the catalog's first CRM platform. */
export const firstCrmPlatform = crmPlatformOptions[0].value;

export const platformProperty: INodeProperties = {
	displayName: 'Platform',
	name: 'platform',
	type: 'options',
	options: crmPlatformOptions,
	default: firstCrmPlatform,
	description: 'The platform to sync with',
	displayOptions: { hide: { operation: ['sync', 'verifyWebhook'] } },
};

/**
 * One credential per CRM platform. Push and pull show only the chosen platform's (the others are hidden by the
 * `platform` value); sync hides `platform`, so it shows them all and uses those of the platforms it syncs.
 */
export function crmCredentials(): INodeCredentialDescription[] {
	const platforms = crmPlatformOptions.map((option) => option.value);
	return platforms.flatMap((platform) => {
		const others = platforms.filter((other) => other !== platform);
		return credentialChoices(platform).map((choice) => ({
			name: choice.type, required: false, displayOptions: others.length > 0 ? { hide: { platform: others } } : undefined,
		}));
	});
}

export const deletesProperty: INodeProperties = {
	displayName: 'Deleted Records',
	name: 'deletes',
	type: 'options',
	options: [
		{ name: 'Flag for Review', value: 'flag', description: 'Queue a review; nothing is deleted elsewhere' },
		{ name: 'Ignore', value: 'ignore', description: 'Leave the copies on the other platforms' },
		{ name: 'Propagate', value: 'propagate', description: 'Archive the copies on the other platforms' },
	],
	default: 'flag',
	description: 'What to do when a platform reports a record deleted or archived',
};

export const entityProperty: INodeProperties = {
	displayName: 'Entity',
	name: 'entity',
	type: 'options',
	options: [
		{ name: 'Company', value: 'companies' },
		{ name: 'Contact', value: 'contacts' },
		{ name: 'Deal', value: 'deals' },
		{ name: 'Ticket', value: 'tickets' },
	],
	default: 'contacts',
	displayOptions: { hide: { operation: ['recordPurchase'] } },
};

export const integrationProperty: INodeProperties = {
	displayName: 'Integration Name',
	name: 'integration',
	type: 'string',
	default: 'default',
	description: 'Keeps the ID map, cursors and logs of separate integrations apart; use the same name in every node of one integration',
};
