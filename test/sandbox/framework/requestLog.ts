/** What the sandbox was asked, for tests and benchmarks to inspect. Headers are never kept: they carry credentials. */
import type { FaultKind } from './faults';

export interface RequestLogEntry {
	/** 1-based and never reused, so the last entry's seq is the number of API requests since the last clear. */
	seq: number;
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	body?: unknown;
	/** The status sent, or committed but never sent (lost_response); null when the connection was reset. */
	status: number | null;
	/** When the request arrived, ISO 8601. */
	at: string;
	durationMs: number;
	fault?: FaultKind;
}

export class RequestLog {
	private entries: RequestLogEntry[] = [];
	private seq = 0;

	/** Keeps the newest `capacity` entries so long benchmark runs stay bounded. */
	constructor(private readonly capacity = 5000) {}

	record(entry: Omit<RequestLogEntry, 'seq'>): void {
		this.entries.push({ seq: ++this.seq, ...entry });
		if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
	}

	list(): RequestLogEntry[] {
		return [...this.entries];
	}

	clear(): void {
		this.entries = [];
		this.seq = 0;
	}
}

export function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
	const record: Record<string, string | string[]> = {};
	for (const key of new Set(query.keys())) {
		const values = query.getAll(key);
		record[key] = values.length === 1 ? values[0] : values;
	}
	return record;
}
