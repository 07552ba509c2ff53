/**
 * The Event Router inside a real n8n against n8n's own Switch node (v3.4), under both of n8n's expression engines
 * (`vm`, the server's default, and `legacy`): the same 20 rules and events, both nodes' outputs compared count by count,
 * each node's own execution time as n8n records it (`runData[node].executionTime`). The Event Router keeps its route
 * log and its deduplication window in the store (SQLite, the default).
 *
 * `npx tsx test/bench/routing-n8n.bench.ts`; ROUTER_EVENTS (20,000), SWITCH_EVENTS_VM (200) and SWITCH_EVENTS_LEGACY
 * (1,000) (the Switch node evaluates expressions per rule and event: its rate is measured on fewer events), ROUNDS (3, interleaved),
 * ENGINES (`vm,legacy`), N8N_CPU_PROF=<folder> to write n8n's CPU profiles there (`node --cpu-prof`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { packPackage, startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { figureLine, loadAverage, median } from './report';

const routerEvents = Number(process.env.ROUTER_EVENTS ?? 20_000);
/** Switch evaluates two expressions per rule and event: its rate is measured on fewer events (far fewer under `vm`). */
const switchEventsFor = (engine: string) => Number(process.env[`SWITCH_EVENTS_${engine.toUpperCase()}`] ?? (engine === 'legacy' ? 1_000 : 200));
const rounds = Number(process.env.ROUNDS ?? 3);
const engines = (process.env.ENGINES ?? 'vm,legacy').split(',');
const goalEventsPerSecond = 100_000;

const sources = ['crm', 'support', 'billing', 'ecommerce', 'marketing'];
const entities = ['customer', 'order', 'invoice', 'ticket', 'subscription'];
const actions = ['created', 'updated', 'deleted', 'cancelled'];

/** Twenty rules, each with its own output: exact types, prefix and suffix wildcards, source lists. */
interface BenchRule {
	id: string;
	sources: string[];
	type: { equals: string } | { startsWith: string } | { endsWith: string };
}

const rules: BenchRule[] = Array.from({ length: 20 }, (_, index) => {
	const entity = entities[index % entities.length];
	const action = actions[index % actions.length];
	const shape = index % 4;
	const ruleSources = index % 3 === 0 ? [] : [sources[index % sources.length], sources[(index + 2) % sources.length]];
	const type = shape === 1 ? { startsWith: `${entity}.` } : shape === 2 ? { endsWith: `.${action}` } : { equals: `${entity}.${action}` };
	return { id: `rule-${index}`, sources: ruleSources, type };
});

const outputName = (rule: BenchRule) => `out${rule.id.slice('rule-'.length)}`;

function routerPattern(rule: BenchRule): string {
	if ('equals' in rule.type) return rule.type.equals;
	if ('startsWith' in rule.type) return `${rule.type.startsWith}*`;
	return `*${rule.type.endsWith}`;
}

/** A Code node making `count` events with ids unique to the execution (so the deduplication window passes them). */
function generateEvents(count: number): string {
	return `const sources = ${JSON.stringify(sources)};
const entities = ${JSON.stringify(entities)};
const actions = ${JSON.stringify(actions)};
return Array.from({ length: ${count} }, (_, i) => ({ json: { id: 'b-' + $execution.id + '-' + i, type: entities[i % 5] + '.' + actions[Math.floor(i / 5) % 4], source: sources[Math.floor(i / 20) % 5], data: { n: i, email: 'u' + i + '@example.com' } } }));`;
}

function workflow(name: string, count: number, splitter: Record<string, unknown>) {
	return {
		name,
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{ parameters: { jsCode: generateEvents(count) }, name: 'Generate Events', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0] },
			{ name: 'Split', position: [400, 0], ...splitter },
		],
		connections: {
			Start: { main: [[{ node: 'Generate Events', type: 'main', index: 0 }]] },
			'Generate Events': { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function routerWorkflow(count: number) {
	return workflow('Bench: Event Router', count, {
		type: 'n8n-nodes-integration-automation.eventRouter',
		typeVersion: 1,
		parameters: {
			operation: 'route',
			rulesMode: 'json',
			rulesJson: JSON.stringify(rules.map((rule) => ({ id: rule.id, sources: rule.sources, eventTypes: [routerPattern(rule)], destinations: [outputName(rule)] }))),
			destinations: JSON.stringify(rules.map((rule) => ({ id: outputName(rule), kind: 'output', output: outputName(rule) }))),
			nodeOutputs: rules.map(outputName).join(', '),
		},
	});
}

function switchCondition(rule: BenchRule) {
	const [operation, value] = Object.entries(rule.type)[0];
	const conditions: object[] = [{ leftValue: '={{ $json.type }}', rightValue: value, operator: { type: 'string', operation } }];
	if (rule.sources.length > 0) {
		conditions.push({ leftValue: `={{ ${JSON.stringify(rule.sources)}.includes($json.source) }}`, rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } });
	}
	return {
		conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 3 }, conditions, combinator: 'and' },
		renameOutput: true,
		outputKey: outputName(rule),
	};
}

function switchWorkflow(count: number) {
	return workflow('Bench: Switch', count, {
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.4,
		parameters: { rules: { values: rules.map(switchCondition) }, options: { fallbackOutput: 'extra', allMatchingOutputs: true } },
	});
}

interface Timed {
	nodeMs: number;
	/** CPU seconds the n8n process used while the node ran (undefined when it could not be read). */
	nodeCpuSeconds?: number;
	/** Items per output of the Split node, by output name (rule outputs, then `unmatched`). */
	counts: Record<string, number>;
}

/** n8n busy with a large run may drop a connection; the run goes on, so ask again. */
async function pollAgainIfDropped<T>(request: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await request();
		} catch (error) {
			if (!/fetch failed/.test(String(error)) || attempt >= 10) throw error;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
}

/** CPU seconds (user + system, all threads) the process has used so far, from /proc. */
function processCpuSeconds(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 a second on Linux)
}

/**
 * Samples the n8n process's CPU time every 20 ms while `work` runs, so the CPU time spent in a window (the node's run,
 * from n8n's run data) can be read off afterwards: on a shared machine a node's wall time says more about the others.
 */
async function withCpuSamples<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ result: T; cpuBetween(fromMs: number, toMs: number): number | undefined }> {
	const samples: Array<[number, number]> = [];
	const sample = () => pid !== undefined && samples.push([Date.now(), processCpuSeconds(pid)]);
	sample();
	const timer = setInterval(sample, 20);
	try {
		const result = await work();
		return {
			result,
			cpuBetween(fromMs, toMs) {
				const at = (ms: number) => {
					const after = samples.findIndex(([time]) => time >= ms);
					if (after <= 0) return undefined;
					const [t0, c0] = samples[after - 1];
					const [t1, c1] = samples[after];
					return c0 + ((c1 - c0) * (ms - t0)) / Math.max(t1 - t0, 1);
				};
				const [from, to] = [at(fromMs), at(toMs)];
				return from === undefined || to === undefined ? undefined : to - from;
			},
		};
	} finally {
		clearInterval(timer);
	}
}

async function timedRun(n8n: N8nServer, workflowId: string): Promise<Timed & { execution: ExecutionSummary }> {
	const { result: execution, cpuBetween } = await withCpuSamples(n8n.pid, () => n8n.runManual(workflowId, undefined, 900_000));
	if (execution.status !== 'success') throw new Error(`execution ${execution.id} ended ${execution.status}: ${JSON.stringify(execution.error)}`);
	const raw = await pollAgainIfDropped(() =>
		n8n.api<{ data: { resultData: { runData: Record<string, Array<{ startTime: number; executionTime: number }>> } } }>('GET', `/executions/${execution.id}?includeData=true&ignoreDataSizeLimit=true`),
	);
	const { startTime, executionTime } = raw.data.resultData.runData.Split[0];
	return { nodeMs: executionTime, nodeCpuSeconds: cpuBetween(startTime, startTime + executionTime), counts: {}, execution };
}

async function routerRun(n8n: N8nServer, workflowId: string): Promise<Timed> {
	const { nodeMs, nodeCpuSeconds, execution } = await timedRun(n8n, workflowId);
	const [delivered, failed, unmatched, ...branches] = execution.outputs.Split;
	if (failed.length > 0) throw new Error(`Event Router failed ${failed.length} events: ${JSON.stringify(failed[0].json)}`);
	const counts: Record<string, number> = Object.fromEntries(rules.map((rule, index) => [outputName(rule), branches[index].length]));
	return { nodeMs, nodeCpuSeconds, counts: { ...counts, unmatched: unmatched.length, summaries: delivered.length } };
}

async function switchRun(n8n: N8nServer, workflowId: string): Promise<Timed> {
	const { nodeMs, nodeCpuSeconds, execution } = await timedRun(n8n, workflowId);
	const outputs = execution.outputs.Split;
	const counts: Record<string, number> = Object.fromEntries(rules.map((rule, index) => [outputName(rule), outputs[index]?.length ?? 0]));
	return { nodeMs, nodeCpuSeconds, counts: { ...counts, unmatched: outputs[rules.length]?.length ?? 0 } };
}

/** Both nodes must split the same events alike: checked on the Switch's event count, scaled where the runs differ. */
function checkSameSplit(router: Timed, switched: Timed, switchEvents: number): void {
	const scale = routerEvents / switchEvents;
	for (const [name, count] of Object.entries(switched.counts)) {
		const expected = count * scale;
		if (Math.abs(router.counts[name] - expected) > scale * 2) throw new Error(`output ${name}: Event Router ${router.counts[name]}, Switch ${count} of ${switchEvents}`);
	}
}

async function benchEngine(engine: string, packageTarball: string): Promise<void> {
	const profileDir = process.env.N8N_CPU_PROF ? path.resolve(process.env.N8N_CPU_PROF, engine) : undefined;
	if (profileDir) mkdirSync(profileDir, { recursive: true });
	const n8n = await startN8n({
		packageTarball,
		env: { N8N_EXPRESSION_ENGINE: engine, ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}) },
	});
	const switchEvents = switchEventsFor(engine);
	try {
		const routerId = await n8n.importWorkflow(routerWorkflow(routerEvents));
		const switchId = await n8n.importWorkflow(switchWorkflow(switchEvents));
		await routerRun(n8n, routerId); // warm-up: the store opens and migrates, the code is compiled
		const routerMs: number[] = [];
		const switchMs: number[] = [];
		const routerCpu: number[] = [];
		const switchCpu: number[] = [];
		let router: Timed | undefined;
		let switched: Timed | undefined;
		for (let round = 0; round < rounds; round++) {
			router = await routerRun(n8n, routerId);
			routerMs.push(router.nodeMs);
			if (router.nodeCpuSeconds !== undefined) routerCpu.push(router.nodeCpuSeconds);
			switched = await switchRun(n8n, switchId);
			switchMs.push(switched.nodeMs);
			if (switched.nodeCpuSeconds !== undefined) switchCpu.push(switched.nodeCpuSeconds);
			const cpu = (timed: Timed) => (timed.nodeCpuSeconds === undefined ? '' : ` (${timed.nodeCpuSeconds.toFixed(2)} CPU-s)`);
			console.log(`  round ${round + 1} (${engine}): Event Router ${router.nodeMs} ms${cpu(router)} for ${routerEvents}, Switch ${switched.nodeMs} ms${cpu(switched)} for ${switchEvents}; load ${loadAverage()}`);
		}
		checkSameSplit(router!, switched!, switchEvents);
		const routerRate = routerEvents / (median(routerMs) / 1000);
		const switchRate = switchEvents / (median(switchMs) / 1000);
		const matched = Object.entries(router!.counts).filter(([name]) => name.startsWith('out')).reduce((sum, [, count]) => sum + count, 0);
		console.log(`engine ${engine}: ${rules.length} rules; Event Router ${routerEvents} events (${matched} hand-offs, ${router!.counts.unmatched} unmatched, ${router!.counts.summaries} summaries), node times ${routerMs.join(', ')} ms; Switch ${switchEvents} events, node times ${switchMs.join(', ')} ms`);
		console.log(figureLine(`Event Router in n8n (${engine} engine)`, routerRate, 'events/s', goalEventsPerSecond, 'goal'));
		console.log(figureLine(`  vs Switch v3.4 (${engine} engine)`, routerRate, 'events/s', switchRate, 'Switch'));
		if (routerCpu.length > 0 && switchCpu.length > 0) {
			const routerPerCpu = routerEvents / median(routerCpu);
			console.log(figureLine(`Event Router in n8n per CPU-second (${engine} engine)`, routerPerCpu, 'events/CPU-s', goalEventsPerSecond, 'goal'));
			console.log(figureLine(`  vs Switch v3.4 per CPU-second (${engine} engine)`, routerPerCpu, 'events/CPU-s', switchEvents / median(switchCpu), 'Switch'));
		}
	} finally {
		await n8n.stop();
	}
}

async function main(): Promise<void> {
	console.log(`load average before: ${loadAverage()}`);
	// PACKAGE_TARBALL: another build of the package (e.g. an earlier commit's) to compare.
	const packageTarball = process.env.PACKAGE_TARBALL ?? (await packPackage());
	for (const engine of engines) await benchEngine(engine, packageTarball);
	console.log(`load average after: ${loadAverage()}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
