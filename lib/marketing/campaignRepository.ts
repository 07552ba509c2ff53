import type { JourneyKind } from '../platforms/marketing';
import type { SqlDatabase } from '../store/types';

export type JourneyState = 'started' | 'stopped';

/** Segment memberships and journey states per contact, for one integration: what makes each campaign event news once. */
export class CampaignRepository {
	constructor(
		private readonly db: SqlDatabase,
		private readonly integration: string,
	) {}

	/**
	 * Records that the contact left the segment. News (`recorded`) when it was a member or never seen: its version then
	 * counts this leave. Seen already (left, not joined since): the recorded leave, its version and first source.
	 */
	async recordLeave(email: string, segment: string, source: string): Promise<{ recorded: boolean; version: number; source: string }> {
		const stamp = new Date().toISOString();
		return this.db.transaction(async (tx) => {
			const inserted = await tx.run(
				`INSERT INTO marketing_segment_members (integration, email, segment, state, version, source, updated_at) VALUES (?, ?, ?, 'left', 1, ?, ?)
				 ON CONFLICT (integration, email, segment) DO UPDATE SET state = 'left', version = marketing_segment_members.version + 1, source = excluded.source, updated_at = excluded.updated_at
				 WHERE marketing_segment_members.state = 'member'`,
				[this.integration, email, segment, source, stamp],
			);
			const [row] = await tx.query<{ version: number | string; source: string }>(
				'SELECT version, source FROM marketing_segment_members WHERE integration = ? AND email = ? AND segment = ?',
				[this.integration, email, segment],
			);
			return { recorded: inserted.changes === 1, version: Number(row.version), source: row.source };
		});
	}

	/** Marks contacts members of their segments again (a leave recorded before stays counted in the version). */
	async recordJoins(memberships: Array<{ email: string; segments: string[] }>): Promise<void> {
		const stamp = new Date().toISOString();
		const rows = memberships.flatMap(({ email, segments }) => segments.map((segment) => [email, segment])).sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
		if (rows.length === 0) return;
		await this.db.transaction(async (tx) => {
			for (const [email, segment] of rows) {
				await tx.run(
					`INSERT INTO marketing_segment_members (integration, email, segment, state, version, source, updated_at) VALUES (?, ?, ?, 'member', 0, '', ?)
					 ON CONFLICT (integration, email, segment) DO UPDATE SET state = 'member', updated_at = excluded.updated_at WHERE marketing_segment_members.state = 'left'`,
					[this.integration, email, segment, stamp],
				);
			}
		});
	}

	/** Starts the journey unless it ran and ended before; answers the state it is in now. */
	async moveJourney(email: string, journey: JourneyKind, to: 'started', stage: string): Promise<JourneyState> {
		const stamp = new Date().toISOString();
		return this.db.transaction(async (tx) => {
			await tx.run(
				`INSERT INTO marketing_journeys (integration, email, journey, state, was_started, stage, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)
				 ON CONFLICT (integration, email, journey) DO UPDATE SET stage = excluded.stage, updated_at = excluded.updated_at`,
				[this.integration, email, journey, to, stage, stamp],
			);
			return (await this.stateIn(tx, email, journey)) as JourneyState;
		});
	}

	/** Ends the journey for good; `wasStarted` when it had been started (a contact never nurtured has nothing to stop). */
	async stopJourney(email: string, journey: JourneyKind, stage: string): Promise<{ state: JourneyState; wasStarted: boolean }> {
		const stamp = new Date().toISOString();
		return this.db.transaction(async (tx) => {
			await tx.run(
				`INSERT INTO marketing_journeys (integration, email, journey, state, was_started, stage, updated_at) VALUES (?, ?, ?, 'stopped', 0, ?, ?)
				 ON CONFLICT (integration, email, journey) DO UPDATE SET state = 'stopped', stage = excluded.stage, updated_at = excluded.updated_at`,
				[this.integration, email, journey, stage, stamp],
			);
			const started = await tx.query<{ started: number | string }>(
				'SELECT was_started AS started FROM marketing_journeys WHERE integration = ? AND email = ? AND journey = ?',
				[this.integration, email, journey],
			);
			return { state: 'stopped', wasStarted: Number(started[0]?.started ?? 0) === 1 };
		});
	}

	async journeyState(email: string, journey: JourneyKind): Promise<JourneyState | undefined> {
		return this.stateIn(this.db, email, journey);
	}

	private async stateIn(executor: Pick<SqlDatabase, 'query'>, email: string, journey: JourneyKind): Promise<JourneyState | undefined> {
		const [row] = await executor.query<{ state: JourneyState }>('SELECT state FROM marketing_journeys WHERE integration = ? AND email = ? AND journey = ?', [
			this.integration,
			email,
			journey,
		]);
		return row?.state;
	}
}
