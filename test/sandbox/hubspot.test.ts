/** The HubSpot sandbox behaves as HubSpot's CRM v3 does (PLATFORMS.md): records, batches, search, errors, webhooks. */
import { SandboxControl } from './framework/controlClient';
import { startSandbox, type RunningSandbox } from './registry';
import { hubspotSignatureV3, verifyHubspotSignatureV3 } from './hubspot/signature';
import { apiClient, callApi, sleep } from './support/http';
import { startReceiver } from './support/receiver';

let sandbox: RunningSandbox;
let control: SandboxControl;
let hub: ReturnType<typeof apiClient>;

const contacts = '/crm/v3/objects/contacts';

beforeAll(async () => {
	sandbox = await startSandbox('hubspot');
	control = new SandboxControl(sandbox.baseUrl);
	hub = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
});

afterAll(() => sandbox.close());
beforeEach(() => control.reset());

async function createContact(properties: Record<string, string>) {
	const reply = await hub(contacts, { method: 'POST', body: { properties } });
	expect(reply.status).toBe(201);
	return reply.body;
}

async function searchContacts(body: Record<string, unknown>) {
	return hub(`${contacts}/search`, { method: 'POST', body });
}

async function searchIds(filters: unknown[], extra: Record<string, unknown> = {}): Promise<string[]> {
	const reply = await searchContacts({ filterGroups: [{ filters }], limit: 200, ...extra });
	expect(reply.status).toBe(200);
	return reply.body.results.map((record: { id: string }) => record.id);
}

describe('authentication', () => {
	test('accepts exactly the configured bearer token', async () => {
		expect(sandbox.credentials).toEqual({ accessToken: 'sandbox-hubspot-token' });
		const missing = await callApi(sandbox.baseUrl, contacts);
		expect(missing.status).toBe(401);
		expect(missing.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
		expect(missing.body.message).toMatch(/Authentication credentials not found/);
		const wrong = await callApi(sandbox.baseUrl, contacts, { token: 'sandbox-hubspot-token-2' });
		expect(wrong.status).toBe(401);
		const basic = await callApi(sandbox.baseUrl, contacts, { headers: { authorization: 'Basic c2FuZGJveA==' } });
		expect(basic.status).toBe(401);
		expect((await hub(contacts)).status).toBe(200);
	});
});

describe('records', () => {
	test('create stamps ids and timestamps, normalises email and returns what was set', async () => {
		const created = await createContact({ email: 'Ada@Example.COM', firstname: 'Ada' });
		expect(created.id).toMatch(/^\d+$/);
		expect(created.archived).toBe(false);
		expect(created.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada', hs_object_id: created.id });
		expect(created.properties.createdate).toBe(created.createdAt);
		expect(created.properties.lastmodifieddate).toBe(created.updatedAt);
		expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
	});

	test('companies, deals and tickets keep their last-modified date in hs_lastmodifieddate', async () => {
		for (const [type, properties] of [
			['companies', { name: 'Acme' }],
			['deals', { dealname: 'Deal', closedate: '1767225600000' }],
			['tickets', { subject: 'Help', hs_pipeline: '0', hs_pipeline_stage: '1' }],
		] as const) {
			const created = await hub(`/crm/v3/objects/${type}`, { method: 'POST', body: { properties } });
			expect(created.status).toBe(201);
			expect(created.body.properties.hs_lastmodifieddate).toBe(created.body.updatedAt);
			expect(created.body.properties.lastmodifieddate).toBeUndefined();
		}
		const deal = await hub('/crm/v3/objects/0-3?properties=closedate');
		expect(deal.body.results[0].properties.closedate).toBe('2026-01-01T00:00:00.000Z');
	});

	test('update moves the last-modified date; get by id or by email; unknown ids are 404', async () => {
		const created = await createContact({ email: 'ada@example.com', firstname: 'Ada' });
		await sleep(5);
		const updated = await hub(`${contacts}/${created.id}`, { method: 'PATCH', body: { properties: { firstname: 'Augusta' } } });
		expect(updated.status).toBe(200);
		expect(updated.body.properties.firstname).toBe('Augusta');
		expect(Date.parse(updated.body.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
		expect(updated.body.properties.createdate).toBe(created.properties.createdate);

		const byEmail = await hub(`${contacts}/${encodeURIComponent('ADA@example.com')}?idProperty=email&properties=firstname,phone`);
		expect(byEmail.status).toBe(200);
		expect(byEmail.body.id).toBe(created.id);
		expect(byEmail.body.properties).toMatchObject({ firstname: 'Augusta', phone: null });

		const patchByEmail = await hub(`${contacts}/ada@example.com?idProperty=email`, {
			method: 'PATCH',
			body: { properties: { phone: '+1 555' } },
		});
		expect(patchByEmail.body.properties.phone).toBe('+1 555');

		const missing = await hub(`${contacts}/99999`);
		expect(missing.status).toBe(404);
		expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', correlationId: expect.any(String) });
		expect((await hub(`${contacts}/x?idProperty=firstname`)).status).toBe(400);
		const unknownType = await hub('/crm/v3/objects/widgets');
		expect(unknownType.status).toBe(400);
		expect(unknownType.body.message).toBe('Unable to infer object type from: widgets');
	});

	test('archive answers 204; the record leaves reads and lists but can be read as archived', async () => {
		const created = await createContact({ email: 'gone@example.com' });
		const archived = await hub(`${contacts}/${created.id}`, { method: 'DELETE' });
		expect(archived.status).toBe(204);
		expect((await hub(`${contacts}/${created.id}`)).status).toBe(404);
		const asArchived = await hub(`${contacts}/${created.id}?archived=true`);
		expect(asArchived.body).toMatchObject({ id: created.id, archived: true, archivedAt: expect.any(String) });
		expect((await hub(contacts)).body.results).toEqual([]);
		expect((await hub(`${contacts}?archived=true`)).body.results.map((record: { id: string }) => record.id)).toEqual([created.id]);
		// The email is free again once the holder is archived.
		await createContact({ email: 'gone@example.com' });
	});

	test('validation: unknown, read-only and invalid values are HubSpot VALIDATION_ERRORs; duplicate emails are 409', async () => {
		const cases: Array<[Record<string, string>, string]> = [
			[{ favourite_colour: 'teal' }, 'PROPERTY_DOESNT_EXIST'],
			[{ email: 'not an email' }, 'INVALID_EMAIL'],
			[{ lifecyclestage: 'superfan' }, 'INVALID_OPTION'],
			[{ createdate: '2020-01-01T00:00:00Z' }, 'READ_ONLY_VALUE'],
		];
		for (const [properties, code] of cases) {
			const reply = await hub(contacts, { method: 'POST', body: { properties } });
			expect(reply.status).toBe(400);
			expect(reply.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
			expect(reply.body.message).toMatch(/^Property values were not valid: \[/);
			expect(reply.body.errors[0].code).toBe(code);
		}
		const first = await createContact({ email: 'one@example.com' });
		const duplicate = await hub(contacts, { method: 'POST', body: { properties: { email: 'ONE@example.com' } } });
		expect(duplicate.status).toBe(409);
		expect(duplicate.body).toMatchObject({ category: 'CONFLICT', message: `Contact already exists. Existing ID: ${first.id}` });
		const second = await createContact({ email: 'two@example.com' });
		const clash = await hub(`${contacts}/${second.id}`, { method: 'PATCH', body: { properties: { email: 'one@example.com' } } });
		expect(clash.status).toBe(409);
		expect((await control.state<unknown[]>('contacts')).length).toBe(2);
	});

	test('list pages by after with paging.next, returns asked-for properties, refuses limit > 100', async () => {
		const seeded = Array.from({ length: 25 }, (_, index) => ({ properties: { email: `p${index}@example.com`, firstname: `P${index}` } }));
		await control.seed({ contacts: seeded });
		const seen: string[] = [];
		let after: string | undefined;
		let pages = 0;
		do {
			const reply = await hub(`${contacts}?limit=10&properties=firstname${after ? `&after=${after}` : ''}`);
			expect(reply.status).toBe(200);
			pages++;
			seen.push(...reply.body.results.map((record: { properties: { firstname: string } }) => record.properties.firstname));
			expect(Object.keys(reply.body.results[0].properties).sort()).toEqual(['createdate', 'firstname', 'hs_object_id', 'lastmodifieddate']);
			after = reply.body.paging?.next.after;
			if (after) expect(reply.body.paging.next.link).toContain(`after=${after}`);
		} while (after);
		expect(pages).toBe(3);
		expect(seen).toEqual(seeded.map((record) => record.properties.firstname));
		const defaults = await hub(`${contacts}?limit=1`);
		expect(Object.keys(defaults.body.results[0].properties).sort()).toEqual([
			'createdate',
			'email',
			'firstname',
			'hs_object_id',
			'lastmodifieddate',
			'lastname',
		]);
		expect((await hub(`${contacts}?limit=101`)).status).toBe(400);
	});

	test('properties API lists each object type\'s known properties', async () => {
		const contactProperties = await hub('/crm/v3/properties/contacts');
		expect(contactProperties.status).toBe(200);
		const names = contactProperties.body.results.map((property: { name: string }) => property.name);
		expect(names).toEqual(expect.arrayContaining(['firstname', 'lastname', 'email', 'phone', 'company', 'lifecyclestage', 'lastmodifieddate']));
		const dealStage = await hub('/crm/v3/properties/deals/dealstage');
		expect(dealStage.body).toMatchObject({ name: 'dealstage', type: 'enumeration', fieldType: 'select', groupName: 'dealinformation' });
		expect(dealStage.body.options.map((option: { value: string }) => option.value)).toContain('closedwon');
		const tickets = await hub('/crm/v3/properties/tickets');
		expect(tickets.body.results.map((property: { name: string }) => property.name)).toEqual(
			expect.arrayContaining(['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'hs_lastmodifieddate']),
		);
		expect((await hub('/crm/v3/properties/companies/no_such_thing')).status).toBe(404);
	});
});

describe('batches', () => {
	test('batch create: 201, or 207 with one HubSpot error per failed input naming it', async () => {
		const ok = await hub(`${contacts}/batch/create`, {
			method: 'POST',
			body: { inputs: [{ properties: { email: 'a@example.com' } }, { properties: { email: 'b@example.com' } }] },
		});
		expect(ok.status).toBe(201);
		expect(ok.body).toMatchObject({ status: 'COMPLETE', startedAt: expect.any(String), completedAt: expect.any(String) });
		expect(ok.body.results).toHaveLength(2);

		const partial = await hub(`${contacts}/batch/create`, {
			method: 'POST',
			body: {
				inputs: [
					{ properties: { email: 'c@example.com' }, objectWriteTraceId: 'row-1' },
					{ properties: { email: 'broken' }, objectWriteTraceId: 'row-2' },
					{ properties: { shoe_size: '9' }, objectWriteTraceId: 'row-3' },
				],
			},
		});
		expect(partial.status).toBe(207);
		expect(partial.body.numErrors).toBe(2);
		expect(partial.body.results).toEqual([expect.objectContaining({ objectWriteTraceId: 'row-1' })]);
		expect(partial.body.errors).toEqual([
			expect.objectContaining({ status: 'error', category: 'VALIDATION_ERROR', context: expect.objectContaining({ objectWriteTraceId: ['row-2'] }) }),
			expect.objectContaining({ category: 'VALIDATION_ERROR', context: expect.objectContaining({ objectWriteTraceId: ['row-3'] }) }),
		]);
		expect(partial.body.errors[0].errors[0].code).toBe('INVALID_EMAIL');
		expect(partial.body.errors[1].errors[0].code).toBe('PROPERTY_DOESNT_EXIST');
		expect((await control.state<unknown[]>('contacts')).length).toBe(3);
	});

	test('more than 100 inputs is a 400 and writes nothing', async () => {
		const inputs = Array.from({ length: 101 }, (_, index) => ({ properties: { email: `x${index}@example.com` } }));
		const reply = await hub(`${contacts}/batch/create`, { method: 'POST', body: { inputs } });
		expect(reply.status).toBe(400);
		expect(reply.body.category).toBe('VALIDATION_ERROR');
		expect(await control.state('contacts')).toEqual([]);
		const hundred = await hub(`${contacts}/batch/create`, { method: 'POST', body: { inputs: inputs.slice(0, 100) } });
		expect(hundred.status).toBe(201);
	});

	test('upsert by email reports new true/false; by record id a missing record is an error; duplicate ids are 400', async () => {
		const existing = await createContact({ email: 'known@example.com', firstname: 'Old' });
		const reply = await hub(`${contacts}/batch/upsert`, {
			method: 'POST',
			body: {
				inputs: [
					{ id: 'known@example.com', idProperty: 'email', properties: { firstname: 'New' } },
					{ id: 'fresh@example.com', idProperty: 'email', properties: { firstname: 'Fresh' } },
				],
			},
		});
		expect(reply.status).toBe(200);
		expect(reply.body.results).toEqual([
			expect.objectContaining({ id: existing.id, new: false, properties: expect.objectContaining({ firstname: 'New' }) }),
			expect.objectContaining({ new: true, properties: expect.objectContaining({ email: 'fresh@example.com', firstname: 'Fresh' }) }),
		]);
		const byId = await hub(`${contacts}/batch/upsert`, {
			method: 'POST',
			body: { inputs: [{ id: existing.id, properties: { lastname: 'L' } }, { id: '777777', properties: { lastname: 'L' } }] },
		});
		expect(byId.status).toBe(207);
		expect(byId.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['777777'] } });
		const duplicates = await hub(`${contacts}/batch/upsert`, {
			method: 'POST',
			body: { inputs: [{ id: 'a@example.com', idProperty: 'email', properties: {} }, { id: 'a@example.com', idProperty: 'email', properties: {} }] },
		});
		expect(duplicates.status).toBe(400);
		expect(duplicates.body.message).toMatch(/Duplicate IDs/);
	});

	test('batch read and update report missing ids in errors; batch archive answers 204', async () => {
		const one = await createContact({ email: 'one@example.com' });
		const two = await createContact({ email: 'two@example.com' });
		const read = await hub(`${contacts}/batch/read`, {
			method: 'POST',
			body: { inputs: [{ id: one.id }, { id: '5' }, { id: '6' }], properties: ['email'], propertiesWithHistory: [] },
		});
		expect(read.status).toBe(207);
		expect(read.body.results.map((record: { id: string }) => record.id)).toEqual([one.id]);
		expect(read.body.errors).toEqual([expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['5', '6'] } })]);
		const byEmail = await hub(`${contacts}/batch/read`, {
			method: 'POST',
			body: { idProperty: 'email', inputs: [{ id: 'two@example.com' }], properties: [], propertiesWithHistory: [] },
		});
		expect(byEmail.body.results[0].id).toBe(two.id);

		const update = await hub(`${contacts}/batch/update`, {
			method: 'POST',
			body: { inputs: [{ id: one.id, properties: { firstname: 'Uno' } }, { id: '5', properties: { firstname: 'x' } }] },
		});
		expect(update.status).toBe(207);
		expect(update.body.results[0].properties.firstname).toBe('Uno');

		const archive = await hub(`${contacts}/batch/archive`, { method: 'POST', body: { inputs: [{ id: one.id }, { id: '5' }] } });
		expect(archive.status).toBe(204);
		expect((await hub(`${contacts}/${one.id}`)).status).toBe(404);
		expect((await hub(`${contacts}/${two.id}`)).status).toBe(200);
	});
});

describe('search', () => {
	const people = [
		{ email: 'ann@alpha.com', firstname: 'Ann', lastname: 'Archer', lifecyclestage: 'lead', phone: '1' },
		{ email: 'bob@beta.com', firstname: 'Bob', lastname: 'Baker', lifecyclestage: 'customer' },
		{ email: 'cat@alpha.com', firstname: 'Cat', lastname: 'Cole', lifecyclestage: 'customer', phone: '3' },
		{ email: 'dan@delta.com', firstname: 'Dan', lastname: 'Dale', lifecyclestage: 'opportunity' },
	];
	let ids: Record<string, string>;

	beforeEach(async () => {
		const seeded = await control.seed<{ contacts: Array<{ id: string; properties: { firstname: string } }> }>({
			contacts: people.map((properties, index) => ({
				properties,
				createdAt: `2026-01-0${index + 1}T00:00:00.000Z`,
				updatedAt: `2026-02-0${index + 1}T00:00:00.000Z`,
			})),
		});
		ids = Object.fromEntries(seeded.contacts.map((record) => [record.properties.firstname, record.id]));
		// Search's own 5/s limit has its test below; here it would only slow the checks down.
		await control.setRateLimits({ windows: [{ name: 'SECONDLY', limit: 1000 }] });
	});

	const named = (...names: string[]) => names.map((name) => ids[name]);

	test('operators EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN HAS_PROPERTY NOT_HAS_PROPERTY CONTAINS_TOKEN', async () => {
		const filter = (operator: string, extra: Record<string, unknown>, propertyName = 'firstname') => [{ propertyName, operator, ...extra }];
		expect(await searchIds(filter('EQ', { value: 'bob' }))).toEqual(named('Bob'));
		expect(await searchIds(filter('NEQ', { value: 'Bob' }))).toEqual(named('Ann', 'Cat', 'Dan'));
		expect(await searchIds(filter('LT', { value: 'Cat' }))).toEqual(named('Ann', 'Bob'));
		expect(await searchIds(filter('LTE', { value: 'Cat' }))).toEqual(named('Ann', 'Bob', 'Cat'));
		expect(await searchIds(filter('GT', { value: 'Cat' }))).toEqual(named('Dan'));
		expect(await searchIds(filter('GTE', { value: 'Cat' }))).toEqual(named('Cat', 'Dan'));
		expect(await searchIds(filter('BETWEEN', { value: 'B', highValue: 'D' }))).toEqual(named('Bob', 'Cat'));
		expect(await searchIds(filter('IN', { values: ['customer', 'lead'] }, 'lifecyclestage'))).toEqual(named('Ann', 'Bob', 'Cat'));
		expect(await searchIds(filter('NOT_IN', { values: ['customer'] }, 'lifecyclestage'))).toEqual(named('Ann', 'Dan'));
		expect(await searchIds(filter('HAS_PROPERTY', {}, 'phone'))).toEqual(named('Ann', 'Cat'));
		expect(await searchIds(filter('NOT_HAS_PROPERTY', {}, 'phone'))).toEqual(named('Bob', 'Dan'));
		expect(await searchIds(filter('CONTAINS_TOKEN', { value: '*@alpha.com' }, 'email'))).toEqual(named('Ann', 'Cat'));
		expect(await searchIds(filter('NOT_CONTAINS_TOKEN', { value: '*@alpha.com' }, 'email'))).toEqual(named('Bob', 'Dan'));
	});

	test('dates compare as instants, given as ms or ISO; groups are ORed, filters ANDed', async () => {
		const since = Date.parse('2026-02-03T00:00:00.000Z');
		expect(await searchIds([{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }])).toEqual(named('Cat', 'Dan'));
		expect(await searchIds([{ propertyName: 'lastmodifieddate', operator: 'GT', value: '2026-02-03T00:00:00.000Z' }])).toEqual(named('Dan'));
		const either = await searchContacts({
			filterGroups: [
				{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'Ann' }] },
				{
					filters: [
						{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' },
						{ propertyName: 'phone', operator: 'HAS_PROPERTY' },
					],
				},
			],
		});
		expect(either.body.results.map((record: { id: string }) => record.id)).toEqual(named('Ann', 'Cat'));
	});

	test('sorts, requested properties, paging by after, and limits', async () => {
		const sorted = await searchContacts({
			sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }],
			properties: ['phone'],
			limit: 3,
		});
		expect(sorted.body.total).toBe(4);
		expect(sorted.body.results.map((record: { id: string }) => record.id)).toEqual(named('Dan', 'Cat', 'Bob'));
		expect(sorted.body.results[0].properties).toEqual({
			createdate: '2026-01-04T00:00:00.000Z',
			hs_object_id: ids.Dan,
			lastmodifieddate: '2026-02-04T00:00:00.000Z',
			phone: null,
		});
		expect(sorted.body.paging.next.after).toBe('3');
		const rest = await searchContacts({ sorts: ['-lastmodifieddate'], limit: 3, after: '3' });
		expect(rest.body.results.map((record: { id: string }) => record.id)).toEqual(named('Ann'));
		expect(rest.body.paging).toBeUndefined();
		expect((await searchContacts({ limit: 201 })).status).toBe(400);
		const unknown = await searchContacts({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'EQ', value: '1' }] }] });
		expect(unknown.status).toBe(400);
		expect(unknown.body.category).toBe('VALIDATION_ERROR');
	});

	test('archived records leave search; the free-text query matches names and emails', async () => {
		await hub(`${contacts}/${ids.Bob}`, { method: 'DELETE' });
		expect((await searchContacts({})).body.total).toBe(3);
		expect((await searchContacts({ query: 'alpha' })).body.results.map((record: { id: string }) => record.id)).toEqual(named('Ann', 'Cat'));
	});

	test('at most 10,000 results per query: paging past it is a 400', async () => {
		await control.reset();
		await control.seed({ contacts: Array.from({ length: 10_050 }, (_, index) => ({ properties: { firstname: `n${index}` } })) });
		await control.setRateLimits({ enabled: false });
		const nearEnd = await searchContacts({ limit: 200, after: '9800' });
		expect(nearEnd.status).toBe(200);
		expect(nearEnd.body.total).toBe(10_050);
		expect(nearEnd.body.results).toHaveLength(200);
		expect(nearEnd.body.paging.next.after).toBe('10000');
		const past = await searchContacts({ limit: 200, after: '10000' });
		expect(past.status).toBe(400);
		expect(past.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
	});

	test('with an index lag, new writes show in search only after it', async () => {
		// A lag long enough that the searches right after the writes come before it ends, however loaded the machine.
		await control.updateSettings({ searchIndexLagMs: 2_000 });
		await hub(`${contacts}/${ids.Ann}`, { method: 'PATCH', body: { properties: { firstname: 'Anna' } } });
		const created = await createContact({ firstname: 'Eve' });
		expect(await searchIds([{ propertyName: 'firstname', operator: 'IN', values: ['Ann', 'Anna', 'Eve'] }])).toEqual(named('Ann'));
		expect((await hub(`${contacts}/${ids.Ann}?properties=firstname`)).body.properties.firstname).toBe('Anna');
		await sleep(2_050);
		expect(await searchIds([{ propertyName: 'firstname', operator: 'IN', values: ['Ann', 'Anna', 'Eve'] }])).toEqual([ids.Ann, created.id]);
		await control.reset();
		expect(await control.settings()).toEqual({ searchIndexLagMs: 0 });
	});

	test('search has its own per-second limit (SECONDLY policy)', async () => {
		await control.reset();
		expect((await control.rateLimits()).windows.find((window) => window.name === 'SECONDLY')).toMatchObject({ limit: 5, intervalMs: 1000 });
		// The same five, over ten seconds here, so seven searches in a row fall in one window however loaded the machine.
		await control.setRateLimits({ windows: [{ name: 'SECONDLY', limit: 5, intervalMs: 10_000 }] });
		const statuses: number[] = [];
		for (let index = 0; index < 6; index++) statuses.push((await searchContacts({})).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
		const limited = await searchContacts({});
		expect(limited.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
		expect((await hub(contacts)).status).toBe(200);
	});
});

describe('webhooks', () => {
	test('creation, property changes and deletion are sent as v3 events with a verifiable v3 signature', async () => {
		const receiver = await startReceiver();
		const secret = 'client-secret-for-tests';
		try {
			await control.registerWebhook(receiver.url, secret);
			const created = await createContact({ email: 'hook@example.com' });
			await hub(`${contacts}/${created.id}`, { method: 'PATCH', body: { properties: { firstname: 'Hook', email: 'hook@example.com' } } });
			await hub(`${contacts}/${created.id}`, { method: 'DELETE' });
			const received = await receiver.waitFor(3);
			const events = received.flatMap((request) => JSON.parse(request.body));
			expect(events.map((event: { subscriptionType: string }) => event.subscriptionType)).toEqual([
				'contact.creation',
				'contact.propertyChange',
				'contact.deletion',
			]);
			expect(events[1]).toMatchObject({ objectId: Number(created.id), propertyName: 'firstname', propertyValue: 'Hook' });
			expect(events[0]).toMatchObject({ eventId: expect.any(Number), occurredAt: expect.any(Number), portalId: expect.any(Number) });

			for (const request of received) {
				const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
				const signature = String(request.headers['x-hubspot-signature-v3']);
				const signed = { method: 'POST', uri: receiver.url, body: request.body, timestamp, signature };
				expect(verifyHubspotSignatureV3({ ...signed, clientSecret: secret })).toBe(true);
				expect(verifyHubspotSignatureV3({ ...signed, clientSecret: 'wrong-secret' })).toBe(false);
				expect(verifyHubspotSignatureV3({ ...signed, clientSecret: secret, body: `${request.body} ` })).toBe(false);
				expect(verifyHubspotSignatureV3({ ...signed, clientSecret: secret, now: timestamp + 5 * 60 * 1000 + 1 })).toBe(false);
			}
			const deliveries = (await control.webhooks()).deliveries;
			expect(deliveries.map((delivery) => delivery.status)).toEqual([204, 204, 204]);
		} finally {
			await receiver.close();
		}
	});

	test('a batch sends one webhook with an event per record', async () => {
		const receiver = await startReceiver();
		try {
			await control.registerWebhook(receiver.url, 's');
			await hub('/crm/v3/objects/deals/batch/create', {
				method: 'POST',
				body: { inputs: [{ properties: { dealname: 'A' } }, { properties: { dealname: 'B' } }] },
			});
			const [request] = await receiver.waitFor(1);
			await sleep(50);
			expect(receiver.received).toHaveLength(1);
			expect(JSON.parse(request.body).map((event: { subscriptionType: string }) => event.subscriptionType)).toEqual([
				'deal.creation',
				'deal.creation',
			]);
		} finally {
			await receiver.close();
		}
	});

	test('the signature is base64 HMAC-SHA256 of method + uri + body + timestamp', () => {
		// Reference value computed independently: printf 'POSThttps://example.com/hook{"a":1}1700000000000' | openssl dgst -sha256 -hmac secret -binary | base64
		expect(
			hubspotSignatureV3({ clientSecret: 'secret', method: 'POST', uri: 'https://example.com/hook', body: '{"a":1}', timestamp: 1700000000000 }),
		).toBe('hqBIlfEV33VJdmaT5HywrynIn3NURN7MPP8XagCfa14=');
	});
});

describe('pipelines', () => {
	test('deal and ticket pipelines list their stages, and the stage properties accept exactly those ids', async () => {
		const deals = await hub('/crm/v3/pipelines/deals');
		expect(deals.status).toBe(200);
		expect(deals.body.results).toHaveLength(1);
		expect(deals.body.results[0]).toMatchObject({ id: 'default', label: 'Sales Pipeline', archived: false });
		const stageIds = deals.body.results[0].stages.map((stage: { id: string }) => stage.id);
		expect(stageIds).toEqual(['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']);
		const property = await hub('/crm/v3/properties/deals/dealstage');
		expect(property.body.options.map((option: { value: string }) => option.value)).toEqual(stageIds);
		expect(property.body.options[0]).toMatchObject({ value: 'appointmentscheduled', label: 'Appointment Scheduled' });

		const tickets = await hub('/crm/v3/pipelines/0-5');
		expect(tickets.body.results[0].stages.map((stage: { id: string; label: string }) => [stage.id, stage.label])).toEqual([['1', 'New'], ['2', 'Waiting on contact'], ['3', 'Waiting on us'], ['4', 'Closed']]);
		expect((await hub('/crm/v3/pipelines/tickets/0')).body).toMatchObject({ id: '0', label: 'Support Pipeline' });
		expect((await hub('/crm/v3/pipelines/tickets/99')).status).toBe(404);

		const refused = await hub('/crm/v3/objects/deals', { method: 'POST', body: { properties: { dealname: 'x', dealstage: 'Prospecting' } } });
		expect(refused.status).toBe(400);
		expect(JSON.stringify(refused.body)).toContain('INVALID_OPTION');
		const created = await hub('/crm/v3/objects/deals', { method: 'POST', body: { properties: { dealname: 'x', dealstage: 'closedwon' } } });
		expect(created.status).toBe(201);
	});
});
