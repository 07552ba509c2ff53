/**
 * What every template's e2e file gives n8n besides the vendors: the key the templates' own (unsigned) webhooks
 * require from their callers, and an SMTP sink for their Send Email nodes, each as the credential the templates name.
 */
import { startSmtpSink, type SmtpSink } from '../sandbox/smtp';
import type { N8nServer } from './n8nServer';
import type { WebhookRequest } from './n8nHttp';

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
