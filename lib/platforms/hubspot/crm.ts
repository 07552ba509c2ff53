import type { FieldOptions } from '../../records/valueMap';
import type { Transport } from '../../transport/transport';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, RecordWrite, WriteOutcome } from '../crm';

interface HubSpotObject {
	id: string;
	properties: Record<string, string | null>;
	updatedAt?: string;
	archived?: boolean;
	new?: boolean;
}

interface HubSpotBatchResponse {
	results?: HubSpotObject[];
	errors?: Array<{ message: string; category?: string; context?: Record<string, string[]> }>;
}

/** Contacts and other objects name their last-modified property differently. */
const MODIFIED_PROPERTY: Record<CrmEntity, string> = {
	contacts: 'lastmodifieddate',
	companies: 'hs_lastmodifieddate',
	deals: 'hs_lastmodifieddate',
	tickets: 'hs_lastmodifieddate',
};

/** `GET /crm/v3/properties/{objectType}`, as much of each property as the connector reads. */
interface HubSpotProperty {
	name: string;
	type?: string;
	options?: Array<{ value: string; label?: string }>;
}

/** `GET /crm/v3/pipelines/{objectType}`: a portal's pipelines and their stages (ids are what records store). */
interface HubSpotPipeline {
	id: string;
	label?: string;
	archived?: boolean;
	stages: Array<{ id: string; label?: string; archived?: boolean }>;
}

/** The properties that hold a deal's or ticket's pipeline and its stage; their options come from the pipelines API. */
const PIPELINE_PROPERTIES: Partial<Record<CrmEntity, { pipeline: string; stage: string }>> = {
	deals: { pipeline: 'pipeline', stage: 'dealstage' },
	tickets: { pipeline: 'hs_pipeline', stage: 'hs_pipeline_stage' },
};

const BATCH_LIMIT = 100;
const SEARCH_PAGE = 200;

interface SearchCursor {
	/** Lower bound (ms): records modified at or after it. Moving it, instead of paging with `after`, avoids the 10,000-result cap. */
	since: number;
	/** Ids already handled at exactly `since`, so an inclusive bound does not repeat them. */
	seen: string[];
	/** Results to skip at `since`, only while a page full of one timestamp is paged through. */
	offset?: number;
}

/** How late a write may appear in search; the last stretch this long is read again on every pull. */
const SEARCH_LAG_MS = 60_000;

/** HubSpot CRM v3: batch writes of 100, search on the last-modified property for incremental pulls. */
export class HubSpotCrm implements CrmConnector {
	readonly platform = 'hubspot';
	readonly entities: Record<CrmEntity, EntitySupport> = {
		contacts: { object: 'contacts', matchField: 'email', batchSize: BATCH_LIMIT },
		companies: { object: 'companies', matchField: 'domain', batchSize: BATCH_LIMIT },
		deals: { object: 'deals', batchSize: BATCH_LIMIT },
		tickets: { object: 'tickets', batchSize: BATCH_LIMIT },
	};
	private readonly properties = new Map<CrmEntity, Promise<HubSpotProperty[]>>();
	private readonly pipelines = new Map<CrmEntity, Promise<HubSpotPipeline[]>>();

	constructor(
		private readonly transport: Transport,
		private readonly now: () => number = Date.now,
	) {}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		return (await this.describe(entity)).map((property) => property.name);
	}

	/** Enumeration properties' options; a deal's or ticket's pipeline and stage from the pipelines API (every pipeline's stages). */
	async fieldOptions(entity: CrmEntity): Promise<FieldOptions> {
		const options: FieldOptions = {};
		for (const property of await this.describe(entity)) {
			if (property.type === 'enumeration' && property.options) options[property.name] = property.options.map(({ value, label }) => ({ value, label }));
		}
		const fields = PIPELINE_PROPERTIES[entity];
		if (!fields) return options;
		const pipelines = (await this.pipelinesOf(entity)).filter((pipeline) => !pipeline.archived);
		options[fields.pipeline] = pipelines.map(({ id, label }) => ({ value: id, label }));
		options[fields.stage] = pipelines.flatMap((pipeline) => pipeline.stages.filter((stage) => !stage.archived).map(({ id, label }) => ({ value: id, label })));
		return options;
	}

	private describe(entity: CrmEntity): Promise<HubSpotProperty[]> {
		return once(this.properties, entity, () =>
			this.transport.request<{ results: HubSpotProperty[] }>({ method: 'GET', url: `/crm/v3/properties/${entity}` }).then((body) => body.results));
	}

	private pipelinesOf(entity: CrmEntity): Promise<HubSpotPipeline[]> {
		return once(this.pipelines, entity, () =>
			this.transport.request<{ results: HubSpotPipeline[] }>({ method: 'GET', url: `/crm/v3/pipelines/${entity}` }).then((body) => body.results));
	}

	async write(entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		const outcomes: WriteOutcome[] = new Array(batch.length);
		const updates = batch.map((write, index) => ({ write, index })).filter(({ write }) => write.externalId);
		const others = batch.map((write, index) => ({ write, index })).filter(({ write }) => !write.externalId);
		if (updates.length > 0) {
			const body = await this.batchCall(entity, 'update', updates.map(({ write }) => ({ id: write.externalId, properties: stringify(write.fields) })));
			assign(outcomes, updates, body, (object) => object.id, ({ write }) => write.externalId as string, false);
		}
		if (others.length === 0) return outcomes;
		const matchField = entity === 'contacts' ? 'email' : undefined;
		if (matchField) {
			const inputs = others.map(({ write }) => ({ id: String(write.fields[matchField] ?? ''), idProperty: matchField, properties: stringify(write.fields) }));
			const body = await this.batchCall(entity, 'upsert', inputs);
			assign(outcomes, others, body, (object) => lower(object.properties[matchField]), ({ write }) => lower(write.fields[matchField]), undefined);
		} else {
			// `associations` is required on a create input (SimplePublicObjectInputForCreate), even when empty.
			const body = await this.batchCall(entity, 'create', others.map(({ write }) => ({ properties: stringify(write.fields), associations: [] })));
			// Batch create answers in input order; failed inputs leave no result, so order alone can't pair them.
			assignInOrder(outcomes, others, body);
		}
		return outcomes;
	}

	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ since: at.getTime(), seen: [] } satisfies SearchCursor);
	}

	async pullChanges(entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const position: SearchCursor = cursor ? (JSON.parse(cursor) as SearchCursor) : { since: 0, seen: [] };
		const property = MODIFIED_PROPERTY[entity];
		const body = await this.transport.request<{ results: HubSpotObject[] }>({
			method: 'POST',
			url: `/crm/v3/objects/${entity}/search`,
			body: {
				filterGroups: [{ filters: [{ propertyName: property, operator: 'GTE', value: String(position.since) }] }],
				sorts: [{ propertyName: property, direction: 'ASCENDING' }],
				properties: await this.fieldNames(entity),
				limit: SEARCH_PAGE,
				...(position.offset ? { after: String(position.offset) } : {}),
			},
		});
		const fresh = body.results.filter((object) => !(modifiedMs(object, property) === position.since && position.seen.includes(object.id)));
		const done = body.results.length < SEARCH_PAGE;
		return {
			records: fresh.map((object) => ({
				externalId: object.id,
				fields: object.properties,
				modifiedAt: new Date(modifiedMs(object, property)).toISOString(),
				archived: object.archived,
			})),
			cursor: JSON.stringify(this.nextPosition(position, body.results, property, done)),
			done,
		};
	}

	private nextPosition(position: SearchCursor, results: HubSpotObject[], property: string, done: boolean): SearchCursor {
		const last = results[results.length - 1];
		if (!last) return { since: position.since, seen: position.seen };
		const lastMs = modifiedMs(last, property);
		const atLast = results.filter((object) => modifiedMs(object, property) === lastMs).map((object) => object.id);
		// A full page that never leaves `since` (a bulk import stamped in one millisecond) pages on with `after`.
		if (!done && lastMs === position.since) return { since: lastMs, seen: [...new Set([...position.seen, ...atLast])], offset: (position.offset ?? 0) + results.length };
		const next = { since: lastMs, seen: lastMs === position.since ? [...new Set([...position.seen, ...atLast])] : atLast };
		// Search shows writes seconds late, possibly after later ones: once caught up, keep re-reading the last
		// minute. Records read again are recognised by their snapshots and not reported twice.
		const settled = this.now() - SEARCH_LAG_MS;
		return done && next.since > settled ? { since: settled, seen: [] } : next;
	}

	async archive(entity: CrmEntity, externalIds: string[]): Promise<void> {
		for (let start = 0; start < externalIds.length; start += BATCH_LIMIT) {
			const inputs = externalIds.slice(start, start + BATCH_LIMIT).map((id) => ({ id }));
			await this.transport.request({ method: 'POST', url: `/crm/v3/objects/${entity}/batch/archive`, body: { inputs } });
		}
	}

	private batchCall(entity: CrmEntity, action: 'create' | 'update' | 'upsert', inputs: unknown[]): Promise<HubSpotBatchResponse> {
		return this.transport.request<HubSpotBatchResponse>({ method: 'POST', url: `/crm/v3/objects/${entity}/batch/${action}`, body: { inputs } });
	}
}

/** One request per key for the connector's life; a failed one is asked again next time. */
function once<T>(cache: Map<CrmEntity, Promise<T>>, key: CrmEntity, load: () => Promise<T>): Promise<T> {
	let pending = cache.get(key);
	if (!pending) {
		pending = load();
		cache.set(key, pending);
		pending.catch(() => cache.delete(key));
	}
	return pending;
}

function stringify(fields: Record<string, unknown>): Record<string, string> {
	const properties: Record<string, string> = {};
	for (const [name, value] of Object.entries(fields)) {
		if (value !== undefined) properties[name] = value === null ? '' : String(value);
	}
	return properties;
}

function lower(value: unknown): string {
	return String(value ?? '').trim().toLowerCase();
}

function modifiedMs(object: HubSpotObject, property: string): number {
	const raw = object.properties[property] ?? object.updatedAt ?? '0';
	return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
}

function success(object: HubSpotObject, created: boolean): WriteOutcome {
	return { ok: true, externalId: object.id, created, fields: object.properties, modifiedAt: object.updatedAt };
}

function failure(body: HubSpotBatchResponse, key: string): WriteOutcome {
	const errors = body.errors ?? [];
	const mine = errors.find((error) => Object.values(error.context ?? {}).some((values) => values.map(lower).includes(key))) ?? errors[0];
	return { ok: false, error: { message: mine?.message ?? 'HubSpot returned no result for this record', code: mine?.category } };
}

/** Pairs batch results with inputs by a key both carry (id for updates, email for upserts). */
function assign<T extends { index: number }>(
	outcomes: WriteOutcome[],
	inputs: T[],
	body: HubSpotBatchResponse,
	resultKey: (object: HubSpotObject) => string,
	inputKey: (input: T) => string,
	created: boolean | undefined,
): void {
	const byKey = new Map((body.results ?? []).map((object) => [resultKey(object), object]));
	for (const input of inputs) {
		const key = inputKey(input);
		const object = byKey.get(key);
		outcomes[input.index] = object ? success(object, created ?? object.new === true) : failure(body, key);
	}
}

function assignInOrder(outcomes: WriteOutcome[], inputs: Array<{ index: number }>, body: HubSpotBatchResponse): void {
	const results = body.results ?? [];
	inputs.forEach((input, position) => {
		const object = results.length === inputs.length ? results[position] : undefined;
		outcomes[input.index] = object ? success(object, true) : failure(body, '');
	});
}
