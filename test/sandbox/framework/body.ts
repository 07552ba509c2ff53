/** Request bodies: read once as text (kept for signatures), then decoded as JSON or as a form. */
import type { IncomingMessage } from 'node:http';

export class BodyParseError extends Error {}

export async function readRawBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/** Decodes by content type; an empty body is undefined. Throws BodyParseError when the body does not parse. */
export function parseBody(rawBody: string, contentType: string | undefined): unknown {
	if (rawBody === '') return undefined;
	const type = (contentType ?? '').toLowerCase();
	if (type.includes('application/x-www-form-urlencoded')) return parseForm(rawBody);
	if (type.includes('json') || type === '') return parseJson(rawBody);
	return rawBody;
}

function parseJson(rawBody: string): unknown {
	try {
		return JSON.parse(rawBody);
	} catch (error) {
		throw new BodyParseError((error as Error).message);
	}
}

type FormValue = string | FormObject | FormValue[];
interface FormObject {
	[key: string]: FormValue;
}

/**
 * Form bodies with bracket nesting, the way Stripe sends them: `metadata[plan]=pro`, `items[0][price]=p_1`,
 * `expand[]=customer`. Numeric and empty brackets build arrays.
 */
export function parseForm(rawBody: string): FormObject {
	const root: FormObject = {};
	for (const [key, value] of new URLSearchParams(rawBody)) assign(root, keyPath(key), value);
	return root;
}

function keyPath(key: string): string[] {
	const head = key.match(/^[^[]*/)?.[0] ?? key;
	const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((part) => part[1]);
	return [head, ...rest];
}

function assign(container: FormObject | FormValue[], path: string[], value: string): void {
	const [key, ...rest] = path;
	const slot = key === '' && Array.isArray(container) ? container.length : key;
	const target = container as Record<string | number, FormValue>;
	if (rest.length === 0) {
		target[slot] = value;
		return;
	}
	if (typeof target[slot] !== 'object') target[slot] = /^\d*$/.test(rest[0]) ? [] : {};
	assign(target[slot] as FormObject | FormValue[], rest, value);
}
