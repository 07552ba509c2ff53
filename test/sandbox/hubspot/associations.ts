/**
 * Associations (CRM v4) between the sandbox's objects, with HubSpot's own ("HUBSPOT_DEFINED") type ids: batch read,
 * associate with the default type, archive; records created with `associations` are linked as they are made. A note
 * associated with a ticket touches the ticket (its last-modified date moves), so a pull of changed tickets sees it.
 * Also the owners (`/crm/v3/owners`): the users records are assigned to, by email.
 */
import type { Router } from '../framework/router';
import type { SandboxRequest } from '../framework/types';
import { validationError } from './errors';
import { type CrmObjectName, findObjectType } from './objects';
import type { CrmStore } from './store';

/** HubSpot-defined association type ids, each direction its own. */
const definedTypes: Array<{ from: CrmObjectName; to: CrmObjectName; typeId: number }> = [
	{ from: 'contacts', to: 'companies', typeId: 279 }, { from: 'companies', to: 'contacts', typeId: 280 },
	{ from: 'deals', to: 'contacts', typeId: 3 }, { from: 'contacts', to: 'deals', typeId: 4 },
	{ from: 'contacts', to: 'tickets', typeId: 15 }, { from: 'tickets', to: 'contacts', typeId: 16 },
	{ from: 'contacts', to: 'notes', typeId: 201 }, { from: 'notes', to: 'contacts', typeId: 202 },
	{ from: 'tickets', to: 'notes', typeId: 227 }, { from: 'notes', to: 'tickets', typeId: 228 },
];

export interface Owner {
	id: string;
	email: string;
	firstName: string;
	lastName: string;
	userId: number;
	archived: boolean;
	createdAt: string;
	updatedAt: string;
}

/** Links between records, kept both ways. */
export class Associations {
	private readonly links = new Map<string, Set<string>>();

	add(from: CrmObjectName, fromId: string, to: CrmObjectName, toId: string): void {
		this.side(`${from}:${fromId}`).add(`${to}:${toId}`);
		this.side(`${to}:${toId}`).add(`${from}:${fromId}`);
	}

	remove(from: CrmObjectName, fromId: string, to: CrmObjectName, toId: string): void {
		this.links.get(`${from}:${fromId}`)?.delete(`${to}:${toId}`);
		this.links.get(`${to}:${toId}`)?.delete(`${from}:${fromId}`);
	}

	/** The ids of `to` records linked to one record, in id order. */
	of(from: CrmObjectName, fromId: string, to: CrmObjectName): string[] {
		return [...(this.links.get(`${from}:${fromId}`) ?? [])].filter((key) => key.startsWith(`${to}:`)).map((key) => key.slice(to.length + 1)).sort((a, b) => Number(a) - Number(b));
	}

	clear(): void {
		this.links.clear();
	}

	private side(key: string): Set<string> {
		let set = this.links.get(key);
		if (!set) this.links.set(key, (set = new Set()));
		return set;
	}
}

function objectName(name: string): CrmObjectName {
	const type = findObjectType(name);
	if (!type) throw validationError(`Unable to infer object type from: ${name}`);
	return type.name;
}

function definedType(from: CrmObjectName, to: CrmObjectName): number {
	const found = definedTypes.find((entry) => entry.from === from && entry.to === to);
	if (!found) throw validationError(`No default association type between ${from} and ${to}`);
	return found.typeId;
}

function inputsOf(request: SandboxRequest): Array<Record<string, unknown>> {
	const inputs = (request.body as { inputs?: unknown } | undefined)?.inputs;
	if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: inputs must be an array');
	return inputs as Array<Record<string, unknown>>;
}

function idOf(value: unknown, where: string): string {
	const id = (value as { id?: unknown } | undefined)?.id;
	if (typeof id !== 'string' && typeof id !== 'number') throw validationError(`Invalid input JSON: ${where}.id is required`);
	return String(id);
}

/**
 * Links a record being created to those its `associations` name (`[{ to: { id }, types: [{ associationCategory,
 * associationTypeId }] }]`), each target checked to exist.
 */
export function associateOnCreate(store: CrmStore, from: CrmObjectName, fromId: string, associations: unknown): void {
	if (associations === undefined) return;
	if (!Array.isArray(associations)) throw validationError('Invalid input JSON: associations must be an array');
	for (const association of associations as Array<{ to?: unknown; types?: Array<{ associationCategory?: string; associationTypeId?: number }> }>) {
		const toId = idOf(association.to, 'associations.to');
		for (const type of association.types ?? []) {
			const defined = definedTypes.find((entry) => entry.from === from && entry.typeId === type.associationTypeId);
			if (type.associationCategory !== 'HUBSPOT_DEFINED' || !defined) throw validationError(`${type.associationCategory ?? ''} association type ${String(type.associationTypeId)} is not valid from ${from}`);
			link(store, from, fromId, defined.to, toId);
		}
	}
}

function link(store: CrmStore, from: CrmObjectName, fromId: string, to: CrmObjectName, toId: string): void {
	if (!store.table(from).find(fromId)) throw validationError(`${from} ${fromId} is not valid`);
	const target = store.table(to).find(toId);
	if (!target) throw validationError(`${to} ${toId} is not valid`);
	store.associations.add(from, fromId, to, toId);
	if (from === 'notes' && to === 'tickets') store.table('tickets').update(target, {});
}

export function registerAssociationRoutes(router: Router, store: CrmStore): void {
	const path = '/crm/v4/associations/:fromObjectType/:toObjectType/batch';
	router
		.post(`${path}/read`, (request) => {
			const from = objectName(request.params.fromObjectType);
			const to = objectName(request.params.toObjectType);
			const started = new Date().toISOString();
			const typeId = definedType(from, to);
			const results = inputsOf(request).flatMap((input) => {
				const id = idOf(input, 'inputs');
				const linked = store.associations.of(from, id, to);
				return linked.length === 0 ? [] : [{ from: { id }, to: linked.map((toId) => ({ toObjectId: Number(toId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }] })) }];
			});
			return { status: 200, body: { status: 'COMPLETE', results, startedAt: started, completedAt: new Date().toISOString() } };
		})
		.post(`${path}/associate/default`, (request) => {
			const from = objectName(request.params.fromObjectType);
			const to = objectName(request.params.toObjectType);
			const started = new Date().toISOString();
			const results = inputsOf(request).map((input) => {
				const fromId = idOf(input.from, 'inputs.from');
				const toId = idOf(input.to, 'inputs.to');
				link(store, from, fromId, to, toId);
				return { fromObjectTypeId: findObjectType(from)!.objectTypeId, fromObjectId: Number(fromId), toObjectTypeId: findObjectType(to)!.objectTypeId, toObjectId: Number(toId), labels: [] };
			});
			return { status: 200, body: { status: 'COMPLETE', results, startedAt: started, completedAt: new Date().toISOString() } };
		})
		.post(`${path}/archive`, (request) => {
			const from = objectName(request.params.fromObjectType);
			const to = objectName(request.params.toObjectType);
			for (const input of inputsOf(request)) {
				const fromId = idOf(input.from, 'inputs.from');
				for (const target of (input.to as unknown[] | undefined) ?? []) store.associations.remove(from, fromId, to, idOf(target, 'inputs.to'));
			}
			return { status: 204 };
		})
		.get('/crm/v3/owners', (request) => {
			const email = request.query.get('email');
			const limit = Math.min(500, Number(request.query.get('limit') ?? 100) || 100);
			const after = Number(request.query.get('after') ?? 0) || 0;
			const matching = store.owners.filter((owner) => !owner.archived && (email === null || owner.email.toLowerCase() === email.toLowerCase()));
			const page = matching.slice(after, after + limit);
			return { status: 200, body: { results: page, ...(after + limit < matching.length ? { paging: { next: { after: String(after + limit) } } } : {}) } };
		});
}
