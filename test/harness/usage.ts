import type { N8nServer } from './n8nServer';

const pkg = 'n8n-nodes-integration-automation';

/** A manual workflow reading, with Usage Meter's Get Usage, one customer's usage of the current period in a namespace. */
export function usageWorkflow(namespace: string, customerId: string, planPreset: string) {
	return {
		name: `Usage of ${customerId} in ${namespace}`,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'Usage',
				type: `${pkg}.usageMeter`,
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'getUsage', namespace, allCustomers: false, customerId, period: 'current', planSource: 'preset', planPreset },
			},
		],
		connections: { Start: { main: [[{ node: 'Usage', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Per meter, the stored sum and largest event (what a gauge is priced by), read by running an imported usageWorkflow. */
export async function meteredUsage(n8n: N8nServer, usageWorkflowId: string): Promise<Record<string, { quantity: number; maxQuantity: number }>> {
	const run = await n8n.runManual(usageWorkflowId);
	return run.outputs.Usage[0][0].json.meters as Record<string, { quantity: number; maxQuantity: number }>;
}

/** The quantity stored per meter (a meter never recorded is absent). */
export async function meteredQuantities(n8n: N8nServer, usageWorkflowId: string): Promise<Record<string, number>> {
	const meters = await meteredUsage(n8n, usageWorkflowId);
	return Object.fromEntries(Object.entries(meters).map(([meter, usage]) => [meter, usage.quantity]));
}
