/**
 * Freshdesk automation-rule webhooks at the CRM Event Trigger: no signature, a shared secret in a header. A delivery
 * with the secret starts once (a retry, the same body, starts nothing); without it, or with another, it is refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { crmWebhookScheme, receiveDelivery } from '../../lib/triggers';
import { headerReader } from '../../lib/platforms/webhookSchemes';

let store: StateStore;
const secret = 'a-long-shared-secret';

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'freshdesk-trigger-')), 'state.sqlite') }, allMigrations);
});
afterAll(() => closeAllStores());

const deliver = (body: unknown, headers: Record<string, string>, event: 'ticket.created' | 'ticket.updated' = 'ticket.created', triggerKey = 't1') =>
	receiveDelivery(store, crmWebhookScheme('freshdesk'), {
		event, triggerKey, header: headerReader(headers), rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
		url: 'https://n8n.example/webhook/x', registration: {}, credentialSecret: secret,
	});

test('the secret header lets a ticket event through once; the same body again starts nothing', async () => {
	const body = { event: 'ticket.created', ticket_id: 42, status: 'Open' };
	const first = await deliver(body, { 'X-Freshdesk-Webhook-Secret': secret });
	expect(first).toMatchObject({ outcome: 'accepted', events: [{ platform: 'freshdesk', event: 'ticket.created', topic: 'ticket.created', subjectId: '42', payload: body }] });
	expect(await deliver(body, { 'x-freshdesk-webhook-secret': secret })).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/already received/) });
	// Another update of the same ticket is another delivery.
	expect((await deliver({ ...body, status: 'Pending' }, { 'X-Freshdesk-Webhook-Secret': secret })).outcome).toBe('accepted');
});

test('another event than the trigger\'s is skipped; a body without ticket_id is refused', async () => {
	expect(await deliver({ event: 'ticket.updated', ticket_id: 7 }, { 'X-Freshdesk-Webhook-Secret': secret }, 'ticket.created', 't2')).toMatchObject({ outcome: 'skipped' });
	expect(await deliver({ event: 'ticket.created' }, { 'X-Freshdesk-Webhook-Secret': secret }, 'ticket.created', 't2')).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/delivery id/) });
});

test.each([
	['no header', {}],
	['another secret', { 'X-Freshdesk-Webhook-Secret': 'guess' }],
	['the secret with more after it', { 'X-Freshdesk-Webhook-Secret': `${secret}!` }],
])('%s: refused before anything starts', async (_case, headers) => {
	expect(await deliver({ event: 'ticket.created', ticket_id: 1 }, headers, 'ticket.created', 't3')).toMatchObject({ outcome: 'refused' });
});

test('Freshdesk offers only ticket events: contacts and companies have no automation rules', () => {
	expect(Object.keys(crmWebhookScheme('freshdesk').events)).toEqual(['ticket.created', 'ticket.updated']);
});
