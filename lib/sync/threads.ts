/**
 * A record's thread (a ticket's comments): items only ever appended, each known on each platform by that platform's
 * own id. Sync keeps an ID map of the items beside the records' (entity `<entity>.<thread field>`): an item read from
 * a platform is new only when that map (or the platform's last snapshot) does not know its id, and a hub item goes to
 * a platform only when the map holds no copy of it there. Texts are never compared, so two equal comments stay two
 * and a copy read back is not a new comment (no echo).
 */
import type { CrmConnector, RecordEntity } from '../platforms/crm';
import type { FieldMapping } from '../records/mapping';
import type { IdMapKey } from '../store/idMap';

export interface ThreadItem {
	id: string;
	[field: string]: unknown;
}

/** Where an entity's thread lives on one platform: its platform field and the internal path it maps to. */
export interface ThreadPaths {
	external: string;
	internal: string;
}

/** The entity's thread on this platform, when it has one and the mappings carry it. */
export function threadPaths(connector: CrmConnector, entity: RecordEntity, mappings: FieldMapping[]): ThreadPaths | undefined {
	const external = connector.entities[entity]?.thread;
	const internal = external ? mappings.find((mapping) => mapping.external === external)?.internal : undefined;
	return external && internal ? { external, internal } : undefined;
}

/** The ID map key of a record key's thread items. */
export function threadKey(key: IdMapKey, paths: ThreadPaths): IdMapKey {
	return { ...key, entity: `${key.entity}.${paths.external}` };
}

/**
 * The items of a thread value, each with its id as text; an item without one is known by `fallbackId(position)`
 * (a record pushed by a workflow lists its comments without ids: their position names them). Not a list: none.
 */
export function threadItems(value: unknown, fallbackId: (position: number) => string): ThreadItem[] {
	if (!Array.isArray(value)) return [];
	return value.map((entry, position) => {
		const item = (typeof entry === 'object' && entry !== null ? entry : { body: entry }) as Record<string, unknown>;
		const id = typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : fallbackId(position);
		return { ...item, id };
	});
}

/** The ids of the items of a thread value (as last seen on a platform). */
export function threadIds(value: unknown): Set<string> {
	return new Set(threadItems(value, (position) => `#${position}`).map((item) => item.id));
}

/** Every mapping but the thread's: the thread is compared through its ID map, not by value. */
export function withoutThread(mappings: FieldMapping[], paths: ThreadPaths | undefined): FieldMapping[] {
	return paths ? mappings.filter((mapping) => mapping.external !== paths.external) : mappings;
}

/** Our id for an item first read on `platform` under its id there: the same on every run, so linking it twice is harmless. */
export function hubItemId(platform: string, platformItemId: string): string {
	return `${platform}:${platformItemId}`;
}

/** A copy of `fields` without the thread field. */
export function omitThread(fields: Record<string, unknown>, paths: ThreadPaths | undefined): Record<string, unknown> {
	if (!paths || !(paths.external in fields)) return fields;
	const { [paths.external]: _thread, ...rest } = fields;
	return rest;
}
