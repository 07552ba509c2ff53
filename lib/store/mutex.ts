/** A FIFO async lock: one holder at a time, in arrival order. */
export class Mutex {
	private tail: Promise<void> = Promise.resolve();

	async runExclusive<T>(work: () => Promise<T>): Promise<T> {
		let release!: () => void;
		const previous = this.tail;
		this.tail = new Promise<void>((resolve) => (release = resolve));
		await previous;
		try {
			return await work();
		} finally {
			release();
		}
	}
}
