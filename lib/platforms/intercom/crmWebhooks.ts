import { nonEmptyString, object, shape } from '../../records/inputSchema';
import { idText, objectAt, type AppWebhookScheme, type CrmEventKind } from '../webhookSchemes';
import { verifyIntercomSignature } from './webhook';

/**
 * Intercom webhooks belong to the developer app: topics and the endpoint URL are set in the Developer Hub, and every
 * notification is signed with the app's client secret (`X-Hub-Signature: sha1=…`). A notification's `id` (`notif_…`)
 * is the same on each retry. Users and leads are both contacts, with a topic each. Intercom sends no event for a
 * deleted ticket.
 */
export const intercomCrmWebhooks: AppWebhookScheme<CrmEventKind> = {
	platform: 'intercom',
	setupNotice:
		"Intercom registers webhooks in your app: in the Developer Hub open the app's Webhooks, set Endpoint URL to this node's Production URL (Webhook URLs, above), select the topics for the change chosen here (e.g. contact.user.created and contact.lead.created), and set the app's Client Secret in the credential: deliveries are signed with it",
	missingEventsNotice: 'Intercom sends no event when a ticket is deleted',
	registeredIn: "your Intercom app in the Developer Hub, under Webhooks: set Endpoint URL to this trigger's Production URL and select the topics",
	events: {
		'contact.created': { topic: 'contact.user.created', topics: ['contact.user.created', 'contact.lead.created'], vendorTerm: 'a user or a lead' },
		'contact.updated': { topic: 'contact.user.updated', topics: ['contact.user.updated', 'contact.lead.updated'] },
		'contact.deleted': { topic: 'contact.deleted' },
		'company.created': { topic: 'company.created' },
		'company.updated': { topic: 'company.updated' },
		'company.deleted': { topic: 'company.deleted' },
		'ticket.created': { topic: 'ticket.created' },
		'ticket.updated': { topic: 'ticket.state.updated', topics: ['ticket.state.updated', 'ticket.attribute.updated'] },
	},
	secretFrom: 'credential',
	signatureHeader: 'X-Hub-Signature',
	credentialSecretField: 'clientSecret',
	verify: ({ header, rawBody }, secret) => verifyIntercomSignature(header, rawBody.toString('utf8'), secret),
	// A notification.
	eventBody: shape({ topic: nonEmptyString(), data: object() }, 'a notification {topic, data}'),
	deliveryId: (_header, payload) => idText(payload.id),
	topic: (_header, payload) => (typeof payload.topic === 'string' ? payload.topic : undefined),
	subjectId: (payload) => idText(objectAt(payload, 'data.item').id),
};
