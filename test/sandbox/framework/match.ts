/** Whether a request fits a `RequestMatch` (used by faults and by rate windows that cover some paths only). */
import type { RequestMatch } from './types';

const regexSignal = /[\^$*+?()[\]{}|\\]/;

export function matchesRequest(match: RequestMatch | undefined, method: string, path: string): boolean {
	if (!match) return true;
	if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
	if (match.path === undefined) return true;
	return regexSignal.test(match.path) ? new RegExp(match.path).test(path) : path.startsWith(match.path);
}

/** Rejects a match whose path is neither a prefix nor a valid regular expression; returns a message or undefined. */
export function invalidMatch(match: RequestMatch | undefined): string | undefined {
	if (!match?.path || !regexSignal.test(match.path)) return undefined;
	try {
		new RegExp(match.path);
		return undefined;
	} catch (error) {
		return `invalid path pattern: ${(error as Error).message}`;
	}
}
