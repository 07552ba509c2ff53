import { NodeOperationError, type IExecuteFunctions, type IPollFunctions } from 'n8n-workflow';

/** Reads a JSON parameter, which n8n hands over as text or as an already-parsed value; bad text names the field. */
export function parseJsonParameter<T>(context: IExecuteFunctions | IPollFunctions, value: unknown, what: string, itemIndex?: number): T {
	if (typeof value !== 'string') return value as T;
	try {
		return JSON.parse(value) as T;
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `${what} is not valid JSON: ${(error as Error).message}`, { itemIndex });
	}
}
