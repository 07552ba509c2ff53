/**
 * Square bills subscriptions and invoices at one location: inside n8n, Smart Payment Router's Create Invoice and Create
 * Subscription use the location picked on the node (Square Location), and without one stop naming that field before
 * anything is sent to Square (issue 18: the first active location was used whatever the user picked).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

let square: RunningSandbox;
let control: SandboxControl;
let stateFile: string;

beforeAll(async () => {
	square = await startSandbox('square');
	control = new SandboxControl(square.baseUrl);
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'square-location-wf-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await square.close();
});

beforeEach(async () => {
	await control.reset();
});

const plans = [{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { square: 'SQ-PLAN-BASIC-MONTHLY' } }];

function workflow(operation: 'createInvoice' | 'createSubscription', location: string | undefined): object {
	const operationParameters =
		operation === 'createInvoice'
			? { invoiceRequestId: '={{ $json.body.requestId }}', invoiceProcessor: 'square', invoiceCustomer: 'SQ-CUSTOMER-1', invoiceCurrency: 'USD', invoiceLines: '[{"description": "Seats", "amount": 19.99, "quantity": 2}]' }
			: { subscriptionRequestId: '={{ $json.body.requestId }}', subscriptionProcessor: 'square', subscriptionPlans: JSON.stringify(plans), subscriptionPlan: 'basic', subscriptionCustomer: 'SQ-CUSTOMER-1' };
	return {
		name: 'square location',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'bill' } },
			{
				name: 'Bill',
				type: 'n8n-nodes-integration-automation.smartPaymentRouter',
				// Version 1 as saved before plans came as rows: its JSON plans are read without Plans From set.
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation, processors: ['square'], ...(location ? { squareLocation: { __rl: true, mode: 'list', value: location } } : {}), ...operationParameters },
				credentials: { integrationSquareApi: { id: '1', name: 'Square sandbox' } },
			},
		],
		connections: { Hook: { main: [[{ node: 'Bill', type: 'main', index: 0 }]] } },
	};
}

async function run(operation: 'createInvoice' | 'createSubscription', location: string | undefined, requestId: string) {
	return await runWorkflow(workflow(operation, location), {
		inputItems: [{ json: { headers: {}, body: { requestId } } }],
		credentials: { integrationSquareApi: { accessToken: square.credentials.accessToken, baseUrl: square.baseUrl } },
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

test.each(['createInvoice', 'createSubscription'] as const)('%s on Square bills at the picked location, and without one stops naming Square Location before any call', async (operation) => {
	const made = await run(operation, 'LONLINE', `${operation}-online`);
	expect(made.status).toBe('success');
	const billed = operation === 'createInvoice' ? await control.state<Array<{ location_id: string }>>('invoices') : await control.state<Array<{ location_id: string }>>('billing_subscriptions');
	// LSANDBOX is the first active location Square lists: the picked one is used instead.
	expect(billed.map((record) => record.location_id)).toEqual(['LONLINE']);

	await control.clearRequests();
	const refused = await run(operation, undefined, `${operation}-nowhere`);
	expect(refused.status).toBe('error');
	const error = refused.error as { message: string; description?: string };
	expect(`${error.message} ${error.description ?? ''}`).toMatch(/squareLocation/);
	expect(error.message).toMatch(/item 0/i);
	expect(await control.requests()).toEqual([]);
});
