/**
 * Salesforce Cases and Zendesk tickets through CRM Sync in the real n8n (the package installed as a community package),
 * against the Salesforce and Zendesk sandboxes. One workflow, two starts: a webhook a user (or a Salesforce flow)
 * calls, and a CRM Event Trigger whose Zendesk webhooks are registered on publishing. A case created in Salesforce,
 * owned by an agent and with a public and an internal comment, lands in Zendesk once: subject, status, priority,
 * requester, assignee and comments mapped. Worked on in Zendesk (reassigned, set pending, answered), the ticket's
 * changes reach the case once when Zendesk's event arrives, even delivered twice; and a further run pulls and writes
 * nothing in either desk.
 */
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type N8nServer } from '../harness/n8nServer';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const salesforceApi = '/services/data/v60.0';

let n8n: N8nServer;
let salesforce: RunningSandbox;
let zendesk: RunningSandbox;
let salesforceControl: SandboxControl;
let zendeskControl: SandboxControl;
let workflowId: string;

/** Both starts feed one CRM Sync of tickets between Salesforce and Zendesk, which answers with the run's summary. */
const workflow = {
	name: 'Cases between Salesforce and Zendesk',
	nodes: [
		{ name: 'Sync Requested', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '6c1e0a52-3f4b-4d8e-9a17-5b2c8d3e4f60', parameters: { path: 'desks/salesforce-zendesk', httpMethod: 'POST', responseMode: 'lastNode' } },
		{
			name: 'Zendesk Ticket Updated',
			type: `${pkg}.crmEventTrigger`,
			typeVersion: 1,
			position: [0, 200],
			webhookId: '7d2f1b63-4a5c-4e9f-8b28-6c3d9e4f5a71',
			credentials: { integrationZendeskApi: { id: '', name: 'Zendesk' } },
			parameters: { platform: 'zendesk', event: 'ticket.updated', responseMode: 'lastNode' },
		},
		{
			name: 'Sync Cases And Zendesk Tickets',
			type: `${pkg}.crmSync`,
			typeVersion: 1,
			position: [240, 100],
			executeOnce: true,
			credentials: { integrationSalesforceApi: { id: '', name: 'Salesforce' }, integrationZendeskApi: { id: '', name: 'Zendesk' } },
			parameters: { operation: 'sync', entity: 'tickets', integration: 'cases', platforms: ['salesforce', 'zendesk'], strategy: 'lastWriteWins', deletes: 'ignore' },
		},
	],
	connections: {
		'Sync Requested': { main: [[{ node: 'Sync Cases And Zendesk Tickets', type: 'main', index: 0 }]] },
		'Zendesk Ticket Updated': { main: [[{ node: 'Sync Cases And Zendesk Tickets', type: 'main', index: 0 }]] },
	},
	settings: {},
};

beforeAll(async () => {
	salesforce = await startSandbox('salesforce');
	zendesk = await startSandbox('zendesk');
	salesforceControl = new SandboxControl(salesforce.baseUrl);
	zendeskControl = new SandboxControl(zendesk.baseUrl);
	// Zendesk's export leaves out the last minute of changes; the sandbox's horizon is lifted so a run sees them at once.
	await zendeskControl.updateSettings({ incrementalDelayMs: 0 });
	n8n = await startN8n();
	const credentials = {
		integrationSalesforceApi: await n8n.createCredential('integrationSalesforceApi', 'Salesforce', { accessToken: salesforce.credentials.accessToken, instanceUrl: salesforce.baseUrl }),
		integrationZendeskApi: await n8n.createCredential('integrationZendeskApi', 'Zendesk', { baseUrl: zendesk.baseUrl, email: zendesk.credentials.email, apiToken: zendesk.credentials.apiToken }),
	};
	workflowId = await n8n.importWorkflow(workflow, { credentials });
	await n8n.activate(workflowId);
});

afterAll(async () => {
	await n8n?.stop();
	await salesforce?.close();
	await zendesk?.close();
});

function salesforceCall(pathname: string, body: unknown, method = 'POST'): Promise<Response> {
	return fetch(`${salesforce.baseUrl}${salesforceApi}${pathname}`, { method, headers: { authorization: `Bearer ${salesforce.credentials.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function zendeskCall(pathname: string, body?: unknown, method = 'PUT'): Promise<Response> {
	const authorization = `Basic ${Buffer.from(`${zendesk.credentials.email}/token:${zendesk.credentials.apiToken}`).toString('base64')}`;
	return fetch(`${zendesk.baseUrl}${pathname}`, { method, headers: { authorization, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

interface Summary { platforms: Record<'salesforce' | 'zendesk', { pulled: number; created: number; updated: number; failed: number }> }

async function requestSync(): Promise<Summary> {
	const response = await fetch(`${n8n.webhookBaseUrl}/webhook/desks/salesforce-zendesk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	expect(response.status).toBe(200);
	return (await response.json()) as Summary;
}

/** What each desk holds: its tickets, each with its owner's email, status, priority and comments as [text, public]. */
async function held() {
	const users = await salesforceControl.state<Array<{ Id: string; Email: string }>>('User');
	const caseComments = await salesforceControl.state<Array<{ ParentId: string; CommentBody: string; IsPublished: boolean }>>('CaseComment');
	const cases = (await salesforceControl.state<Array<{ Id: string; Subject: string; Status: string; Priority: string; SuppliedEmail: string; OwnerId: string }>>('Case')).map((kase) => ({
		subject: kase.Subject, status: kase.Status, priority: kase.Priority, requester: kase.SuppliedEmail,
		owner: users.find((user) => user.Id === kase.OwnerId)?.Email ?? kase.OwnerId,
		comments: caseComments.filter((comment) => comment.ParentId === kase.Id).map((comment) => [comment.CommentBody, comment.IsPublished]),
	}));
	const agents = await zendeskControl.state<Array<{ id: number; email: string }>>('users');
	const tickets = [];
	for (const ticket of await zendeskControl.state<Array<{ id: number; subject: string; status: string; priority: string; requester_id: number; assignee_id: number | null }>>('tickets')) {
		const listed = (await (await zendeskCall(`/api/v2/tickets/${ticket.id}/comments.json`, undefined, 'GET')).json()) as { comments: Array<{ body: string; public: boolean }> };
		tickets.push({
			subject: ticket.subject, status: ticket.status, priority: ticket.priority,
			requester: agents.find((user) => user.id === ticket.requester_id)?.email,
			assignee: agents.find((user) => user.id === ticket.assignee_id)?.email ?? null,
			comments: listed.comments.map((comment) => [comment.body, comment.public]),
		});
	}
	return { cases, tickets };
}

/** The executions the Zendesk trigger started, once `count` of them have finished. */
async function finishedTriggerRuns(count: number) {
	for (const deadline = Date.now() + 180_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
		const runs = (await n8n.executions(workflowId)).filter((run) => run.outputs['Zendesk Ticket Updated'] !== undefined);
		if (runs.length >= count && runs.every((run) => !['new', 'running', 'waiting'].includes(run.status))) return runs;
	}
	throw new Error(`fewer than ${count} finished executions started by the Zendesk trigger`);
}

test('publishing registers the trigger\'s Zendesk webhook for ticket changes', async () => {
	const hooks = await zendeskControl.state<Array<{ subscriptions: string[] }>>('webhooks');
	expect(hooks).toHaveLength(1);
	expect(hooks[0].subscriptions).toContain('zen:event-type:ticket.comment_added');
});

test('a case lands in Zendesk once with owner, status and comments; the Zendesk side\'s answer, delivered twice, reaches the case once; a further run writes nothing', async () => {
	const [sam, kim] = (await salesforceControl.seed({ User: [{ FirstName: 'Sam', LastName: 'Agent', Email: 'sam@support.example' }, { FirstName: 'Kim', LastName: 'Lead', Email: 'kim@support.example' }] }) as { User: Array<{ Id: string }> }).User;
	expect(kim).toBeDefined();
	await zendeskControl.seed({ users: [{ name: 'Sam Agent', email: 'sam@support.example', role: 'agent' }, { name: 'Kim Lead', email: 'kim@support.example', role: 'agent' }] });
	const created = await salesforceCall('/sobjects/Case', { Subject: 'Invoice PDF is blank', Description: 'The March invoice opens empty', Status: 'New', Priority: 'High', SuppliedEmail: 'Ann@Example.com', OwnerId: sam.Id });
	expect(created.status).toBe(201);
	const kase = (await created.json()) as { id: string };
	expect((await salesforceCall('/sobjects/CaseComment', { ParentId: kase.id, CommentBody: 'Customer sent a sample file', IsPublished: true })).status).toBe(201);
	expect((await salesforceCall('/sobjects/CaseComment', { ParentId: kase.id, CommentBody: 'Renderer logs show a font error', IsPublished: false })).status).toBe(201);

	const first = await requestSync();
	expect([first.platforms.zendesk.created, first.platforms.zendesk.failed, first.platforms.salesforce.failed]).toEqual([1, 0, 0]);
	const afterFirst = await held();
	expect(afterFirst.tickets).toEqual([{
		subject: 'Invoice PDF is blank', status: 'open', priority: 'high', requester: 'ann@example.com', assignee: 'sam@support.example',
		comments: [['The March invoice opens empty', true], ['Customer sent a sample file', true], ['Renderer logs show a font error', false]],
	}]);
	expect(afterFirst.cases).toEqual([{
		subject: 'Invoice PDF is blank', status: 'New', priority: 'High', requester: 'Ann@Example.com', owner: 'sam@support.example',
		comments: [['Customer sent a sample file', true], ['Renderer logs show a font error', false]],
	}]);

	// In Zendesk an agent takes the ticket over, answers the customer and waits on them; Zendesk then tells the trigger,
	// and delivers that event twice (its retry after an answer it did not get). A trigger answering from the last node
	// lets a repeat through (a delivery whose run failed must run again), so the replay runs the sync a second time.
	const [ticket] = await zendeskControl.state<Array<{ id: number }>>('tickets');
	const kimOnZendesk = (await zendeskControl.state<Array<{ id: number; email: string }>>('users')).find((user) => user.email === 'kim@support.example')!;
	expect((await zendeskCall(`/api/v2/tickets/${ticket.id}.json`, { ticket: { assignee_id: kimOnZendesk.id, status: 'pending', comment: { body: 'Could you resend it from the portal?', public: true } } })).status).toBe(200);
	await zendeskControl.emitEvent({ type: 'zen:event-type:ticket.comment_added', detail: { id: String(ticket.id) }, times: 2 });
	// Both deliveries run the sync; the second waits for the first. The sandbox gives up on an answer after 10 s, so on
	// a loaded machine a delivery may end without one: what is waited for is n8n's two executions.
	const started = await finishedTriggerRuns(2);
	expect(started.map((run) => run.status)).toEqual(['success', 'success']);
	expect((await zendeskControl.webhooks()).deliveries.filter((delivery) => delivery.status !== null && delivery.status !== 200)).toEqual([]);

	const afterAnswer = await held();
	// The case takes the ticket's mapped fields, the requester's address as the ticket model keeps it (lower case).
	expect(afterAnswer.cases).toEqual([{
		subject: 'Invoice PDF is blank', status: 'Working', priority: 'High', requester: 'ann@example.com', owner: 'kim@support.example',
		comments: [['Customer sent a sample file', true], ['Renderer logs show a font error', false], ['Could you resend it from the portal?', true]],
	}]);
	expect(afterAnswer.tickets).toEqual([{ ...afterFirst.tickets[0], status: 'pending', assignee: 'kim@support.example', comments: [...afterFirst.tickets[0].comments, ['Could you resend it from the portal?', true]] }]);

	// Run again: nothing is pulled as a change (no echo of the run's own writes), nothing is written, nothing doubles.
	await salesforceControl.clearRequests();
	await zendeskControl.clearRequests();
	const quiet = await requestSync();
	expect([quiet.platforms.salesforce.pulled, quiet.platforms.zendesk.pulled]).toEqual([0, 0]);
	for (const control of [salesforceControl, zendeskControl]) {
		// Salesforce's look-ups (composite queries) are POSTs that write nothing.
		expect((await control.requests()).filter((entry) => entry.method !== 'GET' && !/\/composite$/.test(entry.path))).toEqual([]);
	}
	expect(await held()).toEqual(afterAnswer);
});
