/**
 * An in-memory CRM platform behind the CrmConnector interface, for engine tests without HTTP: records with a
 * modified clock, pull by modified time with a resumable cursor, batch writes that update, upsert on the match
 * field or create, archives, and per-record or whole-call failures on demand.
 */
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, PlatformRecord, RecordWrite, WriteOutcome } from '../../lib/platforms/crm';

interface StoredRecord {
	id: string;
	fields: Record<string, unknown>;
	modified: number;
	archived: boolean;
}

let clock = 1_700_000_000_000;
/** One clock for every fake platform, so modified times order edits across platforms. */
export function tick(): number {
	clock += 1000;
	return clock;
}

export class FakeCrm implements CrmConnector {
	readonly entities: Partial<Record<CrmEntity, EntitySupport>>;
	readonly records = new Map<string, StoredRecord>();
	readonly calls: Array<{ kind: 'write' | 'pull' | 'archive'; size: number }> = [];
	/** Records whose writes fail (by the value of the match field or by id). */
	readonly rejecting = new Set<string>();
	/**
	 * Fields a record's writes fail on after the rest was written (by id): the write is reported partly done, as a
	 * vendor that saves a record in several calls does when a later call is refused.
	 */
	readonly refusedFields = new Map<string, string>();
	/** Whole write calls that throw before anything is written. */
	failNextWrites = 0;
	private nextId = 1;

	constructor(
		readonly platform: string,
		readonly fields: string[] = ['firstname', 'lastname', 'email', 'phone', 'company'],
		options: { batchSize?: number; pageSize?: number; matchField?: string } = {},
	) {
		this.entities = { contacts: { object: 'contacts', matchField: options.matchField ?? 'email', batchSize: options.batchSize ?? 100 } };
		this.pageSize = options.pageSize ?? 50;
	}

	private readonly pageSize: number;

	async fieldNames(): Promise<string[]> {
		return this.fields;
	}

	/** An edit made on the platform by someone else. */
	edit(id: string, fields: Record<string, unknown>, at = tick()): void {
		const record = this.records.get(id);
		if (!record) throw new Error(`no record ${id}`);
		Object.assign(record.fields, fields);
		record.modified = at;
	}

	add(fields: Record<string, unknown>, at = tick()): string {
		const id = `${this.platform}-${this.nextId++}`;
		this.records.set(id, { id, fields: { ...fields }, modified: at, archived: false });
		return id;
	}

	remove(id: string): void {
		const record = this.records.get(id)!;
		record.archived = true;
		record.modified = tick();
	}

	byField(field: string, value: unknown): StoredRecord[] {
		return [...this.records.values()].filter((record) => record.fields[field] === value);
	}

	async write(_entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		this.calls.push({ kind: 'write', size: batch.length });
		if (this.failNextWrites > 0) {
			this.failNextWrites--;
			throw Object.assign(new Error(`${this.platform} is unavailable`), { code: 'UNAVAILABLE' });
		}
		const matchField = this.entities.contacts?.matchField ?? 'email';
		return batch.map((write) => {
			const key = String(write.externalId ?? write.fields[matchField] ?? '');
			if (this.rejecting.has(key)) return { ok: false, error: { message: `${this.platform} rejected ${key}`, code: 'INVALID' } };
			let record = write.externalId ? this.records.get(write.externalId) : this.byField(matchField, write.fields[matchField]).find((found) => !found.archived);
			const created = !record;
			const refused = record && this.refusedFields.get(record.id);
			const fields = refused ? Object.fromEntries(Object.entries(write.fields).filter(([field]) => field !== refused)) : write.fields;
			if (!record) {
				const id = this.add(fields);
				record = this.records.get(id)!;
			} else {
				Object.assign(record.fields, fields);
				record.modified = tick();
			}
			if (refused && refused in write.fields) return { ok: false, externalId: record.id, partial: true, error: { message: `${refused}: ${this.platform} refused ${JSON.stringify(write.fields[refused])}`, code: 'INVALID' } };
			return { ok: true, externalId: record.id, created, fields: { ...record.fields }, modifiedAt: new Date(record.modified).toISOString() };
		});
	}

	/** Records modified at or after `at`: the position just before it. */
	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ modified: at.getTime() - 1, id: '\uffff' });
	}

	async pullChanges(_entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		this.calls.push({ kind: 'pull', size: 0 });
		const position = cursor ? (JSON.parse(cursor) as { modified: number; id: string }) : { modified: 0, id: '' };
		const ordered = [...this.records.values()]
			.filter((record) => record.modified > position.modified || (record.modified === position.modified && record.id > position.id))
			.sort((a, b) => a.modified - b.modified || (a.id < b.id ? -1 : 1));
		const page = ordered.slice(0, this.pageSize);
		const last = page[page.length - 1];
		const records: PlatformRecord[] = page.map((record) => ({
			externalId: record.id, fields: { ...record.fields }, modifiedAt: new Date(record.modified).toISOString(), archived: record.archived,
		}));
		return { records, cursor: JSON.stringify(last ? { modified: last.modified, id: last.id } : position), done: ordered.length <= this.pageSize };
	}

	async archive(_entity: CrmEntity, externalIds: string[]): Promise<void> {
		this.calls.push({ kind: 'archive', size: externalIds.length });
		for (const id of externalIds) {
			const record = this.records.get(id);
			if (record) record.archived = true;
		}
	}

	live(): StoredRecord[] {
		return [...this.records.values()].filter((record) => !record.archived);
	}
}

export const fakeMappings = [
	{ internal: 'firstName', external: 'firstname', transforms: ['trim' as const] },
	{ internal: 'lastName', external: 'lastname', transforms: ['trim' as const] },
	{ internal: 'email', external: 'email', transforms: ['trim' as const, 'lowercase' as const] },
	{ internal: 'phone', external: 'phone', transforms: ['e164' as const] },
	{ internal: 'company', external: 'company', transforms: ['trim' as const] },
];
