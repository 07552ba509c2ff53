/**
 * The real n8n and the vendor sandboxes a trigger node's e2e file needs, and the lifecycle every vendor trigger must
 * show on each platform: publishing registers its webhook through the vendor's API; an event delivered twice with the
 * same id starts one execution; a forged delivery is answered 401 and starts nothing; unpublishing deletes the webhook.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { SandboxControl, type WebhookDelivery } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';
import { packPackage, startN8n, type N8nServer } from './n8nServer';
import type { WorkflowJson } from './workflowJson';

const pkg = 'n8n-nodes-integration-automation';

/** One trigger node under test. */
export interface TriggerNode {
	displayName: string;
	/** The node type's name, without the package. */
	type: string;
	/** Each case's webhook path is `<webhookPrefix>-<platform>`. */
	webhookPrefix: string;
	/** What its events are about; the item carries `<subject>Id`. */
	subject: string;
	/** How the tests' titles call the platform: "store", "processor". */
	vendor: string;
}

export interface TriggerCase<Platform extends SandboxName> {
	platform: Platform;
	event: string;
	credentialType: string;
	/** The sandbox collection listing registered webhooks, and how one names its URL and topics. */
	collection: string;
	hookUrl: (hook: Record<string, unknown>) => unknown;
	hookTopics: (hook: Record<string, unknown>) => unknown;
	topic: string;
	/** The vendor emitting one event of the trigger's kind, delivered twice with the same delivery id. */
	emitTwice: Record<string, unknown>;
	/** The id of the order or payment the execution must carry. */
	subjectId: string;
	/** A delivery the vendor never signed. */
	forged: { headers: Record<string, string>; body: string };
}

export interface TriggerEnvironment<Platform extends SandboxName> {
	node: TriggerNode;
	n8n: N8nServer;
	sandboxes: Record<Platform, RunningSandbox>;
	controls: Record<Platform, SandboxControl>;
	triggerWorkflow(test: TriggerCase<Platform>, name?: string): WorkflowJson;
	/** The webhooks the vendor's sandbox holds for this n8n. */
	registered(test: TriggerCase<Platform>): Promise<Array<Record<string, unknown>>>;
	/** What the vendor's sandbox delivered to `url`, with n8n's answers. */
	deliveriesTo(platform: Platform, url: string): Promise<WebhookDelivery[]>;
}

/** A credential per type, with the fields read off the started sandboxes. */
export type CredentialsFor<Platform extends SandboxName> = (sandboxes: Record<Platform, RunningSandbox>) => Record<string, { name: string; data: Record<string, unknown> }>;

/** Starts the sandboxes and n8n (with the packed package and the credentials) before the file's tests, stops them after. */
export function useTriggerEnvironment<Platform extends SandboxName>(node: TriggerNode, platforms: readonly Platform[], credentials: CredentialsFor<Platform>): TriggerEnvironment<Platform> {
	let packageTarball: string | undefined;
	const credentialIds: Record<string, string> = {};
	const env = {
		node,
		sandboxes: {} as Record<Platform, RunningSandbox>,
		controls: {} as Record<Platform, SandboxControl>,
		triggerWorkflow: (test, name = `${node.displayName} ${test.platform} ${test.event}`) => ({
			name,
			nodes: [
				{
					name: node.displayName,
					type: `${pkg}.${node.type}`,
					typeVersion: 1,
					position: [0, 0],
					webhookId: `${node.webhookPrefix}-${test.platform}`,
					parameters: { platform: test.platform, event: test.event },
					credentials: { [test.credentialType]: { id: credentialIds[test.credentialType], name: node.vendor } },
				},
			],
			connections: {},
		}),
		registered: async (test) => (await env.controls[test.platform].state<Array<Record<string, unknown>>>(test.collection)).filter((hook) => String(test.hookUrl(hook)).startsWith(env.n8n.webhookBaseUrl)),
		deliveriesTo: async (platform, url) => (await env.controls[platform].webhooks()).deliveries.filter((delivery) => delivery.url === url),
	} as Omit<TriggerEnvironment<Platform>, 'n8n'> as TriggerEnvironment<Platform>;

	beforeAll(async () => {
		for (const platform of platforms) {
			env.sandboxes[platform] = await startSandbox(platform);
			env.controls[platform] = new SandboxControl(env.sandboxes[platform].baseUrl);
		}
		packageTarball = await packPackage();
		env.n8n = await startN8n({ packageTarball });
		for (const [type, credential] of Object.entries(credentials(env.sandboxes))) {
			credentialIds[type] = await env.n8n.createCredential(type, credential.name, credential.data);
		}
	});

	afterAll(async () => {
		await env.n8n?.stop();
		if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
		await Promise.all(Object.values<RunningSandbox>(env.sandboxes).map((sandbox) => sandbox.close()));
	});

	return env;
}

/** Polls until `done`; 120 s by default, as what it waits for (n8n, a worker, a vendor's call) is slow on a loaded machine. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * One event delivered twice with the same id: both delivered, none refused, and with both answered exactly one skipped
 * as already received. A delivery the sandbox stopped waiting for after its 10 s (n8n busy on a loaded machine) has no
 * status: not a refusal; the caller's single execution proves the event was still taken once.
 */
export function expectTakenOnce(deliveries: WebhookDelivery[]): void {
	expect(deliveries).toHaveLength(2);
	const answered = deliveries.filter((delivery) => delivery.status !== null);
	expect(answered.length).toBeGreaterThan(0);
	expect(answered.map((delivery) => delivery.status)).toEqual(answered.map(() => 200));
	const skipped = answered.filter((delivery) => /already received/.test(delivery.response ?? ''));
	expect(skipped.length).toBeLessThanOrEqual(1);
	expect(skipped.length).toBeGreaterThanOrEqual(answered.length - 1);
	for (const delivery of skipped) expect(JSON.parse(delivery.response as string)).toMatchObject({ started: false, reason: expect.stringMatching(/already received/) });
}

export async function post(url: string, headers: Record<string, string>, body: string, contentType = 'application/json'): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
	await response.arrayBuffer();
	return response.status;
}

/** What a platform's own tests, added between the forged delivery and unpublishing, see of the published workflow. */
export interface PublishedTrigger {
	workflowId(): string;
	hookUrl(): string;
}

/**
 * The lifecycle, one describe per case: register, deliver twice, forged, then `more` (tests of that platform's
 * own), then unregister.
 */
export function describeTriggerLifecycle<Platform extends SandboxName>(env: TriggerEnvironment<Platform>, cases: Array<TriggerCase<Platform>>, more?: (test: TriggerCase<Platform>, published: PublishedTrigger) => void): void {
	const { node } = env;
	describe.each(cases)(`${node.displayName} on $platform (${node.subject} $event)`, (test) => {
		let workflowId: string;
		let hookUrl: string;

		it(`registers its webhook with the ${node.vendor} when the workflow is published`, async () => {
			workflowId = await env.n8n.importWorkflow(env.triggerWorkflow(test));
			expect(await env.registered(test)).toEqual([]);
			await env.n8n.activate(workflowId);
			const hooks = await env.registered(test);
			expect(hooks).toHaveLength(1);
			expect(test.hookTopics(hooks[0])).toEqual([test.topic]);
			hookUrl = String(test.hookUrl(hooks[0]));
			expect(hookUrl).toContain(`/webhook/${node.webhookPrefix}-${test.platform}/`);
		});

		it(`starts one execution for an event the ${node.vendor} delivers twice`, async () => {
			await env.controls[test.platform].emitEvent(test.emitTwice);
			const deliveries = await env.deliveriesTo(test.platform, hookUrl);
			expectTakenOnce(deliveries);
			const execution = await env.n8n.waitForExecution(workflowId);
			const item = (execution.outputs[node.displayName]?.[0]?.[0] as { json?: Record<string, unknown> } | undefined)?.json;
			expect(item).toMatchObject({ platform: test.platform, event: test.event, topic: test.topic, [`${node.subject}Id`]: test.subjectId });
			expect(await env.n8n.executions(workflowId)).toHaveLength(1);
		});

		it('answers a forged delivery 401 and starts nothing', async () => {
			expect(await post(hookUrl, test.forged.headers, test.forged.body)).toBe(401);
			expect(await env.n8n.executions(workflowId)).toHaveLength(1);
		});

		more?.(test, { workflowId: () => workflowId, hookUrl: () => hookUrl });

		it('unregisters its webhook when the workflow is unpublished', async () => {
			await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
			await waitFor('webhooks left after unpublishing', () => env.registered(test), (hooks) => hooks.length === 0);
		});
	});
}
