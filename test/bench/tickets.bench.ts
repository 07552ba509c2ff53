/**
 * Ticket sync benchmark (`npx tsx test/bench/tickets.bench.ts`; `TICKETS_BENCH_TICKETS` tickets, 1,000 by default):
 * an initial sync of tickets, each with a private note, from the Freshdesk sandbox to the Zendesk sandbox, both at
 * their real limits (Freshdesk Growth: 200 calls a minute for the account, 20 ticket list pages; Zendesk 400 a
 * minute, 10 exports), the transports paced through one SQLite store. Figures: wall time against two bounds the rate
 * windows allow: the slowest desk's calls alone, and the two desks one after the other (a sync run pulls every desk
 * before it pushes, so Freshdesk's reads and Zendesk's writes do not overlap); calls per desk, 429s the desks sent and
 * failures that reached the sync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { freshdeskDefaultMappings } from '../../lib/platforms/freshdesk';
import { zendeskDefaultMappings } from '../../lib/platforms/zendesk';
import { closeAllStores, openStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import { crmClient, startCrmSandbox } from '../engine/crmSandboxes';
import { figureLine } from './report';

const N = Number(process.env.TICKETS_BENCH_TICKETS ?? 1_000);
const MINUTE = 60_000;

/** The least time `calls` take through a sliding window of `capacity` a minute: a window's worth at once, then one a minute. */
function windowBoundMs(calls: number, capacity: number): number {
	return Math.max(0, Math.ceil(calls / capacity) - 1) * MINUTE;
}

async function main(): Promise<void> {
	const freshdeskServer = await startCrmSandbox('freshdesk');
	const zendeskServer = await startCrmSandbox('zendesk');
	const dir = mkdtempSync(join(tmpdir(), 'tickets-bench-'));
	const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	try {
		const freshdesk = crmClient('freshdesk', freshdeskServer, store);
		const zendesk = crmClient('zendesk', zendeskServer, store);
		await zendesk.control.updateSettings({ incrementalDelayMs: 0 });
		for (let start = 0; start < N; start += 500) {
			const count = Math.min(500, N - start);
			await freshdesk.control.seed({ tickets: Array.from({ length: count }, (_, i) => ({ email: `requester${start + i}@bench.example`, subject: `Ticket ${start + i}`, description: `Problem ${start + i}`, status: 2, priority: 2 })) });
		}
		// A note on each ticket, written with the limits lifted (the set-up is not what is measured).
		const auth = `Basic ${Buffer.from(`${freshdeskServer.credentials.apiKey}:X`).toString('base64')}`;
		await freshdesk.control.setRateLimits({ enabled: false });
		for (const ticket of await freshdesk.control.state<Array<{ id: number }>>('tickets')) {
			await fetch(`${freshdeskServer.baseUrl}/api/v2/tickets/${ticket.id}/notes`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ body: `Looking into ticket ${ticket.id}`, private: true }) });
		}
		await freshdesk.control.setRateLimits({ enabled: true });
		await freshdesk.control.clearRequests();

		const started = Date.now();
		const result = await syncPlatforms({
			store, integration: 'bench', entity: 'tickets', strategy: { kind: 'lastWriteWins' }, deletes: 'ignore', runId: 'tickets-bench',
			platforms: [
				{ connector: freshdesk.connector, mappings: freshdeskDefaultMappings.tickets! },
				{ connector: zendesk.connector, mappings: zendeskDefaultMappings.tickets! },
			],
		});
		const wallMs = Date.now() - started;
		const freshdeskCalls = await freshdesk.control.requests();
		const zendeskCalls = await zendesk.control.requests();
		const zendeskTickets = await zendesk.control.state<unknown[]>('tickets');
		const perDesk = [windowBoundMs(freshdeskCalls.length, 200), windowBoundMs(zendeskCalls.length, 400)];
		console.log(`tickets ${N}: Zendesk holds ${zendeskTickets.length}; created ${result.platforms.zendesk.created}; failures ${result.failures.length}; pending ${result.pending}`);
		console.log(`tickets ${N}: Freshdesk calls ${freshdeskCalls.length} (429: ${freshdeskCalls.filter((entry) => entry.status === 429).length}), Zendesk calls ${zendeskCalls.length} (429: ${zendeskCalls.filter((entry) => entry.status === 429).length})`);
		console.log(figureLine(`tickets ${N} Freshdesk -> Zendesk initial sync, each with a comment`, wallMs / 1000, 's', (perDesk[0] + perDesk[1]) / 1000, 'bound, pull then push'));
		console.log(figureLine(`tickets ${N} Freshdesk -> Zendesk initial sync, each with a comment`, wallMs / 1000, 's', Math.max(...perDesk) / 1000, 'bound, slowest desk alone'));
	} finally {
		await closeAllStores();
		rmSync(dir, { recursive: true, force: true });
		await freshdeskServer.close();
		await zendeskServer.close();
	}
}

void main();
