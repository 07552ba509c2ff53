import type { MemberChange } from '../platforms/marketing';
import { runIn, selectIn } from '../store/inList';
import { leaseName, Leases, type Lease } from '../store/leases';
import { OutboxTopic, outboxKey, type QueuedEntry } from '../store/outbox';
import type { SqlDatabase, SqlExecutor } from '../store/types';

export type ConsentStatus = 'subscribed' | 'unsubscribed';

export interface PendingChange {
	platform: string;
	email: string;
	change: MemberChange;
	attempts: number;
	error?: { code?: string; message: string };
}

/** Consent and pending work for one integration. */
export class MarketingRepository {
	constructor(
		private readonly db: SqlDatabase,
		private readonly integration: string,
	) {}

	/** The recorded status of each email that has one. */
	async consent(emails: string[]): Promise<Map<string, ConsentStatus>> {
		const rows = await selectIn<{ email: string; status: ConsentStatus }, string>(this.db, emails, ({ placeholders, values }) => ({
			sql: `SELECT email, status FROM marketing_consent WHERE integration = ? AND email IN (${placeholders})`,
			params: [this.integration, ...values],
		}));
		return new Map(rows.map((row) => [row.email, row.status]));
	}

	/** Records consent; an email already unsubscribed stays unsubscribed (the statement's WHERE makes it so). */
	async recordConsent(emails: string[], source: string): Promise<void> {
		const stamp = new Date().toISOString();
		await this.db.transaction(async (tx) => {
			for (const email of inLockOrder(emails)) {
				await tx.run(
					`INSERT INTO marketing_consent (integration, email, status, source, changed_at) VALUES (?, ?, 'subscribed', ?, ?)
					 ON CONFLICT (integration, email) DO UPDATE SET source = excluded.source WHERE marketing_consent.status <> 'unsubscribed'`,
					[this.integration, email, source, stamp],
				);
			}
		});
	}

	/** Records an unsubscribe; true when it is news (the email was not unsubscribed before). */
	async recordUnsubscribe(email: string, source: string, at: string): Promise<boolean> {
		const result = await this.db.run(
			`INSERT INTO marketing_consent (integration, email, status, source, changed_at) VALUES (?, ?, 'unsubscribed', ?, ?)
			 ON CONFLICT (integration, email) DO UPDATE SET status = 'unsubscribed', source = excluded.source, changed_at = excluded.changed_at
			 WHERE marketing_consent.status <> 'unsubscribed'`,
			[this.integration, email, source, at],
		);
		return result.changes === 1;
	}

	/** Changes still worth retrying on a platform: fewer than `maxAttempts` so far, least recently tried first. */
	async pending(platform: string, limit: number, maxAttempts: number): Promise<PendingChange[]> {
		return toPending(await this.pendingTopic().list({ group: platform, maxAttempts, order: 'updated', limit }));
	}

	async allPending(): Promise<PendingChange[]> {
		return toPending(await this.pendingTopic().list({ order: 'group', limit: Number.MAX_SAFE_INTEGER }));
	}

	/** Keeps failed changes for the next run and forgets the ones that went through, in one transaction. */
	async settle(platform: string, failed: Array<{ change: MemberChange; error: { code?: string; message: string } }>, succeeded: string[]): Promise<void> {
		await this.db.transaction(async (tx) => {
			const pending = this.pendingTopic(tx);
			await pending.removeMany(succeeded.map((email) => pendingKey(platform, email)));
			await pending.recordFailures(failed.map(({ change, error }) => ({ key: pendingKey(platform, change.email), group: platform, payload: change, error })));
		});
	}

	/** The work platforms could not take yet, on the store's outbox: one entry per (platform, email), grouped by platform. */
	private pendingTopic(executor: SqlExecutor = this.db): OutboxTopic<MemberChange> {
		return new OutboxTopic<MemberChange>(executor, pendingTopicOf(this.integration));
	}

	/** A holder for welcome claims; its heartbeat keeps them while its run talks to the platform. */
	welcomeHolder(leaseMs?: number): Lease {
		return new Leases(this.db, { ttlMs: leaseMs }).holder();
	}

	/**
	 * Claims the welcome of each email on a platform for `holder`, in one transaction: one not welcomed yet whose claim
	 * is free or lapsed (its execution died). Returns the emails now owned; the rest were welcomed or are being welcomed.
	 */
	async claimWelcomes(platform: string, emails: string[], holder: Lease): Promise<Set<string>> {
		const stamp = new Date().toISOString();
		return this.db.transaction(async (tx) => {
			const welcomed = await this.welcomedIn(tx, platform, emails);
			const wanted = inLockOrder(emails).filter((email) => !welcomed.has(email));
			const taken = await holder.claimIn(tx, wanted.map((email) => this.welcomeLease(platform, email)));
			const owned = new Set<string>();
			for (const email of wanted.filter((candidate) => taken.has(this.welcomeLease(platform, candidate)))) {
				// Only a pending row is ours to own: a welcome completed since we read it stays done.
				const row = await tx.run(
					`INSERT INTO marketing_welcomes (integration, platform, email, state, owner, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)
					 ON CONFLICT (integration, platform, email) DO UPDATE SET owner = excluded.owner, updated_at = excluded.updated_at
					 WHERE marketing_welcomes.state = 'pending'`,
					[this.integration, platform, email, holder.owner, stamp],
				);
				if (row.changes === 1) owned.add(email);
				else await holder.releaseIn(tx, [this.welcomeLease(platform, email)]);
			}
			return owned;
		});
	}

	/**
	 * Marks welcomes done (`welcomed`) and gives the other claims back so a later run may try again, each only where
	 * `owner` still holds the claim (a run whose claim lapsed and was taken over settles nothing), freeing them at once.
	 */
	async settleWelcomes(platform: string, owner: string, welcomed: string[], released: string[]): Promise<void> {
		const stamp = new Date().toISOString();
		const leases = new Leases(this.db);
		await this.db.transaction(async (tx) => {
			const held = await leases.releaseIn(tx, owner, [...welcomed, ...released].map((email) => this.welcomeLease(platform, email)));
			const stillOurs = (emails: string[]) => emails.filter((email) => held.has(this.welcomeLease(platform, email)));
			await runIn(tx, stillOurs(welcomed), ({ placeholders, values }) => ({
				sql: `UPDATE marketing_welcomes SET state = 'done', updated_at = ? WHERE integration = ? AND platform = ? AND email IN (${placeholders})`,
				params: [stamp, this.integration, platform, ...values],
			}));
			await runIn(tx, stillOurs(released), ({ placeholders, values }) => ({
				sql: `DELETE FROM marketing_welcomes WHERE integration = ? AND platform = ? AND state = 'pending' AND email IN (${placeholders})`,
				params: [this.integration, platform, ...values],
			}));
		});
	}

	private async welcomedIn(tx: SqlExecutor, platform: string, emails: string[]): Promise<Set<string>> {
		const rows = await selectIn<{ email: string }, string>(tx, emails, ({ placeholders, values }) => ({
			sql: `SELECT email FROM marketing_welcomes WHERE integration = ? AND platform = ? AND state = 'done' AND email IN (${placeholders})`,
			params: [this.integration, platform, ...values],
		}));
		return new Set(rows.map((row) => row.email));
	}

	private welcomeLease(platform: string, email: string): string {
		return leaseName('marketing-welcome', this.integration, platform, email);
	}

	/** Emails welcomed on a platform (for reports and tests). */
	async welcomed(platform: string): Promise<string[]> {
		const rows = await this.db.query<{ email: string }>(
			`SELECT email FROM marketing_welcomes WHERE integration = ? AND platform = ? AND state = 'done' ORDER BY email`,
			[this.integration, platform],
		);
		return rows.map((row) => row.email);
	}
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The outbox topic of an integration's pending member changes, and a change's key in it. */
export const pendingTopicOf = (integration: string): string => outboxKey('marketing-pending', integration);
export const pendingKey = (platform: string, email: string): string => outboxKey(platform, email);

function toPending(entries: Array<QueuedEntry<MemberChange>>): PendingChange[] {
	return entries.map((entry) => ({ platform: entry.group, email: entry.payload.email, change: entry.payload, attempts: entry.attempts, error: entry.error }));
}

/**
 * Rows are written in email order, so two transactions writing the same emails (two executions of one batch given in
 * different orders) wait for each other instead of deadlocking on Postgres; repeats are written once.
 */
function inLockOrder(emails: string[]): string[] {
	return [...new Set(emails)].sort(compare);
}
