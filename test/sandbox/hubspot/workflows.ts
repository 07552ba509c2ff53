/**
 * HubSpot's Workflows API v2 enrolment endpoints (`/automation/v2/workflows/{workflowId}/enrollments/contacts/{email}`:
 * POST enrols the contact, DELETE unenrols it, both 204), over workflows seeded as `workflows: [{ id, name, isEnabled?,
 * objectTypeId? }]`, and the Automation API v4 list of them (`GET /automation/v4/flows?limit&after`, the flow's `id`
 * being the workflow id the v2 endpoints take; `limit` at most 100, by default 100; `paging.next.after` until the last page). An
 * unknown workflow or contact is a 404; enrolling a contact already in the workflow is refused unless it allows
 * re-enrolment (HubSpot's `allowContactToTriggerMultipleTimes`, false by default). State lives with the current
 * contacts table, so a reset clears it.
 */
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import type { SandboxRequest } from '../framework/types';
import { HubspotFailure, objectNotFound } from './errors';
import type { CrmStore, ObjectTable } from './store';

interface Workflow {
	id: string;
	name: string;
	/** Turned on in HubSpot: only an enabled workflow enrols anyone. */
	isEnabled: boolean;
	/** What the workflow enrols: contacts (`0-1`), companies (`0-2`), deals (`0-3`), tickets (`0-5`). */
	objectTypeId: string;
	createdAt: string;
	allowContactToTriggerMultipleTimes: boolean;
	/** Enrolled contacts' emails, in the order they came. */
	enrolled: Set<string>;
}

interface Enrollment {
	workflowId: string;
	email: string;
	action: 'enrolled' | 'unenrolled';
	at: string;
}

interface WorkflowState {
	workflows: Map<string, Workflow>;
	log: Enrollment[];
}

const states = new WeakMap<ObjectTable, WorkflowState>();

function stateOf(store: CrmStore): WorkflowState {
	const contacts = store.table('contacts');
	let state = states.get(contacts);
	if (!state) {
		state = { workflows: new Map(), log: [] };
		states.set(contacts, state);
	}
	return state;
}

function target(store: CrmStore, request: SandboxRequest): { workflow: Workflow; email: string } {
	const workflow = stateOf(store).workflows.get(request.params.workflowId);
	if (!workflow) throw objectNotFound(`Workflow ${request.params.workflowId} does not exist.`);
	const email = decodeURIComponent(request.params.email).trim().toLowerCase();
	if (!store.table('contacts').find(email, { idProperty: 'email' })) throw objectNotFound(`Contact with email ${email} does not exist.`);
	return { workflow, email };
}

/** A v4 flow as `GET /automation/v4/flows` lists it. */
function flowOf(workflow: Workflow) {
	return { id: workflow.id, name: workflow.name, isEnabled: workflow.isEnabled, flowType: 'WORKFLOW', objectTypeId: workflow.objectTypeId, revisionId: '1', createdAt: workflow.createdAt, updatedAt: workflow.createdAt, uuid: `flow-${workflow.id}` };
}

export function registerWorkflowRoutes(router: Router, store: CrmStore): void {
	const path = '/automation/v2/workflows/:workflowId/enrollments/contacts/:email';
	router
		.get('/automation/v4/flows', (request) => {
			const limit = Number(request.query.get('limit') ?? 100);
			if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HubspotFailure(400, 'VALIDATION_ERROR', `limit must be between 1 and 100, not ${request.query.get('limit')}`);
			const after = Number(request.query.get('after') ?? 0);
			if (!Number.isInteger(after) || after < 0) throw new HubspotFailure(400, 'VALIDATION_ERROR', `after ${String(request.query.get('after'))} is not a valid paging token`);
			const flows = [...stateOf(store).workflows.values()];
			const next = after + limit < flows.length ? { paging: { next: { after: String(after + limit), link: `/automation/v4/flows?after=${after + limit}&limit=${limit}` } } } : {};
			return { status: 200, body: { results: flows.slice(after, after + limit).map(flowOf), ...next } };
		})
		.post(path, (request) => {
			const { workflow, email } = target(store, request);
			if (workflow.enrolled.has(email) && !workflow.allowContactToTriggerMultipleTimes) {
				throw new HubspotFailure(400, 'VALIDATION_ERROR', `Contact ${email} is already enrolled in workflow ${workflow.id}.`);
			}
			workflow.enrolled.add(email);
			stateOf(store).log.push({ workflowId: workflow.id, email, action: 'enrolled', at: new Date().toISOString() });
			return { status: 204 };
		})
		.delete(path, (request) => {
			const { workflow, email } = target(store, request);
			if (workflow.enrolled.delete(email)) stateOf(store).log.push({ workflowId: workflow.id, email, action: 'unenrolled', at: new Date().toISOString() });
			return { status: 204 };
		});
}

export function seedWorkflows(store: CrmStore, records: unknown[]): unknown[] {
	const state = stateOf(store);
	for (const record of records as Array<{ id?: unknown; name?: string; allowContactToTriggerMultipleTimes?: boolean; isEnabled?: boolean; objectTypeId?: string }>) {
		if (record.id === undefined) throw controlError(400, 'each workflow needs an id');
		const id = String(record.id);
		state.workflows.set(id, {
			id, name: record.name ?? `Workflow ${id}`, isEnabled: record.isEnabled !== false, objectTypeId: record.objectTypeId ?? '0-1', createdAt: new Date().toISOString(),
			allowContactToTriggerMultipleTimes: record.allowContactToTriggerMultipleTimes === true, enrolled: new Set(),
		});
	}
	return [...state.workflows.values()].map(({ enrolled, ...workflow }) => ({ ...workflow, enrolled: [...enrolled] }));
}

/** `workflows` (with who is enrolled now) or `enrollments` (every enrol and unenrol, in order). */
export function workflowView(store: CrmStore, collection: string): unknown {
	const state = stateOf(store);
	if (collection === 'enrollments') return state.log;
	if (collection === 'workflows') return [...state.workflows.values()].map(({ enrolled, ...workflow }) => ({ ...workflow, enrolled: [...enrolled] }));
	return undefined;
}
