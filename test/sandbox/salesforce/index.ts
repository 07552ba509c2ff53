/**
 * The Salesforce REST sandbox (PLATFORMS.md): bearer session id, SOQL with SystemModstamp and nextRecordsUrl,
 * sObject collections of up to 200, upsert by external id, errors as arrays, the daily request limit reported in
 * `Sforce-Limit-Info` and refused with 403 REQUEST_LIMIT_EXCEEDED (Salesforce sends no 429).
 */
import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { VendorSandboxFactory } from '../framework/types';
import { errorResponse } from './errors';
import { findSObject, sObjectTypes } from './objects';
import { apiBase, registerSalesforceRoutes } from './routes';
import { OrgStore } from './store';

export const salesforceAccessToken = '00D8d000000sandbox!AQ4AQSandboxSessionToken';
export { apiBase as salesforceApiBase };

export const salesforceRateWindows: RateWindow[] = [{ name: 'DailyApiRequests', kind: 'fixed', limit: 100_000, intervalMs: 86_400_000 }];

export const createSalesforceSandbox: VendorSandboxFactory = () => {
	const org = new OrgStore();
	return {
		credentials: { accessToken: salesforceAccessToken },
		authenticate: bearerAuth(salesforceAccessToken, () => errorResponse(401, 'INVALID_SESSION_ID', 'Session expired or invalid')),
		rateLimits: {
			defaults: salesforceRateWindows,
			headers(usage: WindowUsage[]): Record<string, string> {
				const daily = usage.find((entry) => entry.window.name === 'DailyApiRequests');
				return daily ? { 'Sforce-Limit-Info': `api-usage=${daily.window.limit - daily.remaining}/${daily.window.limit}` } : {};
			},
			rejection: () => errorResponse(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
		},
		errors: {
			serverError: (status) => errorResponse(status, status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567-89 (-1)'),
			notFound: () => errorResponse(404, 'NOT_FOUND', 'The requested resource does not exist'),
			badRequest: (message) => errorResponse(400, 'JSON_PARSER_ERROR', message),
		},
		routes: (router) => registerSalesforceRoutes(router, org),
		data: {
			reset: () => org.reset(),
			seed: (data) => Object.fromEntries(Object.entries(data).map(([object, records]) => {
				if (!findSObject(object)) throw controlError(400, `unknown sObject ${object}; use ${sObjectTypes.map((type) => type.name).join(', ')}`);
				if (!Array.isArray(records)) throw controlError(400, `${object} must be an array of records`);
				return [object, records.map((record) => org.seed(object, record as Record<string, unknown>))];
			})),
			state: (collection) => {
				if (collection === undefined) return Object.fromEntries(sObjectTypes.map((type) => [type.name, [...org.table(type).values()]]));
				const type = findSObject(collection);
				return type ? [...org.table(type).values()] : undefined;
			},
		},
		// Salesforce pushes changes by Outbound Messages / Change Data Capture, not signed JSON webhooks.
		signWebhook: () => ({}),
	};
};

export { apiBase };
