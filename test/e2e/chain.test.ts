/**
 * The seed's flows chained end to end in the real n8n, in the demo's world (every sandbox, the demo's credentials,
 * every template imported and published the way `./run demo` does it): a payment charged by the payment template, an
 * order placed on Shopify and a CRM sync run are published to the Event Router template, which routes them by its rules
 * to the receivers (route log and receivers checked); a contact created in HubSpot becomes a customer event that the
 * Event Router hands to the marketing template, which subscribes it on the marketing platforms.
 */
import { createHmac } from 'node:crypto';

import {
	createCredentials,
	createLocalCredentials,
	demoCrmWebhookSecret,
	importTemplates,
	seedSandboxes,
	startDemoSandboxes,
	webhookCallerKey,
	type ImportedTemplate,
} from '../../scripts/demo';
import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { SandboxControl } from '../sandbox/framework/controlClient';
import type { ReceivedDelivery } from '../sandbox/receivers';
import type { RunningSandbox } from '../sandbox/registry';
import { startSmtpSink, type SmtpSink } from '../sandbox/smtp';

jest.setTimeout(900_000);

const pkg = 'n8n-nodes-integration-automation';
let n8n: N8nServer;
let smtp: SmtpSink;
let sandboxes: RunningSandbox[];
let templates: ImportedTemplate[];
let routeLogId: string;
let usageId: string;

const sandbox = (name: string) => sandboxes.find((candidate) => candidate.name === name)!;
const control = (name: string) => new SandboxControl(sandbox(name).baseUrl);
const template = (file: string) => templates.find((candidate) => candidate.file === file)!;
const withKey = (body: object) => ({ body, headers: { [webhookCallerKey.name]: webhookCallerKey.value } });

/** What a user opens to see where events went: the Event Router's route log, one event's entries. */
const routeLogWorkflow = {
	name: 'Route log',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ name: 'Route Log', type: `${pkg}.eventRouter`, typeVersion: 1, position: [220, 0], parameters: { operation: 'routeLog', logEventId: '', logLimit: 500 } },
	],
	connections: { Start: { main: [[{ node: 'Route Log', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

/** The usage the templates recorded for the demo customer this month, one namespace per priced product. */
const usageWorkflow = {
	name: 'Demo usage',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...['demo', 'accounting'].map((namespace, index) => ({
			name: `Usage ${namespace}`,
			type: `${pkg}.usageMeter`,
			typeVersion: 1,
			position: [220, index * 200],
			parameters: { operation: 'getUsage', namespace, allCustomers: false, customerId: 'demo', period: 'current', planSource: 'preset', planPreset: namespace === 'demo' ? 'payments' : 'accounting' },
		})),
	],
	connections: { Start: { main: [[{ node: 'Usage demo', type: 'main', index: 0 }, { node: 'Usage accounting', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

interface RouteLogEntry {
	eventId: string;
	eventType: string;
	ruleId: string;
	destinationId: string;
	status: string;
}

async function routeLog(): Promise<RouteLogEntry[]> {
	const run = await n8n.runManual(routeLogId);
	return run.outputs['Route Log'][0].map((item) => item.json as unknown as RouteLogEntry);
}

/** Each entry of one event as [rule, destination, status], sorted. */
const routesOf = (entries: RouteLogEntry[], eventId: string) =>
	entries
		.filter((entry) => entry.eventId === eventId)
		.map((entry) => [entry.ruleId, entry.destinationId, entry.status])
		.sort((a, b) => a.join().localeCompare(b.join()));

async function meters(): Promise<Record<string, Record<string, { quantity: number; amountMinor: number }>>> {
	const run = await n8n.runManual(usageId);
	return { demo: run.outputs['Usage demo'][0][0].json.meters, accounting: run.outputs['Usage accounting'][0][0].json.meters };
}

/** A receiver's deliveries of events of one type, waiting until `count` have arrived. */
type ReceivedEvent = { id: string; type: string; source: string; data: Record<string, unknown> };

/**
 * Events of a type a receiver got (those `matches` keeps: the demo's scheduled templates publish theirs too). 120 s by
 * default: they come from n8n runs, slow on a loaded machine (in queue mode they wait for a worker).
 */
async function receivedEvents(receiver: string, type: string, count = 1, timeoutMs = 120_000, matches: (event: ReceivedEvent) => boolean = () => true): Promise<ReceivedEvent[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const events = (await control('receivers').state<ReceivedDelivery[]>(receiver))
			.map((delivery) => delivery.body as ReceivedEvent)
			.filter((event) => event?.type === type && matches(event));
		if (events.length >= count || Date.now() > deadline) return events;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** The first execution of a workflow, started after `before`, that finished (or failed); 120 s unless told (a loaded machine). */
async function nextRun(workflowId: string, before: Set<string>, predicate: (run: ExecutionSummary) => boolean = () => true, timeoutMs = 120_000): Promise<ExecutionSummary> {
	return await n8n.waitForExecution(workflowId, (run) => !before.has(run.id) && run.status !== 'running' && run.status !== 'new' && predicate(run), timeoutMs);
}
const runIds = async (workflowId: string) => new Set((await n8n.executions(workflowId)).map((run) => run.id));

beforeAll(async () => {
	sandboxes = await startDemoSandboxes();
	smtp = await startSmtpSink();
	n8n = await startN8n();
	const credentialIds = { ...(await createCredentials(n8n, sandboxes)), ...(await createLocalCredentials(n8n, smtp)) };
	await seedSandboxes(sandboxes);
	templates = await importTemplates(n8n, credentialIds, sandboxes);
	routeLogId = await n8n.importWorkflow(routeLogWorkflow);
	usageId = await n8n.importWorkflow(usageWorkflow);
});

afterAll(async () => {
	await n8n?.stop();
	await smtp?.close();
	await Promise.allSettled((sandboxes ?? []).map((running) => running.close()));
});

test('the demo imports every template and publishes every one that starts by itself', () => {
	const startsByItself = (entry: ImportedTemplate) => entry.workflow.nodes.some((node) => /trigger|webhook/i.test(node.type) && node.type !== 'n8n-nodes-base.manualTrigger');
	expect(templates.filter(startsByItself).filter((entry) => !entry.line.endsWith('(imported and active)')).map((entry) => entry.line)).toEqual([]);
	expect(templates.map((entry) => entry.file)).toEqual(expect.arrayContaining(['event-router-ingest.json', 'crm-customer-events.json', 'marketing-contact-created.json']));
	// Every Execute Workflow node points at the template it names.
	for (const entry of templates) {
		for (const node of entry.workflow.nodes.filter((candidate) => candidate.type === 'n8n-nodes-base.executeWorkflow')) {
			const target = (node.parameters.workflowId as { cachedResultName: string }).cachedResultName;
			expect({ file: entry.file, node: node.name, target: templates.some((candidate) => candidate.workflow.name === target) }).toEqual({ file: entry.file, node: node.name, target: true });
		}
	}
});

test('a payment charged by the payment template is published, routed to accounting and the data warehouse, and metered', async () => {
	const paymentId = `chain-pay-${Date.now()}`;
	const router = template('payment-router.json').id;
	const before = await runIds(router);
	const answer = await n8n.callWebhook('payments/requested', withKey({ paymentId, amount: 40, currency: 'USD', country: 'US', method: 'card', tokens: { stripe: 'pm_card_visa' } }));
	expect(answer).toMatchObject({ status: 201, body: { paymentId, status: 'succeeded', processor: 'stripe' } });
	// The publish is waited for: once the payment's execution is over, the Event Router has routed the event.
	const run = await nextRun(router, before);
	expect(run.status).toBe('success');
	expect(run.outputs['Publish to Event Router'][0]).toHaveLength(1);

	for (const receiver of ['accounting', 'data-warehouse']) {
		expect((await receivedEvents(receiver, 'payment.succeeded')).map((event) => [event.id, event.source, event.data.amount, event.data.processor])).toEqual([[`payment:${paymentId}`, 'billing', '40.00', 'stripe']]);
	}
	expect(await receivedEvents('analytics', 'payment.succeeded', 1, 0)).toEqual([]);
	expect(routesOf(await routeLog(), `payment:${paymentId}`)).toEqual([
		['payment-events', 'accounting', 'delivered'],
		['payment-events', 'data-warehouse', 'delivered'],
	]);
	// Metered: the payment ($0.10 + 0.5%), the routed event ($0.001) and the sales receipt in the books ($0.25).
	const usage = await meters();
	expect(usage.demo.transactions).toMatchObject({ quantity: 1, amountMinor: 4000 });
	expect(usage.demo.events.quantity).toBeGreaterThanOrEqual(1);
	expect(usage.accounting.transactions).toMatchObject({ quantity: 1 });
});

test('an order placed on Shopify is published as order.created to fulfillment, accounting and inventory, once', async () => {
	const shopify = sandbox('shopify');
	const fanout = template('order-inventory-fanout.json').id;
	const before = await runIds(fanout);
	// Shopify delivers a webhook again when it doubts the first got through: the sandbox does so for every order here.
	await control('shopify').updateSettings({ duplicateWebhooks: true });
	const response = await fetch(`${shopify.baseUrl}/admin/api/2025-01/orders.json`, {
		method: 'POST',
		headers: { 'X-Shopify-Access-Token': shopify.credentials.accessToken, 'content-type': 'application/json' },
		body: JSON.stringify({ order: { email: 'buyer@example.com', line_items: [{ sku: 'SKU-1', quantity: 2, price: '12.50' }] } }),
	});
	expect(response.status).toBe(201);
	const recorded = await nextRun(fanout, before, (run) => (run.outputs['Record Order']?.[0] ?? []).length > 0);
	const [published, notPublished] = recorded.outputs['Publish to Event Router'];
	expect({ status: recorded.status, published: published.length, notPublished }).toEqual({ status: 'success', published: 1, notPublished: [] });
	// The Event Router's own execution routes it.
	const hub = template('event-router-ingest.json').id;
	const dump = async () => JSON.stringify((await n8n.executions()).map((run) => [run.workflowId, run.mode, run.status, run.lastNodeExecuted, JSON.stringify(run.error ?? '').slice(0, 300)]));
	const routed = await n8n.waitForExecution(hub, (run) => run.status !== 'running' && run.status !== 'new' && JSON.stringify(run.outputs['Event Published'] ?? []).includes('order.created'), 120_000).catch(async (error) => {
		throw new Error(`${(error as Error).message}: ${await dump()}`);
	});
	expect({ status: routed.status, error: routed.error, delivered: routed.outputs['Route Events']?.[0]?.map((item) => item.json.status) }).toEqual({ status: 'success', error: undefined, delivered: ['delivered'] });
	const [event] = await receivedEvents('fulfillment', 'order.created');
	expect(event).toMatchObject({ source: 'ecommerce', data: { store: 'shopify', customerEmail: 'buyer@example.com', lines: [expect.objectContaining({ sku: 'SKU-1', quantity: 2 })] } });
	for (const receiver of ['accounting', 'inventory']) expect((await receivedEvents(receiver, 'order.created')).map((received) => received.id)).toEqual([event.id]);
	// The store delivers its webhook twice; the repeat is recognised and publishes nothing.
	// None refused: a delivery the sandbox stopped waiting for after its 10 s (n8n busy on a loaded machine) has no
	// status; the one event each receiver got proves both were taken once.
	const delivered = async () => (await control('shopify').webhooks()).deliveries.filter((delivery) => delivery.url.startsWith(n8n.webhookBaseUrl));
	for (const deadline = Date.now() + 120_000; (await delivered()).length < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 250));
	expect(await delivered()).toHaveLength(2);
	const answered = (await delivered()).filter((delivery) => delivery.status !== null);
	expect(answered.map((delivery) => delivery.status)).toEqual(answered.map(() => 200));
	expect(await receivedEvents('fulfillment', 'order.created', 2, 5_000)).toHaveLength(1);
	expect(routesOf(await routeLog(), event.id)).toEqual([
		['order-events', 'accounting', 'delivered'],
		['order-events', 'fulfillment', 'delivered'],
		['order-events', 'inventory', 'delivered'],
	]);
});

test('a CRM sync run is published as sync.completed to analytics and the data warehouse', async () => {
	const [contact] = await control('hubspot').state<Array<{ id: string }>>('contacts');
	const webhookId = template('crm-bidirectional-sync.json').workflow.nodes.find((node) => node.name === 'HubSpot Contact Updated')!.webhookId as string;
	const url = `${n8n.webhookBaseUrl}/webhook/${webhookId}/webhook`;
	const body = JSON.stringify([{ eventId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', objectId: Number(contact.id), propertyName: 'firstname' }]);
	const timestamp = Date.now();
	const signature = createHmac('sha256', demoCrmWebhookSecret).update(`POST${url}${body}${timestamp}`).digest('base64');
	const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }, body });
	expect(reply.status).toBe(200);
	// The demo's scheduled CRM and support templates publish their own runs beside this one.
	const contactsRun = (published: ReceivedEvent) => published.source === 'crm' && published.data.entity === 'contacts';
	const [event] = await receivedEvents('analytics', 'sync.completed', 1, 120_000, contactsRun);
	expect(event).toMatchObject({ source: 'crm', data: { entity: 'contacts', platforms: { hubspot: expect.any(Object), salesforce: expect.any(Object) } } });
	expect((await receivedEvents('data-warehouse', 'sync.completed', 1, 120_000, contactsRun)).map((received) => received.id)).toEqual([event.id]);
	expect(routesOf(await routeLog(), event.id)).toEqual([
		['sync-outcomes', 'analytics', 'delivered'],
		['sync-outcomes', 'data-warehouse', 'delivered'],
	]);
});

test('a contact created in HubSpot reaches the marketing fan-out through the Event Router, and is subscribed', async () => {
	const marketing = template('marketing-contact-created.json').id;
	const before = await runIds(marketing);
	await control('hubspot').seed({
		contacts: [
			{ properties: { email: 'lin@example.com', firstname: 'Lin', lastname: 'Chen', company: 'Loom Works', lifecyclestage: 'customer', hs_marketable_status: 'true' } },
			{ properties: { email: 'no-mail@example.com', firstname: 'Noor', lastname: 'Haddad', hs_marketable_status: 'false' } },
		],
	});
	// The customer events template polls HubSpot every minute; each contact is one customer.created event.
	const contactRun = (email: string) => (run: ExecutionSummary) => run.outputs['Marketing Fan-out']?.[0]?.concat(run.outputs['Marketing Fan-out']?.[1] ?? []).some((item) => item.json.email === email) ?? false;
	const subscribed = await nextRun(marketing, before, contactRun('lin@example.com'), 240_000);
	expect(subscribed.status).toBe('success');
	expect(subscribed.outputs['Marketing Fan-out'][0].map((item) => [item.json.email, item.json.status])).toContainEqual(['lin@example.com', 'fanned_out']);
	const members = await control('mailchimp').state<Array<{ email_address: string; status: string }>>('members');
	expect(members.filter((member) => member.email_address === 'lin@example.com').map((member) => member.status)).toEqual(['subscribed']);
	expect((await control('marketo').state<Array<{ email: string }>>('leads')).map((lead) => lead.email)).toContain('lin@example.com');

	// Without consent the contact reaches the fan-out too, and no platform.
	const notSubscribed = await nextRun(marketing, before, contactRun('no-mail@example.com'), 120_000);
	// (The same poll may carry the demo's HubSpot contacts, changed by the sync above: none has consent either.)
	expect(notSubscribed.outputs['Marketing Fan-out'][1].map((item) => [item.json.email, item.json.status])).toContainEqual(['no-mail@example.com', 'no_consent']);
	expect(notSubscribed.outputs['Marketing Fan-out'][0].map((item) => item.json.email)).not.toContain('no-mail@example.com');
	expect((await control('mailchimp').state<Array<{ email_address: string }>>('members')).map((member) => member.email_address)).not.toContain('no-mail@example.com');

	const customerEvents = (await receivedEvents('analytics', 'customer.created', 2)).filter((event) => event.data.email === 'lin@example.com');
	expect(customerEvents.map((event) => [event.source, event.data.consent])).toEqual([['crm', 'true']]);
	expect(routesOf(await routeLog(), customerEvents[0].id)).toEqual([
		['customer-events', 'analytics', 'delivered'],
		['customer-events', 'data-warehouse', 'delivered'],
		['customer-events', 'marketing', 'handed_off'],
	]);
});
