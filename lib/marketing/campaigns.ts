import { chunk, normaliseEmail, type ContactOutcome, type JourneyKind } from '../platforms/marketing';
import { outboxKey, OutboxTopic } from '../store/outbox';
import type { StateStore } from '../store/stateStore';
import type { SqlExecutor } from '../store/types';
import type { MarketingTarget } from './fanOut';
import { CampaignRepository, type JourneyState } from './campaignRepository';
import { MarketingRepository } from './repository';

/**
 * What a campaign does on one platform for one contact: take it out of a segment, start or stop a journey. `subject`
 * is the segment or the journey; `occurrence` tells repeated events apart (the n-th time the contact left that segment,
 * the inactivity spell a retention campaign answers), so each occurrence is done once per platform, and a duplicate
 * delivery, a retry or a platform's own webhook echoing our change does it no second time.
 */
export interface CampaignWork {
	platform: string;
	action: 'leave' | 'start' | 'stop';
	subject: string;
	email: string;
	occurrence: string;
}

export interface CampaignStep {
	platform: string;
	ok: boolean;
	/** Done by an earlier delivery or run (nothing was sent to the platform this time). */
	replayed?: boolean;
	error?: { code?: string; message: string; retryable: boolean };
}

/** A journey started on a platform: one campaign execution, its id stable across retries (what the Usage Meter dedupes on). */
export interface CampaignExecution {
	id: string;
	platform: string;
	journey: JourneyKind;
}

export interface SegmentLeaveResult {
	index: number;
	email: string;
	segment: string;
	status: 'removed' | 'partial' | 'failed' | 'invalid_email' | 'no_segment';
	/** False when this leave was seen before (a duplicate delivery, a platform echoing our change): nothing new was sent. */
	recorded: boolean;
	source: string;
	platforms: CampaignStep[];
}

export type LifecycleAction = 'nurture_started' | 'nurture_stopped' | 'none';

export interface LifecycleResult {
	index: number;
	email: string;
	stage: string;
	action: LifecycleAction;
	status: 'done' | 'partial' | 'failed' | 'unchanged' | 'invalid_email' | 'unsubscribed';
	/** Why nothing was done (`unchanged`). */
	reason?: string;
	platforms: CampaignStep[];
	campaignExecutions: CampaignExecution[];
}

export interface RetentionResult {
	index: number;
	email: string;
	lastActivityAt?: string;
	inactiveDays?: number;
	status: 'started' | 'partial' | 'failed' | 'active' | 'invalid' | 'unsubscribed';
	/** For `invalid`: the field that was wrong. */
	field?: string;
	message?: string;
	platforms: CampaignStep[];
	campaignExecutions: CampaignExecution[];
}

export interface CampaignOptions {
	store: StateStore;
	targets: MarketingTarget[];
	integration: string;
	/** Lifecycle stages that start the nurture (compared ignoring case and spaces). Default `lead`. */
	nurtureStages?: string[];
	/** Lifecycle stages that end it. Default `customer`. */
	customerStages?: string[];
	/** A failed piece of work is retried by this many runs, then left for review. Default 5. */
	maxAttempts?: number;
}

const isEmail = (email: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email);
const stageName = (stage: unknown) => String(stage ?? '').replace(/[\s_-]+/g, '').toLowerCase();
const DAY_MS = 86_400_000;
const NURTURE_ROUND = '1';

/**
 * Campaigns past the welcome over the chosen platforms: a contact leaving a segment is taken out of it everywhere,
 * the nurture journey runs from lead to customer, and inactive customers get the retention campaign. Every piece of
 * work is done once per platform through the store's idempotency ledger; what a platform could not take waits on the
 * store's outbox for the next run.
 */
export class MarketingCampaigns {
	private readonly repository: CampaignRepository;
	private readonly consent: MarketingRepository;
	private readonly nurtureStages: Set<string>;
	private readonly customerStages: Set<string>;

	constructor(private readonly options: CampaignOptions) {
		this.repository = new CampaignRepository(options.store.db, options.integration);
		this.consent = new MarketingRepository(options.store.db, options.integration);
		this.nurtureStages = new Set((options.nurtureStages ?? ['lead']).map(stageName).filter(Boolean));
		this.customerStages = new Set((options.customerStages ?? ['customer']).map(stageName).filter(Boolean));
		const both = [...this.nurtureStages].filter((stage) => this.customerStages.has(stage));
		if (both.length > 0) throw new Error(`Lifecycle stage "${both[0]}" cannot both start and stop the nurture`);
	}

	/**
	 * Each contact leaves the segment on every platform but the one it left first (`source`). The leave is recorded
	 * once per membership: the same leave delivered again, or echoed back by a platform's webhook, finds it recorded and
	 * only finishes what an earlier attempt left undone.
	 */
	async leaveSegments(events: Array<{ email: unknown; segment: unknown; source?: string }>): Promise<SegmentLeaveResult[]> {
		const results: SegmentLeaveResult[] = [];
		const works = new Map<number, CampaignWork[]>();
		for (const [index, event] of events.entries()) {
			const email = normaliseEmail(event.email);
			const segment = String(event.segment ?? '').trim();
			const source = String(event.source ?? '').trim() || 'other';
			const result: SegmentLeaveResult = { index, email, segment, status: 'removed', recorded: false, source, platforms: [] };
			results.push(result);
			if (!isEmail(email)) result.status = 'invalid_email';
			else if (!segment) result.status = 'no_segment';
			if (result.status !== 'removed') continue;
			const leave = await this.repository.recordLeave(email, segment, source);
			result.recorded = leave.recorded;
			result.source = leave.source;
			works.set(index, this.targetsBut(leave.source).map((target) => ({ platform: target.platform, action: 'leave', subject: segment, email, occurrence: String(leave.version) })));
		}
		const steps = await this.perform([...works.values()].flat());
		for (const [index, list] of works) {
			const result = results[index];
			result.platforms = list.map((work) => steps.get(workId(work)) as CampaignStep);
			result.status = settledStatus(result.platforms, 'removed');
		}
		return results;
	}

	/** Segments the fan-out put a contact in: a later leave of one of them is news again. */
	async joinedSegments(memberships: Array<{ email: string; segments: string[] }>): Promise<void> {
		await this.repository.recordJoins(memberships);
	}

	/**
	 * Moves each contact to its lifecycle stage: a nurture stage starts the nurture journey on every platform that has
	 * one (once per contact), a customer stage stops it where it was started (and cancels starts still pending), and
	 * the nurture never starts again once the contact was a customer (a late or repeated "lead" event changes nothing).
	 */
	async updateLifecycleStages(events: Array<{ email: unknown; stage: unknown }>): Promise<LifecycleResult[]> {
		const results: LifecycleResult[] = [];
		const starts = new Map<number, CampaignWork[]>();
		const stopping = new Map<number, string>();
		const emails = events.map((event) => normaliseEmail(event.email)).filter(isEmail);
		const consent = await this.consent.consent(emails);
		for (const [index, event] of events.entries()) {
			const email = normaliseEmail(event.email);
			const stage = stageName(event.stage);
			const result: LifecycleResult = { index, email, stage, action: 'none', status: 'unchanged', platforms: [], campaignExecutions: [] };
			results.push(result);
			if (!isEmail(email)) {
				result.status = 'invalid_email';
				continue;
			}
			if (this.nurtureStages.has(stage)) {
				if (consent.get(email) === 'unsubscribed') {
					result.status = 'unsubscribed';
					continue;
				}
				const state = await this.repository.moveJourney(email, 'nurture', 'started', stage);
				if (state !== 'started') {
					result.reason = 'the nurture ended before: the contact was a customer';
					continue;
				}
				result.action = 'nurture_started';
				starts.set(index, this.journeyTargets('nurture', 'start').map((target) => this.journeyWork(target.platform, 'start', 'nurture', email)));
			} else if (this.customerStages.has(stage)) {
				const { state, wasStarted } = await this.repository.stopJourney(email, 'nurture', stage);
				if (state !== 'stopped' || !wasStarted) {
					result.reason = 'no nurture was started for this contact';
					continue;
				}
				result.action = 'nurture_stopped';
				stopping.set(index, email);
			} else {
				result.reason = `stage "${stage || '(empty)'}" neither starts nor stops the nurture`;
			}
		}
		const started = await this.perform([...starts.values()].flat());
		// Stops are decided once the starts of this call are done: a lead and a customer event in one call end the nurture.
		const stops = new Map<number, CampaignWork[]>();
		for (const [index, email] of stopping) stops.set(index, await this.stopsFor(email));
		const stopped = await this.perform([...stops.values()].flat());
		for (const [index, list] of [...starts, ...stops]) {
			const result = results[index];
			const steps = result.action === 'nurture_started' ? started : stopped;
			result.platforms = list.map((work) => steps.get(workId(work)) as CampaignStep);
			result.status = settledStatus(result.platforms, 'done');
			if (result.action === 'nurture_started') result.campaignExecutions = executions(list, result.platforms, 'nurture');
		}
		return results;
	}

	/**
	 * Inactive customers (last activity more than `inactiveDays` before `now`) get the retention campaign on every
	 * platform that has one, once per inactivity spell: the same last activity read again by the next scheduled run
	 * starts nothing; activity after it and a new lapse start it again.
	 */
	async startRetention(contacts: Array<{ email: unknown; lastActivityAt: unknown }>, inactiveDays: number, now = new Date()): Promise<RetentionResult[]> {
		if (!Number.isFinite(inactiveDays) || inactiveDays <= 0) throw new Error(`Inactive Days must be a positive number of days, not ${String(inactiveDays)}`);
		const results: RetentionResult[] = [];
		const works = new Map<number, CampaignWork[]>();
		const consent = await this.consent.consent(contacts.map((contact) => normaliseEmail(contact.email)).filter(isEmail));
		for (const [index, contact] of contacts.entries()) {
			const email = normaliseEmail(contact.email);
			const result: RetentionResult = { index, email, status: 'active', platforms: [], campaignExecutions: [] };
			results.push(result);
			const lastActivity = parseTime(contact.lastActivityAt);
			if (!isEmail(email)) Object.assign(result, { status: 'invalid', field: 'email', message: 'not an email address' });
			else if (!lastActivity) Object.assign(result, { status: 'invalid', field: 'lastActivityAt', message: `not a date: ${JSON.stringify(contact.lastActivityAt ?? null)}` });
			if (result.status === 'invalid' || !lastActivity) continue;
			result.lastActivityAt = lastActivity.toISOString();
			result.inactiveDays = Math.floor((now.getTime() - lastActivity.getTime()) / DAY_MS);
			if (now.getTime() - lastActivity.getTime() <= inactiveDays * DAY_MS) continue;
			if (consent.get(email) === 'unsubscribed') {
				result.status = 'unsubscribed';
				continue;
			}
			works.set(index, this.journeyTargets('retention', 'start').map((target) => ({ platform: target.platform, action: 'start', subject: 'retention', email, occurrence: result.lastActivityAt as string })));
		}
		const steps = await this.perform([...works.values()].flat());
		for (const [index, list] of works) {
			const result = results[index];
			result.platforms = list.map((work) => steps.get(workId(work)) as CampaignStep);
			result.status = settledStatus(result.platforms, 'started');
			result.campaignExecutions = executions(list, result.platforms, 'retention');
		}
		return results;
	}

	/**
	 * Sends again what a platform could not take before (up to `maxAttempts` runs each). A nurture start whose contact
	 * became a customer meanwhile is dropped instead; a journey step this setup has no journey for (a node set up for
	 * unsubscribes only) stays pending for one that has it.
	 */
	async retryPending(limit = 1000): Promise<Array<CampaignWork & CampaignStep>> {
		const entries = await this.pendingTopic().list({ maxAttempts: this.options.maxAttempts ?? 5, order: 'updated', limit });
		const works: CampaignWork[] = [];
		const dropped: string[] = [];
		const targets = new Map(this.options.targets.map((target) => [target.platform, target]));
		for (const entry of entries) {
			const work = entry.payload;
			const target = targets.get(work.platform);
			if (!target || (work.action !== 'leave' && !target.connector.hasJourney(work.subject as JourneyKind, work.action))) continue;
			if (work.action === 'start' && work.subject === 'nurture' && (await this.repository.journeyState(work.email, 'nurture')) !== 'started') dropped.push(entry.key);
			else works.push(work);
		}
		await this.pendingTopic().removeMany(dropped);
		const steps = await this.perform(works);
		return works.map((work) => ({ ...work, ...(steps.get(workId(work)) as CampaignStep) }));
	}

	/** Work waiting for another attempt. */
	async pending(): Promise<Array<{ work: CampaignWork; attempts: number; error?: { code?: string; message: string } }>> {
		return (await this.pendingTopic().list({ order: 'group', limit: Number.MAX_SAFE_INTEGER })).map((entry) => ({ work: entry.payload, attempts: entry.attempts, error: entry.error }));
	}

	private targetsBut(source: string): MarketingTarget[] {
		return this.options.targets.filter((target) => target.platform !== source);
	}

	private journeyTargets(kind: JourneyKind, action: 'start' | 'stop'): MarketingTarget[] {
		return this.options.targets.filter((target) => target.connector.hasJourney(kind, action));
	}

	private journeyWork(platform: string, action: 'start' | 'stop', kind: JourneyKind, email: string): CampaignWork {
		return { platform, action, subject: kind, email, occurrence: NURTURE_ROUND };
	}

	/** The nurture stops where it was started; a start still pending is cancelled instead of sent later. */
	private async stopsFor(email: string): Promise<CampaignWork[]> {
		const stops: CampaignWork[] = [];
		const cancelled: string[] = [];
		for (const target of this.journeyTargets('nurture', 'stop')) {
			const start = this.journeyWork(target.platform, 'start', 'nurture', email);
			const done = await this.options.store.idempotency.get(this.scope(target.platform), workKey(start));
			if (done?.state === 'done') stops.push(this.journeyWork(target.platform, 'stop', 'nurture', email));
			else cancelled.push(pendingKey(start));
		}
		await this.pendingTopic().removeMany(cancelled);
		return stops;
	}

	/**
	 * Does each piece of work once per platform: grouped by platform and (action, subject) into the connector's calls,
	 * each key claimed in the idempotency ledger (done keys replay, failed ones are released for a retry), failures kept
	 * on the outbox and successes taken off it.
	 */
	private async perform(works: CampaignWork[]): Promise<Map<string, CampaignStep>> {
		const steps = new Map<string, CampaignStep>();
		const groups = new Map<string, CampaignWork[]>();
		for (const work of works) {
			const group = outboxKey(work.platform, work.action, work.subject);
			groups.set(group, [...(groups.get(group) ?? []), work]);
		}
		await Promise.all(
			this.options.targets.map(async (target) => {
				for (const list of groups.values()) {
					if (list[0].platform !== target.platform) continue;
					for (const part of chunk(uniqueBy(list, workKey), 500)) await this.performGroup(target, part, steps);
				}
			}),
		);
		return steps;
	}

	private async performGroup(target: MarketingTarget, works: CampaignWork[], steps: Map<string, CampaignStep>): Promise<void> {
		const byKey = new Map(works.map((work) => [workKey(work), work]));
		const { action, subject } = works[0];
		const retried = action === 'start' ? await this.retriedStarts(target.platform, works) : undefined;
		const results = await this.options.store.idempotency.runOnceEach<true>(this.scope(target.platform), [...byKey.keys()], async (claimed) => {
			const emails = claimed.map((key) => (byKey.get(key) as CampaignWork).email);
			const outcomes = await this.call(target, action, subject, emails, retried);
			return new Map(claimed.map((key, position) => [key, outcomes[position].ok ? { result: true as const } : { error: outcomes[position] }]));
		});
		const failures: Array<{ work: CampaignWork; error: { code?: string; message: string } }> = [];
		const succeeded: string[] = [];
		for (const [key, work] of byKey) {
			const result = results.get(key);
			if (result && 'result' in result) {
				steps.set(workId(work), { platform: target.platform, ok: true, ...(result.replayed ? { replayed: true } : {}) });
				succeeded.push(pendingKey(work));
				continue;
			}
			const failure = failureOf(result?.error);
			steps.set(workId(work), { platform: target.platform, ok: false, error: failure });
			failures.push({ work, error: { code: failure.code, message: failure.message } });
		}
		await this.options.store.db.transaction(async (tx) => {
			const pending = this.pendingTopic(tx);
			await pending.removeMany(succeeded);
			await pending.recordFailures(failures.map(({ work, error }) => ({ key: pendingKey(work), group: work.platform, payload: work, error })));
		});
	}

	/**
	 * Starts tried before (their answer may have been lost after the platform acted), by email, with the time from which
	 * a start found on the platform is theirs, less the margin a call can take: the first failure's for a start left
	 * pending, or the first claim's for one whose run ended before it could note a failure (its process died after
	 * sending: the claim, written before the start was sent, is all that is left of it).
	 */
	private async retriedStarts(platform: string, works: CampaignWork[]): Promise<Map<string, string>> {
		const pending = await this.pendingTopic().getMany(works.map(pendingKey));
		const claimed = await this.options.store.idempotency.pendingSince(this.scope(platform), works.map(workKey));
		const retried = new Map<string, string>();
		for (const work of works) {
			const tried = [pending.get(pendingKey(work))?.createdAt, claimed.get(workKey(work))].filter((at): at is string => at !== undefined).map((at) => Date.parse(at));
			if (tried.length > 0) retried.set(work.email, new Date(Math.min(...tried) - LOST_START_MARGIN_MS).toISOString());
		}
		return retried;
	}

	private async call(target: MarketingTarget, action: CampaignWork['action'], subject: string, emails: string[], retried?: ReadonlyMap<string, string>): Promise<ContactOutcome[]> {
		try {
			if (action === 'leave') return await target.connector.leaveSegment(subject, emails);
			if (action === 'start') return await target.connector.startJourney(subject as JourneyKind, emails, retried);
			return await target.connector.stopJourney(subject as JourneyKind, emails);
		} catch (error) {
			const failed = failureOf(error);
			return emails.map((): ContactOutcome => ({ ok: false, error: { message: failed.message, code: failed.code }, retryable: failed.retryable }));
		}
	}

	private scope(platform: string): string {
		return outboxKey('marketing-campaigns', this.options.integration, platform);
	}

	private pendingTopic(executor: SqlExecutor = this.options.store.db): OutboxTopic<CampaignWork> {
		return new OutboxTopic<CampaignWork>(executor, outboxKey('marketing-campaign-pending', this.options.integration));
	}

	/** Whether the nurture runs for a contact (for reports and tests). */
	journeyState(email: string, kind: JourneyKind): Promise<JourneyState | undefined> {
		return this.repository.journeyState(normaliseEmail(email), kind);
	}
}

/** How long before its failure was recorded a lost start may have reached the platform (the call's time and clock skew). */
const LOST_START_MARGIN_MS = 10 * 60_000;

/** A piece of work's key in its platform's ledger scope. */
const workKey = (work: CampaignWork) => outboxKey(work.action, work.subject, work.email, work.occurrence);
const workId = (work: CampaignWork) => outboxKey(work.platform, workKey(work));
const pendingKey = workId;

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
	return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** A ContactOutcome's error, or whatever was thrown, as a step's error. */
function failureOf(error: unknown): { code?: string; message: string; retryable: boolean } {
	const outcome = error as { ok?: false; error?: { message: string; code?: string }; retryable?: boolean; message?: string; code?: string };
	if (outcome?.ok === false && outcome.error) return { code: outcome.error.code, message: outcome.error.message, retryable: outcome.retryable ?? false };
	return { code: outcome?.code, message: outcome?.message ?? String(error), retryable: outcome?.retryable ?? false };
}

function settledStatus<T extends string>(steps: CampaignStep[], done: T): T | 'partial' | 'failed' {
	const failed = steps.filter((step) => !step.ok).length;
	return failed === 0 ? done : failed === steps.length ? 'failed' : 'partial';
}

/** Each journey started on a platform (now or by an earlier delivery) is one campaign execution, under a stable id. */
function executions(works: CampaignWork[], steps: CampaignStep[], journey: JourneyKind): CampaignExecution[] {
	return works.flatMap((work, index) => (steps[index]?.ok ? [{ id: `${journey}:${work.platform}:${work.email}:${work.occurrence}`, platform: work.platform, journey }] : []));
}

function parseTime(value: unknown): Date | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	// Only an ISO 8601 date: a number (seconds or milliseconds?) or "03/04/2026" would be a guess.
	if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
	const parsed = new Date(value.trim());
	return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
