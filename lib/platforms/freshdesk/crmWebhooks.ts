import { createHash } from 'node:crypto';

import { id, nonEmptyString, shape } from '../../records/inputSchema';
import { safeEqual } from '../../transport/signatures';
import { idText, verdict, type AppWebhookScheme, type CrmEventKind } from '../webhookSchemes';

/** The header the automation rule's webhook carries the shared secret in. */
export const FRESHDESK_SECRET_HEADER = 'X-Freshdesk-Webhook-Secret';

/**
 * Freshdesk's webhooks are an action of its automation rules ("Trigger webhook"), set up in the admin UI: they carry
 * no signature, so the rule sends the credential's webhook secret in a custom header, compared here in constant time.
 * The body is the JSON content the rule is given: `{"event": "ticket.created", "ticket_id": {{ticket.id}}, …}`.
 * Freshdesk sends no delivery id: a delivery is known by its body's digest, so a retried delivery (the same body)
 * starts once. Automations run on tickets only (ticket creation and ticket update rules).
 */
export const freshdeskCrmWebhooks: AppWebhookScheme<CrmEventKind> = {
	platform: 'freshdesk',
	setupNotice:
		`Freshdesk sends webhooks from automation rules: in Admin → Workflows → Automations add a rule (Ticket creation or Ticket updates) whose action is Trigger webhook: POST to this node's Production URL (Webhook URLs, above), custom header ${FRESHDESK_SECRET_HEADER} set to the credential's Webhook Secret, JSON content {"event": "ticket.created" or "ticket.updated", "ticket_id": {{ticket.id}}}. Freshdesk signs nothing: a delivery without that header is refused`,
	missingEventsNotice: 'Freshdesk sends ticket events only (its automation rules run on tickets)',
	registeredIn:
		`Freshdesk's Admin → Workflows → Automations: a rule under "Ticket creation" (or "Ticket updates") with the action "Trigger webhook": POST to this trigger's Production URL, custom header ${FRESHDESK_SECRET_HEADER} set to the credential's Webhook Secret, JSON content {"event": "<event>", "ticket_id": {{ticket.id}}}, for the event`,
	events: {
		'ticket.created': { topic: 'ticket.created' },
		'ticket.updated': { topic: 'ticket.updated' },
	},
	secretFrom: 'credential',
	signatureHeader: FRESHDESK_SECRET_HEADER,
	verify: ({ header }, secret) => {
		const presented = header(FRESHDESK_SECRET_HEADER.toLowerCase());
		if (!presented) return verdict(false, `no ${FRESHDESK_SECRET_HEADER} header`);
		return verdict(safeEqual(presented, secret), `${FRESHDESK_SECRET_HEADER} does not match the webhook secret`);
	},
	eventBody: shape({ event: nonEmptyString(), ticket_id: id() }, 'the rule\'s JSON content {event, ticket_id}'),
	deliveryId: (_header, payload) => (idText(payload.ticket_id) ? createHash('sha256').update(JSON.stringify(payload)).digest('hex') : undefined),
	topic: (_header, payload) => (typeof payload.event === 'string' ? payload.event : undefined),
	subjectId: (payload) => idText(payload.ticket_id),
};
