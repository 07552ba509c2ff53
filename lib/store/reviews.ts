import { randomUUID } from 'node:crypto';

import { getPath } from '../records/paths';
import type { RecordVersion } from '../records/resolve';
import { selectIn } from './inList';
import type { SqlExecutor } from './types';

export type ReviewStatus = 'pending' | 'decided' | 'applied';

/** A reviewer's choice: one side's value for every field in conflict, or explicit values per field. */
export interface ReviewDecision {
	side?: string;
	values?: Record<string, unknown>;
	decidedBy?: string;
}

export interface ConflictReview {
	id: string;
	scope: string;
	recordKey: string;
	status: ReviewStatus;
	fields: string[];
	base?: Record<string, unknown>;
	versions: RecordVersion[];
	decision?: ReviewDecision;
	createdAt: string;
	updatedAt: string;
}

type ReviewRow = Record<string, string | null>;

function toReview(row: ReviewRow): ConflictReview {
	return {
		id: row.id as string,
		scope: row.scope as string,
		recordKey: row.record_key as string,
		status: row.status as ReviewStatus,
		fields: JSON.parse(row.fields as string) as string[],
		base: row.base === null ? undefined : (JSON.parse(row.base) as Record<string, unknown>),
		versions: JSON.parse(row.versions as string) as RecordVersion[],
		decision: row.decision === null ? undefined : (JSON.parse(row.decision) as ReviewDecision),
		createdAt: row.created_at as string,
		updatedAt: row.updated_at as string,
	};
}

export class ReviewNotFoundError extends Error {
	constructor(id: string, why: string) {
		super(`Conflict review "${id}" ${why}`);
		this.name = 'ReviewNotFoundError';
	}
}

/**
 * The manual review queue: one pending review per record, decided by a person, then applied by whoever syncs (CRM
 * sync, the Conflict Resolver). Its table `conflict_reviews` is created by lib/conflict/migrations.ts.
 */
export class ReviewQueue {
	constructor(private readonly db: SqlExecutor) {}

	/** Queues a review, or refreshes the open one for the same record with the newer versions. Returns its id. */
	async open(entry: { scope: string; recordKey: string; fields: string[]; base?: Record<string, unknown>; versions: RecordVersion[] }): Promise<string> {
		const now = new Date().toISOString();
		await this.db.run(
			`INSERT INTO conflict_reviews (id, scope, record_key, status, fields, base, versions, decision, created_at, updated_at)
			 VALUES (?, ?, ?, 'pending', ?, ?, ?, NULL, ?, ?)
			 ON CONFLICT (scope, record_key) WHERE status = 'pending'
			 DO UPDATE SET fields = excluded.fields, base = excluded.base, versions = excluded.versions, updated_at = excluded.updated_at`,
			[
				randomUUID(), entry.scope, entry.recordKey, JSON.stringify(entry.fields), entry.base ? JSON.stringify(entry.base) : null,
				JSON.stringify(entry.versions), now, now,
			],
		);
		const rows = await this.db.query<{ id: string }>(
			`SELECT id FROM conflict_reviews WHERE scope = ? AND record_key = ? AND status = 'pending'`,
			[entry.scope, entry.recordKey],
		);
		return rows[0].id;
	}

	async get(id: string): Promise<ConflictReview | undefined> {
		const rows = await this.db.query<ReviewRow>('SELECT * FROM conflict_reviews WHERE id = ?', [id]);
		return rows[0] ? toReview(rows[0]) : undefined;
	}

	async pendingFor(scope: string, recordKeys: string[]): Promise<Set<string>> {
		const rows = await selectIn<{ record_key: string }, string>(this.db, recordKeys, ({ placeholders, values }) => ({
			sql: `SELECT record_key FROM conflict_reviews WHERE scope = ? AND status = 'pending' AND record_key IN (${placeholders})`,
			params: [scope, ...values],
		}));
		return new Set(rows.map((row) => row.record_key));
	}

	/** Reviews in one status, oldest first; `scope` undefined lists every scope. */
	async list(options: { scope?: string; status?: ReviewStatus; limit?: number } = {}): Promise<ConflictReview[]> {
		const status = options.status ?? 'pending';
		const params: Array<string | number> = [status];
		let sql = 'SELECT * FROM conflict_reviews WHERE status = ?';
		if (options.scope) {
			sql += ' AND scope = ?';
			params.push(options.scope);
		}
		sql += ' ORDER BY created_at, id LIMIT ?';
		params.push(options.limit ?? 100);
		return (await this.db.query<ReviewRow>(sql, params)).map(toReview);
	}

	/** Records a decision on a pending review; a review already decided or applied is not decided twice. */
	async decide(id: string, decision: ReviewDecision): Promise<ConflictReview> {
		const review = await this.get(id);
		if (!review) throw new ReviewNotFoundError(id, 'does not exist');
		if (decision.side && !review.versions.some((version) => version.side === decision.side)) {
			throw new Error(`Side "${decision.side}" is not one of this review's sides (${review.versions.map((v) => v.side).join(', ')})`);
		}
		if (!decision.side && !decision.values) throw new Error('A decision names a side or gives values');
		const changed = await this.db.run(
			`UPDATE conflict_reviews SET status = 'decided', decision = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
			[JSON.stringify(decision), new Date().toISOString(), id],
		);
		if (changed.changes === 0) throw new ReviewNotFoundError(id, `is already ${review.status}`);
		return { ...review, status: 'decided', decision };
	}

	async markApplied(id: string): Promise<void> {
		await this.db.run(`UPDATE conflict_reviews SET status = 'applied', updated_at = ? WHERE id = ? AND status = 'decided'`, [new Date().toISOString(), id]);
	}
}

/** The values a decision settles, field by field (only the fields that were in conflict). */
export function decidedValues(review: ConflictReview): Record<string, unknown> {
	const decision = review.decision ?? {};
	const chosen = review.versions.find((version) => version.side === decision.side);
	const values: Record<string, unknown> = {};
	for (const field of review.fields) {
		if (decision.values && field in decision.values) values[field] = decision.values[field];
		else if (chosen) values[field] = getPath(chosen.fields, field);
	}
	return values;
}
