import { chunk, failedOutcome, normaliseEmail, type MarketingConnector, type MemberChange, type MemberOutcome } from '../platforms/marketing';
import type { Lease } from '../store/leases';
import type { StateStore } from '../store/stateStore';
import { toPlatformFields, validateMappings, type FieldMapping } from '../records/mapping';
import { CampaignRepository } from './campaignRepository';
import { MarketingRepository } from './repository';
import { segmentsFor, validateSegmentRules, type SegmentRule } from './segments';

export interface MarketingTarget {
	/** The platform id (hubspot, mailchimp, marketo, activecampaign). */
	platform: string;
	connector: MarketingConnector;
	/** Internal contact fields → this platform's fields; the connector's defaults when absent. */
	mappings?: FieldMapping[];
}

export interface MarketingFanOutOptions {
	store: StateStore;
	targets: MarketingTarget[];
	/** Names the consent and pending state and the welcome ledger, so two setups never share them. */
	integration: string;
	rules?: SegmentRule[];
	/** The contact field that says the contact agreed to marketing (true, "true", "yes", 1). Default `consent`. */
	consentField?: string;
	/** Failed changes retried at the start of a run, per platform. */
	retryLimit?: number;
	/** How long a welcome claim outlives its run's last heartbeat (default DEFAULT_LEASE_MS): a dead run's claims free then. */
	welcomeLeaseMs?: number;
	/** Reads the platforms' new unsubscribes (one page each) before fanning out, so none is undone. Default true. */
	collectUnsubscribesFirst?: boolean;
	/** A failed change is retried by this many runs, then left in the pending table for review. Default 5. */
	maxAttempts?: number;
}

export type ContactStatus = 'fanned_out' | 'partial' | 'failed' | 'no_consent' | 'unsubscribed' | 'invalid_email';

export interface PlatformResult {
	platform: string;
	ok: boolean;
	created?: boolean;
	welcomed: boolean;
	/** The welcome campaign ran for this contact on this platform before (another event or a retry). */
	alreadyWelcomed?: boolean;
	/** The platform had the contact unsubscribed already: recorded and propagated like any unsubscribe. */
	unsubscribedOnPlatform?: boolean;
	error?: { stage: string; code?: string; message: string; retryable: boolean };
}

export interface ContactResult {
	/** Index of the input contact. */
	index: number;
	email: string;
	status: ContactStatus;
	segments: string[];
	/** Another input in the same call had this email: that one (the last) was sent, this one is reported with it. */
	duplicateOf?: number;
	platforms: PlatformResult[];
}

export interface RetriedChange {
	platform: string;
	email: string;
	ok: boolean;
	attempts: number;
	error?: { code?: string; message: string };
}

export interface FanOutReport {
	contacts: ContactResult[];
	retried: RetriedChange[];
	/** Per platform: member changes sent, and API batches. */
	platforms: Array<{ platform: string; changes: number; failed: number; welcomed: number }>;
}

export interface CollectedUnsubscribes {
	unsubscribes: UnsubscribeResult[];
	/** Platforms that could not be read this time. */
	errors: Array<{ platform: string; code?: string; message: string }>;
}

export interface UnsubscribeResult {
	email: string;
	source: string;
	/** False when this email was already unsubscribed: nothing was propagated again. */
	recorded: boolean;
	platforms: PlatformResult[];
}

const isEmail = (email: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email);

const CONSENTING = new Set(['true', 'yes', 'y', '1', 'on', 'subscribed', 'opt-in', 'optin']);

/**
 * The recipient list for new contacts: each contact is checked against consent, its segments are decided once,
 * and every enabled platform gets it in its own batches (one platform's failure leaves the others alone and is kept
 * for the next run). The welcome campaign runs once per contact and platform, through the welcome ledger.
 */
export class MarketingFanOut {
	private readonly repository: MarketingRepository;
	private readonly rules: SegmentRule[];
	private readonly consentField: string;

	constructor(private readonly options: MarketingFanOutOptions) {
		this.repository = new MarketingRepository(options.store.db, options.integration);
		this.rules = options.rules ?? [];
		validateSegmentRules(this.rules);
		this.consentField = options.consentField ?? 'consent';
	}

	/**
	 * Fails before anything is written when a mapping names a field a platform lacks. A platform that cannot be asked
	 * (it is down) is not a mapping problem: it answers undefined here, and its work waits as pending.
	 */
	async validate(): Promise<Map<string, Error>> {
		const unavailable = new Map<string, Error>();
		for (const target of this.options.targets) {
			let known: string[];
			try {
				known = await target.connector.fieldNames();
			} catch (error) {
				unavailable.set(target.platform, error as Error);
				continue;
			}
			validateMappings(this.mappingsOf(target), known, `${target.platform} contacts`);
		}
		return unavailable;
	}

	async fanOut(contacts: Array<Record<string, unknown>>): Promise<FanOutReport> {
		const unavailable = await this.validate();
		if (this.options.collectUnsubscribesFirst !== false && contacts.length > 0) await this.collectUnsubscribes(1);
		const results: ContactResult[] = contacts.map((contact, index) => ({ index, email: normaliseEmail(contact.email), status: 'fanned_out', segments: [], platforms: [] }));
		const lastByEmail = new Map<string, number>();
		for (const result of results) {
			if (isEmail(result.email)) lastByEmail.set(result.email, result.index);
			else result.status = 'invalid_email';
		}
		const consent = await this.repository.consent([...lastByEmail.keys()]);
		const consenting: number[] = [];
		for (const [email, index] of lastByEmail) {
			if (consent.get(email) === 'unsubscribed') results[index].status = 'unsubscribed';
			else if (!CONSENTING.has(String(contacts[index][this.consentField] ?? '').trim().toLowerCase())) results[index].status = 'no_consent';
			else consenting.push(index);
		}
		await this.repository.recordConsent(consenting.map((index) => results[index].email), 'contact');
		for (const index of consenting) results[index].segments = segmentsFor(contacts[index], this.rules);
		// A contact put in a segment again may leave it again: that leave is news for the campaigns.
		await new CampaignRepository(this.options.store.db, this.options.integration).recordJoins(consenting.map((index) => ({ email: results[index].email, segments: results[index].segments })));

		const report: FanOutReport = { contacts: results, retried: [], platforms: [] };
		await Promise.all(
			this.options.targets.map(async (target) => {
				const changes = consenting.map((index) => this.change(target, contacts[index], results[index].segments));
				const outcome = await this.deliver(target, changes, true, unavailable.get(target.platform));
				consenting.forEach((index, position) => results[index].platforms.push(outcome.results[position]));
				report.retried.push(...outcome.retried);
				report.platforms.push({ platform: target.platform, ...outcome.counts });
			}),
		);
		await this.propagateFoundUnsubscribes(consenting.map((index) => results[index]));
		for (const result of results) {
			const duplicateOf = lastByEmail.get(result.email);
			if (duplicateOf !== undefined && duplicateOf !== result.index) {
				Object.assign(result, { ...results[duplicateOf], index: result.index, duplicateOf });
				continue;
			}
			if (result.platforms.length === 0 || result.status === 'unsubscribed') continue;
			const failed = result.platforms.filter((platform) => !platform.ok).length;
			result.status = failed === 0 ? 'fanned_out' : failed === result.platforms.length ? 'failed' : 'partial';
		}
		report.platforms.sort((a, b) => a.platform.localeCompare(b.platform));
		return report;
	}

	/**
	 * Unsubscribes seen anywhere (a platform's webhook, a form): recorded for good, then applied on every other
	 * platform. An email already unsubscribed is not propagated again.
	 */
	async recordUnsubscribes(unsubscribes: Array<{ email: string; source: string; at?: string }>): Promise<UnsubscribeResult[]> {
		const results: UnsubscribeResult[] = [];
		const fresh: UnsubscribeResult[] = [];
		for (const unsubscribe of unsubscribes) {
			const email = normaliseEmail(unsubscribe.email);
			const recorded = isEmail(email) && (await this.repository.recordUnsubscribe(email, unsubscribe.source, unsubscribe.at ?? new Date().toISOString()));
			const result: UnsubscribeResult = { email, source: unsubscribe.source, recorded, platforms: [] };
			results.push(result);
			if (recorded) fresh.push(result);
		}
		if (fresh.length === 0) return results;
		await Promise.all(
			this.options.targets.map(async (target) => {
				const recipients = fresh.filter((result) => result.source !== target.platform);
				const changes = recipients.map((result): MemberChange => ({ email: result.email, fields: {}, status: 'unsubscribed', segments: [], welcome: false }));
				const outcome = await this.deliver(target, changes, false);
				recipients.forEach((result, position) => result.platforms.push(outcome.results[position]));
			}),
		);
		return results;
	}

	/**
	 * A platform that answered "this contact is unsubscribed here" (Mailchimp keeps an unsubscribed member so) told us
	 * of an unsubscribe we had not collected yet: it is recorded and applied on the other platforms, and the contact is
	 * reported unsubscribed.
	 */
	private async propagateFoundUnsubscribes(results: ContactResult[]): Promise<void> {
		const found = results.flatMap((result) => result.platforms.filter((platform) => platform.unsubscribedOnPlatform).map((platform) => ({ result, source: platform.platform })));
		if (found.length === 0) return;
		await this.recordUnsubscribes(found.map(({ result, source }) => ({ email: result.email, source })));
		for (const { result } of found) result.status = 'unsubscribed';
	}

	/**
	 * Polls every platform that reports unsubscribes, from its stored cursor, and propagates what it finds. A platform
	 * that cannot be read is reported in `errors` and read from the same cursor next time.
	 */
	async collectUnsubscribes(maxPagesPerPlatform = 20): Promise<CollectedUnsubscribes> {
		const collected: CollectedUnsubscribes = { unsubscribes: [], errors: [] };
		for (const target of this.options.targets) {
			if (!target.connector.unsubscribesSince) continue;
			const key = { integration: this.options.integration, platform: target.platform, entity: 'marketing_unsubscribes' };
			try {
				let cursor = await this.options.store.cursors.get(key);
				for (let page = 0; page < maxPagesPerPlatform; page++) {
					const found = await target.connector.unsubscribesSince(cursor);
					collected.unsubscribes.push(...(await this.recordUnsubscribes(found.unsubscribes.map((entry) => ({ ...entry, source: target.platform })))));
					// Moved only once this page's unsubscribes are recorded (their propagation failures are kept as pending work).
					await this.options.store.cursors.set(key, found.cursor);
					cursor = found.cursor;
					if (found.done) break;
				}
			} catch (error) {
				const details = error as { message?: string; code?: string };
				collected.errors.push({ platform: target.platform, code: details.code, message: details.message ?? String(error) });
			}
		}
		return collected;
	}

	/** Failed changes waiting for their next attempt. */
	pending() {
		return this.repository.allPending();
	}

	private mappingsOf(target: MarketingTarget): FieldMapping[] {
		return target.mappings && target.mappings.length > 0 ? target.mappings : target.connector.defaultMappings;
	}

	private change(target: MarketingTarget, contact: Record<string, unknown>, segments: string[]): MemberChange {
		return { email: normaliseEmail(contact.email), fields: toPlatformFields(contact, this.mappingsOf(target)), status: 'subscribed', segments, welcome: true };
	}

	/**
	 * Sends `changes` (and, with `retryPending`, this platform's earlier failures) in the vendor's batches. Never
	 * throws: a platform that is down gives failed results, kept as pending work.
	 */
	private async deliver(target: MarketingTarget, changes: MemberChange[], retryPending: boolean, unavailable?: Error) {
		const fresh = new Set(changes.map((change) => change.email));
		const earlier = retryPending
			? (await this.repository.pending(target.platform, this.options.retryLimit ?? 1000, this.options.maxAttempts ?? 5)).filter((entry) => !fresh.has(entry.email))
			: [];
		const consent = await this.repository.consent(earlier.map((entry) => entry.email));
		const retriedChanges = earlier.map((entry): MemberChange =>
			consent.get(entry.email) === 'unsubscribed' ? { ...entry.change, status: 'unsubscribed', segments: [], welcome: false } : entry.change,
		);
		const all = [...changes, ...retriedChanges];
		const holder = this.repository.welcomeHolder(this.options.welcomeLeaseMs);
		const owner = holder.owner;
		const claims = await this.claimWelcomes(target.platform, all, holder);
		const outcomes: MemberOutcome[] = [];
		for (const batch of chunk(all, target.connector.batchSize)) {
			try {
				if (unavailable) throw unavailable;
				outcomes.push(...(await target.connector.apply(batch)));
			} catch (error) {
				outcomes.push(...batch.map(() => failedOutcome('upsert', error)));
			}
		}
		await this.settleWelcomes(target.platform, owner, all, outcomes, claims).finally(() => holder.abandon());
		const failed = all.flatMap((change, index) => {
			const outcome = outcomes[index];
			return outcome.ok ? [] : [{ change, error: { code: outcome.error.code, message: outcome.error.message } }];
		});
		await this.repository.settle(target.platform, failed, all.filter((_, index) => outcomes[index].ok).map((change) => change.email));
		const results = all.map((change, index) => platformResult(target.platform, outcomes[index], claims.get(change.email)));
		return {
			results: results.slice(0, changes.length),
			retried: earlier.map((entry, position): RetriedChange => {
				const outcome = outcomes[changes.length + position];
				return { platform: target.platform, email: entry.email, ok: outcome.ok, attempts: entry.attempts + 1, error: outcome.ok ? undefined : outcome.error };
			}),
			counts: { changes: all.length, failed: failed.length, welcomed: results.filter((result) => result.welcomed).length },
		};
	}

	/** Claims the welcome for each contact that wants one; contacts welcomed before (or being welcomed now) are not asked again. */
	private async claimWelcomes(platform: string, changes: MemberChange[], holder: Lease): Promise<Map<string, WelcomeClaim>> {
		const wanted = changes.filter((change) => change.welcome).map((change) => change.email);
		const owned = await this.repository.claimWelcomes(platform, wanted, holder);
		const owner = holder.owner;
		const claims = new Map<string, WelcomeClaim>();
		for (const change of changes) {
			if (!change.welcome) continue;
			claims.set(change.email, owned.has(change.email) ? { owner } : { already: true });
			change.welcome = owned.has(change.email);
		}
		return claims;
	}

	private async settleWelcomes(platform: string, owner: string, changes: MemberChange[], outcomes: MemberOutcome[], claims: Map<string, WelcomeClaim>): Promise<void> {
		const welcomed: string[] = [];
		const released: string[] = [];
		changes.forEach((change, index) => {
			if (!claims.get(change.email)?.owner) return;
			const outcome = outcomes[index];
			(outcome.ok && outcome.welcomed ? welcomed : released).push(change.email);
		});
		await this.repository.settleWelcomes(platform, owner, welcomed, released);
	}

	/** Emails whose welcome ran on a platform. */
	welcomed(platform: string): Promise<string[]> {
		return this.repository.welcomed(platform);
	}
}

interface WelcomeClaim {
	owner?: string;
	already?: boolean;
}

function platformResult(platform: string, outcome: MemberOutcome, claim: WelcomeClaim | undefined): PlatformResult {
	const alreadyWelcomed = claim?.already ? true : undefined;
	if (outcome.ok) {
		return { platform, ok: true, created: outcome.created, welcomed: outcome.welcomed, ...(alreadyWelcomed ? { alreadyWelcomed } : {}), ...(outcome.unsubscribedOnPlatform ? { unsubscribedOnPlatform: true } : {}) };
	}
	return { platform, ok: false, welcomed: false, error: { stage: outcome.stage, code: outcome.error.code, message: outcome.error.message, retryable: outcome.retryable } };
}
