/**
 * Two CRM syncs of one integration at once, as a vendor's webhook delivered twice starts them (a trigger that answers
 * from its last node lets the repeat through): the second waits for the first and finds nothing left to do, so a
 * Zendesk comment reaches the Salesforce case once, not once per run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce';
import { zendeskDefaultMappings } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { openSync, type SyncSummary } from '../../lib/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

jest.setTimeout(60_000);

let salesforce: RunningSandbox;
let zendesk: RunningSandbox;
let folder: string;
let store: StateStore;
let run = 0;

beforeAll(async () => {
	salesforce = await startSandbox('salesforce');
	zendesk = await startSandbox('zendesk');
	await new SandboxControl(zendesk.baseUrl).updateSettings({ incrementalDelayMs: 0 });
	folder = mkdtempSync(join(tmpdir(), 'crm-tickets-replay-'));
	store = await openStore({ kind: 'sqlite', file: join(folder, 'state.sqlite') }, allMigrations);
});
afterAll(async () => {
	await closeAllStores();
	await salesforce.close();
	await zendesk.close();
	rmSync(folder, { recursive: true, force: true });
});

const sync = (): Promise<SyncSummary> =>
	openSync({
		store,
		platforms: standalonePlatforms([sandboxAccount('salesforce', salesforce.baseUrl, salesforce.credentials), sandboxAccount('zendesk', zendesk.baseUrl, zendesk.credentials)]),
	}).sync(
		[{ platform: 'salesforce', mappings: salesforceDefaultMappings.tickets }, { platform: 'zendesk', mappings: zendeskDefaultMappings.tickets! }],
		{ integration: 'cases', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: `replay-${++run}`, exclusive: { pollMs: 20 } },
	);

const salesforceCall = (pathname: string, body: unknown) => fetch(`${salesforce.baseUrl}/services/data/v60.0${pathname}`, {
	method: 'POST', headers: { authorization: `Bearer ${salesforce.credentials.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

test('a sync started twice at once adds a Zendesk comment to the Salesforce case once, and its case once to Zendesk', async () => {
	const created = await salesforceCall('/sobjects/Case', { Subject: 'Export stuck', Description: 'Nightly export never ends', Status: 'New', Priority: 'Medium', SuppliedEmail: 'lee@example.com' });
	const kase = (await created.json()) as { id: string };
	const both = await Promise.all([sync(), sync()]);
	expect(both.map((summary) => summary.failures)).toEqual([[], []]);
	expect(await new SandboxControl(zendesk.baseUrl).state<unknown[]>('tickets')).toHaveLength(1);

	const [ticket] = await new SandboxControl(zendesk.baseUrl).state<Array<{ id: number }>>('tickets');
	const answered = await fetch(`${zendesk.baseUrl}/api/v2/tickets/${ticket.id}.json`, {
		method: 'PUT',
		headers: { authorization: `Basic ${Buffer.from(`${zendesk.credentials.email}/token:${zendesk.credentials.apiToken}`).toString('base64')}`, 'content-type': 'application/json' },
		body: JSON.stringify({ ticket: { status: 'pending', comment: { body: 'Which export job?', public: true } } }),
	});
	expect(answered.status).toBe(200);
	const again = await Promise.all([sync(), sync()]);
	expect(again.map((summary) => summary.failures)).toEqual([[], []]);
	// One run did the work; the other, having waited, found the change already everywhere.
	expect(again.map((summary) => summary.platforms.salesforce.updated).sort()).toEqual([0, 1]);
	const comments = await new SandboxControl(salesforce.baseUrl).state<Array<{ ParentId: string; CommentBody: string }>>('CaseComment');
	expect(comments.filter((comment) => comment.ParentId === kase.id).map((comment) => comment.CommentBody)).toEqual(['Which export job?']);
});
