/**
 * The CRM Sync pickers for the records it creates: Intercom's ticket types (`GET /ticket_types`) and HubSpot's ticket
 * pipelines and a pipeline's stages (`GET /crm/v3/pipelines/tickets`), listed from the sandboxes through each
 * platform's transport, searchable; and the picked ids are what a ticket created there gets when its record leaves
 * them empty, never sent on an update, never over a record's own value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { platformDefinition } from '../../lib/platforms/catalog';
import { hubSpotDefaultMappings } from '../../lib/platforms/hubspot';
import { intercomDefaultMappings } from '../../lib/platforms/intercom';
import type { ResourceOption, ResourceQuery } from '../../lib/platforms/resources';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { crmCreateDefaults } from '../../lib/sync';
import { pushRecords, type InternalRecord } from '../../lib/sync/push';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

type Stored = Record<string, unknown> & { id: string };

let servers: { intercom: RunningSandbox; hubspot: RunningSandbox };
let dir: string;
let store: StateStore;
let intercom: CrmSandbox;
let hubspot: CrmSandbox;
let run = 0;

beforeAll(async () => {
	const [intercomServer, hubspotServer] = await Promise.all([startCrmSandbox('intercom'), startCrmSandbox('hubspot')]);
	servers = { intercom: intercomServer, hubspot: hubspotServer };
});
afterAll(async () => {
	await servers.intercom.close();
	await servers.hubspot.close();
});
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-pickers-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	intercom = crmClient('intercom', servers.intercom, store);
	hubspot = crmClient('hubspot', servers.hubspot, store);
	await Promise.all([intercom.control.reset(), hubspot.control.reset()]);
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

async function list(sandbox: CrmSandbox, kind: string, query: ResourceQuery = {}): Promise<ResourceOption[]> {
	const page = await platformDefinition(sandbox.name).resources![kind](sandbox.transport, query);
	expect(page.next).toBeUndefined();
	return page.options;
}

test("Intercom lists the workspace's ticket types by id, archived ones left out, searchable by name", async () => {
	expect(await list(intercom, 'ticketTypes')).toEqual([{ id: '1', name: 'Customer question' }, { id: '2', name: 'Escalation' }, { id: '7', name: 'Bug Report' }]);
	await intercom.control.seed({ ticket_types: [{ id: '12', name: 'Refund Request' }] });
	expect(await list(intercom, 'ticketTypes', { filter: 'refund' })).toEqual([{ id: '12', name: 'Refund Request' }]);
	expect(await list(intercom, 'ticketTypes', { filter: 'nothing like it' })).toEqual([]);
});

test("HubSpot lists ticket pipelines, and the stages of the pipeline picked beside (every pipeline's, named with it, when none is)", async () => {
	expect(await list(hubspot, 'ticketPipelines')).toEqual([{ id: '0', name: 'Support Pipeline' }]);
	expect(await list(hubspot, 'ticketStages', { within: '0' })).toEqual([
		{ id: '1', name: 'New' },
		{ id: '2', name: 'Waiting on contact' },
		{ id: '3', name: 'Waiting on us' },
		{ id: '4', name: 'Closed' },
	]);
	expect(await list(hubspot, 'ticketStages', { within: '0', filter: 'waiting' })).toHaveLength(2);
	expect((await list(hubspot, 'ticketStages'))[0]).toEqual({ id: '1', name: 'Support Pipeline: New' });
	expect(await list(hubspot, 'ticketStages', { within: 'no-such-pipeline' })).toEqual([]);
});

test('each picker fills the platform field its vendor folder declares', () => {
	expect(crmCreateDefaults('intercom', 'tickets').map(({ field, pick }) => [field, pick.resource])).toEqual([['ticket_type_id', 'ticketTypes']]);
	expect(crmCreateDefaults('hubspot', 'tickets').map(({ field, pick }) => [field, pick.resource, pick.within])).toEqual([
		['hs_pipeline', 'ticketPipelines', undefined],
		['hs_pipeline_stage', 'ticketStages', 'hubspotTicketPipeline'],
	]);
	expect(crmCreateDefaults('intercom', 'contacts')).toEqual([]);
});

const pushTickets = (sandbox: CrmSandbox, records: InternalRecord[], createDefaults?: Record<string, unknown>) =>
	pushRecords({
		store, connector: sandbox.connector, integration: 'pickers', entity: 'tickets', runId: `pickers-${++run}`, records, createDefaults,
		mappings: (sandbox.name === 'intercom' ? intercomDefaultMappings : hubSpotDefaultMappings).tickets!,
	});

test('an Intercom ticket created without a type gets the picked one (none picked: the first customer type); a record\'s own type wins; an update sends none', async () => {
	// Without a picked type, the workspace's first customer ticket type.
	const unpicked = await pushTickets(intercom, [{ id: 't-0', subject: 'No type', requesterEmail: 'ann@example.com' }]);
	expect(unpicked.outcomes[0].status).toBe('created');

	const [picked] = await list(intercom, 'ticketTypes', { filter: 'bug' });
	const created = await pushTickets(intercom, [
		{ id: 't-1', subject: 'Printer on fire', requesterEmail: 'ann@example.com' },
		{ id: 't-2', subject: 'A question', ticketTypeId: '1', requesterEmail: 'bob@example.com' },
	], { ticket_type_id: picked.id });
	expect(created.outcomes.map((outcome) => outcome.status)).toEqual(['created', 'created']);
	const typeOf = async () => Object.fromEntries((await intercom.control.state<Array<Stored & { ticket_type: { id: string }; ticket_attributes: { _default_title_: string } }>>('tickets')).map((ticket) => [ticket.ticket_attributes._default_title_, ticket.ticket_type.id]));
	expect(await typeOf()).toEqual({ 'No type': '1', 'Printer on fire': '7', 'A question': '1' });

	const updated = await pushTickets(intercom, [{ id: 't-1', subject: 'Printer fixed', requesterEmail: 'ann@example.com' }], { ticket_type_id: '1' });
	expect(updated.outcomes[0].status).toBe('updated');
	const update = (await intercom.control.requests()).filter((request) => request.method === 'PUT' && request.path.startsWith('/tickets/')).at(-1);
	expect(JSON.stringify(update?.body)).not.toContain('ticket_type_id');
	expect(await typeOf()).toEqual({ 'No type': '1', 'Printer fixed': '7', 'A question': '1' });
});

test('a HubSpot ticket created without a status goes to the picked pipeline and stage; one with a status keeps its mapped stage', async () => {
	const pipeline = (await list(hubspot, 'ticketPipelines'))[0].id;
	const stage = (await list(hubspot, 'ticketStages', { within: pipeline, filter: 'waiting on us' }))[0].id;
	const created = await pushTickets(hubspot, [
		{ id: 't-1', subject: 'Picked stage' },
		{ id: 't-2', subject: 'Own status', status: 'PENDING' },
	], { hs_pipeline: pipeline, hs_pipeline_stage: stage });
	expect(created.outcomes.map((outcome) => outcome.status)).toEqual(['created', 'created']);
	const tickets = await hubspot.control.state<Array<{ properties: Record<string, string> }>>('tickets');
	const bySubject = Object.fromEntries(tickets.map((ticket) => [ticket.properties.subject, [ticket.properties.hs_pipeline, ticket.properties.hs_pipeline_stage]]));
	expect(bySubject).toEqual({ 'Picked stage': ['0', '3'], 'Own status': ['0', '2'] });
});
