/** The HubSpot sandbox's responses conform to HubSpot's own CRM v3 OpenAPI documents. */
import { SandboxControl } from './framework/controlClient';
import { startSandbox, type RunningSandbox } from './registry';
import { HubspotSpec, type SpecObject } from './support/hubspotSpec';
import { apiClient, callApi } from './support/http';

let sandbox: RunningSandbox;
let control: SandboxControl;
let hub: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sandbox = await startSandbox('hubspot');
	control = new SandboxControl(sandbox.baseUrl);
	hub = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
});

afterAll(() => sandbox.close());
beforeEach(() => control.reset());

const samples: Record<SpecObject, { valid: Record<string, string>; other: Record<string, string>; uniqueKey?: string }> = {
	contacts: {
		valid: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', lifecyclestage: 'lead' },
		other: { email: 'grace@example.com', firstname: 'Grace' },
		uniqueKey: 'email',
	},
	companies: { valid: { name: 'Acme', domain: 'acme.example', industry: 'Software' }, other: { name: 'Globex' } },
	deals: { valid: { dealname: 'Big deal', amount: '1200', dealstage: 'qualifiedtobuy', pipeline: 'default' }, other: { dealname: 'Small' } },
	tickets: {
		valid: { subject: 'Printer on fire', content: 'Help', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' },
		other: { subject: 'Paper jam', hs_pipeline: '0', hs_pipeline_stage: '2' },
	},
};

function expectConforms(errors: string[]): void {
	expect(errors).toEqual([]);
}

describe.each(Object.keys(samples) as SpecObject[])('%s', (objectName) => {
	const spec = new HubspotSpec(objectName);
	const { valid, other } = samples[objectName];
	const base = spec.collection;

	test('create, read, update, list and search responses match the spec', async () => {
		const created = await hub(base, { method: 'POST', body: { properties: valid, associations: [] } });
		expect(created.status).toBe(201);
		expectConforms(spec.errors('post', '', '201', created.body));

		const read = await hub(`${base}/${created.body.id}?properties=${Object.keys(valid).join(',')},hubspot_owner_id`);
		expect(read.status).toBe(200);
		expect(read.body.properties.hubspot_owner_id).toBeNull();
		expectConforms(spec.errors('get', ':item', '200', read.body));

		const updated = await hub(`${base}/${created.body.id}`, { method: 'PATCH', body: { properties: other } });
		expect(updated.status).toBe(200);
		expectConforms(spec.errors('patch', ':item', '200', updated.body));

		await hub(base, { method: 'POST', body: { properties: valid.email ? { email: 'third@example.com' } : valid } });
		const list = await hub(`${base}?limit=1`);
		expect(list.status).toBe(200);
		expect(list.body.paging.next.after).toEqual(expect.any(String));
		expectConforms(spec.errors('get', '', '200', list.body));

		const search = await hub(`${base}/search`, {
			method: 'POST',
			body: { filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'HAS_PROPERTY' }] }], limit: 1 },
		});
		expect(search.status).toBe(200);
		expect(search.body.total).toBe(2);
		expectConforms(spec.errors('post', '/search', '200', search.body));
	});

	test('batch create, read, update and upsert responses (200/201 and 207) match the spec', async () => {
		const created = await hub(`${base}/batch/create`, { method: 'POST', body: { inputs: [{ properties: valid }] } });
		expect(created.status).toBe(201);
		expectConforms(spec.errors('post', '/batch/create', '201', created.body));
		const id = created.body.results[0].id;

		const partialCreate = await hub(`${base}/batch/create`, {
			method: 'POST',
			body: { inputs: [{ properties: {} }, { properties: { no_such_property: 'x' }, objectWriteTraceId: 't-1' }] },
		});
		expect(partialCreate.status).toBe(207);
		expectConforms(spec.errors('post', '/batch/create', '207', partialCreate.body));

		const read = await hub(`${base}/batch/read`, {
			method: 'POST',
			body: { inputs: [{ id }], properties: Object.keys(valid), propertiesWithHistory: [] },
		});
		expect(read.status).toBe(200);
		expectConforms(spec.errors('post', '/batch/read', '200', read.body));

		const partialRead = await hub(`${base}/batch/read`, {
			method: 'POST',
			body: { inputs: [{ id }, { id: '999999' }], properties: [], propertiesWithHistory: [] },
		});
		expect(partialRead.status).toBe(207);
		expectConforms(spec.errors('post', '/batch/read', '207', partialRead.body));

		const updated = await hub(`${base}/batch/update`, { method: 'POST', body: { inputs: [{ id, properties: other }] } });
		expect(updated.status).toBe(200);
		expectConforms(spec.errors('post', '/batch/update', '200', updated.body));

		const upserted = await hub(`${base}/batch/upsert`, { method: 'POST', body: { inputs: [{ id, properties: valid }] } });
		expect(upserted.status).toBe(200);
		expect(upserted.body.results[0].new).toBe(false);
		expectConforms(spec.errors('post', '/batch/upsert', '200', upserted.body));

		const partialUpsert = await hub(`${base}/batch/upsert`, {
			method: 'POST',
			body: { inputs: [{ id, properties: other }, { id: '424242', properties: other }] },
		});
		expect(partialUpsert.status).toBe(207);
		expect(partialUpsert.body.numErrors).toBe(1);
		expectConforms(spec.errors('post', '/batch/upsert', '207', partialUpsert.body));
	});

	test('error bodies (400, 401, 404) match the spec', async () => {
		const invalid = await hub(base, { method: 'POST', body: { properties: { no_such_property: 'x' } } });
		expect(invalid.status).toBe(400);
		expectConforms(spec.errors('post', '', 'default', invalid.body));

		const missing = await hub(`${base}/987654`);
		expect(missing.status).toBe(404);
		expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
		expectConforms(spec.errors('get', ':item', 'default', missing.body));

		const unauthenticated = await callApi(sandbox.baseUrl, base);
		expect(unauthenticated.status).toBe(401);
		expectConforms(spec.errors('get', '', 'default', unauthenticated.body));
	});
});

test('contacts: upsert by email creates and updates (new true/false) in the spec shape', async () => {
	const spec = new HubspotSpec('contacts');
	await hub('/crm/v3/objects/contacts', { method: 'POST', body: { properties: { email: 'known@example.com' } } });
	const upserted = await hub('/crm/v3/objects/contacts/batch/upsert', {
		method: 'POST',
		body: {
			inputs: [
				{ id: 'known@example.com', idProperty: 'email', properties: { firstname: 'Known' } },
				{ id: 'new@example.com', idProperty: 'email', properties: { firstname: 'New' } },
				{ id: 'not-an-email', idProperty: 'email', properties: { firstname: 'Broken' } },
			],
		},
	});
	expect(upserted.status).toBe(207);
	expect(upserted.body.results.map((result: { new: boolean }) => result.new)).toEqual([false, true]);
	expectConforms(spec.errors('post', '/batch/upsert', '207', upserted.body));
});

test('contacts: the 409 duplicate-email body matches the spec Error', async () => {
	const spec = new HubspotSpec('contacts');
	await hub('/crm/v3/objects/contacts', { method: 'POST', body: { properties: { email: 'dup@example.com' } } });
	const duplicate = await hub('/crm/v3/objects/contacts', { method: 'POST', body: { properties: { email: 'dup@example.com' } } });
	expect(duplicate.status).toBe(409);
	expectConforms(spec.errors('post', '', 'default', duplicate.body));
});

test('the 429 body matches the spec Error and carries HubSpot rate-limit fields', async () => {
	const spec = new HubspotSpec('companies');
	await control.setRateLimits({ windows: [{ name: 'TEN_SECONDLY_ROLLING', limit: 1 }] });
	await hub('/crm/v3/objects/companies');
	const limited = await hub('/crm/v3/objects/companies');
	expect(limited.status).toBe(429);
	expect(limited.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
	expectConforms(spec.errors('get', '', 'default', limited.body));
});

test('a spec validator rejects a body that breaks the spec (the check can fail)', () => {
	const spec = new HubspotSpec('contacts');
	expect(spec.errors('get', ':item', '200', { id: 5, properties: {}, archived: 'no' })).not.toEqual([]);
	expect(spec.errors('post', '/batch/upsert', '200', { status: 'COMPLETE', results: [{ id: '1' }] })).not.toEqual([]);
});
