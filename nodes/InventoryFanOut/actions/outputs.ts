/**
 * The outputs, named for the operation's business outcomes (computed by n8n in the editor from the parameters, so it
 * must be self-contained). Stock changes a store refused, stores that could not be read or polled, and invalid input
 * are no output of their own: they follow the node's On Error setting.
 */
export const configuredOutputs = (parameters: { operation?: string }) => {
	const names: Record<string, string[]> = {
		recordOrder: ['New Orders', 'Seen Before'],
		resumeOrders: ['Pending Orders', 'Needs Attention'],
		completeStep: ['Completed'],
		reconcile: ['In Step', 'Drift'],
		verifyOrder: ['Verified', 'Rejected'],
		syncProducts: ['Stores Synced', 'Products Not Synced'],
		syncCustomers: ['Stores Synced', 'Customers Not Synced'],
	};
	return (names[parameters.operation ?? ''] ?? ['Applied', 'Pending']).map((displayName) => ({ type: 'main', displayName }));
};

/** How many outputs the operation has (as configuredOutputs names them). */
export const outputCount = (operation: string) => configuredOutputs({ operation }).length;
