import { object } from '../../records/inputSchema';
import { idText, ignoreNotFound, objectAt, type CrmEventKind, type EventTopic, type VendorHook, type WebhookScheme } from '../webhookSchemes';
import { verifyZendeskSignature } from './webhook';

interface ZendeskWebhook {
	id: string;
	endpoint: string;
	subscriptions?: string[];
}

/** A Zendesk event type (`zen:event-type:<object>.<change>`). */
const eventType = (name: string) => `zen:event-type:${name}`;

/** Zendesk has no single "changed" event: an update is any of the object's change events. */
function changes(object: string, names: string[]): EventTopic {
	const topics = names.map((name) => eventType(`${object}.${name}`));
	return { topic: topics[0], topics };
}

/**
 * Zendesk's webhooks API (`/api/v2/webhooks`), subscribed to event types; Zendesk issues each webhook's signing secret
 * (`GET /api/v2/webhooks/{id}/signing_secret`). Deliveries are signed base64(HMAC-SHA256(secret, timestamp + body));
 * an event's `id` is the same on a retry. Users are contacts, organizations companies.
 */
export const zendeskCrmWebhooks: WebhookScheme<CrmEventKind> = {
	platform: 'zendesk',
	events: {
		'contact.created': { topic: eventType('user.created'), vendorTerm: 'a user' },
		'contact.updated': changes('user', ['name_changed', 'identity_changed', 'identity_created', 'details_changed', 'notes_changed', 'external_id_changed', 'role_changed', 'active_changed', 'custom_field_changed', 'tags_changed', 'time_zone_changed']),
		'contact.deleted': { topic: eventType('user.deleted') },
		'company.created': { topic: eventType('organization.created') },
		'company.updated': changes('organization', ['name_changed', 'external_id_changed', 'custom_field_changed', 'tags_changed']),
		'company.deleted': { topic: eventType('organization.deleted') },
		'ticket.created': { topic: eventType('ticket.created') },
		'ticket.updated': changes('ticket', ['status_changed', 'priority_changed', 'subject_changed', 'description_changed', 'agent_assignment_changed', 'group_assignment_changed', 'tags_changed', 'custom_field_changed', 'comment_added']),
		'ticket.deleted': { topic: eventType('ticket.soft_deleted') },
	},
	secretFrom: 'vendor',
	signatureHeader: 'X-Zendesk-Webhook-Signature',
	async list(transport, topic) {
		const hooks: ZendeskWebhook[] = [];
		for (let after: string | undefined; ; ) {
			const page = await transport.request<{ webhooks?: ZendeskWebhook[]; meta?: { has_more?: boolean; after_cursor?: string } }>({
				method: 'GET',
				url: '/api/v2/webhooks',
				qs: { 'page[size]': 100, ...(after ? { 'page[after]': after } : {}) },
			});
			hooks.push(...(page.webhooks ?? []));
			if (!page.meta?.has_more || !page.meta.after_cursor) break;
			after = page.meta.after_cursor;
		}
		return hooks.filter((hook) => hook.subscriptions?.includes(topic)).map((hook): VendorHook => ({ id: hook.id, url: hook.endpoint, topic }));
	},
	async create(transport, { url, topic, topics }) {
		const body = await transport.request<{ webhook: ZendeskWebhook }>({
			method: 'POST',
			url: '/api/v2/webhooks',
			body: { webhook: { name: `n8n ${topic}`, status: 'active', endpoint: url, http_method: 'POST', request_format: 'json', subscriptions: topics } },
		});
		const signing = await transport.request<{ signing_secret?: { secret?: string } }>({ method: 'GET', url: `/api/v2/webhooks/${encodeURIComponent(body.webhook.id)}/signing_secret` });
		return { id: body.webhook.id, secret: signing.signing_secret?.secret };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/api/v2/webhooks/${encodeURIComponent(id)}` }).catch(ignoreNotFound);
	},
	verify: ({ header, rawBody, nowMs }, secret) => verifyZendeskSignature(header, rawBody.toString('utf8'), secret, nowMs),
	eventBody: object(),
	deliveryId: (_header, payload) => idText(payload.id),
	topic: (_header, payload) => (typeof payload.type === 'string' ? payload.type : undefined),
	subjectId: (payload) => idText(objectAt(payload, 'detail').id),
};
