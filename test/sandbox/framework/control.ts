/** The control API every sandbox serves under `/__control/`: reset, seed, inspect, faults, rate limits, webhooks. */
import type { FaultInjector, FaultSpec } from './faults';
import type { RateLimiter, RateLimitSpec } from './rateLimit';
import type { RequestLog } from './requestLog';
import { Router } from './router';
import { SandboxError, type SandboxResponse, type VendorSandbox } from './types';
import type { WebhookHub, WebhookTarget } from './webhooks';

export const controlPrefix = '/__control/';

export interface ControlledParts {
	name: string;
	vendor: VendorSandbox;
	limiter: RateLimiter;
	faults: FaultInjector;
	log: RequestLog;
	webhooks: WebhookHub;
}

export function controlRouter(parts: ControlledParts): Router {
	const { vendor, limiter, faults, log, webhooks } = parts;
	const ok = (body: unknown = { ok: true }): SandboxResponse => ({ status: 200, body });
	return new Router()
		.get('/__control/info', () => ok({ name: parts.name }))
		.post('/__control/reset', () => {
			vendor.data.reset();
			faults.clear();
			log.clear();
			limiter.reset();
			webhooks.reset();
			return ok();
		})
		.post('/__control/seed', (request) => ok(vendor.data.seed(objectBody<Record<string, unknown[]>>(request.body))))
		.get('/__control/state', () => ok(vendor.data.state()))
		.get('/__control/state/:collection', (request) => {
			const state = vendor.data.state(request.params.collection);
			if (state === undefined) throw controlError(404, `no collection ${request.params.collection}`);
			return ok(state);
		})
		.get('/__control/requests', () => ok(log.list()))
		.delete('/__control/requests', () => {
			log.clear();
			return ok();
		})
		.get('/__control/faults', () => ok(faults.list()))
		.post('/__control/faults', (request) => ({
			status: 201,
			body: guarded(() => faults.add(objectBody<FaultSpec>(request.body))),
		}))
		.delete('/__control/faults', () => {
			faults.clear();
			return ok();
		})
		.get('/__control/rate-limits', () => ok(limiter.state()))
		.put('/__control/rate-limits', (request) =>
			ok(guarded(() => limiter.configure(objectBody<RateLimitSpec>(request.body)))),
		)
		.get('/__control/webhooks', async () =>
			ok({ targets: webhooks.targetUrls(), deliveries: await webhooks.settledDeliveries() }),
		)
		.post('/__control/webhooks', (request) => {
			guarded(() => webhooks.register(objectBody<WebhookTarget>(request.body)));
			return { status: 201, body: { targets: webhooks.targetUrls() } };
		})
		.delete('/__control/webhooks', () => {
			webhooks.reset();
			return ok();
		})
		.post('/__control/events', async (request) => {
			if (!vendor.emitEvent) throw controlError(400, `${parts.name} emits no events`);
			const event = objectBody<Record<string, unknown>>(request.body);
			// An event may first do what it reports (Braintree bills a subscription's cycle): its answer is awaited.
			return { status: 201, body: await Promise.resolve(guarded(() => vendor.emitEvent!(event))).catch((error: unknown) => guarded(() => { throw error; })) };
		})
		.get('/__control/settings', () => ok(vendor.settings?.get() ?? {}))
		.put('/__control/settings', (request) => {
			if (!vendor.settings) throw controlError(400, `${parts.name} has no settings`);
			return ok(vendor.settings.update(objectBody<Record<string, unknown>>(request.body)));
		});
}

export function controlError(status: number, message: string): SandboxError {
	return new SandboxError({ status, body: { error: message } });
}

function objectBody<T>(body: unknown): T {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw controlError(400, 'expected a JSON object body');
	return body as T;
}

/** Turns a validation Error from a framework part into a 400. */
function guarded<T>(action: () => T): T {
	try {
		return action();
	} catch (error) {
		if (error instanceof SandboxError) throw error;
		throw controlError(400, (error as Error).message);
	}
}
