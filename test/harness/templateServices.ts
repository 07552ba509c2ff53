/**
 * What every template's e2e file gives n8n besides the vendors: the key the templates' own (unsigned) webhooks
 * require from their callers, and an SMTP sink for their Send Email nodes, each as the credential the templates name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { createCredentials, seedSandboxes } from '../../scripts/demo';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startSmtpSink, type SmtpSink } from '../sandbox/smtp';
import type { N8nServer } from './n8nServer';
import type { WebhookRequest } from './n8nHttp';
import { repoRoot } from './paths';
import { withSubWorkflowIds, type WorkflowJson } from './workflowJson';

/** The Header Auth the templates' webhooks check (the demo's has another value). */
export const callerKey = { name: 'X-Api-Key', value: 'e2e-webhook-caller-key' };

/** The Basic Auth login the templates' forms ask for (the demo's has another password). */
export const formReviewer = { user: 'reviewer', password: 'e2e-reviewer-password' };

/** A webhook request carrying the caller key. */
export const withCallerKey = (init: WebhookRequest = {}): WebhookRequest => ({ ...init, headers: { ...init.headers, [callerKey.name]: callerKey.value } });

export interface TemplateServices {
	smtp: SmtpSink;
	/** Credential ids keyed as `withCredentialIds` reads them: the caller key, the SMTP sink and the form login. */
	credentialIds: Record<string, string>;
	close(): Promise<void>;
}

/** Starts the SMTP sink and creates the credentials the templates name in `n8n`: caller key, SMTP sink, form login. */
export async function startTemplateServices(n8n: N8nServer): Promise<TemplateServices> {
	const smtp = await startSmtpSink();
	const credentialIds = {
		'httpHeaderAuth:Webhook caller key': await n8n.createCredential('httpHeaderAuth', 'Webhook caller key', callerKey),
		smtp: await n8n.createCredential('smtp', 'SMTP sink', { host: smtp.host, port: smtp.port, secure: false, disableStartTls: true, user: '', password: '' }),
		httpBasicAuth: await n8n.createCredential('httpBasicAuth', 'Form reviewer login', formReviewer),
	};
	return { smtp, credentialIds, close: () => smtp.close() };
}

/** A template imported and published, with what it runs against. */
export interface ImportedTemplate {
	/** Template name → workflow id, for `withSubWorkflowIds`. */
	ids: Record<string, string>;
	close(): Promise<void>;
}

export interface EventHub extends ImportedTemplate {
	receivers: RunningSandbox;
}

const templateJson = (file: string, receivers?: RunningSandbox): WorkflowJson => {
	const text = readFileSync(path.join(repoRoot, 'workflows', file), 'utf8');
	return JSON.parse(receivers ? text.replaceAll('https://receivers.example.com', receivers.baseUrl) : text) as WorkflowJson;
};

/**
 * The marketing template, published (n8n publishes a workflow only once the workflows it calls are), against marketing
 * sandboxes of its own with the demo's credentials and ids: the Event Router template hands it customer events.
 */
export async function importMarketingTemplate(
	n8n: N8nServer,
	credentialIds: Record<string, string>,
	prepare: (workflow: WorkflowJson) => WorkflowJson = (workflow) => workflow,
): Promise<ImportedTemplate> {
	const platforms = await Promise.all((['hubspot', 'mailchimp', 'marketo', 'activecampaign'] as const).map((name) => startSandbox(name)));
	await seedSandboxes(platforms);
	const ids = { ...credentialIds, ...(await createCredentials(n8n, platforms)) };
	const marketing = templateJson('marketing-contact-created.json');
	const id = await n8n.importWorkflow(prepare(marketing), { credentials: ids });
	await n8n.activate(id);
	return { ids: { [String(marketing.name)]: id }, close: async () => void (await Promise.allSettled(platforms.map((platform) => platform.close()))) };
}

/**
 * Imports what the payment, refund, order and CRM sync templates publish to, as a user sets it up: the marketing
 * template and the Event Router template pointed at a receivers sandbox (the one given, or one of its own), both
 * published. Point a publishing template at it with `withSubWorkflowIds(template, hub.ids)`.
 */
export async function importEventHub(
	n8n: N8nServer,
	credentialIds: Record<string, string>,
	options: { receivers?: RunningSandbox; prepare?: (workflow: WorkflowJson) => WorkflowJson } = {},
): Promise<EventHub> {
	const receivers = options.receivers ?? (await startSandbox('receivers'));
	const prepare = options.prepare ?? ((workflow: WorkflowJson) => workflow);
	const marketing = await importMarketingTemplate(n8n, credentialIds, prepare);
	const ids = { ...credentialIds, ...(await createCredentials(n8n, [receivers])) };
	const hub = withSubWorkflowIds(templateJson('event-router-ingest.json', receivers), marketing.ids);
	const hubId = await n8n.importWorkflow(prepare(hub), { credentials: ids });
	await n8n.activate(hubId);
	return {
		ids: { [String(hub.name)]: hubId },
		receivers,
		close: async () => {
			await marketing.close();
			if (!options.receivers) await receivers.close();
		},
	};
}
