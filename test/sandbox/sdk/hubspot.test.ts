/** HubSpot's own Node client (@hubspot/api-client) against the HubSpot sandbox: calls parse, errors come out as its ApiException, search 429s are retried. */
import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const client = (accessToken = sandbox.credentials.accessToken, numberOfApiCallRetries = 0) => new Client({ accessToken, basePath: sandbox.baseUrl, numberOfApiCallRetries });

beforeAll(async () => {
	sandbox = await startSandbox('hubspot');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('create, read, update a contact; batch create; list every page with getAll; search with a filter', async () => {
	const hubspot = client();
	const created = await hubspot.crm.contacts.basicApi.create({ properties: { email: 'ann@acme.test', firstname: 'Ann' }, associations: [] });
	expect(created.properties).toMatchObject({ email: 'ann@acme.test', firstname: 'Ann' });
	expect((await hubspot.crm.contacts.basicApi.getById(created.id, ['email', 'firstname'])).properties.firstname).toBe('Ann');
	expect((await hubspot.crm.contacts.basicApi.update(created.id, { properties: { lastname: 'Lee' } })).properties.lastname).toBe('Lee');
	const batch = await hubspot.crm.contacts.batchApi.create({ inputs: Array.from({ length: 4 }, (_, index) => ({ properties: { email: `u${index}@${index % 2 ? 'acme' : 'other'}.test` }, associations: [] })) });
	expect(batch.results).toHaveLength(4);
	const all = await hubspot.crm.contacts.getAll(2, undefined, ['email']);
	expect(all.map((contact) => contact.properties.email).sort()).toEqual(['ann@acme.test', 'u0@other.test', 'u1@acme.test', 'u2@other.test', 'u3@acme.test']);
	const found = await hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'email', operator: FilterOperatorEnum.ContainsToken, value: '*@acme.test' }] }], properties: ['email'], limit: 10, after: '0', sorts: [] });
	expect(found.results.map((contact) => contact.properties.email).sort()).toEqual(['ann@acme.test', 'u1@acme.test', 'u3@acme.test']);
});

test('errors come out as ApiException with the status and HubSpot\'s body: 401, 404, 400 validation, 429', async () => {
	const status = (promise: Promise<unknown>) => promise.then(() => 0, (error: { code: number; body: { category?: string } }) => [error.code, error.body?.category]);
	expect(await status(client('wrong').crm.contacts.basicApi.getPage(1))).toEqual([401, 'INVALID_AUTHENTICATION']);
	expect(await status(client().crm.contacts.basicApi.getById('999999'))).toEqual([404, 'OBJECT_NOT_FOUND']);
	expect(await status(client().crm.contacts.basicApi.create({ properties: { no_such_property: 'x' }, associations: [] }))).toEqual([400, 'VALIDATION_ERROR']);
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/crm/v3/objects/contacts' } });
	expect(await status(client().crm.contacts.basicApi.getPage(1))).toEqual([429, 'RATE_LIMITS']);
});

test('a search past the per-second limit is answered 429 "secondly limit", which the client waits out and retries', async () => {
	await control.setRateLimits({ windows: [{ name: 'SECONDLY', limit: 1 }] });
	const hubspot = client(undefined, 2);
	const search = () => hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], properties: ['email'], limit: 1, after: '0', sorts: [] });
	const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
	await search();
	expect((await search()).total).toBe(0);
	errors.mockRestore();
	expect((await control.requests()).map((entry) => entry.status)).toEqual([200, 429, 200]);
});

test('propertiesWithHistory lists each value a property had, newest first, on a read and on a list page', async () => {
	const hubspot = client();
	const created = await hubspot.crm.contacts.basicApi.create({ properties: { email: 'ann@acme.test', lifecyclestage: 'lead' }, associations: [] });
	await hubspot.crm.contacts.basicApi.update(created.id, { properties: { lifecyclestage: 'customer' } });
	const read = await hubspot.crm.contacts.basicApi.getById(created.id, ['email'], ['lifecyclestage']);
	expect(read.propertiesWithHistory?.lifecyclestage.map((entry) => entry.value)).toEqual(['customer', 'lead']);
	expect(read.propertiesWithHistory?.lifecyclestage[0].sourceType).toBe('API');
	const [listed] = await hubspot.crm.contacts.getAll(10, undefined, ['email'], ['email', 'lifecyclestage']);
	expect(listed.propertiesWithHistory?.email.map((entry) => entry.value)).toEqual(['ann@acme.test']);
	expect(listed.propertiesWithHistory?.lifecyclestage).toHaveLength(2);
});
