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
 * `npx tsx test/bench/queue.bench.ts`; QUEUE_EVENTS (200 per run), QUEUE_SENDERS (20 calls in flight),
 * QUEUE_PUSHES (30 executions of 1,000 contacts per run: 330 requests, more than one 10 s window allows).
 * Starts Redis, PostgreSQL, n8n main + webhook processor + workers (a few minutes).
 */
import { readFileSync } from 'node:fs';

import { readManifest } from '../harness/build';
import { startQueueN8n, type QueueCluster } from '../harness/n8nQueue';
import { withStateStore, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { figureLine, loadAverage } from './report';

const events = Number(process.env.QUEUE_EVENTS ?? 200);
const senders = Number(process.env.QUEUE_SENDERS ?? 20);
const pushes = Number(process.env.QUEUE_PUSHES ?? 30);
const HUBSPOT_PER_10S = 190;

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

function routingWorkflow(): WorkflowJson {
	return {
		name: 'Bench: queue routing',
		nodes: [
			{ parameters: { path: 'bench-events', httpMethod: 'POST', responseMode: 'onReceived' }, name: 'Events', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0] },
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

async function main(): Promise<void> {
	const hubspot = await startSandbox('hubspot');
	const cluster = await startQueueN8n({ workers: 1 });
	try {
		const { database, host, port, user, password } = cluster.stateStore;
		const stateStoreId = await cluster.main.createCredential('integrationStateStore', 'State Store (PostgreSQL)', { host, port, database, user, password, ssl: false, schema: 'public' });
		const workflow = withStateStore(routingWorkflow(), readManifest().name, { id: stateStoreId, name: 'State Store (PostgreSQL)' });
		const workflowId = await cluster.main.importWorkflow(workflow);
		await cluster.main.activate(workflowId);
		const hubspotId = await cluster.main.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl });
		const pushId = await cluster.main.importWorkflow(withStateStore(hubSpotPushWorkflow(), readManifest().name, { id: stateStoreId, name: 'State Store (PostgreSQL)' }), {
			credentials: { integrationHubSpotApi: hubspotId },
		});
		await cluster.main.activate(pushId);
		await run(cluster, workflowId, 'warm-up, 1 worker', 0);
		const one = await run(cluster, workflowId, '1 worker', events);
		await vendorLimitRun(cluster, hubspot, pushId, '1 worker', 0);
		await cluster.addWorker();
		const two = await run(cluster, workflowId, '2 workers', events * 2);
		await vendorLimitRun(cluster, hubspot, pushId, '2 workers', pushes);
		console.log(figureLine('queue mode, event routing executions, 2 workers vs 1', two.rate, 'executions/s', one.rate, '1 worker (goal 1.8×)'));
		// What binds: a worker busy less than a core's worth waits on its jobs in flight (concurrency 5) and their round trips.
		console.log(`one worker used ${one.workerCpuShare.toFixed(2)} CPU-s a second, two ${two.workerCpuShare.toFixed(2)}: ${one.workerCpuShare < 0.8 ? 'not the CPU but jobs in flight per worker (5) and their round trips bind' : 'the CPU binds'}; the machine has 2 cores for every process (load ${loadAverage()})`);
	} finally {
		await cluster.stop();
		await hubspot.close();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
