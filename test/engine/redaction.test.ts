/**
 * Secrets never leave a node, where redaction is wired: a vendor that echoes the credential in its error (the
 * sandbox's `echo_credential` fault) makes the node fail, and neither the node's error, nor its output under
 * "Continue", nor anything logged while it ran, nor the state store it wrote to shows the credential.
 */
import './support/verboseLogs';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { closeAllStores } from '../../lib/store';
import { runWorkflow, type InProcessRunResult } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

const pkg = 'n8n-nodes-integration-automation';
const hubspotClientSecret = 'hub-client-secret-0451';

let hubspot: RunningSandbox;
let woocommerce: RunningSandbox;
let stripe: RunningSandbox;
let stateFile: string;

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	woocommerce = await startSandbox('woocommerce');
	stripe = await startSandbox('stripe');
});
beforeEach(async () => {
	await new SandboxControl(hubspot.baseUrl).reset();
	await new SandboxControl(woocommerce.baseUrl).reset();
	await new SandboxControl(stripe.baseUrl).reset();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'redaction-')), 'state.sqlite');
});
afterAll(async () => {
	await closeAllStores();
	await hubspot.close();
	await woocommerce.close();
	await stripe.close();
});

const listedStores = ['us', 'eu'];
const listedStore = (label: string) => ({ label, consumerKey: `ck_${label}_listed_0451`, consumerSecret: `cs_${label}_listed_0451`, baseUrl: woocommerce.baseUrl, webhookSecret: `${label}-listed-webhook-secret` });

interface Case {
	name: string;
	sandbox: () => RunningSandbox;
	node: Record<string, unknown>;
	credentials: () => Record<string, Record<string, unknown>>;
	secrets: () => string[];
}

const cases: Case[] = [
	{
		name: 'CRM Sync pulling from HubSpot (bearer token)',
		sandbox: () => hubspot,
		node: { type: `${pkg}.crmSync`, parameters: { operation: 'pull', platform: 'hubspot', integration: 'redaction', entity: 'contacts', mappingMode: 'defaults', deletes: 'ignore', maxChanges: 10 } },
		credentials: () => ({ integrationHubSpotApi: { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl, clientSecret: hubspotClientSecret } }),
		secrets: () => [hubspot.credentials.accessToken, hubspotClientSecret],
	},
	{
		name: 'Inventory Fan-out reconciling WooCommerce (basic consumer key and secret)',
		sandbox: () => woocommerce,
		node: { type: `${pkg}.inventoryFanOut`, parameters: { operation: 'reconcile', stores: ['woocommerce'], skus: 'RED-1' } },
		credentials: () => ({ integrationWooCommerceApi: { ...woocommerce.credentials, baseUrl: woocommerce.baseUrl, webhookSecret: 'woo-webhook-secret' } }),
		secrets: () => [woocommerce.credentials.consumerKey, woocommerce.credentials.consumerSecret],
	},
	{
		// Two stores of a WooCommerce Stores list (each its own keys; both point at the one sandbox, which echoes either).
		name: 'Inventory Fan-out reconciling a WooCommerce Stores list (keys per listed store)',
		sandbox: () => woocommerce,
		node: { type: `${pkg}.inventoryFanOut`, parameters: { operation: 'reconcile', stores: ['woocommerce-list'], skus: 'RED-1' } },
		credentials: () => ({ integrationWooCommerceStoresApi: { stores: { store: listedStores.map((label) => listedStore(label)) } } }),
		secrets: () => listedStores.flatMap((label) => [listedStore(label).consumerKey, listedStore(label).consumerSecret, listedStore(label).webhookSecret]),
	},
	{
		name: 'Smart Payment Router charging through Stripe (secret key)',
		sandbox: () => stripe,
		node: {
			type: `${pkg}.smartPaymentRouter`,
			parameters: { operation: 'route', paymentId: 'redaction-1', amount: 12.5, currency: 'USD', country: 'US', method: 'card', tokens: '={{ { "stripe": "pm_card_visa" } }}' },
		},
		credentials: () => ({ integrationStripeApi: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl, webhookSecret: 'whsec_redaction_test' } }),
		secrets: () => [stripe.credentials.secretKey],
	},
];

function flow(node: Record<string, unknown>, onError?: string) {
	const start = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	return {
		name: 'redaction',
		nodes: [start, { name: 'Node', typeVersion: 1, position: [200, 0], ...node, ...(onError ? { onError } : {}) }],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	};
}

/** Everything written to the console or the process's streams while `work` runs. */
async function capturingLogs<T>(work: () => Promise<T>): Promise<{ result: T; logs: string }> {
	const written: string[] = [];
	const record = (...parts: unknown[]) => void written.push(parts.map((part) => (typeof part === 'string' ? part : textOf(part))).join(' '));
	const spies = [
		...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => jest.spyOn(console, method).mockImplementation(record)),
		jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (record(String(chunk)), true)),
		jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (record(String(chunk)), true)),
	];
	try {
		return { result: await work(), logs: written.join('\n') };
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
}

/** Every own property of a value, errors included (their message, stack, cause and n8n's description and context). */
function textOf(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, function (this: unknown, _key, item: unknown) {
		if (typeof item !== 'object' || item === null) return item;
		if (seen.has(item)) return '[seen]';
		seen.add(item);
		if (!(item instanceof Error)) return item;
		return Object.fromEntries(Object.getOwnPropertyNames(item).map((name) => [name, (item as unknown as Record<string, unknown>)[name]]));
	});
}

/** Every row of every table of the node's state store. */
function storeContents(): string {
	const db = new DatabaseSync(stateFile, { readOnly: true });
	try {
		const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
		return textOf(Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()])));
	} finally {
		db.close();
	}
}

async function runEchoed(testCase: Case, onError?: string): Promise<{ run: InProcessRunResult; evidence: string }> {
	await new SandboxControl(testCase.sandbox().baseUrl).fault({ kind: 'echo_credential', status: 401, times: -1 });
	const { result: run, logs } = await capturingLogs(() =>
		runWorkflow(flow(testCase.node, onError), { credentials: testCase.credentials(), env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } }),
	);
	const faulted = (await new SandboxControl(testCase.sandbox().baseUrl).requests()).filter((entry) => entry.status === 401);
	// The vendor really echoed: the test is not passing on a node that never called it.
	expect(faulted.length).toBeGreaterThan(0);
	return { run, evidence: [textOf(run.error), textOf(run.outputs), logs, storeContents()].join('\n') };
}

describe.each(cases)('$name', (testCase) => {
	test("the refusal reaches the user (the node's error, or the store's failure in its output) without the secret; nor do the logs or the store", async () => {
		const { run, evidence } = await runEchoed(testCase);

		const shown = textOf(run.error) + textOf(run.outputs);
		expect(shown).toContain('Invalid credentials: ');
		expect(shown).toContain('[redacted]');
		expect(testCase.secrets().every((secret) => secret.length >= 4)).toBe(true);
		for (const secret of testCase.secrets()) expect(evidence).not.toContain(secret);
	});

	test('Continue (using regular output): the output carries the refusal and no secret either', async () => {
		const { run, evidence } = await runEchoed(testCase, 'continueRegularOutput');

		const items = (run.outputs.Node ?? []).flat();
		expect(items.length).toBeGreaterThan(0);
		expect(textOf(items)).toContain('[redacted]');
		for (const secret of testCase.secrets()) expect(evidence).not.toContain(secret);
	});
});
