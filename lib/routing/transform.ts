/** A rule's transform: field mapping on the event's `data` (rename, pick, drop, set constants, require), nested paths. */
import { cloneJson, isPlainObject } from '../records/json';
import { deletePath, invalidPath, readPath, splitPath, writePath } from '../records/paths';
import type { TransformStep } from './types';

export type CompiledTransform = (data: Record<string, unknown>) => Record<string, unknown>;

/** A transform that cannot be applied to one event; the event goes to the dead letters with this reason. */
export class TransformError extends Error {}

const stepKinds = ['rename', 'pick', 'drop', 'set', 'require'] as const;

/** Why a transform step list cannot be used, or undefined when it is sound. */
export function invalidTransform(steps: unknown): string | undefined {
	if (steps === undefined) return undefined;
	if (!Array.isArray(steps)) return 'transform must be a list of steps';
	for (const [index, step] of steps.entries()) {
		const keys = isPlainObject(step) ? Object.keys(step) : [];
		if (keys.length !== 1 || !(stepKinds as readonly string[]).includes(keys[0])) {
			return `transform step ${index + 1} must have exactly one of ${stepKinds.join(', ')}`;
		}
		const kind = keys[0];
		const argument = (step as Record<string, unknown>)[kind];
		const paths = kind === 'rename' ? flattenRename(argument) : kind === 'set' ? (isPlainObject(argument) ? Object.keys(argument) : undefined) : argument;
		if (!Array.isArray(paths) || paths.length === 0) return `transform step ${index + 1} (${kind}) needs at least one field`;
		for (const path of paths) {
			const problem = invalidPath(path);
			if (problem) return `transform step ${index + 1} (${kind}): ${problem}`;
		}
	}
	return undefined;
}

function flattenRename(argument: unknown): unknown[] | undefined {
	return isPlainObject(argument) ? Object.entries(argument).flat() : undefined;
}

function compileStep(step: TransformStep): (data: Record<string, unknown>) => Record<string, unknown> {
	if ('rename' in step) {
		const moves = Object.entries(step.rename).map(([from, to]) => [splitPath(from), splitPath(to)] as const);
		return (data) => {
			for (const [from, to] of moves) {
				const { found, value } = readPath(data, from);
				if (!found) continue;
				deletePath(data, from);
				writePath(data, to, value);
			}
			return data;
		};
	}
	if ('pick' in step) {
		const kept = step.pick.map(splitPath);
		return (data) => {
			const picked: Record<string, unknown> = {};
			for (const segments of kept) {
				const { found, value } = readPath(data, segments);
				if (found) writePath(picked, segments, value);
			}
			return picked;
		};
	}
	if ('drop' in step) {
		const dropped = step.drop.map(splitPath);
		return (data) => {
			for (const segments of dropped) deletePath(data, segments);
			return data;
		};
	}
	if ('set' in step) {
		const assignments = Object.entries(step.set).map(([path, value]) => [splitPath(path), value] as const);
		return (data) => {
			for (const [segments, value] of assignments) writePath(data, segments, cloneJson(value));
			return data;
		};
	}
	const required = step.require.map((path) => [path, splitPath(path)] as const);
	return (data) => {
		const missing = required.filter(([, segments]) => !readPath(data, segments).found).map(([path]) => path);
		if (missing.length > 0) throw new Error(`required field(s) missing: ${missing.join(', ')}`);
		return data;
	};
}

/** Compiles validated steps; they work on a copy, never on the caller's event. */
export function compileTransform(steps: TransformStep[] | undefined): CompiledTransform {
	const compiled = (steps ?? []).map(compileStep);
	// Without steps the data goes out as it came: nothing downstream modifies it.
	if (compiled.length === 0) return (data) => data;
	return (data) => {
		let result = cloneJson(data);
		for (const [index, step] of compiled.entries()) {
			try {
				result = step(result);
			} catch (error) {
				throw new TransformError(`transform step ${index + 1} failed: ${(error as Error).message}`);
			}
		}
		return result;
	};
}
