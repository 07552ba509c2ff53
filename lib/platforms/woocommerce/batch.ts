/**
 * WooCommerce's batch endpoints (`<resource>/batch`): at most 100 creates and updates in one call, each answered on its
 * own, in the order sent.
 */
import type { Transport } from '../../transport/transport';
import { failedWrites, type RecordWrite, type WriteOutcome } from '../crm';

/** WooCommerce's batch endpoint takes at most 100 objects (create and update together). */
export const BATCH_SIZE = 100;

/** One object's answer in a batch: the object as WooCommerce now holds it, or its own error. */
export type WooBatchEntry<T> = T | { id: number; error: { code: string; message: string } };

/** A record of the node's batch about to be written, with the WooCommerce fields it becomes. */
export interface WooBatchWrite {
	index: number;
	write: RecordWrite;
	fields: Record<string, unknown>;
}

/** The outcome of each record of one batch call, by its index in the node's batch; a call that fails fails them all. */
export async function writeWooBatch<T>(
	transport: Transport,
	url: string,
	writes: WooBatchWrite[],
	outcomeOf: (entry: WooBatchEntry<T> | undefined, created: boolean, index: number) => WriteOutcome,
): Promise<Map<number, WriteOutcome>> {
	const creates = writes.filter((entry) => !entry.write.externalId);
	const updates = writes.filter((entry) => entry.write.externalId);
	const outcomes = new Map<number, WriteOutcome>();
	try {
		const body = await transport.request<{ create?: Array<WooBatchEntry<T>>; update?: Array<WooBatchEntry<T>> }>({
			method: 'POST',
			url,
			body: { create: creates.map(({ fields }) => fields), update: updates.map(({ write, fields }) => ({ id: Number(write.externalId), ...fields })) },
		});
		creates.forEach(({ index }, position) => outcomes.set(index, outcomeOf(body.create?.[position], true, index)));
		updates.forEach(({ index }, position) => outcomes.set(index, outcomeOf(body.update?.[position], false, index)));
	} catch (error) {
		// A create whose answer was lost may have landed: the next pull finds it by its match field and links it, never twice.
		failedWrites(writes.length, error).forEach((outcome, position) => outcomes.set(writes[position].index, outcome));
	}
	return outcomes;
}
