import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { type BatchRecorder, type ChangePage, type CrmConnector, type CrmEntity, type EntitySupport, failedWrites, type PlatformRecord, type RecordWrite, type WriteOptions, type WriteOutcome } from '../crm';
import { addComments, TicketRefusal, wantedComments, type TicketComment } from '../tickets';
import { type EventsPosition, ZendeskTicketComments } from './ticketComments';
import { sleep as defaultSleep } from '../../records/sleep';

const BULK_LIMIT = 100;
/** Batches whose jobs run together, polled through show_many: 10,000 records. */
const BATCHES_PER_ROUND = 100;
/** Job ids per show_many poll. */
const STATUSES_PER_POLL = 100;
const JOB_POLL_MS = 250;
const JOB_POLLS = 240;

interface Resource {
	/** Collection name in paths and bodies (`users`), and one record's key. */
	plural: string;
	/** Bulk endpoint for records not yet linked. */
	createPath: string;
	/** Incremental export: cursor-based for users and tickets, time-based for organizations. */
	incremental: 'cursor' | 'time';
	fields: string[];
	deleted: (record: Record<string, unknown>) => boolean;
}

const resources: Partial<Record<CrmEntity, Resource>> = {
	contacts: {
		plural: 'users',
		// Matches an existing user on email or external_id, so a first sync links instead of duplicating.
		createPath: '/api/v2/users/create_or_update_many.json',
		incremental: 'cursor',
		fields: ['name', 'email', 'phone', 'organization_id', 'role', 'details', 'notes', 'external_id', 'time_zone'],
		deleted: (record) => record.active === false,
	},
	companies: {
		plural: 'organizations',
		createPath: '/api/v2/organizations/create_many.json',
		incremental: 'time',
		fields: ['name', 'domain_names', 'details', 'notes', 'external_id'],
		deleted: (record) => record.deleted_at !== undefined && record.deleted_at !== null,
	},
	tickets: {
		plural: 'tickets',
		createPath: '/api/v2/tickets/create_many.json',
		incremental: 'cursor',
		// requester_email, assignee_email and comments are the neutral ticket model's, read and written by the connector.
		fields: ['subject', 'description', 'priority', 'status', 'type', 'requester_id', 'assignee_id', 'external_id', 'requester_email', 'assignee_email', 'comments'],
		deleted: (record) => record.status === 'deleted',
	},
};

interface JobStatus {
	id: string;
	status: 'queued' | 'working' | 'failed' | 'completed' | 'killed';
	message?: string;
	results?: Array<{ id?: number; index?: number; status?: string; success?: boolean; error?: string; details?: string; action?: string }>;
}

/** A user side-loaded with a ticket export page (`include=users`): the ticket model needs its email. */
interface SideLoadedUser {
	id: number;
	email?: string;
}

interface ExportCursor {
	cursor?: string;
	startTime?: number;
	/** Tickets: how far the ticket events export (their comments) has been read. */
	events?: EventsPosition;
}

/**
 * Zendesk Support: incremental exports (cursor-based for users and tickets), bulk writes of 100 as background jobs
 * polled to completion, `external_id` set to our internal id, destroy_many for archives.
 */
export class ZendeskCrm implements CrmConnector {
	readonly platform = 'zendesk';
	readonly entities: Partial<Record<CrmEntity, EntitySupport>> = {
		contacts: { object: 'users', matchField: 'email', batchSize: BULK_LIMIT, batchesPerRound: BATCHES_PER_ROUND },
		companies: { object: 'organizations', batchSize: BULK_LIMIT, batchesPerRound: BATCHES_PER_ROUND },
		tickets: { object: 'tickets', batchSize: BULK_LIMIT, batchesPerRound: BATCHES_PER_ROUND, thread: 'comments' },
	};

	private readonly comments: ZendeskTicketComments;

	constructor(private readonly transport: Transport, private readonly sleep: (ms: number) => Promise<void> = defaultSleep) {
		this.comments = new ZendeskTicketComments(transport);
	}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		return this.resource(entity).fields;
	}

	async write(entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		let outcomes: WriteOutcome[] = [];
		// One batch alone: a failed call throws, as every connector's write does.
		await this.runBatches(entity, [batch], async (_position, result) => void (outcomes = result), true);
		return outcomes;
	}

	/**
	 * Starts every batch's jobs, then polls their statuses a hundred at a time (show_many) until all have ended, so
	 * 10,000 records cost 100 job starts and, when they finish between polls, one status call.
	 */
	async writeBatches(entity: CrmEntity, batches: RecordWrite[][], _options: WriteOptions, record: BatchRecorder): Promise<void> {
		await this.runBatches(entity, batches, record, false);
	}

	private async runBatches(entity: CrmEntity, batches: RecordWrite[][], record: BatchRecorder, throwOnFailure: boolean): Promise<void> {
		if (entity === 'tickets') record = this.addingComments(batches, record);
		const resource = this.resource(entity);
		const started: Array<{ position: number; jobs: Array<{ part: JobPart; job: JobStatus }> }> = [];
		for (const [position, batch] of batches.entries()) {
			try {
				const jobs = [];
				for (const part of jobParts(resource, batch)) jobs.push({ part, job: await this.startJob(part.method, part.url, part.body) });
				started.push({ position, jobs });
			} catch (error) {
				if (throwOnFailure) throw error;
				await record(position, failedWrites(batch.length, error));
			}
		}
		const ended = await this.awaitJobs(started.flatMap(({ jobs }) => jobs.map(({ job }) => job)));
		for (const { position, jobs } of started) {
			const outcomes: WriteOutcome[] = new Array(batches[position].length);
			try {
				for (const { part, job } of jobs) this.assign(resource, outcomes, part.inputs, ended(job.id), part.creating);
			} catch (error) {
				if (throwOnFailure) throw error;
				await record(position, failedWrites(batches[position].length, error));
				continue;
			}
			await record(position, outcomes);
		}
	}

	/** Zendesk's exports start from a UNIX time in seconds. */
	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ startTime: Math.floor(at.getTime() / 1000) } satisfies ExportCursor);
	}

	async pullChanges(entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const resource = this.resource(entity);
		const position: ExportCursor = cursor ? (JSON.parse(cursor) as ExportCursor) : { startTime: 0 };
		if (resource.incremental === 'cursor') {
			const qs = { ...(position.cursor ? { cursor: position.cursor } : { start_time: position.startTime ?? 0 }), ...(entity === 'tickets' ? { include: 'users' } : {}) };
			const body = await this.transport.request<Record<string, unknown> & { after_cursor?: string; end_of_stream: boolean; users?: SideLoadedUser[] }>({
				method: 'GET', url: `/api/v2/incremental/${resource.plural}/cursor.json`, qs,
			});
			const records = (body[resource.plural] as Array<Record<string, unknown>>) ?? [];
			const next: ExportCursor = body.after_cursor ? { cursor: body.after_cursor } : { ...position };
			if (entity !== 'tickets') return { records: records.map((record) => toPlatformRecord(record, resource)), cursor: JSON.stringify(next), done: body.end_of_stream };
			const commented = await this.comments.read(records, position.events, position.cursor ? undefined : position.startTime ?? 0);
			const read = await this.withTicketModel(commented.tickets, body.users ?? []);
			return { records: read.map((record) => toPlatformRecord(record, resource)), cursor: JSON.stringify({ ...next, events: commented.events ?? position.events }), done: body.end_of_stream };
		}
		const body = await this.transport.request<Record<string, unknown> & { end_time?: number; end_of_stream: boolean }>({
			method: 'GET', url: `/api/v2/incremental/${resource.plural}.json`, qs: { start_time: position.startTime ?? 0 },
		});
		const records = (body[resource.plural] as Array<Record<string, unknown>>) ?? [];
		return {
			records: records.map((record) => toPlatformRecord(record, resource)),
			cursor: JSON.stringify({ startTime: body.end_time ?? position.startTime }),
			done: body.end_of_stream,
		};
	}

	async archive(entity: CrmEntity, externalIds: string[]): Promise<void> {
		const resource = this.resource(entity);
		for (let start = 0; start < externalIds.length; start += BULK_LIMIT) {
			const ids = externalIds.slice(start, start + BULK_LIMIT).join(',');
			await this.runJob('DELETE', `/api/v2/${resource.plural}/destroy_many.json`, undefined, ids);
		}
	}

	/**
	 * Tickets as the neutral model reads them: the requester's and the assignee's emails (side-loaded with the export's
	 * page; one show_many call for every 100 users it did not carry, as for tickets read by id) and the comments after
	 * the first, which is the description.
	 */
	private async withTicketModel(commented: Array<{ ticket: Record<string, unknown>; comments: TicketComment[] }>, sideLoaded: SideLoadedUser[]): Promise<Array<Record<string, unknown>>> {
		const tickets = commented.map((entry) => entry.ticket);
		const emails = new Map<number, string | undefined>(sideLoaded.map((user) => [user.id, user.email?.toLowerCase()]));
		const ids = [...new Set(tickets.flatMap((ticket) => [ticket.requester_id, ticket.assignee_id]).filter((id): id is number => typeof id === 'number' && !emails.has(id)))];
		for (let start = 0; start < ids.length; start += BULK_LIMIT) {
			const body = await this.transport.request<{ users?: Array<{ id: number; email?: string }> }>({ method: 'GET', url: '/api/v2/users/show_many.json', qs: { ids: ids.slice(start, start + BULK_LIMIT).join(',') } });
			for (const user of body.users ?? []) emails.set(user.id, user.email?.toLowerCase());
		}
		return commented.map(({ ticket, comments }) => ({
			...ticket,
			requester_email: typeof ticket.requester_id === 'number' ? emails.get(ticket.requester_id) : undefined,
			assignee_email: typeof ticket.assignee_id === 'number' ? emails.get(ticket.assignee_id) ?? null : null,
			comments,
		}));
	}

	/**
	 * Wraps a batch recorder for tickets: once a ticket is written, each comment the write asks for is added (one
	 * ticket update per comment, as Zendesk appends them; the update's audit names the new comment's id); a ticket
	 * whose comments could not all be added fails, reporting those that were.
	 */
	private addingComments(batches: RecordWrite[][], record: BatchRecorder): BatchRecorder {
		return async (position, outcomes) => {
			const batch = batches[position];
			const settled: WriteOutcome[] = [];
			for (const [index, outcome] of outcomes.entries()) {
				const write = batch[index];
				if (!outcome?.ok || write.fields.comments === undefined) {
					settled.push(outcome);
					continue;
				}
				const threadIds: Record<string, string> = {};
				try {
					const wanted = wantedComments(write.fields.comments, `Zendesk ticket ${outcome.externalId}`);
					await addComments(wanted, threadIds, async (comment) => {
						const body = await this.transport.request<{ audit?: { events?: Array<{ id?: number; type?: string }> } }>({
							method: 'PUT', url: `/api/v2/tickets/${encodeURIComponent(outcome.externalId)}.json`, body: { ticket: { comment: { body: comment.body, public: comment.public } } },
						}, { replaySafe: false });
						const added = body.audit?.events?.find((event) => event.type === 'Comment')?.id;
						return added === undefined ? undefined : String(added);
					});
					settled.push({ ...outcome, threadIds });
				} catch (error) {
					if (!(error instanceof TicketRefusal || error instanceof PlatformApiError)) throw error;
					settled.push({ ok: false, error: { message: error.message, code: error.code }, threadIds, externalId: outcome.externalId });
				}
			}
			await record(position, settled);
		};
	}

	private resource(entity: CrmEntity): Resource {
		const resource = resources[entity];
		if (!resource) throw new Error(`zendesk does not support ${entity}`);
		return resource;
	}

	private async startJob(method: JobPart['method'], url: string, body: unknown, ids?: string): Promise<JobStatus> {
		return (await this.transport.request<{ job_status: JobStatus }>({ method, url, body, qs: ids ? { ids } : undefined })).job_status;
	}

	/** Starts a bulk job and waits for it (Zendesk runs bulk writes in the background). */
	private async runJob(method: JobPart['method'], url: string, body: unknown, ids?: string): Promise<JobStatus> {
		const job = await this.startJob(method, url, body, ids);
		return (await this.awaitJobs([job]))(job.id);
	}

	/**
	 * Polls the jobs still queued or working through show_many until every one has ended; the result gives each
	 * job's final status, or throws for a job that did not complete.
	 */
	private async awaitJobs(jobs: JobStatus[]): Promise<(id: string) => JobStatus> {
		const latest = new Map(jobs.map((job) => [job.id, job]));
		for (let poll = 0; poll < JOB_POLLS; poll++) {
			const open = [...latest.values()].filter(running).map((job) => job.id);
			if (open.length === 0) break;
			await this.sleep(JOB_POLL_MS);
			for (let start = 0; start < open.length; start += STATUSES_PER_POLL) {
				const ids = open.slice(start, start + STATUSES_PER_POLL).join(',');
				const body = await this.transport.request<{ job_statuses: JobStatus[] }>({ method: 'GET', url: '/api/v2/job_statuses/show_many.json', qs: { ids } });
				for (const job of body.job_statuses ?? []) if (latest.has(job.id)) latest.set(job.id, job);
			}
		}
		return (id) => {
			const job = latest.get(id) as JobStatus;
			if (job.status !== 'completed') throw Object.assign(new Error(`Zendesk job ${job.id} ended ${job.status}: ${job.message ?? ''}`), { code: 'JOB_NOT_COMPLETED' });
			return job;
		};
	}

	/** Job results carry the input's index; without one they follow input order. */
	private assign(resource: Resource, outcomes: WriteOutcome[], inputs: Array<{ write: RecordWrite; index: number }>, job: JobStatus, creating: boolean): void {
		const results = job.results ?? [];
		inputs.forEach(({ write, index }, position) => {
			const result = results.find((entry) => entry.index === position) ?? results[position];
			const failed = !result || result.status === 'Failed' || result.success === false || result.error !== undefined;
			outcomes[index] = failed
				? { ok: false, error: { message: result?.details ?? result?.error ?? 'Zendesk returned no result for this record', code: result?.error ?? 'NO_RESULT' } }
				: { ok: true, externalId: String(result.id ?? write.externalId), created: creating && result.status !== 'Updated', fields: creating ? write.fields : keptOnUpdate(resource, write.fields) };
		});
	}
}

interface JobPart {
	method: 'POST' | 'PUT' | 'DELETE';
	url: string;
	body: unknown;
	inputs: Array<{ write: RecordWrite; index: number }>;
	creating: boolean;
}

/** A batch's jobs: one update_many for linked records, one create for the others. */
function jobParts(resource: Resource, batch: RecordWrite[]): JobPart[] {
	const indexed = batch.map((write, index) => ({ write, index }));
	const updates = indexed.filter(({ write }) => write.externalId);
	const creates = indexed.filter(({ write }) => !write.externalId);
	const parts: JobPart[] = [];
	if (updates.length > 0) {
		const records = updates.map(({ write }) => ({ ...writtenFields(resource, write.fields, false), id: Number(write.externalId) }));
		parts.push({ method: 'PUT', url: `/api/v2/${resource.plural}/update_many.json`, body: { [resource.plural]: records }, inputs: updates, creating: false });
	}
	if (creates.length > 0) {
		const records = creates.map(({ write }) => ({ ...writtenFields(resource, write.fields, true), ...(write.internalId ? { external_id: write.internalId } : {}) }));
		parts.push({ method: 'POST', url: resource.createPath, body: { [resource.plural]: records }, inputs: creates, creating: true });
	}
	return parts;
}

/**
 * What Zendesk is sent for a record's fields. Tickets: the description is the first comment (set on create, read-only
 * after), the requester is named by email, comments are added after the write (see addingComments).
 */
function writtenFields(resource: Resource, fields: Record<string, unknown>, creating: boolean): Record<string, unknown> {
	if (resource.plural !== 'tickets') return fields;
	const { comments: _comments, description, requester_email: requesterEmail, assignee_email: assigneeEmail, ...own } = fields;
	return {
		...own,
		...(typeof assigneeEmail === 'string' && assigneeEmail !== '' ? { assignee_email: assigneeEmail } : assigneeEmail === null || assigneeEmail === '' ? { assignee_id: null } : {}),
		...(creating && typeof description === 'string' && description.trim() !== '' ? { comment: { body: description } } : {}),
		...(typeof requesterEmail === 'string' && requesterEmail !== '' ? { requester: { email: requesterEmail } } : {}),
	};
}

/** An update leaves a ticket's description as it was (Zendesk's first comment is read-only): so must its snapshot. */
function keptOnUpdate(resource: Resource, fields: Record<string, unknown>): Record<string, unknown> {
	if (resource.plural !== 'tickets') return fields;
	const { description: _description, ...kept } = fields;
	return kept;
}

function running(job: JobStatus): boolean {
	return job.status === 'queued' || job.status === 'working';
}

function toPlatformRecord(record: Record<string, unknown>, resource: Resource): PlatformRecord {
	return { externalId: String(record.id), fields: record, modifiedAt: record.updated_at as string | undefined, archived: resource.deleted(record) };
}
