/** A counting semaphore in one process: at most `limit` holders at once, served in arrival order. */
export class ConcurrencyLimit {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly limit: number) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
		try {
			return await work();
		} finally {
			const next = this.waiting.shift();
			// The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
			if (next) next();
			else this.active--;
		}
	}
}

/** Runs work holding one of a key's slots; the store's ConcurrencySlots is one, shared by every process. */
export interface ConcurrencyGate {
	run<T>(key: string, limit: number, work: () => Promise<T>): Promise<T>;
}

const processLimits = new Map<string, ConcurrencyLimit>();

/** The gate when no store is given (benchmarks, tools): one limit per key for this process alone. */
export const processConcurrency: ConcurrencyGate = {
	run(key, limit, work) {
		const id = `${key}\u0000${limit}`;
		let found = processLimits.get(id);
		if (!found) {
			found = new ConcurrencyLimit(limit);
			processLimits.set(id, found);
		}
		return found.run(work);
	},
};
