/** The HubSpot CRM v3 sandbox: private-app bearer token, HubSpot's limits, errors and v3-signed webhooks. */
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { SandboxRequest, SandboxResponse, VendorSandboxFactory, VendorSettings } from '../framework/types';
import { errorResponse } from './errors';
import { HubspotEventQueue } from './events';
import { type CrmObjectName, crmObjectTypes, findObjectType } from './objects';
import { hubspotRateLimits } from './rateLimits';
import { registerAssociationRoutes } from './associations';
import { registerListRoutes } from './lists';
import { registerCrmRoutes } from './routes';
import { signHubspotWebhook } from './signature';
import { CrmStore, present, type SeedRecord } from './store';
import { registerWorkflowRoutes, seedWorkflows, workflowView } from './workflows';

export const hubspotAccessToken = 'sandbox-hubspot-token';

const authHelp =
	'This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

const categoryByStatus: Record<number, string> = {
	400: 'VALIDATION_ERROR',
	401: 'INVALID_AUTHENTICATION',
	403: 'MISSING_SCOPES',
	404: 'OBJECT_NOT_FOUND',
	409: 'CONFLICT',
	429: 'RATE_LIMITS',
};

export const createHubspotSandbox: VendorSandboxFactory = (services) => {
	const events = new HubspotEventQueue((batch) => services.publishWebhook(batch));
	const store = new CrmStore((change) => events.add(change));
	return {
		credentials: { accessToken: hubspotAccessToken },
		authenticate: bearerAuth(hubspotAccessToken, (reason) =>
			errorResponse(
				401,
				'INVALID_AUTHENTICATION',
				reason === 'missing'
					? `Authentication credentials not found. ${authHelp}`
					: `The access token provided is not valid. ${authHelp}`,
			),
		),
		rateLimits: hubspotRateLimits,
		errors: {
			serverError: (status) =>
				errorResponse(status, categoryByStatus[status] ?? 'INTERNAL_ERROR', status >= 500 ? 'internal error' : 'request failed'),
			notFound: (request: SandboxRequest): SandboxResponse =>
				errorResponse(404, 'OBJECT_NOT_FOUND', `No route for ${request.method} ${request.path}`),
			badRequest: (message) => errorResponse(400, 'VALIDATION_ERROR', `Invalid input JSON: ${message}`),
		},
		routes: (router) => {
			registerCrmRoutes(router, store, services.baseUrl);
			registerListRoutes(router, store);
			registerWorkflowRoutes(router, store);
			registerAssociationRoutes(router, store);
		},
		data: {
			reset: () => {
				store.reset();
				events.reset();
			},
			seed: (data) => seed(store, data),
			state: (collection) => state(store, collection),
		},
		signWebhook: signHubspotWebhook,
		emitEvent: (event) => {
			try {
				return events.emit(event);
			} catch (error) {
				throw controlError(400, (error as Error).message);
			}
		},
		settings: settings(store),
	};
};

/** `{ contacts: [{ id?, properties, createdAt?, updatedAt?, archived? }], companies: [...], ... }` */
function seed(store: CrmStore, data: Record<string, unknown[]>): Record<string, unknown[]> {
	const stored: Record<string, unknown[]> = {};
	for (const [collection, records] of Object.entries(data)) {
		if (collection === 'workflows') {
			if (!Array.isArray(records)) throw controlError(400, 'workflows must be an array');
			stored.workflows = seedWorkflows(store, records);
			continue;
		}
		if (!Array.isArray(records)) throw controlError(400, `${collection} must be an array of records`);
		if (collection === 'owners') {
			stored.owners = records.map((owner) => store.addOwner(owner as Record<string, unknown>));
			continue;
		}
		const name = collectionName(collection);
		stored[name] = records.map((record) => present(store.table(name).seed(record as SeedRecord)));
	}
	return stored;
}

function state(store: CrmStore, collection?: string): unknown {
	if (collection === 'owners') return store.owners;
	if (collection === undefined) {
		return Object.fromEntries(crmObjectTypes.map((type) => [type.name, state(store, type.name)]));
	}
	if (collection === 'workflows' || collection === 'enrollments') return workflowView(store, collection);
	const type = findObjectType(collection);
	if (!type) return undefined;
	return store.table(type.name).all().map((record) => present(record));
}

function collectionName(collection: string): CrmObjectName {
	const type = findObjectType(collection);
	if (!type) throw controlError(400, `unknown collection ${collection}; use ${crmObjectTypes.map((entry) => entry.name).join(', ')}`);
	return type.name;
}

/** `searchIndexLagMs`: how long a write takes to show in search (HubSpot: a few seconds; default 0 here). */
function settings(store: CrmStore): VendorSettings {
	return {
		get: () => ({ ...store.settings }),
		update: (patch) => {
			for (const [key, value] of Object.entries(patch)) {
				if (key !== 'searchIndexLagMs') throw controlError(400, `unknown setting ${key}`);
				if (typeof value !== 'number' || value < 0) throw controlError(400, 'searchIndexLagMs must be a number >= 0');
				store.settings.searchIndexLagMs = value;
			}
			return { ...store.settings };
		},
	};
}
