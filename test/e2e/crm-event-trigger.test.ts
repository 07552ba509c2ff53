/**
 * The CRM Event Trigger in the real n8n against the Zendesk, HubSpot and Intercom sandboxes. Zendesk: publishing a
 * workflow creates a webhook through Zendesk's webhooks API (subscribed to the event types of the change chosen) and
 * keeps the signing secret Zendesk issues; an event delivered twice starts one execution carrying the record; a forged
 * delivery is answered 401 and starts none; unpublishing deletes the webhook. HubSpot and Intercom register webhooks
 * in the user's app: publishing without the app's client secret in the credential fails saying so; with it, the URL
 * pasted into the app (the sandbox's app target) gets events verified with that secret, a retried event starts one
 * execution, forged and stale deliveries 401 and none; a HubSpot batch gives one item per event of the trigger's type.
 */
import { createHmac } from 'node:crypto';

import { describeTriggerLifecycle, expectTakenOnce, post, useTriggerEnvironment, waitFor, type TriggerCase } from '../harness/vendorTrigger';
import type { WorkflowJson } from '../harness/workflowJson';

jest.setTimeout(600_000);

type Platform = 'zendesk' | 'hubspot' | 'intercom';

const clientSecrets = { hubspot: 'hubspot-app-client-secret', intercom: 'intercom-app-client-secret' };

const zendeskForgedBody = JSON.stringify({ id: 'forged-event', type: 'zen:event-type:user.created', detail: { id: '1' } });
const zendeskStamp = new Date().toISOString();

const zendeskCase: TriggerCase<'zendesk'> = {
	platform: 'zendesk',
	event: 'contact.created',
	credentialType: 'integrationZendeskApi',
	collection: 'webhooks',
	hookUrl: (hook) => hook.endpoint,
	hookTopics: (hook) => hook.subscriptions,
	topic: 'zen:event-type:user.created',
	emitTwice: { type: 'zen:event-type:user.created', detail: { id: '7301', email: 'ada@example.com', name: 'Ada' }, times: 2 },
	subjectId: '7301',
	forged: {
		headers: { 'X-Zendesk-Webhook-Signature': createHmac('sha256', 'guessed').update(`${zendeskStamp}${zendeskForgedBody}`).digest('base64'), 'X-Zendesk-Webhook-Signature-Timestamp': zendeskStamp },
		body: zendeskForgedBody,
	},
};

const env = useTriggerEnvironment<Platform>(
	{ displayName: 'CRM Event Trigger', type: 'crmEventTrigger', webhookPrefix: 'crm-trigger', subject: 'record', vendor: 'CRM' },
	['zendesk', 'hubspot', 'intercom'],
	({ zendesk, hubspot, intercom }) => ({
		integrationZendeskApi: { name: 'Zendesk', data: { baseUrl: zendesk.baseUrl, email: zendesk.credentials.email, apiToken: zendesk.credentials.apiToken } },
		integrationHubSpotApi: { name: 'HubSpot', data: { accessToken: hubspot.credentials.accessToken, clientSecret: clientSecrets.hubspot, baseUrl: hubspot.baseUrl } },
		integrationIntercomApi: { name: 'Intercom', data: { accessToken: intercom.credentials.accessToken, clientSecret: clientSecrets.intercom, baseUrl: intercom.baseUrl } },
	}),
);

describeTriggerLifecycle(env, [zendeskCase] as Array<TriggerCase<Platform>>, (_test, published) => {
	it('an updated user, sent on any of the change events the webhook subscribes to, starts no "created" trigger', async () => {
		const [hook] = await env.registered(zendeskCase as TriggerCase<Platform>);
		expect(hook.subscriptions).toEqual(['zen:event-type:user.created']);
		await env.controls.zendesk.emitEvent({ type: 'zen:event-type:user.name_changed', detail: { id: '7301' } });
		// Not subscribed: Zendesk sends it nowhere, so nothing reaches the trigger.
		expect((await env.deliveriesTo('zendesk', published.hookUrl())).filter((delivery) => delivery.body.includes('name_changed'))).toEqual([]);
		expect(await env.n8n.executions(published.workflowId())).toHaveLength(1);
	});
});

describe('CRM Event Trigger on Zendesk, contact updated', () => {
	it('subscribes one webhook to every user change event and starts on any of them', async () => {
		const test = { ...zendeskCase, event: 'contact.updated' } as TriggerCase<Platform>;
		const workflowId = await env.n8n.importWorkflow(env.triggerWorkflow(test, 'CRM Event Trigger zendesk contact.updated'));
		await env.n8n.activate(workflowId);
		const [hook] = await env.registered(test);
		expect(hook.subscriptions).toEqual(expect.arrayContaining(['zen:event-type:user.name_changed', 'zen:event-type:user.identity_changed', 'zen:event-type:user.tags_changed']));
		await env.controls.zendesk.emitEvent({ type: 'zen:event-type:user.tags_changed', detail: { id: '7302' } });
		const execution = await env.n8n.waitForExecution(workflowId);
		expect((execution.outputs['CRM Event Trigger']?.[0]?.[0] as { json: Record<string, unknown> }).json).toMatchObject({ platform: 'zendesk', event: 'contact.updated', topic: 'zen:event-type:user.tags_changed', recordId: '7302' });
		await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
		await waitFor('webhooks left after unpublishing', () => env.registered(test), (hooks) => hooks.length === 0);
	});
});

interface AppCase {
	platform: 'hubspot' | 'intercom';
	event: string;
	credentialType: string;
	emitTwice: Record<string, unknown>;
	topic: string;
	subjectId: string;
	forged: { headers: Record<string, string>; body: string };
	/** The secret field publishing asks for when the credential lacks it. */
	secretField: string;
}

const hubspotForgedBody = JSON.stringify([{ eventId: 1, objectId: 1, subscriptionType: 'contact.creation', occurredAt: Date.now() }]);

const appCases: AppCase[] = [
	{
		platform: 'hubspot',
		event: 'contact.created',
		credentialType: 'integrationHubSpotApi',
		emitTwice: { subscriptionType: 'contact.creation', objectId: 51001, times: 2 },
		topic: 'contact.creation',
		subjectId: '51001',
		forged: { headers: { 'X-HubSpot-Signature-v3': createHmac('sha256', 'guessed').update(`POSTx${hubspotForgedBody}${Date.now()}`).digest('base64'), 'X-HubSpot-Request-Timestamp': String(Date.now()) }, body: hubspotForgedBody },
		secretField: 'clientSecret',
	},
	{
		platform: 'intercom',
		event: 'contact.created',
		credentialType: 'integrationIntercomApi',
		emitTwice: { topic: 'contact.lead.created', item: { type: 'contact', id: 'ic_contact_1', role: 'lead' }, times: 2 },
		topic: 'contact.lead.created',
		subjectId: 'ic_contact_1',
		forged: { headers: { 'X-Hub-Signature': `sha1=${createHmac('sha1', 'guessed').update('{"id":"notif_x","topic":"contact.user.created"}').digest('hex')}` }, body: '{"id":"notif_x","topic":"contact.user.created"}' },
		secretField: 'clientSecret',
	},
];

describe.each(appCases)('CRM Event Trigger on $platform ($event, registered in the app)', (test) => {
	let workflowId: string;
	let hookUrl: string;
	const workflow = (): WorkflowJson => env.triggerWorkflow({ platform: test.platform, event: test.event, credentialType: test.credentialType } as TriggerCase<Platform>);

	it('refuses to publish while the credential lacks the app secret deliveries are signed with', async () => {
		const withoutSecret = await env.n8n.createCredential(test.credentialType, `${test.platform} without secret`, {
			accessToken: env.sandboxes[test.platform].credentials.accessToken,
			baseUrl: env.sandboxes[test.platform].baseUrl,
		});
		const unsigned = workflow();
		unsigned.name = `CRM Event Trigger ${test.platform} without secret`;
		unsigned.nodes[0].webhookId = `crm-trigger-${test.platform}-nosecret`;
		unsigned.nodes[0].credentials = { [test.credentialType]: { id: withoutSecret, name: 'no secret' } };
		const id = await env.n8n.importWorkflow(unsigned);
		await expect(env.n8n.activate(id)).rejects.toThrow(new RegExp(`Set ${test.secretField} in the ${test.platform} credential`));
	});

	it('publishes without calling the vendor: the URL is pasted into the app', async () => {
		workflowId = await env.n8n.importWorkflow(workflow());
		const before = (await env.controls[test.platform].requests()).length;
		await env.n8n.activate(workflowId);
		expect((await env.controls[test.platform].requests()).length).toBe(before);
		hookUrl = `${env.n8n.webhookBaseUrl}/webhook/crm-trigger-${test.platform}/webhook`;
		// What the user does in the app: the trigger's Production URL, signed with the app's client secret.
		await env.controls[test.platform].registerWebhook(hookUrl, clientSecrets[test.platform]);
	});

	it('starts one execution for an event the app delivers twice', async () => {
		await env.controls[test.platform].emitEvent(test.emitTwice);
		const deliveries = await waitFor('two deliveries', () => env.deliveriesTo(test.platform, hookUrl), (found) => found.length === 2);
		expectTakenOnce(deliveries);
		const execution = await env.n8n.waitForExecution(workflowId);
		const item = (execution.outputs['CRM Event Trigger']?.[0]?.[0] as { json: Record<string, unknown> }).json;
		expect(item).toMatchObject({ platform: test.platform, event: test.event, topic: test.topic, recordId: test.subjectId });
		expect(await env.n8n.executions(workflowId)).toHaveLength(1);
	});

	it('answers a forged delivery 401 and starts nothing', async () => {
		expect(await post(hookUrl, test.forged.headers, test.forged.body)).toBe(401);
		expect(await env.n8n.executions(workflowId)).toHaveLength(1);
	});

	if (test.platform === 'hubspot') {
		it('answers a genuine HubSpot delivery signed 6 minutes ago 401 (HubSpot: at most 5) and starts nothing', async () => {
			const body = JSON.stringify([{ eventId: 99, objectId: 51002, subscriptionType: 'contact.creation', occurredAt: Date.now() }]);
			const stamp = Date.now() - 6 * 60_000;
			const signature = createHmac('sha256', clientSecrets.hubspot).update(`POST${hookUrl}${body}${stamp}`).digest('base64');
			expect(await post(hookUrl, { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(stamp) }, body)).toBe(401);
			expect(await env.n8n.executions(workflowId)).toHaveLength(1);
		});

		it('gives one item per creation in a batch and leaves the other event types out', async () => {
			const stamp = Date.now();
			const events = [
				{ eventId: 201, objectId: 61001, subscriptionType: 'contact.creation', occurredAt: stamp },
				{ eventId: 202, objectId: 61001, subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'x@example.com', occurredAt: stamp },
				{ eventId: 203, objectId: 61002, subscriptionType: 'contact.creation', occurredAt: stamp },
			];
			const body = JSON.stringify(events);
			const signature = createHmac('sha256', clientSecrets.hubspot).update(`POST${hookUrl}${body}${stamp}`).digest('base64');
			expect(await post(hookUrl, { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(stamp) }, body)).toBe(200);
			const runs = await waitFor('the batch execution', () => env.n8n.executions(workflowId), (found) => found.length === 2 && found.every((run) => run.status === 'success'));
			const batch = runs.find((run) => JSON.stringify(run.outputs).includes('61002'));
			const items = (batch?.outputs['CRM Event Trigger']?.[0] ?? []) as Array<{ json: Record<string, unknown> }>;
			expect(items.map((entry) => entry.json.recordId)).toEqual(['61001', '61002']);
		});
	}

	it('stops receiving when the workflow is unpublished', async () => {
		await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
		// Unpublishing is asynchronous: n8n answers 404 once the trigger's webhook is gone.
		await waitFor('the webhook gone', () => post(hookUrl, {}, '{}'), (status) => status === 404);
		await env.controls[test.platform].emitEvent({ ...test.emitTwice, times: 1 });
		const last = await waitFor('the delivery after unpublishing', () => env.deliveriesTo(test.platform, hookUrl), (found) => found.length >= 3 && found.at(-1)?.status !== null);
		expect(last.at(-1)?.status).toBe(404);
	});
});
