/** The Salesforce sandbox behaves as Salesforce's REST API does (PLATFORMS.md): SOQL paging, collections, upsert, limits, errors. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { salesforceApiBase } from '.';

let sandbox: RunningSandbox;
let control: SandboxControl;

async function call(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
	const response = await fetch(`${sandbox.baseUrl}${path.startsWith('/services') ? path : salesforceApiBase + path}`, {
		method: init.method ?? 'GET',
		headers: { authorization: `Bearer ${init.token ?? sandbox.credentials.accessToken}`, 'content-type': 'application/json', ...init.headers },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const query = (soql: string, headers?: Record<string, string>) => call(`/query?q=${encodeURIComponent(soql)}`, { headers });

beforeAll(async () => {
	sandbox = await startSandbox('salesforce');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('rejects a wrong session with 401 INVALID_SESSION_ID as an error array', async () => {
	const reply = await call('/sobjects/Contact/describe', { token: 'nope' });
	expect(reply.status).toBe(401);
	expect(reply.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] }]);
});

test('pages a SOQL query on SystemModstamp through nextRecordsUrl until done', async () => {
	await control.seed({ Contact: Array.from({ length: 450 }, (_, i) => ({ LastName: `L${i}`, Email: `c${i}@x.test` })) });
	const first = await query('SELECT Id, Email, SystemModstamp FROM Contact WHERE SystemModstamp >= 2020-01-01T00:00:00.000Z ORDER BY SystemModstamp, Id', { 'Sforce-Query-Options': 'batchSize=200' });
	expect(first.status).toBe(200);
	expect(first.body).toMatchObject({ totalSize: 450, done: false });
	expect(first.body.records).toHaveLength(200);
	expect(first.body.records[0].attributes.type).toBe('Contact');
	const second = await call(first.body.nextRecordsUrl);
	const third = await call(second.body.nextRecordsUrl);
	expect(third.body).toMatchObject({ done: true });
	expect(third.body.nextRecordsUrl).toBeUndefined();
	const emails = [...first.body.records, ...second.body.records, ...third.body.records].map((record: { Email: string }) => record.Email);
	expect(new Set(emails).size).toBe(450);
	expect((await call(first.body.nextRecordsUrl)).body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
});

test('answers a malformed query and an unknown column with Salesforce error codes', async () => {
	expect((await query('SELEKT Id FROM Contact')).body[0].errorCode).toBe('MALFORMED_QUERY');
	const unknown = await query('SELECT Nope FROM Contact');
	expect(unknown.status).toBe(400);
	expect(unknown.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD' });
});

test('collections take at most 200 records and report each record on its own', async () => {
	const tooMany = await call('/composite/sobjects', { method: 'POST', body: { records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Contact' }, LastName: 'x' })) } });
	expect(tooMany.status).toBe(400);
	expect(tooMany.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
	const mixed = await call('/composite/sobjects', {
		method: 'POST',
		body: { allOrNone: false, records: [{ attributes: { type: 'Contact' }, LastName: 'Lee' }, { attributes: { type: 'Contact' }, FirstName: 'NoLast' }] },
	});
	expect(mixed.status).toBe(200);
	expect(mixed.body[0]).toMatchObject({ success: true, errors: [] });
	expect(mixed.body[1]).toMatchObject({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }] });
});

test('upserts by external id: created, then updated, never duplicated', async () => {
	const body = { allOrNone: false, records: [{ attributes: { type: 'Contact' }, LastName: 'Lee', Integration_Id__c: 'c-1' }] };
	const created = await call('/composite/sobjects/Contact/Integration_Id__c', { method: 'PATCH', body });
	expect(created.body[0]).toMatchObject({ success: true, created: true });
	const updated = await call('/composite/sobjects/Contact/Integration_Id__c', { method: 'PATCH', body });
	expect(updated.body[0]).toMatchObject({ success: true, created: false, id: created.body[0].id });
	const single = await call('/sobjects/Contact/Integration_Id__c/c-2', { method: 'PATCH', body: { LastName: 'Solo' } });
	expect(single.status).toBe(201);
	expect((await query("SELECT Id FROM Contact WHERE Integration_Id__c IN ('c-1', 'c-2')")).body.totalSize).toBe(2);
});

test('reports daily usage in Sforce-Limit-Info and refuses past the limit with 403 REQUEST_LIMIT_EXCEEDED', async () => {
	await fetch(`${sandbox.baseUrl}/__control/rate-limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ windows: [{ name: 'DailyApiRequests', limit: 2 }] }) });
	const first = await call('/sobjects/Contact/describe');
	expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/2');
	await call('/sobjects/Contact/describe');
	const refused = await call('/sobjects/Contact/describe');
	expect(refused.status).toBe(403);
	expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED', fields: [] }]);
});

test('deleted records leave query but stay in queryAll with IsDeleted', async () => {
	const [record] = (await control.seed<{ Contact: Array<{ Id: string }> }>({ Contact: [{ LastName: 'Gone' }] })).Contact;
	const deleted = await call(`/composite/sobjects?ids=${record.Id}`, { method: 'DELETE' });
	expect(deleted.body[0]).toMatchObject({ id: record.Id, success: true });
	expect((await query('SELECT Id FROM Contact')).body.totalSize).toBe(0);
	const all = await call(`/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Contact')}`);
	expect(all.body.records[0]).toMatchObject({ Id: record.Id, IsDeleted: true });
});

test('composite runs up to five queries in one call, each answered as the plain query would be; a sixth query or an over-long statement is refused', async () => {
	await control.seed({ Contact: [{ LastName: 'Ann', Email: 'ann@x.test' }, { LastName: 'Bob', Email: 'bob@x.test' }] });
	const lookUp = (email: string, referenceId: string) => ({ method: 'GET', url: `${salesforceApiBase}/query?q=${encodeURIComponent(`SELECT Id, Email FROM Contact WHERE Email IN ('${email}')`)}`, referenceId });
	const reply = await call('/composite', { method: 'POST', body: { compositeRequest: [lookUp('ann@x.test', 'a'), lookUp('nobody@x.test', 'b'), { method: 'GET', url: `${salesforceApiBase}/query?q=SELEC`, referenceId: 'bad' }] } });
	expect(reply.status).toBe(200);
	const [ann, nobody, bad] = reply.body.compositeResponse;
	expect(ann).toMatchObject({ referenceId: 'a', httpStatusCode: 200, body: { totalSize: 1, done: true, records: [{ Email: 'ann@x.test' }] } });
	expect(nobody).toMatchObject({ referenceId: 'b', httpStatusCode: 200, body: { totalSize: 0, records: [] } });
	expect(bad).toMatchObject({ referenceId: 'bad', httpStatusCode: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
	const six = await call('/composite', { method: 'POST', body: { compositeRequest: Array.from({ length: 6 }, (_, i) => lookUp('ann@x.test', `q${i}`)) } });
	expect(six.status).toBe(400);
	expect(six.body[0].errorCode).toBe('LIMIT_EXCEEDED');
	const long = await call('/composite', { method: 'POST', body: { compositeRequest: [lookUp('a'.repeat(100_000), 'long')] } });
	expect(long.body.compositeResponse[0]).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
});

test('SOQL LIKE matches with % and _ wildcards, case-insensitively; LIKE on a number is MALFORMED_QUERY', async () => {
	await control.seed({ Contact: [{ LastName: 'Smith', Email: 'ann@acme.test' }, { LastName: 'Smyth', Email: 'bob@Acme.test' }, { LastName: 'Jones', Email: 'cy@other.test' }] });
	const names = async (soql: string) => ((await query(soql)).body.records as Array<{ LastName: string }>).map((record) => record.LastName).sort();
	expect(await names("SELECT LastName FROM Contact WHERE Email LIKE '%@acme.test'")).toEqual(['Smith', 'Smyth']);
	expect(await names("SELECT LastName FROM Contact WHERE LastName LIKE 'sm_th' AND Email LIKE 'a%'")).toEqual(['Smith']);
	const malformed = await query('SELECT LastName FROM Contact WHERE LastName LIKE 5');
	expect(malformed.status).toBe(400);
	expect(malformed.body[0].errorCode).toBe('MALFORMED_QUERY');
});

test('single records: create answers 201 with the id, update and delete 204; a missing record is 404, a bad field 400', async () => {
	const created = await call('/sobjects/Contact', { method: 'POST', body: { LastName: 'Lovelace', Email: 'ada@x.test' } });
	expect(created.status).toBe(201);
	expect(created.body).toEqual({ id: expect.stringMatching(/^003/), success: true, errors: [] });
	const updated = await call(`/sobjects/Contact/${created.body.id}`, { method: 'PATCH', body: { FirstName: 'Ada' } });
	expect(updated.status).toBe(204);
	expect((await call(`/sobjects/Contact/${created.body.id}`)).body).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace' });
	expect((await call('/sobjects/Contact/003000000000000AAA', { method: 'PATCH', body: { FirstName: 'X' } })).status).toBe(404);
	const badField = await call('/sobjects/Contact', { method: 'POST', body: { LastName: 'X', Nope__c: 1 } });
	expect(badField.status).toBe(400);
	expect((await call(`/sobjects/Contact/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
	expect((await call(`/sobjects/Contact/${created.body.id}`)).status).toBe(404);
});

test('a case is owned by a user or a queue: the API user by default (userinfo names it), an inactive or unknown owner refused, none at all refused', async () => {
	const me = await call('/services/oauth2/userinfo');
	expect(me.status).toBe(200);
	const created = await call('/sobjects/Case', { method: 'POST', body: { Subject: 'Default owner' } });
	const [kase] = (await query(`SELECT Id, OwnerId FROM Case WHERE Id = '${created.body.id}'`)).body.records;
	expect(kase.OwnerId).toBe(me.body.user_id);

	const seeded = (await control.seed({ User: [{ LastName: 'Gone', Email: 'gone@x.test', IsActive: false }], Group: [{ Name: 'Tier 1', Type: 'Queue' }] })) as { User: Array<{ Id: string }>; Group: Array<{ Id: string }> };
	expect((await call(`/sobjects/Case/${created.body.id}`, { method: 'PATCH', body: { OwnerId: seeded.Group[0].Id } })).status).toBe(204);
	const inactive = await call(`/sobjects/Case/${created.body.id}`, { method: 'PATCH', body: { OwnerId: seeded.User[0].Id } });
	expect([inactive.status, inactive.body[0].errorCode]).toEqual([400, 'INACTIVE_OWNER_OR_USER']);
	const blank = await call(`/sobjects/Case/${created.body.id}`, { method: 'PATCH', body: { OwnerId: null } });
	expect([blank.status, blank.body[0].errorCode]).toEqual([400, 'INVALID_CROSS_REFERENCE_KEY']);
	const users = await query("SELECT Id, Email FROM User WHERE IsActive = true AND Email IN ('gone@x.test', 'integration@sandbox.example')");
	expect(users.body.records.map((user: { Email: string }) => user.Email)).toEqual(['integration@sandbox.example']);
});
