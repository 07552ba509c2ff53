/**
 * Checks every response a sandbox sends against the vendor's published spec. A test starts the sandbox through
 * `startSpecCheckedSandbox`, drives it (the package's connectors, then every endpoint the sandbox serves), and
 * expects `problems()` to be empty and `covered()` to hold the operations it meant to exercise.
 */
import type { SandboxControl } from '../framework/controlClient';
import type { SandboxExchange } from '../framework/server';
import { startSandbox, type RunningSandbox, type SandboxName } from '../registry';
import { OpenApiValidator, type SpecOperation } from './openapi';

/** One spec document and the part of a sandbox path before the document's own paths (its server's base path). */
export interface SpecMount {
	spec: OpenApiValidator;
	/** Removed from the start of a request path before the spec's paths are matched; '' when they match as they are. */
	base: string | RegExp;
	/**
	 * The vendor's error body, for error statuses an operation does not list (a 401, 429 or 500 the vendor answers on
	 * every endpoint): a JSON pointer into the document ('components/schemas/error'), or 'operation' where the vendor
	 * answers errors in the operation's own response object (Square's responses carry `errors` beside the result).
	 */
	errors?: string | 'operation';
	/**
	 * Statuses the vendor answers but its document leaves out, each with no body, as 'method template status'
	 * (e.g. BigCommerce's 204 for an empty v2 list, documented only in prose). Say why beside each.
	 */
	undocumented?: string[];
}

export interface ConformanceOptions {
	/** Paths served by the sandbox that are not part of the vendor API the spec describes (e.g. an OAuth token endpoint). */
	outsideSpec?: RegExp;
}

interface Located {
	mount: SpecMount;
	operation: SpecOperation;
}

function isEmpty(body: unknown): boolean {
	return body === undefined || body === '' || (Array.isArray(body) && body.length === 0);
}

function stripBase(path: string, base: string | RegExp): string | undefined {
	if (typeof base === 'string') return path.startsWith(base) ? path.slice(base.length) || '/' : undefined;
	const match = base.exec(path);
	return match && match.index === 0 ? path.slice(match[0].length) || '/' : undefined;
}

export class SpecConformance {
	readonly exchanges: SandboxExchange[] = [];

	constructor(private readonly mounts: SpecMount[], private readonly options: ConformanceOptions = {}) {}

	/** Pass to `startSandbox({ onExchange })`. */
	readonly record = (exchange: SandboxExchange): void => {
		this.exchanges.push(exchange);
	};

	/** One line per response that breaks the spec: an undocumented operation or status, or a body off its schema. */
	problems(): string[] {
		return this.exchanges.flatMap((exchange) => this.problemsOf(exchange).map((problem) => `${exchange.method} ${exchange.path} → ${exchange.status}: ${problem}`));
	}

	/** One line per JSON request body that breaks the operation's request schema (what a connector sent). */
	requestProblems(): string[] {
		return this.exchanges.flatMap((exchange) => {
			const located = this.locate(exchange);
			if (!located || exchange.requestBody === undefined || this.options.outsideSpec?.test(exchange.path)) return [];
			return located.mount.spec.requestErrors(located.operation.method, located.operation.template, exchange.requestBody).map((problem) => `${exchange.method} ${exchange.path} request: ${problem}`);
		});
	}

	/** The operations exercised, as 'METHOD template status' (e.g. 'post /v1/payment_intents 402'), sorted, once each. */
	covered(): string[] {
		const seen = new Set<string>();
		for (const exchange of this.exchanges) {
			const located = this.locate(exchange);
			if (located) seen.add(`${located.operation.method} ${located.operation.template} ${exchange.status}`);
		}
		return [...seen].sort();
	}

	clear(): void {
		this.exchanges.length = 0;
	}

	private locate(exchange: SandboxExchange): (Located & { path: string }) | undefined {
		for (const mount of this.mounts) {
			const path = stripBase(exchange.path, mount.base);
			const operation = path === undefined ? undefined : mount.spec.operation(exchange.method, path);
			if (operation && path !== undefined) return { mount, operation, path };
		}
		return undefined;
	}

	private problemsOf(exchange: SandboxExchange): string[] {
		if (this.options.outsideSpec?.test(exchange.path)) return [];
		const located = this.locate(exchange);
		if (!located) return ['no such operation in the spec'];
		const { mount, operation } = located;
		const status = String(exchange.status);
		const documented = [status, `${status[0]}XX`, `${status[0]}xx`].find((candidate) => operation.statuses.includes(candidate));
		if (documented) return mount.spec.errors(operation.method, operation.template, documented, exchange.body);
		if (mount.undocumented?.includes(`${operation.method} ${operation.template} ${status}`)) return isEmpty(exchange.body) ? [] : ['a body on a status answered without one'];
		// An operation documented with no success response returns nothing (Magento's void methods answer `[]`).
		const documentsSuccess = operation.statuses.some((candidate) => candidate.startsWith('2'));
		if (exchange.status < 300 && !documentsSuccess) return isEmpty(exchange.body) ? [] : ['a body where the spec documents no success response'];
		if (exchange.status >= 400 && mount.errors === 'operation') {
			const success = operation.statuses.find((candidate) => candidate.startsWith('2'));
			if (success) return mount.spec.errors(operation.method, operation.template, success, exchange.body);
		} else if (exchange.status >= 400 && mount.errors) return mount.spec.schemaErrors(mount.errors, exchange.body);
		if (operation.statuses.includes('default')) return mount.spec.errors(operation.method, operation.template, 'default', exchange.body);
		return [`status ${status} is not documented (documented: ${operation.statuses.join(', ')})`];
	}
}

const failures = { 429: { kind: 'rate_limit_storm', ms: 1000 }, 500: { kind: 'error', status: 500 }, 503: { kind: 'error', status: 503 } } as const;

/** Sends `request` once under each failure every vendor sandbox can answer (a 429 storm, a 500, a 503), for their bodies to be checked. */
export async function underFaults(control: SandboxControl, request: () => Promise<unknown>, statuses: Array<keyof typeof failures> = [429, 500, 503]): Promise<void> {
	for (const status of statuses) {
		await control.fault(failures[status]);
		await request();
	}
}

/** Problems of every webhook body the sandbox has delivered, against the vendor's event schema at `pointer`. */
export async function webhookProblems(control: SandboxControl, spec: OpenApiValidator, pointer: string): Promise<string[]> {
	const { deliveries } = await control.webhooks();
	if (deliveries.length === 0) return ['no webhook was delivered'];
	return deliveries.flatMap((delivery) => spec.schemaErrors(pointer, JSON.parse(delivery.body)).map((problem) => `webhook ${delivery.body.slice(0, 60)}: ${problem}`));
}

/** A sandbox whose every API response is recorded for `conformance`. */
export async function startSpecCheckedSandbox(name: SandboxName, conformance: SpecConformance, options: { rateLimits?: unknown } = {}): Promise<RunningSandbox> {
	return startSandbox(name, { ...options, onExchange: conformance.record });
}
