/** The org's records, per sObject: ids with the object's key prefix, timestamps kept by the platform, soft deletes. */
import { findSObject, sObjectTypes, type SObjectType } from './objects';
import { RecordFailure } from './errors';

export type SRecord = Record<string, unknown> & { Id: string; IsDeleted: boolean; SystemModstamp: string };

/** Salesforce's datetime format: `2026-01-01T00:00:00.000+0000`. */
export function sfDatetime(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The user the sandbox's session token acts as (the integration user): the owner of a case created without one. */
export const apiUser = { Id: '0058d0000000APIUSR', Username: 'integration@sandbox.example', Email: 'integration@sandbox.example', FirstName: 'Integration', LastName: 'User', IsActive: true };

export class OrgStore {
	private readonly tables = new Map<string, Map<string, SRecord>>();
	private counter = 0;
	private lastStamp = 0;

	constructor() {
		this.reset();
	}

	reset(): void {
		for (const type of sObjectTypes) this.tables.set(type.name, new Map());
		this.counter = 0;
		const users = findSObject('User')!;
		const now = this.stamp();
		this.table(users).set(apiUser.Id, { ...defaults(users), ...apiUser, IsDeleted: false, CreatedDate: now, LastModifiedDate: now, SystemModstamp: now });
	}

	table(type: SObjectType): Map<string, SRecord> {
		return this.tables.get(type.name)!;
	}

	/** Strictly increasing modification times, like SystemModstamp on a busy org. */
	private stamp(): string {
		this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
		return sfDatetime(this.lastStamp);
	}

	private newId(type: SObjectType): string {
		this.counter++;
		return `${type.keyPrefix}8d0000${String(this.counter).padStart(6, '0')}AAA`;
	}

	private validate(type: SObjectType, fields: Record<string, unknown>, creating: boolean): void {
		for (const name of Object.keys(fields)) {
			const field = type.fields.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
			if (!field) throw new RecordFailure('INVALID_FIELD', `No such column '${name}' on sobject of type ${type.name}`, [name]);
			if (field.readOnly) throw new RecordFailure('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [name]);
			const value = fields[name];
			if (field.picklist?.restricted && !isBlank(value) && !field.picklist.values.includes(String(value))) {
				throw new RecordFailure('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.name}: bad value for restricted picklist field: ${String(value)}`, [field.name]);
			}
		}
		const missing = type.fields
			.filter((field) => field.required)
			.filter((field) => (creating ? isBlank(fields[field.name]) : field.name in fields && isBlank(fields[field.name])))
			.map((field) => field.name);
		if (missing.length > 0) throw new RecordFailure('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
	}

	create(type: SObjectType, fields: Record<string, unknown>): SRecord {
		this.validate(type, fields, true);
		if (type.name === 'CaseComment') this.touchCase(String(fields.ParentId));
		if (type.name === 'Case') fields = { ...fields, OwnerId: isBlank(fields.OwnerId) ? apiUser.Id : this.owner(fields.OwnerId) };
		const now = this.stamp();
		const record: SRecord = { ...defaults(type), ...fields, Id: this.newId(type), IsDeleted: false, CreatedDate: now, LastModifiedDate: now, SystemModstamp: now };
		this.table(type).set(record.Id, record);
		return record;
	}

	update(type: SObjectType, id: string, fields: Record<string, unknown>): SRecord {
		const record = this.table(type).get(id);
		if (!record) throw new RecordFailure('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, []);
		if (record.IsDeleted) throw new RecordFailure('ENTITY_IS_DELETED', 'entity is deleted', []);
		this.validate(type, fields, false);
		if (type.name === 'Case' && 'OwnerId' in fields) this.owner(fields.OwnerId);
		const now = this.stamp();
		Object.assign(record, fields, { LastModifiedDate: now, SystemModstamp: now });
		return record;
	}

	/** A case's owner as Salesforce checks it: an active user or a queue; a case cannot be left without one. */
	private owner(id: unknown): string {
		if (isBlank(id)) throw new RecordFailure('INVALID_CROSS_REFERENCE_KEY', 'Owner ID: owner cannot be blank', ['OwnerId']);
		const user = this.table(findSObject('User')!).get(String(id));
		const queue = this.table(findSObject('Group')!).get(String(id));
		if (user && user.IsActive !== true) throw new RecordFailure('INACTIVE_OWNER_OR_USER', `operation performed with inactive user [${String(id)}] as owner of case`, ['OwnerId']);
		if ((!user || user.IsDeleted) && (!queue || queue.IsDeleted || queue.Type !== 'Queue')) throw new RecordFailure('INVALID_CROSS_REFERENCE_KEY', 'Owner ID: id value of incorrect type', ['OwnerId']);
		return String(id);
	}

	/** A comment added to a case modifies the case, as Salesforce does: it shows in a pull of changed cases. */
	private touchCase(id: string): void {
		const parent = this.table(findSObject('Case')!).get(id);
		if (!parent || parent.IsDeleted) throw new RecordFailure('FIELD_INTEGRITY_EXCEPTION', 'Parent ID: id value of incorrect type or deleted', ['ParentId']);
		const now = this.stamp();
		Object.assign(parent, { LastModifiedDate: now, SystemModstamp: now });
	}

	/** Upsert by an external-id field: several matches are an error, one is updated, none is created. */
	upsert(type: SObjectType, externalField: string, fields: Record<string, unknown>): { record: SRecord; created: boolean } {
		const value = fields[externalField];
		if (isBlank(value)) throw new RecordFailure('MISSING_ARGUMENT', `${externalField} not specified`, [externalField]);
		const found = [...this.table(type).values()].filter((record) => !record.IsDeleted && String(record[externalField] ?? '').toLowerCase() === String(value).toLowerCase());
		if (found.length > 1) throw new RecordFailure('DUPLICATE_EXTERNAL_ID', `${externalField}: more than one record found for external id field: [${found.map((record) => record.Id).join(', ')}]`, [externalField]);
		if (found.length === 1) return { record: this.update(type, found[0].Id, fields), created: false };
		return { record: this.create(type, fields), created: true };
	}

	delete(type: SObjectType, id: string): void {
		const record = this.table(type).get(id);
		if (!record || record.IsDeleted) throw new RecordFailure('ENTITY_IS_DELETED', 'entity is deleted', []);
		const now = this.stamp();
		Object.assign(record, { IsDeleted: true, LastModifiedDate: now, SystemModstamp: now });
	}

	/** Finds a record of any type by id. */
	find(id: string): { type: SObjectType; record: SRecord } | undefined {
		for (const type of sObjectTypes) {
			const record = this.table(type).get(id);
			if (record) return { type, record };
		}
		return undefined;
	}

	seed(objectName: string, fields: Record<string, unknown>): SRecord {
		const type = findSObject(objectName);
		if (!type) throw new Error(`unknown sObject ${objectName}`);
		const { Id: _id, SystemModstamp: stamp, ...given } = fields as Record<string, unknown>;
		// A seeded user is active and logs in with its email unless told otherwise.
		const writable = type.name === 'User' ? { IsActive: true, Username: given.Email, ...given } : given;
		const record = this.create(type, writable);
		if (typeof stamp === 'string') Object.assign(record, { SystemModstamp: stamp, LastModifiedDate: stamp });
		return record;
	}
}

function defaults(type: SObjectType): Record<string, unknown> {
	return Object.fromEntries(type.fields.filter((field) => !field.readOnly).map((field) => [field.name, null]));
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}
