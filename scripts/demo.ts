/**
 * The demo (`./run demo`; `./run queue` for n8n's queue mode): builds and packs this package, starts every sandbox on fixed ports, starts n8n with the package on
 * N8N_DEMO_PORT (5678) with a fresh user folder (so every start shows exactly the current templates and an empty
 * state store; the login is the same each time), creates one credential per sandbox, imports every template from
 * workflows/, seeds demo data, and runs until Ctrl-C. The browser suite builds the same world from its exports. The first start installs n8n (several minutes, with progress).
 * With --queue, n8n runs as main + 2 workers + a webhook processor on a throw-away Redis and PostgreSQL, and every
 * template's nodes keep their state in a PostgreSQL database through the Integration State Store credential.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readManifest } from '../test/harness/build';
import { startQueueN8n } from '../test/harness/n8nQueue';
import { startN8n, type N8nServer } from '../test/harness/n8nServer';
import { repoRoot } from '../test/harness/paths';
import { inCallOrder, withStateStore, withSubWorkflowIds, type WorkflowJson } from '../test/harness/workflowJson';
import { SandboxControl } from '../test/sandbox/framework/controlClient';
import { marketingFixtures } from '../test/sandbox/fixtures';
import { sandboxNames, startAllSandboxes, startSandbox, type RunningSandbox } from '../test/sandbox/registry';
import { startSmtpSink, type SmtpSink } from '../test/sandbox/smtp';
import { freshBooksCredential, quickBooksCredential, xeroCredential } from '../test/support/accounting';
import { socialN8nCredential } from '../test/support/social';

const n8nPort = Number(process.env.N8N_DEMO_PORT ?? 5678);
// Fixed ports, so the printed URLs are the same on every start.
const sandboxBasePort = Number(process.env.SANDBOX_BASE_PORT ?? 4010);
/** The SMTP sink the templates' Send Email nodes use (its message list on the next port). */
const smtpPort = Number(process.env.SMTP_SINK_PORT ?? 2525);
const login = { email: 'demo@example.com', password: 'Demo-Passw0rd' };
const queueMode = process.argv.includes('--queue');

/**
 * The key callers of the templates' own webhooks (those no vendor signs) send in this header; the templates refuse
 * a call without it (403). Shown when the demo starts.
 */
export const webhookCallerKey = { name: 'X-Api-Key', value: 'demo-webhook-caller-key' };

/** The Basic Auth login the templates' forms (the CRM conflict review) ask for. Shown when the demo starts. */
export const formReviewerLogin = { user: 'reviewer', password: 'demo-reviewer-password' };

/** The secret the CRM webhooks (HubSpot v3, Zendesk, Intercom) are signed with in the demo. */
export const demoCrmWebhookSecret = 'demo-crm-webhook-secret';

/** A credential the templates name by type (and by `name` too, when they hold several of one type). */
type DemoCredential = { type: string; data: Record<string, unknown>; name?: string };

const shopifyCredential = (sandbox: RunningSandbox): DemoCredential => ({
	type: 'integrationShopifyApi',
	data: { accessToken: sandbox.credentials.accessToken, locationId: sandbox.credentials.locationId, baseUrl: `${sandbox.baseUrl}/admin/api/2025-01`, webhookSecret: sandbox.credentials.webhookSecret },
});

/**
 * Stores a template holds beside the one of each platform: the stock-group template's two Shopify shops (sandboxes of
 * their own, so their order webhooks and stock are theirs), each under its label in the template's list of shops.
 */
const extraStores = [
	{ name: 'shopify-us', platform: 'shopify', label: 'us' },
	{ name: 'shopify-eu', platform: 'shopify', label: 'eu' },
] as const;

/** The template's one list of both shops (Shopify Stores), each shop under its label, as the template names it. */
const shopList = { type: 'integrationShopifyStoresApi', name: 'Shopify shops' } as const;

function shopListCredential(sandboxes: RunningSandbox[]): DemoCredential | undefined {
	const shops = extraStores.flatMap((store) => {
		const sandbox = sandboxes.find((candidate) => candidate.name === store.name);
		return sandbox ? [{ label: store.label, ...shopifyCredential(sandbox).data }] : [];
	});
	return shops.length === 0 ? undefined : { type: shopList.type, name: shopList.name, data: { stores: { store: shops } } };
}

/** Sandbox name → the credential(s) the templates use to reach it. */
const credentialsBySandbox: Record<string, (sandbox: RunningSandbox) => DemoCredential | DemoCredential[]> = {
	hubspot: (sandbox) => ({ type: 'integrationHubSpotApi', data: { accessToken: sandbox.credentials.accessToken, baseUrl: sandbox.baseUrl, clientSecret: demoCrmWebhookSecret } }),
	salesforce: (sandbox) => ({ type: 'integrationSalesforceApi', data: { accessToken: sandbox.credentials.accessToken, instanceUrl: sandbox.baseUrl } }),
	zendesk: (sandbox) => ({ type: 'integrationZendeskApi', data: { baseUrl: sandbox.baseUrl, email: sandbox.credentials.email, apiToken: sandbox.credentials.apiToken, webhookSecret: demoCrmWebhookSecret } }),
	freshdesk: (sandbox) => ({ type: 'integrationFreshdeskApi', data: { baseUrl: sandbox.baseUrl, apiKey: sandbox.credentials.apiKey, plan: 'growth', webhookSecret: demoCrmWebhookSecret } }),
	intercom: (sandbox) => ({ type: 'integrationIntercomApi', data: { accessToken: sandbox.credentials.accessToken, clientSecret: demoCrmWebhookSecret, baseUrl: sandbox.baseUrl } }),
	mailchimp: (sandbox) => ({ type: 'integrationMailchimpApi', data: { apiKey: sandbox.credentials.apiKey, baseUrl: `${sandbox.baseUrl}/3.0` } }),
	marketo: (sandbox) => ({ type: 'integrationMarketoApi', data: { clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret, baseUrl: sandbox.baseUrl } }),
	activecampaign: (sandbox) => ({ type: 'integrationActiveCampaignApi', data: { apiToken: sandbox.credentials.apiToken, baseUrl: `${sandbox.baseUrl}/api/3` } }),
	stripe: (sandbox) => ({ type: 'integrationStripeApi', data: { secretKey: sandbox.credentials.secretKey, webhookSecret: 'whsec_demo', baseUrl: sandbox.baseUrl } }),
	paypal: (sandbox) => ({ type: 'integrationPayPalApi', data: { clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret, baseUrl: sandbox.baseUrl } }),
	square: (sandbox) => ({ type: 'integrationSquareApi', data: { accessToken: sandbox.credentials.accessToken, webhookSecret: 'sq_demo', baseUrl: sandbox.baseUrl } }),
	braintree: (sandbox) => ({ type: 'integrationBraintreeApi', data: { publicKey: sandbox.credentials.publicKey, privateKey: sandbox.credentials.privateKey, merchantId: sandbox.credentials.merchantId, baseUrl: sandbox.baseUrl } }),
	shopify: (sandbox) => shopifyCredential(sandbox),
	woocommerce: (sandbox) => ({ type: 'integrationWooCommerceApi', data: { consumerKey: sandbox.credentials.consumerKey, consumerSecret: sandbox.credentials.consumerSecret, baseUrl: `${sandbox.baseUrl}/wp-json/wc/v3` } }),
	magento: (sandbox) => ({ type: 'integrationMagentoApi', data: { accessToken: sandbox.credentials.accessToken, sourceCode: sandbox.credentials.sourceCode, baseUrl: `${sandbox.baseUrl}/rest/default` } }),
	// The order and payment templates' sales receipts (an OAuth2 credential whose token the sandbox granted).
	quickbooks: (sandbox) => ({ type: 'integrationQuickBooksOAuth2Api', data: quickBooksCredential(sandbox) }),
	// The batch-posting template's invoices (Xero), and FreshBooks for Accounting Sync nodes set to it.
	xero: (sandbox) => ({ type: 'integrationXeroOAuth2Api', data: xeroCredential(sandbox) }),
	freshbooks: (sandbox) => ({ type: 'integrationFreshBooksOAuth2Api', data: freshBooksCredential(sandbox) }),
	// The content calendar's channels (three OAuth2 credentials whose tokens the sandboxes granted, and a Page token).
	x: (sandbox) => socialN8nCredential('x', sandbox),
	linkedin: (sandbox) => socialN8nCredential('linkedin', sandbox),
	facebook: (sandbox) => socialN8nCredential('facebook', sandbox),
	instagram: (sandbox) => socialN8nCredential('instagram', sandbox),
	bigcommerce: (sandbox) => ({ type: 'integrationBigCommerceApi', data: { accessToken: sandbox.credentials.accessToken, locationId: 1, baseUrl: `${sandbox.baseUrl}/stores/${sandbox.credentials.storeHash}/v3` } }),
	receivers: (sandbox) => [
		// The templates' fulfillment and accounting calls (header auth).
		{ type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${sandbox.credentials.bearerToken}` } },
		{ type: 'integrationWebhookDestinationApi', data: { signingSecret: '', destinationSecrets: sandbox.credentials.secrets, bearerToken: '' } },
		{ type: 'integrationHttpDestinationApi', data: { baseUrl: sandbox.baseUrl, token: sandbox.credentials.bearerToken, testPath: '/analytics/events' } },
		// Sign demo events with this secret (Standard Webhooks) when posting to /webhook/events.
		{ type: 'integrationEventIngestApi', data: { signingSecret: 'whsec_ZGVtby1ldmVudC1pbmdlc3Qtc2lnbmluZy1rZXk=' } },
	],
};

const demoSkus = [{ sku: 'SKU-1', quantity: 100 }, { sku: 'SKU-2', quantity: 40 }];

/** Sandbox name → records seeded through its control API (`/__control/seed`). Sandboxes start empty each time. */
const demoDataBySandbox: Record<string, Record<string, unknown[]>> = {
	// The inventory templates' SKUs, the same stock on every store.
	shopify: { inventory: demoSkus.map(({ sku, quantity }) => ({ sku, available: quantity })) },
	woocommerce: { products: demoSkus.map(({ sku, quantity }) => ({ sku, stock_quantity: quantity })) },
	magento: { sourceItems: demoSkus },
	bigcommerce: { items: demoSkus },
	...Object.fromEntries(extraStores.map((store) => [store.name, { inventory: demoSkus.map(({ sku, quantity }) => ({ sku, available: quantity })) }])),
	// The retention template's daily read of customers' last activity: one customer idle for months, one active today.
	receivers: {
		customers: [
			{ email: 'grace@cobol.example', lastActivityAt: '2026-01-15T09:00:00Z' },
			{ email: 'ada@analytical.example', lastActivityAt: new Date().toISOString() },
		],
	},
	hubspot: {
		contacts: [
			{ properties: { email: 'ada@analytical.example', firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines', lifecyclestage: 'customer' } },
			{ properties: { email: 'grace@cobol.example', firstname: 'Grace', lastname: 'Hopper', company: 'COBOL Works', lifecyclestage: 'lead' } },
			{ properties: { email: 'alan@bletchley.example', firstname: 'Alan', lastname: 'Turing', company: 'Bletchley Labs', lifecyclestage: 'opportunity' } },
		],
		companies: [
			{ properties: { name: 'Analytical Engines', domain: 'analytical.example', industry: 'Computer Hardware' } },
			{ properties: { name: 'COBOL Works', domain: 'cobol.example', industry: 'Computer Software' } },
		],
	},
};

function log(message: string) {
	process.stderr.write(`[demo] ${message}\n`);
}

/** Templates name a sandbox's endpoints as `https://<sandbox>.example.com`; the demo points them at the running one. */
export function readTemplates(sandboxes: RunningSandbox[]): Array<{ file: string; workflow: WorkflowJson }> {
	const dir = path.join(repoRoot, 'workflows');
	const pointAtSandboxes = (text: string) => sandboxes.reduce((result, sandbox) => result.replaceAll(`https://${sandbox.name}.example.com`, sandbox.baseUrl), text);
	const templates = readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(pointAtSandboxes(readFileSync(path.join(dir, file), 'utf8'))) as WorkflowJson }));
	// Every template after the ones it calls, so its Execute Workflow nodes can be pointed at their ids.
	return inCallOrder(templates, ({ workflow }) => workflow);
}

/** Credentials that are no sandbox's: the key the templates' own webhooks require, and the SMTP sink. */
export async function createLocalCredentials(n8n: N8nServer, smtp: SmtpSink): Promise<Record<string, string>> {
	return {
		// Keyed by type and placeholder name: the templates' other Header Auth credential is the receivers' token.
		'httpHeaderAuth:Webhook caller key': await n8n.createCredential('httpHeaderAuth', 'Webhook caller key', webhookCallerKey, { replace: true }),
		smtp: await n8n.createCredential('smtp', 'SMTP sink', { host: smtp.host, port: smtp.port, secure: false, disableStartTls: true, user: '', password: '' }, { replace: true }),
		httpBasicAuth: await n8n.createCredential('httpBasicAuth', 'Form reviewer login', formReviewerLogin, { replace: true }),
	};
}

/** Credential ids keyed by type, or by `type:name` for those the templates name (see `withCredentialIds`). */
export async function createCredentials(n8n: N8nServer, sandboxes: RunningSandbox[]): Promise<Record<string, string>> {
	const idsByType: Record<string, string> = {};
	for (const sandbox of sandboxes) {
		const credentialFor = credentialsBySandbox[sandbox.name];
		if (!credentialFor) continue;
		for (const { type, data, name } of [credentialFor(sandbox)].flat()) {
			idsByType[name ? `${type}:${name}` : type] = await n8n.createCredential(type, `${sandbox.name} sandbox`, data, { replace: true });
		}
	}
	const list = shopListCredential(sandboxes);
	if (list) idsByType[`${list.type}:${list.name}`] = await n8n.createCredential(list.type, `${list.name} sandbox`, list.data, { replace: true });
	return idsByType;
}

/** Every sandbox (from `basePort` when given), then the extra stores, each under its own name. */
export async function startDemoSandboxes(options: { basePort?: number } = {}): Promise<RunningSandbox[]> {
	const sandboxes = await startAllSandboxes(options);
	try {
		for (const [index, store] of extraStores.entries()) {
			const port = options.basePort === undefined ? 0 : options.basePort + sandboxNames.length + index;
			sandboxes.push({ ...(await startSandbox(store.platform, { port })), name: store.name });
		}
		return sandboxes;
	} catch (error) {
		await Promise.allSettled(sandboxes.map((sandbox) => sandbox.close()));
		throw error;
	}
}

export interface ImportedTemplate {
	file: string;
	workflow: WorkflowJson;
	id: string;
	/** Where it is and whether it is active, for the user. */
	line: string;
}

/** Imports (or updates) every template; publishes the ones started by something other than a click. */
export async function importTemplates(
	n8n: N8nServer,
	credentialIds: Record<string, string>,
	sandboxes: RunningSandbox[],
	prepare: (workflow: WorkflowJson) => WorkflowJson = (workflow) => workflow,
): Promise<ImportedTemplate[]> {
	const imported: ImportedTemplate[] = [];
	const idsByName: Record<string, string> = {};
	for (const { file, workflow } of readTemplates(sandboxes)) {
		const id = await n8n.importWorkflow(prepare(withSubWorkflowIds(workflow, idsByName)), { credentials: credentialIds, replace: true });
		if (workflow.name) idsByName[workflow.name] = id;
		const startsByItself = workflow.nodes.some((node) => /trigger|webhook/i.test(node.type) && node.type !== 'n8n-nodes-base.manualTrigger');
		let state = 'imported';
		if (startsByItself) {
			state = await n8n.activate(id).then(
				() => 'imported and active',
				(error: Error) => `imported, not activated: ${error.message}`,
			);
		}
		imported.push({ file, workflow, id, line: `${workflow.name ?? file}  ${n8n.baseUrl}/workflow/${id}  (${state})` });
	}
	return imported;
}

/** The demo data, and on the marketing platforms what their templates' ids point at (the tests' fixtures). */
export async function seedSandboxes(sandboxes: RunningSandbox[]): Promise<void> {
	for (const sandbox of sandboxes) {
		const control = new SandboxControl(sandbox.baseUrl);
		const data = demoDataBySandbox[sandbox.name];
		if (data) await control.seed(data);
		await marketingFixtures[sandbox.name]?.seed(control);
	}
}

/** n8n as the demo runs it: one process, or queue mode; what to do to each template before importing it. */
interface DemoN8n {
	n8n: N8nServer;
	/** Where the vendors' webhooks are sent (queue mode: the webhook processor). */
	webhookBaseUrl: string;
	prepare(workflow: WorkflowJson): WorkflowJson;
	/** Lines telling the user what runs where. */
	describe: string[];
	stop(): Promise<void>;
}

async function startSingleProcess(): Promise<DemoN8n> {
	const n8n = await startN8n({ port: n8nPort, owner: login });
	return { n8n, webhookBaseUrl: n8n.baseUrl, prepare: (workflow) => workflow, describe: [], stop: () => n8n.stop() };
}

/** Main + 2 workers + a webhook processor; every template's nodes on the State Store credential (PostgreSQL). */
async function startQueueMode(): Promise<DemoN8n> {
	const cluster = await startQueueN8n({ port: n8nPort, owner: login });
	const { host, port, database, user, password } = cluster.stateStore;
	const credentialName = 'State Store (PostgreSQL)';
	const stateStoreId = await cluster.main.createCredential('integrationStateStore', credentialName, { host, port, database, user, password, ssl: false, schema: 'public' });
	const packageName = readManifest().name;
	return {
		n8n: cluster.main,
		webhookBaseUrl: cluster.webhookBaseUrl,
		prepare: (workflow) => withStateStore(workflow, packageName, { id: stateStoreId, name: credentialName }),
		describe: [
			'Queue mode:',
			`  main            ${cluster.main.baseUrl}  (editor, API, schedules; enqueues every execution)`,
			...(cluster.webhookProcessor ? [`  webhook         ${cluster.webhookProcessor.baseUrl}/webhook/<path>`] : []),
			...cluster.workers.map((worker) => `  ${worker.name.padEnd(15)} health ${worker.baseUrl}/healthz  (log: ${worker.process.logFile})`),
			`  redis           ${cluster.redis.host}:${cluster.redis.port}`,
			`  state store     postgres://${user}@${host}:${port}/${database}  (credential "${credentialName}")`,
		],
		stop: () => cluster.stop(),
	};
}

async function main(): Promise<void> {
	log(`starting sandboxes from port ${sandboxBasePort}`);
	const sandboxes = await startDemoSandboxes({ basePort: sandboxBasePort });
	const smtp = await startSmtpSink({ port: smtpPort, httpPort: smtpPort + 1 });
	let demo: DemoN8n | undefined;
	const stop = async () => {
		log('stopping');
		await demo?.stop();
		await Promise.allSettled([...sandboxes.map((sandbox) => sandbox.close()), smtp.close()]);
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	log(`building the package, starting n8n${queueMode ? ' in queue mode (main, 2 workers, a webhook processor; Redis and PostgreSQL)' : ''} with it on port ${n8nPort} (the first time installs n8n)`);
	demo = queueMode ? await startQueueMode() : await startSingleProcess();
	const { n8n } = demo;
	log(`n8n ready after ${n8n.startupSeconds.toFixed(1)}s`);
	const credentialIds = { ...(await createCredentials(n8n, sandboxes)), ...(await createLocalCredentials(n8n, smtp)) };
	await seedSandboxes(sandboxes);
	const templates = (await importTemplates(n8n, credentialIds, sandboxes, demo.prepare)).map((template) => template.line);

	console.log(`\nn8n editor: ${n8n.baseUrl}   login: ${login.email} / ${login.password}\n`);
	if (demo.describe.length) console.log(`${demo.describe.join('\n')}\n`);
	console.log('Sandboxes:');
	for (const sandbox of sandboxes) console.log(`  ${sandbox.name.padEnd(15)} ${sandbox.baseUrl}  (control: ${sandbox.baseUrl}/__control/)`);
	console.log(`  ${'smtp'.padEnd(15)} ${smtp.host}:${smtp.port}  (the templates' emails: ${smtp.messagesUrl})`);
	console.log(`\nThe templates' own webhooks (those no vendor signs) need the header ${webhookCallerKey.name}: ${webhookCallerKey.value}`);
	console.log(`The CRM conflict review form (${n8n.baseUrl}/form/crm/conflicts/review) asks for ${formReviewerLogin.user} / ${formReviewerLogin.password}`);
	console.log(templates.length ? `Templates:\n${templates.map((line) => `  ${line}`).join('\n')}` : 'Templates: none in workflows/ yet');
	console.log('\nRunning; Ctrl-C to stop.');
}

// Run as `./run demo`; imported (by the browser suite) for the same credentials, seed data and templates.
if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
