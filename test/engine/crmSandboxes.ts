/** HubSpot and Salesforce sandboxes with real transports and connectors, for engine tests and the benchmark. */
import { HubSpotCrm, hubSpotDefaultMappings, hubSpotProfile } from '../../lib/platforms/hubspot';
import { SalesforceCrm, salesforceDefaultMappings, salesforceProfile } from '../../lib/platforms/salesforce';
import type { CrmConnector } from '../../lib/platforms/crm';
import type { StateStore } from '../../lib/store';
import { FetchHttpClient, Transport, type PlatformProfile } from '../../lib/transport';
import type { SyncPlatform } from '../../lib/sync/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';

export interface CrmSandbox {
	name: 'hubspot' | 'salesforce';
	sandbox: RunningSandbox;
	control: SandboxControl;
	transport: Transport;
	connector: CrmConnector;
	platform: SyncPlatform;
}

const builders = {
	hubspot: { profile: () => hubSpotProfile(), connector: (transport: Transport) => new HubSpotCrm(transport), mappings: hubSpotDefaultMappings.contacts },
	salesforce: { profile: () => salesforceProfile(), connector: (transport: Transport) => new SalesforceCrm(transport), mappings: salesforceDefaultMappings.contacts },
};

export async function startCrmSandbox(name: CrmSandbox['name'], options: { rateLimits?: unknown } = {}): Promise<RunningSandbox> {
	return startSandbox(name as SandboxName, options);
}

/** A transport paced through `store` when given (real limits), unpaced without; retries sleep for real but briefly. */
export function crmClient(name: CrmSandbox['name'], sandbox: RunningSandbox, store?: StateStore, profile?: PlatformProfile): CrmSandbox {
	const builder = builders[name];
	const token = sandbox.credentials.accessToken;
	const transport = new Transport({
		profile: profile ?? builder.profile(),
		client: new FetchHttpClient((request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } })),
		baseUrl: sandbox.baseUrl,
		accountKey: `${name}-${sandbox.port}`,
		rateBuckets: store?.rateBuckets,
		secrets: [token],
		retry: { baseDelayMs: 20, maxDelayMs: 2000 },
	});
	const connector = builder.connector(transport);
	return { name, sandbox, control: new SandboxControl(sandbox.baseUrl), transport, connector, platform: { connector, mappings: builder.mappings } };
}
