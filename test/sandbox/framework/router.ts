/** Method + path-pattern dispatch: `/crm/v3/objects/:objectType/:objectId`; routes match in registration order. */
import type { Handler } from './types';

interface Route {
	method: string;
	segments: string[];
	handler: Handler;
}

export interface RouteMatch {
	handler: Handler;
	params: Record<string, string>;
}

export class Router {
	private readonly routes: Route[] = [];

	get(pattern: string, handler: Handler): this {
		return this.add('GET', pattern, handler);
	}

	post(pattern: string, handler: Handler): this {
		return this.add('POST', pattern, handler);
	}

	put(pattern: string, handler: Handler): this {
		return this.add('PUT', pattern, handler);
	}

	patch(pattern: string, handler: Handler): this {
		return this.add('PATCH', pattern, handler);
	}

	delete(pattern: string, handler: Handler): this {
		return this.add('DELETE', pattern, handler);
	}

	add(method: string, pattern: string, handler: Handler): this {
		this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
		return this;
	}

	/** The first route whose method and pattern fit; undefined when none does. */
	match(method: string, path: string): RouteMatch | undefined {
		const segments = splitPath(path);
		for (const route of this.routes) {
			if (route.method !== method.toUpperCase()) continue;
			const params = matchSegments(route.segments, segments);
			if (params) return { handler: route.handler, params };
		}
		return undefined;
	}
}

function splitPath(path: string): string[] {
	return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
	if (pattern.length !== actual.length) return undefined;
	const params: Record<string, string> = {};
	for (let index = 0; index < pattern.length; index++) {
		const expected = pattern[index];
		if (expected.startsWith(':')) {
			const value = safeDecode(actual[index]);
			if (value === undefined) return undefined;
			params[expected.slice(1)] = value;
		} else if (expected !== actual[index]) {
			return undefined;
		}
	}
	return params;
}

function safeDecode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}
