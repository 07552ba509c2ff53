/** How every benchmark prints a figure: the figure, what it is held against (a bound, a goal or a peer) and the ratio. */
import { cpuUsage, memoryUsage } from 'node:process';
import { loadavg } from 'node:os';

const format = (value: number) => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : Number(value.toPrecision(3)).toLocaleString('en'));

/**
 * One result line: `name: figure unit | against: bound unit | ratio figure/bound`, with the 1-minute load average, so
 * a figure measured on a busy machine says so.
 */
export function figureLine(name: string, figure: number, unit: string, against: number, againstLabel: string): string {
	const ratio = figure / against;
	return `${name}: ${format(figure)} ${unit} | ${againstLabel} ${format(against)} ${unit} | ratio ${ratio.toFixed(ratio < 10 ? 3 : 1)}× | load ${loadAverage()}`;
}

export function loadAverage(): string {
	return loadavg()
		.map((value) => value.toFixed(2))
		.join(' ');
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** CPU seconds (user + system) this process spends in `work`, with its wall seconds. */
export async function measureCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuSeconds: number; wallSeconds: number }> {
	const cpuBefore = cpuUsage();
	const started = performance.now();
	const result = await work();
	const cpu = cpuUsage(cpuBefore);
	return { result, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - started) / 1000 };
}

export const rssMb = () => memoryUsage.rss() / 1024 / 1024;
