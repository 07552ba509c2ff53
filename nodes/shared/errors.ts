import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { InputError } from '../../lib/records/inputSchema';
import { PlatformApiError } from '../../lib/transport';
import { InputViolationError } from './inputs';

/** Turns an engine error into n8n's error types: vendor failures keep the vendor's message and status. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InputError) return new InputViolationError(node, error.violations, itemIndex ?? 0);
	if (error instanceof PlatformApiError) {
		return new NodeApiError(
			node,
			{ message: error.message, code: error.code ?? null, status: error.status ?? null } as JsonObject,
			{
				message: `${error.platform}: ${error.message}`,
				description: `${error.status ? `HTTP ${error.status}` : 'No response'}${error.code ? `, code ${error.code}` : ''}, after ${error.attempts} attempt(s)`,
				httpCode: error.status ? String(error.status) : undefined,
				itemIndex,
			},
		);
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
