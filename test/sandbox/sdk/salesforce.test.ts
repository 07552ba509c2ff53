/** jsforce (the standard Salesforce Node client) against the Salesforce sandbox: calls parse and errors come out with Salesforce's codes. */
import { Connection } from 'jsforce';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const connect = (accessToken = sandbox.credentials.accessToken) => new Connection({ instanceUrl: sandbox.baseUrl, accessToken, version: '60.0' });

beforeAll(async () => {
	sandbox = await startSandbox('salesforce');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('create, retrieve, update a Contact; query pages through nextRecordsUrl; find with $like', async () => {
	const salesforce = connect();
	const created = await salesforce.sobject('Contact').create({ LastName: 'Lovelace', Email: 'ada@acme.test' });
	expect(created).toMatchObject({ success: true, id: expect.stringMatching(/^003/) });
	const id = (created as { id: string }).id;
	expect(await salesforce.sobject('Contact').update({ Id: id, FirstName: 'Ada' })).toMatchObject({ id, success: true });
	expect(await salesforce.sobject('Contact').retrieve(id)).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace' });
	await control.seed({ Contact: Array.from({ length: 450 }, (_, index) => ({ LastName: `L${index}`, Email: `c${index}@${index % 3 ? 'other' : 'acme'}.test` })) });
	const all = await salesforce.query('SELECT Id, Email FROM Contact', { autoFetch: true, maxFetch: 1000, headers: { 'Sforce-Query-Options': 'batchSize=200' } } as never);
	expect(all.records).toHaveLength(451);
	const acme = await salesforce.sobject('Contact').find({ Email: { $like: '%@acme.test' } }, ['Id', 'Email']);
	expect(acme).toHaveLength(151);
	expect((await control.requests()).filter((entry) => entry.path.includes('/query/')).length).toBeGreaterThan(0);
});

test('errors carry Salesforce\'s errorCode: invalid session, not found, a refused field, a malformed query, the request limit', async () => {
	await expect(connect('wrong').sobject('Contact').retrieve('003000000000001AAA')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
	await expect(connect().sobject('Contact').retrieve('003000000000001AAA')).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
	await expect(connect().sobject('Contact').create({ LastName: 'X', Nope__c: 1 })).rejects.toMatchObject({ errorCode: expect.stringMatching(/INVALID_FIELD/) });
	await expect(connect().query('SELECT Id FROM Contact WHERE')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
	// Salesforce's request limit is a 403 REQUEST_LIMIT_EXCEEDED, not a 429.
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/services/data' } });
	await expect(connect().sobject('Contact').retrieve('003000000000001AAA')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
});
