/**
 * The HubSpot sandbox answers the HubSpot CRM connector's own requests (batch writes, searches, archives, for every
 * object) as HubSpot's CRM v3 objects document says, and the connector's request bodies fit it.
 */
import { crmClient, type CrmSandbox } from '../engine/crmSandboxes';
import type { CrmEntity } from '../../lib/platforms/crm';
import type { RunningSandbox } from './registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults } from './support/conformance';
import { allowDocumentedSearchRequests, allowNullPropertyValues } from './support/hubspotSpec';
import { OpenApiValidator } from './support/openapi';

const spec = new OpenApiValidator('hubspot/crm-objects-v3.json', (schemas) => {
	allowNullPropertyValues(schemas);
	allowDocumentedSearchRequests(schemas);
});
// Properties, pipelines, lists, owners and associations (v4) have their own documents, not collected in the shared specs.
const conformance = new SpecConformance([{ spec, base: '', errors: 'components/schemas/Error' }], { outsideSpec: /^\/crm\/(v3\/(properties|pipelines|lists|owners)|v4\/associations)\b/ });
let sandbox: RunningSandbox;
let hubspot: CrmSandbox;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('hubspot', conformance);
	hubspot = crmClient('hubspot', sandbox);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await hubspot.control.reset();
	conformance.clear();
});

const samples: Record<string, Record<string, string>> = {
	contacts: { email: 'ada@example.com', firstname: 'Ada' },
	companies: { name: 'Acme', domain: 'acme.example' },
	deals: { dealname: 'Big deal', amount: '1200' },
	tickets: { subject: 'Printer on fire', hs_pipeline: '0', hs_pipeline_stage: '1' },
};

test.each(Object.keys(samples))('%s: the connector writes, pulls and archives with answers that match the spec', async (entity) => {
	const { connector } = hubspot;
	const [created] = await connector.write(entity as CrmEntity, [{ fields: samples[entity], internalId: 'r-1' }]);
	expect(created.ok).toBe(true);
	const externalId = created.ok ? created.externalId : '';
	const [updated] = await connector.write(entity as CrmEntity, [{ fields: samples[entity], externalId }]);
	expect(updated.ok).toBe(true);
	let cursor: string | undefined;
	for (let page = 0; page < 5; page++) {
		const changes = await connector.pullChanges(entity as CrmEntity, cursor);
		cursor = changes.cursor;
		if (changes.done) break;
	}
	await connector.archive!(entity as CrmEntity, [externalId]);
	await underFaults(hubspot.control, () => hubspot.transport.send({ method: 'GET', url: `/crm/v3/objects/${entity}/${externalId}` }).catch(() => undefined), [500]);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.requestProblems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['post /crm/v3/objects/{objectType}/search 200', 'post /crm/v3/objects/{objectType}/batch/archive 204']));
});
