/**
 * The marketing template's Marketing Fan-out (its parameters, segments and campaign picks, as the demo's sandboxes are
 * seeded) for every contact of one webhook delivery, to the platforms named; answered as soon as the delivery is
 * queued. Queue mode's test and benchmark drive it from many workers at once to see vendors' concurrency limits hold.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';

export function marketingFanOutWorkflow(webhookPath: string, platforms: string[]): WorkflowJson {
	const marketing = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'marketing-contact-created.json'), 'utf8')) as WorkflowJson;
	const fanOut = marketing.nodes.find((node) => node.name === 'Marketing Fan-out');
	if (!fanOut) throw new Error('the marketing template has no node "Marketing Fan-out"');
	// Only the chosen platforms' credentials, as a user who picked those platforms has.
	const credentials = Object.fromEntries(Object.entries(fanOut.credentials ?? {}).filter(([type]) => platforms.some((platform) => type.toLowerCase().includes(platform))));
	return {
		name: `Contacts to ${platforms.join(' and ')} (${webhookPath})`,
		nodes: [
			{ name: 'Contacts', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: webhookPath, httpMethod: 'POST', responseMode: 'onReceived' } },
			{ name: 'One Item per Contact', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.contacts', options: { destinationFieldName: 'body' } } },
			{ ...fanOut, position: [400, 0], parameters: { ...fanOut.parameters, platforms }, credentials },
		],
		connections: {
			Contacts: { main: [[{ node: 'One Item per Contact', type: 'main', index: 0 }]] },
			'One Item per Contact': { main: [[{ node: fanOut.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** A new contact with consent, in the europe segment. */
export const consentingContact = (id: string) => ({ email: `${id}@example.com`, firstName: id, lastName: 'Contact', country: 'DE', plan: 'starter', lifecycleStage: 'lead', consent: true });
