/** HubSpot and Salesforce sandboxes with real transports and connectors, for engine tests and the benchmark. */
import { HubSpotCrm, hubSpotDefaultMappings, hubSpotProfile } from '../../lib/platforms/hubspot';
import { SalesforceCrm, salesforceDefaultMappings, salesforceProfile } from '../../lib/platforms/salesforce';
import { ZendeskCrm, zendeskDefaultMappings, zendeskProfile } from '../../lib/platforms/zendesk';
import { IntercomCrm, intercomDefaultMappings, intercomProfile } from '../../lib/platforms/intercom';
import { FreshdeskCrm, freshdeskDefaultMappings, freshdeskProfile } from '../../lib/platforms/freshdesk';
import type { CrmConnector } from '../../lib/platforms/crm';
import type { StateStore } from '../../lib/store';
import { FetchHttpClient, Transport, type PlatformProfile } from '../../lib/transport';
import type { SyncPlatform } from '../../lib/sync/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';

export interface CrmSandbox {
	name: 'hubspot' | 'salesforce' | 'zendesk' | 'intercom' | 'freshdesk';
	sandbox: RunningSandbox;
	control: SandboxControl;
	transport: Transport;
	connector: CrmConnector;
	platform: SyncPlatform;
}

const builders = {
	hubspot: { profile: () => hubSpotProfile(), connector: (transport: Transport) => new HubSpotCrm(transport), mappings: hubSpotDefaultMappings.contacts },
	salesforce: { profile: () => salesforceProfile(), connector: (transport: Transport) => new SalesforceCrm(transport), mappings: salesforceDefaultMappings.contacts },
	// Zendesk jobs complete at once in the sandbox; poll without waiting.
	zendesk: { profile: () => zendeskProfile(), connector: (transport: Transport) => new ZendeskCrm(transport, async () => undefined), mappings: zendeskDefaultMappings.contacts! },
	intercom: { profile: () => intercomProfile(), connector: (transport: Transport) => new IntercomCrm(transport), mappings: intercomDefaultMappings.contacts! },
	freshdesk: { profile: () => freshdeskProfile(), connector: (transport: Transport) => new FreshdeskCrm(transport), mappings: freshdeskDefaultMappings.contacts! },
};

/** How each sandbox wants its credential presented. */
function authorization(name: CrmSandbox['name'], credentials: Record<string, string>): string {
	if (name === 'zendesk') return `Basic ${Buffer.from(`${credentials.email}/token:${credentials.apiToken}`).toString('base64')}`;
	if (name === 'freshdesk') return `Basic ${Buffer.from(`${credentials.apiKey}:X`).toString('base64')}`;
	return `Bearer ${credentials.accessToken}`;
}

export async function startCrmSandbox(name: CrmSandbox['name'], options: { rateLimits?: unknown } = {}): Promise<RunningSandbox> {
	return startSandbox(name as SandboxName, options);
}

/**
 * A transport paced through `store` when given (real limits), unpaced without; retries sleep for real but briefly.
 * `onRequest` sees every request the transport sends (a benchmark counts them: the sandbox's request log keeps 5,000).
 */
export function crmClient(name: CrmSandbox['name'], sandbox: RunningSandbox, store?: StateStore, profile?: PlatformProfile, onRequest?: (request: { method: string; url: string }) => void): CrmSandbox {
	const builder = builders[name];
	const header = authorization(name, sandbox.credentials);
	const transport = new Transport({
		profile: profile ?? builder.profile(),
		client: new FetchHttpClient((request) => {
			onRequest?.(request);
			return { ...request, headers: { ...request.headers, authorization: header } };
		}),
		baseUrl: sandbox.baseUrl,
		accountKey: `${name}-${sandbox.port}`,
		rateBuckets: store?.rateBuckets,
		secrets: Object.values(sandbox.credentials),
		retry: { baseDelayMs: 20, maxDelayMs: 2000 },
	});
	const connector = builder.connector(transport);
	return { name, sandbox, control: new SandboxControl(sandbox.baseUrl), transport, connector, platform: { connector, mappings: builder.mappings } };
}
