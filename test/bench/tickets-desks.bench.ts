/**
 * 10,000-ticket initial sync benchmarks (`TICKETS_BENCH_TICKETS` tickets, 10,000 by default), two runs:
 *
 * `npx tsx test/bench/tickets-desks.bench.ts zendesk`: Zendesk as the source, each ticket with a comment after its
 * description, synced to an empty HubSpot. Zendesk's comments are read from the ticket events export (1,000 audits a
 * call) rather than one call per ticket, so the pull is bound by the incremental exports' 10 calls a minute (ticket
 * pages and event pages); HubSpot's writes by its 190 calls per rolling 10 s. The bound: the pull's calls at Zendesk's
 * windows plus the push's at HubSpot's.
 *
 * `npx tsx test/bench/tickets-desks.bench.ts` (salesforce):
 * Salesforce Cases, each with a CaseComment, synced to an empty Zendesk, at the desks' real limits:
 * Zendesk's account limit of Enterprise Plus (2,500 calls a minute, also the High Volume API add-on's; set
 * `ZENDESK_PER_MINUTE` for another plan) and its 10 incremental exports a minute; Salesforce's 100,000 calls a day
 * (no per-minute window). Both sandboxes enforce the same windows; the transports pace through one SQLite store.
 *
 * Figures: wall time against the rate-limit bound (Salesforce's pull at its window plus Zendesk's calls at its window,
 * as if the pull ended before the push began; a sync pushes what the last desk still pulling handed out while it
 * pulls), the calls per desk, the 429s the desks sent, the tickets and comments Zendesk holds, and the failures that
 * reached the sync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { hubSpotDefaultMappings, hubSpotProfile } from '../../lib/platforms/hubspot';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce';
import { zendeskDefaultMappings, zendeskProfile } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import { crmClient, startCrmSandbox } from '../engine/crmSandboxes';
import { figureLine, loadAverage } from './report';
import { startSandboxProcess } from './sandboxProcess';

const N = Number(process.env.TICKETS_BENCH_TICKETS ?? 10_000);
const ZENDESK_PER_MINUTE = Number(process.env.ZENDESK_PER_MINUTE ?? 2_500);
const MINUTE = 60_000;
const SEED_CHUNK = 1_000;

/** The least time `calls` take through a sliding window of `capacity` per `windowMs`: a window's worth at once, then one a window. */
function windowBoundMs(calls: number, capacity: number, windowMs = MINUTE): number {
	return Math.max(0, Math.ceil(calls / capacity) - 1) * windowMs;
}

/** Zendesk (each ticket with a comment after its description) to an empty HubSpot. */
async function zendeskToHubSpot(): Promise<void> {
	// TICKETS_BENCH_SANDBOXES=process: each desk's sandbox in a process of its own, so what the vendors do is not this
	// process's work. On a loaded machine that made the push slower (each of its ~300 sequential calls then waits for
	// the other process to be scheduled), so by default they share this process, as in the other benchmarks.
	const start = process.env.TICKETS_BENCH_SANDBOXES === 'process' ? startSandboxProcess : startCrmSandbox;
	const zendeskServer = await start('zendesk');
	const hubspotServer = await start('hubspot');
	const dir = mkdtempSync(join(tmpdir(), 'tickets-desks-bench-'));
	const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	try {
		const zendeskSent: string[] = [];
		const hubspotSent: string[] = [];
		// TICKETS_BENCH_LIFT=1: every limit lifted, to measure what the run costs besides waiting on the windows.
		const lift = process.env.TICKETS_BENCH_LIFT === '1';
		const zendeskLimits = lift ? { requestsPerMinute: 1e9, incrementalExportsPerMinute: 1e9 } : { requestsPerMinute: ZENDESK_PER_MINUTE };
		// When each export call and the first HubSpot call left, from the run's start: where the time went.
		const exportTimes: number[] = [];
		let firstPush: number | undefined;
		const zendesk = crmClient('zendesk', zendeskServer, store, zendeskProfile(zendeskLimits), (request) => {
			const path = new URL(request.url).pathname;
			zendeskSent.push(path);
			if (path.startsWith('/api/v2/incremental/')) exportTimes.push(Date.now());
		});
		const hubspot = crmClient('hubspot', hubspotServer, store, lift ? hubSpotProfile({ requestsPer10s: 1e9 }) : undefined, (request) => {
			const path = new URL(request.url).pathname;
			hubspotSent.push(path);
			if (/\/batch\/(create|upsert|update)$/.test(path)) firstPush ??= Date.now();
		});
		await zendesk.control.updateSettings({ incrementalDelayMs: 0 });
		await zendesk.control.setRateLimits(lift ? { enabled: false } : { windows: [{ name: 'account', limit: ZENDESK_PER_MINUTE }] });
		if (lift) await hubspot.control.setRateLimits({ enabled: false });
		for (let start = 0; start < N; start += SEED_CHUNK) {
			const count = Math.min(SEED_CHUNK, N - start);
			const seeded = await zendesk.control.seed({
				tickets: Array.from({ length: count }, (_, i) => ({ subject: `Ticket ${start + i}`, comment: { body: `Problem ${start + i}` }, status: 'open', priority: 'normal', requester: { email: `requester${start + i}@bench.example` } })),
			}) as { tickets: Array<{ id: number }> };
			await zendesk.control.seed({ comments: seeded.tickets.map((ticket, i) => ({ ticket_id: ticket.id, body: `Looking into ticket ${start + i}`, public: i % 2 === 0 })) });
		}
		await zendesk.control.clearRequests();
		await hubspot.control.clearRequests();
		zendeskSent.length = 0;
		hubspotSent.length = 0;
		exportTimes.length = 0;
		firstPush = undefined;

		const loadBefore = loadAverage();
		const started = Date.now();
		const result = await syncPlatforms({
			store, integration: 'bench', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: 'tickets-desks-bench-zendesk',
			platforms: [
				{ connector: zendesk.connector, mappings: zendeskDefaultMappings.tickets! },
				{ connector: hubspot.connector, mappings: hubSpotDefaultMappings.tickets },
			],
		});
		const wallMs = Date.now() - started;
		const exports = zendeskSent.filter((path) => path.startsWith('/api/v2/incremental/'));
		const eventPages = exports.filter((path) => path.includes('ticket_events')).length;
		const listed = zendeskSent.filter((path) => /\/tickets\/\d+\/comments/.test(path)).length;
		const pullBound = Math.max(windowBoundMs(exports.length, 10), windowBoundMs(zendeskSent.length, ZENDESK_PER_MINUTE));
		const pushBound = windowBoundMs(hubspotSent.length, 190, 10_000);
		const tickets = await hubspot.control.state<unknown[]>('tickets');
		const notes = await hubspot.control.state<unknown[]>('notes');
		const hubspotLog = await hubspot.control.requests();
		console.log(`tickets ${N}: HubSpot holds ${tickets.length} tickets and ${notes.length} notes; created ${result.platforms.hubspot.created}; failures ${result.failures.length}; pending ${result.pending}; load before ${loadBefore}`);
		console.log(`tickets ${N}: Zendesk calls ${zendeskSent.length} (exports ${exports.length}: ${exports.length - eventPages} ticket pages, ${eventPages} event pages; comments listed per ticket ${listed}), HubSpot calls ${hubspotSent.length} (429 among the last ${hubspotLog.length}: ${hubspotLog.filter((entry) => entry.status === 429).length})`);
		const seconds = (at: number | undefined) => (at === undefined ? '-' : ((at - started) / 1000).toFixed(1));
		const lastExport = exportTimes[exportTimes.length - 1];
		console.log(`tickets ${N}: export calls sent at ${exportTimes.map(seconds).join(', ')} s; first HubSpot write at ${seconds(firstPush)} s; done at ${seconds(started + wallMs)} s (${lastExport === undefined ? '-' : ((started + wallMs - lastExport) / 1000).toFixed(1)} s after the last export call)`);
		console.log(`tickets ${N}: bound = pull ${pullBound / 1000} s (exports at 10/min, every call at ${ZENDESK_PER_MINUTE}/min) + push ${pushBound / 1000} s (HubSpot at 190 per 10 s); comments listed one call per ticket would add ${N} calls to the pull (${windowBoundMs(N + zendeskSent.length, ZENDESK_PER_MINUTE) / 1000} s at ${ZENDESK_PER_MINUTE}/min)`);
		if (lift) console.log(`tickets ${N} Zendesk -> HubSpot initial sync, limits lifted: ${(wallMs / 1000).toFixed(1)} s | load ${loadAverage()}`);
		else {
			console.log(figureLine(`tickets ${N} Zendesk -> HubSpot initial sync, each with a comment`, wallMs / 1000, 's', (pullBound + pushBound) / 1000, 'rate-limit bound, pull then push'));
			// Pushed while the pull waits for its window, the run is bound by the pull alone (the last page's ~30 HubSpot calls fit one window).
			console.log(figureLine(`tickets ${N} Zendesk -> HubSpot initial sync, each with a comment`, wallMs / 1000, 's', pullBound / 1000, 'rate-limit bound of the pull alone'));
		}
	} finally {
		await closeAllStores();
		rmSync(dir, { recursive: true, force: true });
		await zendeskServer.close();
		await hubspotServer.close();
	}
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

void (process.argv[2] === 'zendesk' ? zendeskToHubSpot() : main());
