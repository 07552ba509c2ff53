/**
 * The package's import graph, read with the TypeScript compiler's own pre-processor and module resolution (static
 * imports, `export … from`, `import type`, `require` and `import()`), and the cycles in it at file and folder level.
 */
import { relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/** Repo-relative path (forward slashes) → the repo-relative files it imports, among the files read. */
export type ImportGraph = Map<string, Set<string>>;

export function readImportGraph(root: string, folders: string[]): ImportGraph {
	const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true };
	const files = folders.flatMap((folder) => ts.sys.readDirectory(resolve(root, folder), ['.ts'], ['**/*.d.ts']));
	const known = new Set(files.map((file) => toRepoPath(root, file)));
	const graph: ImportGraph = new Map();
	for (const file of files) {
		const imported = new Set<string>();
		const { importedFiles } = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
		for (const { fileName } of importedFiles) {
			const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
			if (!resolved || resolved.isExternalLibraryImport) continue;
			const target = toRepoPath(root, resolved.resolvedFileName);
			if (known.has(target)) imported.add(target);
		}
		graph.set(toRepoPath(root, file), imported);
	}
	return graph;
}

function toRepoPath(root: string, file: string): string {
	return relative(root, resolve(file)).split(sep).join('/');
}

/** The folder a file counts in: `lib/<folder>`, `nodes/<Node>`; a file directly in `lib/` or the root is its own unit. */
export function folderOf(file: string): string {
	const parts = file.split('/');
	return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
}

/** The directory a file lies in, however deep (`lib/platforms/hubspot`). */
export function directoryOf(file: string): string {
	return file.split('/').slice(0, -1).join('/') || '.';
}

/** The same graph between folders (an arrow wherever one file of a folder imports a file of another). */
export function folderGraph(files: ImportGraph, unitOf: (file: string) => string = folderOf): ImportGraph {
	const graph: ImportGraph = new Map();
	for (const [file, imports] of files) {
		const from = unitOf(file);
		const targets = graph.get(from) ?? new Set<string>();
		for (const target of imports) if (unitOf(target) !== from) targets.add(unitOf(target));
		graph.set(from, targets);
	}
	return graph;
}

/**
 * Every cycle, as its strongly connected component (Tarjan), each listed in sorted order; a node that imports itself
 * is a cycle of one.
 */
export function findCycles(graph: ImportGraph): string[][] {
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const cycles: string[][] = [];
	const visit = (node: string): void => {
		index.set(node, index.size);
		low.set(node, index.get(node) as number);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
			} else if (onStack.has(next)) {
				low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
			}
		}
		if (low.get(node) !== index.get(node)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop() as string;
			onStack.delete(member);
			component.push(member);
		} while (member !== node);
		if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
	};
	for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
	return cycles;
}

/** For a failure message: each cycle with the imports that close it. */
export function describeCycles(graph: ImportGraph, cycles: string[][]): string {
	return cycles.map((members) => {
		const inside = new Set(members);
		const arrows = members.flatMap((from) => [...(graph.get(from) ?? [])].filter((to) => inside.has(to)).map((to) => `  ${from} -> ${to}`));
		return `cycle of ${members.length}:\n${arrows.join('\n')}`;
	}).join('\n');
}
