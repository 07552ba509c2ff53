import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';

const PAGE = 100;

/** Contact lists by HubSpot's own search (name contains the query); the engine keys the welcome list by name. */
async function lists(transport: Transport, query: ResourceQuery) {
	const offset = Number(query.cursor ?? 0) || 0;
	const body = await transport.request<{ lists: Array<{ listId: string; name: string }>; hasMore: boolean; offset: number }>({
		method: 'POST',
		url: '/crm/v3/lists/search',
		body: { query: query.filter?.trim() ?? '', count: PAGE, offset },
	});
	return { options: body.lists.map((list) => ({ id: list.name, name: list.name })), next: body.hasMore ? String(body.offset) : undefined };
}

/** Email subscription types (one call, no paging). */
async function subscriptionTypes(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ subscriptionDefinitions: Array<{ id: string | number; name: string }> }>({ method: 'GET', url: '/communication-preferences/v3/definitions' });
	return { options: matching(body.subscriptionDefinitions.map((definition) => ({ id: String(definition.id), name: definition.name })), query.filter) };
}

interface TicketPipeline {
	id: string;
	label: string;
	archived?: boolean;
	stages: Array<{ id: string; label: string; archived?: boolean }>;
}

function ticketPipelinesOf(transport: Transport): Promise<TicketPipeline[]> {
	return transport
		.request<{ results: TicketPipeline[] }>({ method: 'GET', url: '/crm/v3/pipelines/tickets' })
		.then((body) => body.results.filter((pipeline) => !pipeline.archived));
}

/** Ticket pipelines (one call, no paging), for the pipeline new tickets are created in. */
async function ticketPipelines(transport: Transport, query: ResourceQuery) {
	return { options: matching((await ticketPipelinesOf(transport)).map(({ id, label }) => ({ id, name: label })), query.filter) };
}

/** The stages of the pipeline picked beside (`query.within`), or every pipeline's named with its pipeline when none is. */
async function ticketStages(transport: Transport, query: ResourceQuery) {
	const pipelines = (await ticketPipelinesOf(transport)).filter((pipeline) => !query.within || pipeline.id === query.within);
	const options = pipelines.flatMap((pipeline) =>
		pipeline.stages.filter((stage) => !stage.archived).map((stage) => ({ id: stage.id, name: query.within ? stage.label : `${pipeline.label}: ${stage.label}` })),
	);
	return { options: matching(options, query.filter) };
}

interface Flow {
	id: string;
	name?: string;
	isEnabled?: boolean;
	objectTypeId?: string;
}

/** HubSpot's contact object type: the workflows that enrol contacts. */
const CONTACTS = '0-1';

/**
 * Contact workflows that are turned on (only those enrol anyone), listed by the Automation API v4 (`GET
 * /automation/v4/flows`, 100 a page, `paging.next.after`; it cannot search, so each page is filtered here). A flow's
 * `id` is the workflow id the Workflows v2 enrolment endpoints take.
 */
async function contactWorkflows(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ results: Flow[]; paging?: { next?: { after?: string } } }>({
		method: 'GET',
		url: '/automation/v4/flows',
		qs: { limit: PAGE, after: query.cursor },
	});
	const enrolling = body.results.filter((flow) => flow.objectTypeId === CONTACTS && flow.isEnabled !== false);
	return { options: matching(enrolling.map((flow) => ({ id: String(flow.id), name: flow.name || `Workflow ${flow.id}` })), query.filter), next: body.paging?.next?.after };
}

export const hubSpotResources: Record<string, ResourceLister> = { lists, subscriptionTypes, ticketPipelines, ticketStages, contactWorkflows };
