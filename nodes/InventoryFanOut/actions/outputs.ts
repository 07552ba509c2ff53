/** Two outputs, named for the operation; the second takes a failed operation's error items under Continue On Fail. */
export const configuredOutputs = (parameters: { operation?: string }) => {
	const names: Record<string, string[]> = {
		recordOrder: ['New Orders', 'Seen Before'],
		resumeOrders: ['Pending Orders', 'Needs Attention'],
		completeStep: ['Completed', 'Errors'],
		syncProducts: ['Stores Synced', 'Products Not Synced'],
	};
	return (names[parameters.operation ?? ''] ?? ['Applied', 'Errors']).map((displayName) => ({ type: 'main', displayName }));
};
