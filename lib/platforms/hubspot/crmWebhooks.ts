import { id, listOf, shape } from '../../records/inputSchema';
import { idText, type AppWebhookScheme, type CrmEventKind } from '../webhookSchemes';
import { verifyHubSpotSignature } from './webhook';

/**
 * HubSpot webhooks (v3 payloads) belong to a public or private app: subscriptions and the target URL are set in the
 * app's settings, not through an API a private-app token may call. Each delivery is a JSON array of up to 100 events
 * signed together with the app's client secret (X-HubSpot-Signature-v3 over method, URL, body and timestamp).
 * `eventId` alone is not unique (HubSpot says so): an event is named by its id, object, type and time, all the same
 * on a retry.
 */
export const hubSpotCrmWebhooks: AppWebhookScheme<CrmEventKind> = {
	platform: 'hubspot',
	setupNotice:
		"HubSpot registers webhooks in your app, not through its API: in the app's Webhooks settings set Target URL to this node's Production URL (Webhook URLs, above), subscribe to the object and change chosen here (e.g. contact.creation, contact.propertyChange, contact.deletion), and set the app's Client Secret in the credential: deliveries are signed with it",
	registeredIn: "your HubSpot app's Webhooks settings: set Target URL to this trigger's Production URL and subscribe to",
	events: {
		'contact.created': { topic: 'contact.creation' },
		'contact.updated': { topic: 'contact.propertyChange' },
		'contact.deleted': { topic: 'contact.deletion' },
		'company.created': { topic: 'company.creation' },
		'company.updated': { topic: 'company.propertyChange' },
		'company.deleted': { topic: 'company.deletion' },
		'ticket.created': { topic: 'ticket.creation' },
		'ticket.updated': { topic: 'ticket.propertyChange' },
		'ticket.deleted': { topic: 'ticket.deletion' },
	},
	secretFrom: 'credential',
	signatureHeader: 'X-HubSpot-Signature-v3',
	signsUrl: true,
	credentialSecretField: 'clientSecret',
	verify: ({ header, rawBody, url, method = 'POST', nowMs }, secret) => verifyHubSpotSignature(header, method, url, rawBody.toString('utf8'), secret, nowMs),
	// A list of events, each naming its object.
	eventBody: listOf(shape({ objectId: id() }, 'an event {objectId, …}'), { nonEmpty: true }),
	split: (body) => (Array.isArray(body) && body.length > 0 && body.every(isObject) ? body : undefined),
	deliveryId: (_header, event) => {
		const parts = [idText(event.eventId), idText(event.objectId), event.subscriptionType, idText(event.occurredAt)];
		return parts.every((part) => typeof part === 'string' && part !== '') ? parts.join(':') : undefined;
	},
	topic: (_header, event) => (typeof event.subscriptionType === 'string' ? event.subscriptionType : undefined),
	subjectId: (event) => idText(event.objectId),
};

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
