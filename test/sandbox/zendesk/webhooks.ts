/**
 * Zendesk's webhooks API (`/api/v2/webhooks`): create one subscribed to event types (`zen:event-type:…`), list with
 * cursor paging, show, show its signing secret, delete; and events (`POST /__control/events`) delivered to every
 * webhook subscribed to their type, signed with that webhook's secret as Zendesk signs.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type SandboxServices } from '../framework/types';

interface ZendeskWebhook {
	id: string;
	name: string;
	status: 'active' | 'inactive';
	endpoint: string;
	http_method: string;
	request_format: string;
	subscriptions: string[];
	created_at: string;
	/** Shown only by the signing_secret endpoint. */
	secret: string;
}

const eventTypePattern = /^zen:event-type:[a-z_]+\.[a-z_]+$/;

function invalid(description: string): SandboxError {
	return new SandboxError({ status: 400, body: { errors: [{ code: 'InvalidValue', title: 'Invalid value', detail: description }] } });
}

export class ZendeskWebhooks {
	private hooks: ZendeskWebhook[] = [];

	constructor(
		private readonly services: SandboxServices,
		private readonly sign: (input: { body: string; secret: string; timestamp: number }) => Record<string, string>,
	) {}

	routes(router: Router): void {
		const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
		router.get('/api/v2/webhooks', (request) => ok(this.page(request)));
		router.post('/api/v2/webhooks', (request) => ok({ webhook: this.shown(this.create(request)) }, 201));
		router.get('/api/v2/webhooks/:id/signing_secret', (request) => ok({ signing_secret: { algorithm: 'SHA256', secret: this.found(request.params.id).secret } }));
		router.get('/api/v2/webhooks/:id', (request) => ok({ webhook: this.shown(this.found(request.params.id)) }));
		router.delete('/api/v2/webhooks/:id', (request) => {
			const hook = this.found(request.params.id);
			this.hooks = this.hooks.filter((other) => other !== hook);
			return { status: 204 };
		});
	}

	/** `{ type, detail?, times? }`: one event (one id) to every active webhook subscribed to `type`, `times` times. */
	emit({ type, detail, times }: Record<string, unknown>): unknown {
		if (typeof type !== 'string' || !eventTypePattern.test(type)) throw controlError(400, 'type must be a Zendesk event type, e.g. zen:event-type:user.created');
		if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) throw controlError(400, 'times must be a whole number of at least 1');
		const object = type.slice('zen:event-type:'.length).split('.')[0];
		const record = (detail as Record<string, unknown> | undefined) ?? { id: String(Math.floor(Math.random() * 1e6)) };
		const event = { account_id: 10001, detail: record, event: {}, id: randomUUID(), subject: `zen:${object}:${String(record.id)}`, time: new Date().toISOString(), type, zendesk_event_version: '2022-11-06' };
		const targets = this.hooks.filter((hook) => hook.status === 'active' && hook.subscriptions.includes(type));
		for (let time = 0; time < ((times as number | undefined) ?? 1); time++) for (const hook of targets) this.services.deliverWebhook({ url: hook.endpoint, secret: hook.secret }, event, this.sign);
		return { event, deliveries: targets.length * ((times as number | undefined) ?? 1) };
	}

	list(): unknown[] {
		return this.hooks.map((hook) => this.shown(hook));
	}

	reset(): void {
		this.hooks = [];
	}

	private create(request: SandboxRequest): ZendeskWebhook {
		const input = ((request.body ?? {}) as { webhook?: Record<string, unknown> }).webhook;
		if (!input || typeof input !== 'object') throw invalid('webhook is required');
		if (typeof input.name !== 'string' || input.name === '') throw invalid('name is required');
		if (typeof input.endpoint !== 'string' || !/^https?:\/\//.test(input.endpoint)) throw invalid('endpoint must be an http(s) URL');
		const subscriptions = input.subscriptions;
		if (!Array.isArray(subscriptions) || subscriptions.length === 0 || !subscriptions.every((type) => typeof type === 'string' && eventTypePattern.test(type))) {
			throw invalid('subscriptions must list event types (zen:event-type:…)');
		}
		const hook: ZendeskWebhook = {
			id: `01${randomBytes(12).toString('hex').toUpperCase()}`, name: input.name, status: input.status === 'inactive' ? 'inactive' : 'active', endpoint: input.endpoint,
			http_method: String(input.http_method ?? 'POST'), request_format: String(input.request_format ?? 'json'), subscriptions: subscriptions as string[],
			created_at: new Date().toISOString(), secret: randomBytes(24).toString('base64'),
		};
		this.hooks.push(hook);
		return hook;
	}

	private found(id: string): ZendeskWebhook {
		const hook = this.hooks.find((candidate) => candidate.id === id);
		if (!hook) throw new SandboxError({ status: 404, body: { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found', detail: `Webhook ${id} not found` }] } });
		return hook;
	}

	private page(request: SandboxRequest): unknown {
		const size = Math.min(100, Number(request.query.get('page[size]') ?? 100) || 100);
		const after = request.query.get('page[after]');
		const start = after ? this.hooks.findIndex((hook) => hook.id === Buffer.from(after, 'base64url').toString()) + 1 : 0;
		const page = this.hooks.slice(start, start + size);
		const hasMore = start + size < this.hooks.length;
		const afterCursor = page.length > 0 ? Buffer.from(page[page.length - 1].id).toString('base64url') : null;
		return { webhooks: page.map((hook) => this.shown(hook)), meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: null }, links: { next: null, prev: null } };
	}

	private shown({ secret: _secret, ...hook }: ZendeskWebhook): Omit<ZendeskWebhook, 'secret'> {
		return hook;
	}
}
