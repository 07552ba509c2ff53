import type { PlatformDefinition } from '../definition';
import { FreshdeskCrm } from './crm';
import { freshdeskCrmWebhooks } from './crmWebhooks';
import { freshdeskDefaultMappings } from './mappings';
import { FRESHDESK_PLANS, freshdeskPlan, freshdeskProfile } from './profile';

export const freshdesk: PlatformDefinition = {
	id: 'freshdesk',
	displayName: 'Freshdesk',
	// The plan sets the per-minute windows; the credential names it.
	profile: (values) => freshdeskProfile(freshdeskPlan(values?.plan)),
	credentials: { type: 'integrationFreshdeskApi', baseUrlField: 'baseUrl', secretFields: ['apiKey', 'webhookSecret'] },
	// The API key is the user name; Freshdesk ignores the password, conventionally "X".
	standaloneAuth: { kind: 'basic', user: '{apiKey}', password: 'X' },
	settings: [{ name: 'plan', displayName: 'Plan', type: 'string', default: 'growth', options: [...FRESHDESK_PLANS] }],
	crm: { connector: (transport) => new FreshdeskCrm(transport), defaultMappings: freshdeskDefaultMappings },
	crmWebhooks: freshdeskCrmWebhooks,
};
