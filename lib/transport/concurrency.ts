/**
 * Runs work holding one of a key's slots. The store's ConcurrencySlots is the one implementation, shared by every
 * process and queue-mode worker; the transport only names the key and the limit.
 */
export interface ConcurrencyGate {
	run<T>(key: string, limit: number, work: () => Promise<T>): Promise<T>;
}
