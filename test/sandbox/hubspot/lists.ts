/**
 * HubSpot Lists v3 (MANUAL contact lists: create, find by name, add/remove/read memberships) and the communication
 * preferences v3 endpoints (subscribe status per email and subscription type, unsubscribe). Their state belongs to the
 * current contacts table, so a sandbox reset (which makes new tables) clears it too.
 */
import type { Router } from '../framework/router';
import type { SandboxRequest } from '../framework/types';
import { HubspotFailure, objectNotFound, validationError } from './errors';
import type { CrmStore, ObjectTable } from './store';

const CONTACTS = '0-1';

interface ContactList {
	listId: string;
	name: string;
	processingType: 'MANUAL';
	objectTypeId: string;
	createdAt: string;
	updatedAt: string;
	members: Map<string, string>;
}

/** The subscription types every sandbox portal has. */
const subscriptionDefinitions = [
	{ id: '7001', name: 'Marketing Information', description: 'Marketing offers and updates.', isActive: true, isDefault: true, purpose: 'Marketing', communicationMethod: 'Email' },
	{ id: '7002', name: 'One to One', description: 'One to one emails.', isActive: true, isDefault: true, purpose: 'Sales', communicationMethod: 'Email' },
];

interface MarketingState {
	lists: Map<string, ContactList>;
	unsubscribed: Map<string, Set<string>>;
	nextListId: number;
}

const states = new WeakMap<ObjectTable, MarketingState>();

function stateOf(store: CrmStore): MarketingState {
	const contacts = store.table('contacts');
	let state = states.get(contacts);
	if (!state) {
		state = { lists: new Map(), unsubscribed: new Map(), nextListId: 1 };
		states.set(contacts, state);
	}
	return state;
}

function presentList(list: ContactList) {
	const { members, ...rest } = list;
	return { ...rest, size: members.size };
}

function listOf(store: CrmStore, request: SandboxRequest): ContactList {
	const list = stateOf(store).lists.get(request.params.listId);
	if (!list) throw objectNotFound(`List ${request.params.listId} does not exist.`);
	return list;
}

function recordIds(body: unknown): string[] {
	if (!Array.isArray(body)) throw validationError('The request body must be a JSON array of record ids.');
	return body.map(String);
}

export function registerListRoutes(router: Router, store: CrmStore): void {
	router
		.post('/crm/v3/lists', (request) => {
			const body = (request.body ?? {}) as { name?: unknown; objectTypeId?: unknown; processingType?: unknown };
			if (typeof body.name !== 'string' || body.name.trim() === '') throw validationError('name is required');
			if (body.objectTypeId !== CONTACTS) throw validationError('Only contact lists (objectTypeId 0-1) are supported here');
			if (body.processingType !== 'MANUAL') throw validationError('Only MANUAL lists are supported here');
			const state = stateOf(store);
			if ([...state.lists.values()].some((list) => list.name.toLowerCase() === (body.name as string).toLowerCase())) {
				throw new HubspotFailure(400, 'VALIDATION_ERROR', `A list named "${body.name}" already exists.`, { subCategory: 'ILS.DUPLICATE_LIST_NAMES' });
			}
			const now = new Date().toISOString();
			const list: ContactList = { listId: String(state.nextListId++), name: body.name, processingType: 'MANUAL', objectTypeId: CONTACTS, createdAt: now, updatedAt: now, members: new Map() };
			state.lists.set(list.listId, list);
			return { status: 200, body: { list: presentList(list) } };
		})
		// Lists whose name contains `query` (any case), `count` (≤ 500) from `offset`, as HubSpot's list search answers.
		.post('/crm/v3/lists/search', (request) => {
			const body = (request.body ?? {}) as { query?: unknown; count?: unknown; offset?: unknown };
			const count = body.count === undefined ? 20 : Number(body.count);
			const offset = body.offset === undefined ? 0 : Number(body.offset);
			if (!Number.isInteger(count) || count < 1 || count > 500) throw validationError('count must be between 1 and 500');
			const wanted = typeof body.query === 'string' ? body.query.toLowerCase() : '';
			const found = [...stateOf(store).lists.values()].filter((list) => list.name.toLowerCase().includes(wanted));
			const lists = found.slice(offset, offset + count).map(presentList);
			return { status: 200, body: { lists, offset: offset + lists.length, hasMore: offset + count < found.length, total: found.length } };
		})
		.get('/crm/v3/lists/object-type-id/:objectTypeId/name/:listName', (request) => {
			const wanted = request.params.listName.toLowerCase();
			const list = [...stateOf(store).lists.values()].find((entry) => entry.objectTypeId === request.params.objectTypeId && entry.name.toLowerCase() === wanted);
			if (!list) throw objectNotFound(`List with name ${request.params.listName} does not exist.`);
			return { status: 200, body: { list: presentList(list) } };
		})
		.get('/crm/v3/lists/:listId', (request) => ({ status: 200, body: { list: presentList(listOf(store, request)) } }))
		.put('/crm/v3/lists/:listId/memberships/add', (request) => {
			const list = listOf(store, request);
			const added: string[] = [];
			const missing: string[] = [];
			const now = new Date().toISOString();
			for (const id of recordIds(request.body)) {
				if (!store.table('contacts').find(id)) missing.push(id);
				else if (!list.members.has(id)) {
					list.members.set(id, now);
					added.push(id);
				}
			}
			list.updatedAt = now;
			return { status: 200, body: { recordIdsAdded: added, recordIdsMissing: missing } };
		})
		.put('/crm/v3/lists/:listId/memberships/remove', (request) => {
			const list = listOf(store, request);
			const removed = recordIds(request.body).filter((id) => list.members.delete(id));
			return { status: 200, body: { recordIdsRemoved: removed, recordIdsMissing: [] } };
		})
		.get('/crm/v3/lists/:listId/memberships', (request) => {
			const list = listOf(store, request);
			return { status: 200, body: { results: [...list.members].map(([recordId, membershipTimestamp]) => ({ recordId, membershipTimestamp })), total: list.members.size } };
		})
		.get('/communication-preferences/v3/definitions', () => ({ status: 200, body: { subscriptionDefinitions } }))
		.get('/communication-preferences/v3/status/email/:email', (request) => {
			const email = request.params.email.toLowerCase();
			const unsubscribed = stateOf(store).unsubscribed.get(email) ?? new Set();
			return {
				status: 200,
				body: {
					recipient: email,
					subscriptionStatuses: subscriptionDefinitions.map((definition) => ({
						id: definition.id,
						name: definition.name,
						status: unsubscribed.has(definition.id) ? 'NOT_SUBSCRIBED' : 'SUBSCRIBED',
						sourceOfStatus: 'SUBSCRIPTION_STATUS',
					})),
				},
			};
		})
		.post('/communication-preferences/v3/unsubscribe', (request) => {
			const body = (request.body ?? {}) as { emailAddress?: unknown; subscriptionId?: unknown };
			const email = String(body.emailAddress ?? '').trim().toLowerCase();
			const subscriptionId = String(body.subscriptionId ?? '');
			if (!email.includes('@')) throw validationError('emailAddress must be a valid email address');
			const definition = subscriptionDefinitions.find((entry) => entry.id === subscriptionId);
			if (!definition) throw validationError(`Subscription ${subscriptionId} does not exist`);
			const state = stateOf(store);
			const unsubscribed = state.unsubscribed.get(email) ?? new Set<string>();
			if (unsubscribed.has(subscriptionId)) throw validationError(`${email} is already unsubscribed from subscription ${subscriptionId}`);
			unsubscribed.add(subscriptionId);
			state.unsubscribed.set(email, unsubscribed);
			return { status: 200, body: { id: definition.id, name: definition.name, status: 'NOT_SUBSCRIBED', sourceOfStatus: 'SUBSCRIPTION_STATUS', legalBasis: 'CONSENT_WITH_NOTICE' } };
		});
}
