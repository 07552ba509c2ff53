/**
 * Event routing in n8n's queue mode with 1 worker, then 2 (issue 19): events posted one per webhook call to an Event
 * Router workflow (a node-output destination, route log and deduplication window on the Integration State Store's
 * PostgreSQL), the webhook processor queueing each execution for the workers. Throughput = executions finished per
 * second of wall time, from the first call to the last execution saved; the workers' CPU seconds beside it.
 *
 * Then, where a vendor limit binds: contacts pushed to the HubSpot sandbox (190 requests per rolling 10 s) by executions on
 * every worker at once, each execution 1,000 contacts in batches of 100: the most requests the sandbox saw in any 10 s,
 * against the limit, and the 429s it sent, with 1 worker and with 2 (the rate window is shared through the store).
 *
 * Mailchimp's limit is 10 connections: deliveries of 50 contacts each fanned out to the Mailchimp sandbox (each request
 * held open 200 ms), all at once: the most requests the sandbox had in flight at once, and its 429s. The three runs above
 * are made with 1 worker, 2, then 4.
 *
 * Last, with 4 workers: a burst of ten thousand webhook deliveries all at once to an Event Router workflow (through the
 * webhook processor); a delivery that gets no 200 is delivered again, as a vendor does. Each event must be routed once:
 * the route log (in the state store) holds one row per event id, and n8n saved one successful execution per delivery it
 * accepted.
 *
 * The cluster runs with n8n's database pool at QUEUE_DB_POOL (10) and its connection wait and database ping at
 * QUEUE_DB_CONNECT_TIMEOUT_MS / QUEUE_DB_PING_TIMEOUT_MS (120 s; 0 for no limit on the wait, the ping then 30 min);
 * QUEUE_BURST_WORKERS (4), QUEUE_CONCURRENCY (5), QUEUE_BURST_MINUTES (30: deliveries then stop, and the burst's figures
 * so far are printed), QUEUE_BURST_TIMEOUT_S (how long a delivery waits for its answer; 0, the default: as long as it
 * takes), QUEUE_BURST_MAXCONN (0; n: deliveries go through a load balancer passing n at a time to the webhook processor),
 * QUEUE_BURST_QUEUE_TIMEOUT_S (0; s: the balancer answers 503 to a request that waited longer in its queue).
 *
 * `npx tsx test/bench/queue.bench.ts`; QUEUE_EVENTS (200 per run), QUEUE_SENDERS (20 calls in flight),
 * QUEUE_PUSHES (30 executions of 1,000 contacts per run: 330 requests, more than one 10 s window allows),
 * QUEUE_MAILCHIMP (20 deliveries of 50 contacts per run), QUEUE_BURST (10,000 deliveries), QUEUE_PARTS
 * (`scaling,burst`: the 1/2/4-worker runs, the burst). Starts Redis, PostgreSQL, n8n main + webhook processor +
 * workers (a few minutes).
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { cpus } from 'node:os';

import { Client } from 'pg';

import { readManifest } from '../harness/build';
import { startQueueN8n, type QueueCluster } from '../harness/n8nQueue';
import { withStateStore, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { createCredentials, seedSandboxes } from '../../scripts/demo';
import { consentingContact, marketingFanOutWorkflow } from '../support/marketingFanOutWorkflow';
import { startLoadBalancer } from './loadBalancer';
import { figureLine, loadAverage } from './report';

const events = Number(process.env.QUEUE_EVENTS ?? 200);
const senders = Number(process.env.QUEUE_SENDERS ?? 20);
const pushes = Number(process.env.QUEUE_PUSHES ?? 30);
const mailchimpDeliveries = Number(process.env.QUEUE_MAILCHIMP ?? 20);
const burst = Number(process.env.QUEUE_BURST ?? 10_000);
const burstWorkers = Number(process.env.QUEUE_BURST_WORKERS ?? 4);
/** n8n's database pool per process (DB_POSTGRESDB_POOL_SIZE; n8n's default is 2). */
const dbPool = Number(process.env.QUEUE_DB_POOL ?? 10);
/** How long a webhook request waits for one of those connections (DB_POSTGRESDB_CONNECTION_TIMEOUT; n8n's default is 20 s). */
const dbConnectTimeoutMs = Number(process.env.QUEUE_DB_CONNECT_TIMEOUT_MS ?? 120_000);
/** n8n's database ping waits as long as a request may (30 min when requests wait without a limit, 0). */
const dbPingTimeoutMs = Number(process.env.QUEUE_DB_PING_TIMEOUT_MS ?? (dbConnectTimeoutMs || 1_800_000));
const concurrency = Number(process.env.QUEUE_CONCURRENCY ?? 5);
/** How long a burst may take; deliveries not answered 200 by then are counted unanswered. */
const BURST_DEADLINE_MS = Number(process.env.QUEUE_BURST_MINUTES ?? 30) * 60_000;
const BURST_DELIVERY_WINDOW_MS = BURST_DEADLINE_MS;
/** How long one delivery attempt waits for its answer before the sender delivers again (0: as long as it takes). */
/** A load balancer's limit on requests in flight to the webhook processor (HAProxy's maxconn); 0: deliveries go to it directly. */
const burstMaxConn = Number(process.env.QUEUE_BURST_MAXCONN ?? 0);
/** How long a request may wait in the load balancer's queue before it is answered 503 (HAProxy's timeout queue; 0: no limit). */
const burstQueueTimeoutMs = Number(process.env.QUEUE_BURST_QUEUE_TIMEOUT_S ?? 0) * 1000;
const burstAttemptTimeoutMs = Number(process.env.QUEUE_BURST_TIMEOUT_S ?? 0) * 1000;
const parts = new Set((process.env.QUEUE_PARTS ?? 'scaling,burst').split(','));
const HUBSPOT_PER_10S = 190;
const MAILCHIMP_CONNECTIONS = 10;
const STATE_STORE = 'State Store (PostgreSQL)';

function hubSpotPushWorkflow(): WorkflowJson {
	return {
		name: 'Bench: queue HubSpot push',
		nodes: [
			{ parameters: { path: 'bench-contacts', httpMethod: 'POST', responseMode: 'onReceived' }, name: 'Contacts', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0] },
			{ parameters: { fieldToSplitOut: 'body.contacts', options: {} }, name: 'One Item per Contact', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0] },
			{
				parameters: { operation: 'push', platform: 'hubspot', entity: 'contacts', integration: 'bench', recordIdField: 'id', mappingMode: 'defaults' },
				name: 'Push to HubSpot',
				credentials: { integrationHubSpotApi: { id: '', name: 'HubSpot' } },
				type: `${readManifest().name}.crmSync`,
				typeVersion: 1,
				position: [400, 0],
			},
		],
		connections: {
			Contacts: { main: [[{ node: 'One Item per Contact', type: 'main', index: 0 }]] },
			'One Item per Contact': { main: [[{ node: 'Push to HubSpot', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	} as unknown as WorkflowJson;
}

/** The most requests that arrived within any 10 s. */
function busiestTenSeconds(arrivals: number[]): number {
	const sorted = [...arrivals].sort((a, b) => a - b);
	let most = 0;
	let first = 0;
	for (let last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= 10_000) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

function routingWorkflow(webhookPath = 'bench-events'): WorkflowJson {
	return {
		name: `Bench: queue routing (${webhookPath})`,
		nodes: [
			{ parameters: { path: webhookPath, httpMethod: 'POST', responseMode: 'onReceived' }, name: 'Events', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0] },
			{
				name: 'Route',
				type: `${readManifest().name}.eventRouter`,
				typeVersion: 1,
				position: [200, 0],
				parameters: {
					operation: 'route',
					rulesMode: 'json',
					rulesJson: JSON.stringify([{ id: 'all', eventTypes: ['*'], destinations: ['stream'] }]),
					destinations: JSON.stringify([{ id: 'stream', kind: 'output', output: 'stream' }]),
					nodeOutputs: 'stream',
				},
			},
		],
		connections: { Events: { main: [[{ node: 'Route', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	} as unknown as WorkflowJson;
}

/** CPU seconds (user + system) a process and its threads have used, from /proc. */
function cpuSeconds(pid: number | undefined): number {
	if (pid === undefined) return 0;
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function finishedCount(cluster: QueueCluster, workflowId: string): Promise<number> {
	let count = 0;
	let cursor: string | undefined;
	do {
		const page = await cluster.main.api<{ data: Array<{ status: string }>; nextCursor?: string | null }>(
			'GET',
			`/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		count += page.data.filter((execution) => execution.status === 'success' || execution.status === 'error').length;
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return count;
}

interface RunFigures {
	rate: number;
	/** Workers' CPU seconds per wall second: below 1 per worker, the CPU is not what binds. */
	workerCpuShare: number;
}

async function run(cluster: QueueCluster, workflowId: string, label: string, alreadyFinished: number): Promise<RunFigures> {
	const workerCpu = () => cluster.workers.reduce((sum, worker) => sum + cpuSeconds(worker.process.child.pid), 0);
	const cpuBefore = workerCpu();
	const started = Date.now();
	let next = 0;
	const send = async () => {
		while (next < events) {
			const index = next++;
			const response = await cluster.callWebhook('bench-events', { body: { id: `${label}-${index}`, type: 'order.placed', source: 'shop', data: { n: index } } });
			if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${JSON.stringify(response.body)}`);
		}
	};
	await Promise.all(Array.from({ length: senders }, send));
	const deadline = Date.now() + 600_000;
	while ((await finishedCount(cluster, workflowId)) < alreadyFinished + events) {
		if (Date.now() > deadline) throw new Error(`${label}: not all ${events} executions finished within 10 minutes`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	const seconds = (Date.now() - started) / 1000;
	const rate = events / seconds;
	const cpu = workerCpu() - cpuBefore;
	console.log(`${label}: ${events} executions in ${seconds.toFixed(1)} s = ${rate.toFixed(1)}/s; workers' CPU ${cpu.toFixed(1)} s (${((cpu / events) * 1000).toFixed(0)} ms an execution); load ${loadAverage()}`);
	return { rate, workerCpuShare: cpu / seconds };
}

/** Pushes `pushes` executions of 1,000 new contacts each at once and reads what the HubSpot sandbox saw. */
async function vendorLimitRun(cluster: QueueCluster, hubspot: RunningSandbox, workflowId: string, label: string, alreadyFinished: number): Promise<void> {
	const control = new SandboxControl(hubspot.baseUrl);
	await control.clearRequests();
	await Promise.all(
		Array.from({ length: pushes }, async (_, push) => {
			const contacts = Array.from({ length: 1_000 }, (_, index) => ({ id: `${label}-${push}-${index}`, email: `${label.replace(/\W/g, '')}-${push}-${index}@bench.example`, firstName: 'Bench' }));
			const response = await cluster.callWebhook('bench-contacts', { body: { contacts } });
			if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
		}),
	);
	const deadline = Date.now() + 900_000;
	while ((await finishedCount(cluster, workflowId)) < alreadyFinished + pushes) {
		if (Date.now() > deadline) throw new Error(`${label}: not all pushes finished within 15 minutes`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	const failed = await cluster.main.api<{ data: unknown[] }>('GET', `/executions?workflowId=${workflowId}&status=error&limit=250`);
	const log = await control.requests();
	const refused = log.filter((entry) => entry.status === 429).length;
	const busiest = busiestTenSeconds(log.map((entry) => Date.parse(entry.at)));
	console.log(`${label}: ${pushes} × 1,000 contacts, ${log.length} requests at the sandbox, ${refused} answered 429, ${failed.data.length} failed executions; load ${loadAverage()}`);
	console.log(figureLine(`queue mode, HubSpot requests in the busiest 10 s, ${label}`, busiest, 'requests', HUBSPOT_PER_10S, 'HubSpot limit'));
}

/** Deliveries of 50 new contacts each, all at once, fanned out to Mailchimp (each request held 200 ms): its peak connections. */
async function mailchimpRun(cluster: QueueCluster, mailchimp: RunningSandbox, workflowId: string, label: string, alreadyFinished: number): Promise<void> {
	const control = new SandboxControl(mailchimp.baseUrl);
	await control.reset();
	await seedSandboxes([mailchimp]);
	await control.updateSettings({ responseDelayMs: 200 });
	const tag = label.replace(/\W/g, '');
	await Promise.all(
		Array.from({ length: mailchimpDeliveries }, async (_, delivery) => {
			const contacts = Array.from({ length: 50 }, (_, index) => consentingContact(`mc-${tag}-${delivery}-${index}`));
			const response = await cluster.callWebhook('bench-mailchimp', { body: { contacts } });
			if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
		}),
	);
	const deadline = Date.now() + 900_000;
	while ((await finishedCount(cluster, workflowId)) < alreadyFinished + mailchimpDeliveries) {
		if (Date.now() > deadline) throw new Error(`${label}: not all Mailchimp deliveries finished within 15 minutes`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	const failed = await cluster.main.api<{ data: unknown[] }>('GET', `/executions?workflowId=${workflowId}&status=error&limit=250`);
	const log = await control.requests();
	const { peak, refused } = await control.state<{ peak: number; refused: number }>('connections');
	const members = (await control.state<Array<{ email_address: string }>>('members')).filter((member) => member.email_address.startsWith(`mc-${tag}-`)).length;
	console.log(`${label}: ${mailchimpDeliveries} × 50 contacts, ${log.length} requests at Mailchimp, ${log.filter((entry) => entry.status === 429).length} answered 429 (${refused} refused for the connections in flight), ${members} members subscribed, ${failed.data.length} failed executions; load ${loadAverage()}`);
	console.log(figureLine(`queue mode, Mailchimp connections at once, ${label}`, peak, 'connections', MAILCHIMP_CONNECTIONS, 'Mailchimp limit'));
}

/** Routing at 1, 2 and 4 workers; where HubSpot's and Mailchimp's limits bind, at each. */
async function scaling(cluster: QueueCluster, stateStoreId: string): Promise<void> {
	const hubspot = await startSandbox('hubspot');
	const mailchimp = await startSandbox('mailchimp');
	try {
		const onStore = (workflow: WorkflowJson) => withStateStore(workflow, readManifest().name, { id: stateStoreId, name: STATE_STORE });
		const workflowId = await cluster.main.importWorkflow(onStore(routingWorkflow()));
		await cluster.main.activate(workflowId);
		const hubspotId = await cluster.main.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl });
		const pushId = await cluster.main.importWorkflow(onStore(hubSpotPushWorkflow()), { credentials: { integrationHubSpotApi: hubspotId } });
		await cluster.main.activate(pushId);
		const mailchimpId = await cluster.main.importWorkflow(onStore(marketingFanOutWorkflow('bench-mailchimp', ['mailchimp'])), { credentials: await createCredentials(cluster.main, [mailchimp]) });
		await cluster.main.activate(mailchimpId);
		await run(cluster, workflowId, 'warm-up, 1 worker', 0);
		const rates: Record<number, RunFigures> = {};
		let round = 0;
		for (const workers of [1, 2, 4]) {
			while (cluster.workers.length < workers) await cluster.addWorker();
			const label = `${workers} worker${workers > 1 ? 's' : ''}`;
			rates[workers] = await run(cluster, workflowId, label, events * (round + 1));
			await vendorLimitRun(cluster, hubspot, pushId, label, pushes * round);
			await mailchimpRun(cluster, mailchimp, mailchimpId, label, mailchimpDeliveries * round);
			round++;
		}
		console.log(figureLine('queue mode, event routing executions, 2 workers vs 1', rates[2].rate, 'executions/s', rates[1].rate, '1 worker (goal 1.8×)'));
		console.log(figureLine('queue mode, event routing executions, 4 workers vs 1', rates[4].rate, 'executions/s', rates[1].rate, '1 worker'));
		// What binds: a worker busy less than a core's worth waits on its jobs in flight (concurrency 5) and their round trips.
		console.log(
			`workers' CPU-s a second: 1 worker ${rates[1].workerCpuShare.toFixed(2)}, 2 ${rates[2].workerCpuShare.toFixed(2)}, 4 ${rates[4].workerCpuShare.toFixed(2)}; the machine has 2 cores for every process (load ${loadAverage()})`,
		);
	} finally {
		await hubspot.close();
		await mailchimp.close();
	}
}

/** Rows of the route log for the burst's events: how many, for how many distinct events, and events routed more than once. */
async function burstRouteLog(cluster: QueueCluster): Promise<{ rows: number; events: number; routedTwice: number; duplicatesSeen: number }> {
	const rows = await query<{ rows: string; events: string; routed_twice: string; duplicates: string }>(
		cluster.stateStore,
		`SELECT COUNT(*) FILTER (WHERE status <> 'duplicate') AS rows, COUNT(DISTINCT event_id) AS events,
		 (SELECT COUNT(*) FROM (SELECT event_id FROM routing_log WHERE event_id LIKE 'burst-%' AND status <> 'duplicate' GROUP BY event_id HAVING COUNT(*) > 1) twice) AS routed_twice,
		 COUNT(*) FILTER (WHERE status = 'duplicate') AS duplicates
		 FROM routing_log WHERE event_id LIKE 'burst-%'`,
	);
	return { rows: Number(rows[0].rows), events: Number(rows[0].events), routedTwice: Number(rows[0].routed_twice), duplicatesSeen: Number(rows[0].duplicates) };
}

async function query<T extends object>(database: QueueCluster['stateStore'], sql: string, values: unknown[] = []): Promise<T[]> {
	const client = new Client({ ...database });
	await client.connect();
	try {
		return (await client.query<T>(sql, values)).rows;
	} finally {
		await client.end();
	}
}

/** The workflow's executions in n8n's own database by status (new, running, success, error, crashed…): the API would page 10,000 of them. */
async function executionsByStatus(cluster: QueueCluster, workflowId: string): Promise<Record<string, number>> {
	const rows = await query<{ status: string; count: string }>(cluster.n8nDatabase, 'SELECT status, COUNT(*) AS count FROM execution_entity WHERE "workflowId" = $1 GROUP BY status', [workflowId]);
	return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

const STILL_TO_RUN = ['new', 'running', 'waiting', 'unknown'];

/**
 * One delivery attempt over plain HTTP: the answer's status, or why none came (`timeout` after `timeoutMs`, 0 waiting
 * for the answer however long it takes; else the socket error's code). Not `fetch`: its client gives up on an answer
 * after 300 s of its own, which made the sender deliver again in the 5,000 run.
 */
function deliverOnce(url: string, body: unknown, timeoutMs: number): Promise<string> {
	const payload = JSON.stringify(body);
	return new Promise((resolve) => {
		const request = httpRequest(url, { method: 'POST', agent: burstAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (response) => {
			response.resume();
			response.on('end', () => resolve(String(response.statusCode)));
			response.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
		});
		if (timeoutMs > 0) request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
		request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
		request.end(payload);
	});
}

/** One connection per delivery in flight, as ten thousand vendors' deliveries arrive. */
const burstAgent = new HttpAgent({ keepAlive: false, maxSockets: Infinity });

/**
 * Every delivery of the burst sent at once, each delivered again (backoff up to 10 s) until answered 200, as a vendor
 * does; an attempt waits QUEUE_BURST_TIMEOUT_S for its answer (0: as long as it takes). Prints the answers so far every
 * minute; resolves with how the deliveries were answered.
 */
async function deliverBurst(baseUrl: string): Promise<{ firstTry: number; redelivered: number; refusedAttempts: number; unanswered: number; refusals: Record<string, number> }> {
	const answers = { firstTry: 0, redelivered: 0, refusedAttempts: 0, unanswered: 0, refusals: {} as Record<string, number> };
	const started = Date.now();
	const giveUpAt = started + BURST_DELIVERY_WINDOW_MS;
	const url = `${baseUrl}/webhook/bench-burst`;
	const progress = setInterval(
		() => console.log(`burst: after ${((Date.now() - started) / 1000).toFixed(0)} s, ${answers.firstTry + answers.redelivered} deliveries answered 200, ${answers.refusedAttempts} attempts refused ${JSON.stringify(answers.refusals)}; load ${loadAverage()}`),
		60_000,
	);
	try {
		await Promise.all(
			Array.from({ length: burst }, async (_, index) => {
				for (let attempt = 1; ; attempt++) {
					const status = await deliverOnce(url, { id: `burst-${index}`, type: 'order.placed', source: 'shop', data: { n: index } }, burstAttemptTimeoutMs);
					if (status === '200') {
						if (attempt === 1) answers.firstTry++;
						else answers.redelivered++;
						return;
					}
					answers.refusedAttempts++;
					answers.refusals[status] = (answers.refusals[status] ?? 0) + 1;
					if (Date.now() > giveUpAt) {
						answers.unanswered++;
						return;
					}
					await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * attempt) * (0.5 + Math.random())));
				}
			}),
		);
	} finally {
		clearInterval(progress);
	}
	return answers;
}

/**
 * A burst of deliveries at once through the webhook processor to an Event Router workflow, with n8n's database pool at
 * QUEUE_DB_POOL: how they were answered, then, once n8n has nothing left to run, how many events were routed once,
 * twice or never, and where the CPU went.
 */
async function burstRun(cluster: QueueCluster, stateStoreId: string): Promise<void> {
	while (cluster.workers.length < burstWorkers) await cluster.addWorker();
	const workflowId = await cluster.main.importWorkflow(withStateStore(routingWorkflow('bench-burst'), readManifest().name, { id: stateStoreId, name: STATE_STORE }));
	await cluster.main.activate(workflowId);
	const startedBefore = Object.fromEntries(Object.entries(cluster.executionsByWorker()).map(([name, ids]) => [name, ids.length]));
	const processes = { main: cluster.main.pid, webhook: cluster.webhookProcessor?.process.child.pid, ...Object.fromEntries(cluster.workers.map((worker) => [worker.name, worker.process.child.pid])) };
	const cpuBefore = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)]));
	console.log(`burst: ${burst} deliveries at once, ${cluster.workers.length} workers at concurrency ${concurrency}, DB_POSTGRESDB_POOL_SIZE ${dbPool}, DB_POSTGRESDB_CONNECTION_TIMEOUT ${dbConnectTimeoutMs} ms, DB_PING_TIMEOUT_MS ${dbPingTimeoutMs}; load ${loadAverage()}`);
	const balancer = burstMaxConn > 0 ? await startLoadBalancer(cluster.webhookBaseUrl, burstMaxConn, burstQueueTimeoutMs) : undefined;
	if (balancer) console.log(`burst: delivered through a load balancer passing at most ${burstMaxConn} requests at a time to the webhook processor`);
	const started = Date.now();
	const answers = await deliverBurst(balancer?.url ?? cluster.webhookBaseUrl).finally(() => balancer?.close());
	if (balancer) console.log(`burst: the load balancer had at most ${balancer.peakInFlight()} requests at the webhook processor at once, dropped ${balancer.abandoned()} from its queue whose sender had given up and answered ${balancer.refusedAfterQueueTimeout()} with 503 after ${burstQueueTimeoutMs / 1000} s in its queue`);
	const acceptedSeconds = (Date.now() - started) / 1000;
	console.log(
		`burst: ${burst - answers.unanswered} of ${burst} deliveries answered 200 within ${acceptedSeconds.toFixed(1)} s (${answers.firstTry} at the first try, ${answers.redelivered} after redeliveries; ${answers.refusedAttempts} attempts refused or dropped: ${JSON.stringify(answers.refusals)}); load ${loadAverage()}`,
	);
	// Done when every event is routed, or when n8n has nothing left to run and nothing has moved for a minute.
	let log = await burstRouteLog(cluster);
	let statuses = await executionsByStatus(cluster, workflowId);
	let lastChange = Date.now();
	let lastProgress = Date.now();
	for (;;) {
		const pending = STILL_TO_RUN.reduce((sum, status) => sum + (statuses[status] ?? 0), 0);
		if (log.events >= burst && pending === 0) break;
		if (pending === 0 && Date.now() - lastChange > 60_000) break;
		if (Date.now() - started > BURST_DEADLINE_MS) {
			console.log(`burst: stopped after ${BURST_DEADLINE_MS / 60_000} minutes`);
			break;
		}
		await new Promise((resolve) => setTimeout(resolve, 5_000));
		const [nextLog, nextStatuses] = await Promise.all([burstRouteLog(cluster), executionsByStatus(cluster, workflowId)]);
		if (nextLog.rows + nextLog.duplicatesSeen !== log.rows + log.duplicatesSeen || JSON.stringify(nextStatuses) !== JSON.stringify(statuses)) lastChange = Date.now();
		log = nextLog;
		statuses = nextStatuses;
		if (Date.now() - lastProgress >= 60_000) {
			lastProgress = Date.now();
			console.log(`burst: after ${((Date.now() - started) / 1000).toFixed(0)} s, ${log.events} events routed, executions ${JSON.stringify(statuses)}; load ${loadAverage()}`);
		}
	}
	const seconds = (Date.now() - started) / 1000;
	const byWorker = Object.fromEntries(Object.entries(cluster.executionsByWorker()).map(([name, ids]) => [name, ids.length - (startedBefore[name] ?? 0)]));
	const cpu = Object.entries(processes).map(([name, pid]) => `${name} ${(cpuSeconds(pid) - cpuBefore[name]).toFixed(0)}`);
	console.log(
		`burst: ${log.events} of ${burst} events routed in ${seconds.toFixed(1)} s (${(log.events / seconds).toFixed(1)}/s), ${log.rows} route-log rows, ${log.routedTwice} events routed twice, ${burst - log.events} never routed, ${log.duplicatesSeen} redeliveries caught as duplicates; n8n's executions by status ${JSON.stringify(statuses)}; executions per worker ${JSON.stringify(byWorker)}; CPU seconds ${cpu.join(', ')} over ${seconds.toFixed(0)} s on ${cpus().length} cores; load ${loadAverage()}`,
	);
	console.log(figureLine('queue mode, burst events routed once', log.events - log.routedTwice, 'events', burst, 'deliveries'));
}

/**
 * n8n's database settings for the run. Under a burst every connection of the pool is taken and requests queue for one;
 * n8n's connection monitor pings through the same pool (every 2 s, 5 s to answer) and after 3 unanswered pings tears the
 * pool down and reconnects, failing every request in flight ("Driver not Connected"): so the ping waits as long as a
 * request may (QUEUE_DB_PING_TIMEOUT_MS, default the connection wait). No pruning: n8n keeps 10,000 executions by default
 * and would delete the burst's first ones while it runs.
 */
function burstDatabaseEnv(): Record<string, string> {
	return {
		DB_POSTGRESDB_POOL_SIZE: String(dbPool),
		DB_POSTGRESDB_CONNECTION_TIMEOUT: String(dbConnectTimeoutMs),
		DB_PING_TIMEOUT_MS: String(dbPingTimeoutMs),
		EXECUTIONS_DATA_PRUNE: 'false',
	};
}

async function main(): Promise<void> {
	const cluster = await startQueueN8n({ workers: 1, concurrency, env: burstDatabaseEnv() });
	// Ctrl-C stops the cluster (Redis, PostgreSQL and every n8n process) rather than leaving it running.
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cluster.stop().finally(() => process.exit(130)));
	try {
		const { database, host, port, user, password } = cluster.stateStore;
		const stateStoreId = await cluster.main.createCredential('integrationStateStore', STATE_STORE, { host, port, database, user, password, ssl: false, schema: 'public' });
		if (parts.has('scaling')) await scaling(cluster, stateStoreId);
		if (parts.has('burst')) await burstRun(cluster, stateStoreId);
	} finally {
		await cluster.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
