/**
 * 10,000-ticket initial sync benchmark (`npx tsx test/bench/tickets-desks.bench.ts`; `TICKETS_BENCH_TICKETS` tickets,
 * 10,000 by default): Salesforce Cases, each with a CaseComment, synced to an empty Zendesk, at the desks' real limits:
 * Zendesk's account limit of Enterprise Plus (2,500 calls a minute, also the High Volume API add-on's; set
 * `ZENDESK_PER_MINUTE` for another plan) and its 10 incremental exports a minute; Salesforce's 100,000 calls a day
 * (no per-minute window). Both sandboxes enforce the same windows; the transports pace through one SQLite store.
 *
 * Figures: wall time against the rate-limit bound (a sync run pulls every desk before it pushes, so the bound is
 * Salesforce's pull at its window plus Zendesk's calls at its window), the calls per desk, the 429s the desks sent,
 * the tickets and comments Zendesk holds, and the failures that reached the sync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce';
import { zendeskDefaultMappings, zendeskProfile } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import { crmClient, startCrmSandbox } from '../engine/crmSandboxes';
import { figureLine, loadAverage } from './report';

const N = Number(process.env.TICKETS_BENCH_TICKETS ?? 10_000);
const ZENDESK_PER_MINUTE = Number(process.env.ZENDESK_PER_MINUTE ?? 2_500);
const MINUTE = 60_000;
const SEED_CHUNK = 1_000;

/** The least time `calls` take through a sliding window of `capacity` a minute: a window's worth at once, then one a minute. */
function windowBoundMs(calls: number, capacity: number): number {
	return Math.max(0, Math.ceil(calls / capacity) - 1) * MINUTE;
}

async function main(): Promise<void> {
	const salesforceServer = await startCrmSandbox('salesforce');
	const zendeskServer = await startCrmSandbox('zendesk');
	const dir = mkdtempSync(join(tmpdir(), 'tickets-desks-bench-'));
	const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	try {
		const salesforce = crmClient('salesforce', salesforceServer, store);
		// Every call the Zendesk transport sends, counted here: the sandbox's request log keeps only the last 5,000.
		const zendeskSent: Array<{ method: string; url: string }> = [];
		const zendesk = crmClient('zendesk', zendeskServer, store, zendeskProfile({ requestsPerMinute: ZENDESK_PER_MINUTE }), (request) => zendeskSent.push({ method: request.method, url: request.url }));
		await zendesk.control.updateSettings({ incrementalDelayMs: 0 });
		await zendesk.control.setRateLimits({ windows: [{ name: 'account', limit: ZENDESK_PER_MINUTE }] });
		// The set-up (seeding cases and their comments) is not what is measured.
		for (let start = 0; start < N; start += SEED_CHUNK) {
			const count = Math.min(SEED_CHUNK, N - start);
			const seeded = await salesforce.control.seed({ Case: Array.from({ length: count }, (_, i) => ({ Subject: `Case ${start + i}`, Description: `Problem ${start + i}`, Status: 'New', Priority: 'Medium', SuppliedEmail: `requester${start + i}@bench.example` })) }) as { Case: Array<{ Id: string }> };
			await salesforce.control.seed({ CaseComment: seeded.Case.map((kase, i) => ({ ParentId: kase.Id, CommentBody: `Looking into case ${start + i}`, IsPublished: i % 2 === 0 })) });
		}
		await salesforce.control.clearRequests();
		await zendesk.control.clearRequests();
		zendeskSent.length = 0;

		const loadBefore = loadAverage();
		const started = Date.now();
		const result = await syncPlatforms({
			store, integration: 'bench', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: 'tickets-desks-bench',
			platforms: [
				{ connector: salesforce.connector, mappings: salesforceDefaultMappings.tickets },
				{ connector: zendesk.connector, mappings: zendeskDefaultMappings.tickets! },
			],
		});
		const wallMs = Date.now() - started;
		const salesforceCalls = await salesforce.control.requests();
		const zendeskCalls = await zendesk.control.requests();
		const tickets = await zendesk.control.state<Array<{ id: number }>>('tickets');
		const bound = windowBoundMs(zendeskSent.length, ZENDESK_PER_MINUTE);
		const commentUpdates = zendeskSent.filter((entry) => entry.method === 'PUT' && /\/api\/v2\/tickets\/\d+\.json$/.test(entry.url)).length;
		console.log(`tickets ${N}: Zendesk holds ${tickets.length} tickets; created ${result.platforms.zendesk.created}; failures ${result.failures.length}; pending ${result.pending}; load before ${loadBefore}`);
		// 429s are read from the sandbox's log: its last 5,000 requests, which include the run's busiest minutes.
		console.log(`tickets ${N}: Salesforce calls ${salesforceCalls.length} (429: ${salesforceCalls.filter((entry) => entry.status === 429).length}), Zendesk calls ${zendeskSent.length} at ${ZENDESK_PER_MINUTE}/min (comment updates ${commentUpdates}; 429 among the last ${zendeskCalls.length}: ${zendeskCalls.filter((entry) => entry.status === 429).length})`);
		console.log(figureLine(`tickets ${N} Salesforce -> Zendesk initial sync, each with a comment`, wallMs / 1000, 's', bound / 1000, 'rate-limit bound, pull then push'));
	} finally {
		await closeAllStores();
		rmSync(dir, { recursive: true, force: true });
		await salesforceServer.close();
		await zendeskServer.close();
	}
}

void main();
