/**
 * Accounting Sync: sales, payments, refunds and invoices posted to one accounting connection exactly once per source
 * transaction, and customers kept one per email address.
 *
 * Exactly once is three guarantees stacked: the idempotency ledger lets one writer at a time work on a (kind, source id)
 * and hands its result to every later or concurrent caller (duplicate webhooks, parallel executions, queue-mode
 * workers); each attempt is noted in the store outbox, durably and before the write is sent (lib/transport/notedWrites.ts),
 * so any later writer looks the entry up on the platform by its stamped reference before writing again (a lost
 * response, a crash, a platform without idempotency keys); and the vendor's own idempotency key (QuickBooks
 * `requestid`, Xero `Idempotency-Key`) makes the transport's own retry of a lost response a replay, not a second entry.
 */
import { createHash } from 'node:crypto';

import { platformsServing } from '../platforms/catalog';
import type { AccountingConnector, AccountingParty, AccountingSettings, BatchPosting, BookChange, ElementOutcome, EntryKind, EntryPost, LinesEntry, PaymentEntry, PostContext, PostedEntry } from '../platforms/accounting';
import { InputError } from '../records/inputSchema';
import { toMajorString } from '../records/money';
import type { EachOutcome, EachResult, IdMapKey, StateStore } from '../store';
import { mayHaveLanded, writeNoted } from '../transport/notedWrites';
import { EntryRepository, type EntryRow } from './entries';
import { toLinesEntry, toParty, toPaymentEntry } from './inputs';

export interface AccountingBooksOptions {
	store: StateStore;
	connector: AccountingConnector;
	/** The platform account (QuickBooks realm, Xero tenant, FreshBooks account): entries are once per platform + account. */
	account: string;
	/** Writes whose outcome stayed unknown (no answer, a 5xx) are looked up and tried again up to this many times in all. */
	maxAttempts?: number;
	/** The item, tax-code and account mappings the connector was made with (kept with queued entries). */
	mappings?: AccountingSettings;
	/** The same platform and account's connector with other mappings (a queued entry is posted with those it was queued with). */
	reconnect?: (mappings: AccountingSettings) => AccountingConnector;
}

/** One posted entry, as the node returns it. */
export interface EntryOutcome {
	kind: EntryKind;
	sourceId: string;
	platform: string;
	externalId: string;
	externalType: string;
	number?: string;
	/** Major units, every digit of the currency's minor unit. */
	total: string;
	currency: string;
	/** True when an earlier or concurrent run posted it and this one only returned its result. */
	replayed: boolean;
	customerId?: string;
	/** A stable id for this transaction's usage event (the Usage Meter counts an event id once). */
	usageEventId: string;
}

export interface CustomerOutcome {
	customerId: string;
	email: string;
	action: 'created' | 'matched' | 'updated';
}

export type TransactionState =
	| { found: false; kind: EntryKind; sourceId: string }
	| {
			found: true;
			kind: EntryKind;
			sourceId: string;
			state: EntryRow['state'];
			attempts: number;
			externalId?: string;
			externalType?: string;
			number?: string;
			total?: string;
			currency?: string;
			/** What the platform reports now, when asked (Refresh). */
			balance?: string;
			status?: string;
			lastError?: string;
			updatedAt: string;
	  };

/** A change in the books as the node outputs it: amounts in major units, and the source id when the package recorded it. */
export type BookChangeOutcome = Omit<BookChange, 'totalMinor' | 'balanceMinor'> & { sourceId?: string; total?: string; balance?: string };

export interface ChangesPulled {
	since: string;
	until: string;
	changes: BookChangeOutcome[];
}

/** The first pull reaches back 30 days: all QuickBooks' change data capture keeps. */
const FIRST_PULL_MS = 30 * 86_400_000;

/** One input's end in recordMany: its entry, or why it failed (its own input, or the platform's answer to it). */
export type EntryResult = { outcome: EntryOutcome } | { error: unknown };

/** An input checked and read: the entry, and for a payment the invoice it settles. */
export interface PendingEntry {
	sourceId: string;
	entry: LinesEntry | PaymentEntry;
	invoiceSourceId?: string;
	invoiceId?: string;
}

/** What the ledger keeps per source transaction: the entry and the customer it went to. */
interface Recorded {
	posted: PostedEntry;
	customerId?: string;
}

interface BatchItem {
	sourceId: string;
	post: EntryPost;
}

const SUBJECTS: Record<EntryKind, string> = { sale: 'Sale', refund: 'Refund', invoice: 'Invoice', payment: 'Payment' };

/** QuickBooks' DocNumber takes 21 characters: the strictest reference field of the three platforms. */
const REFERENCE_MAX = 21;

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');

/** The reference stamped on an entry: the source id itself when it fits every platform, else a stable digest of it. */
export function entryReference(kind: EntryKind, sourceId: string): string {
	if (sourceId.length <= REFERENCE_MAX && /^[A-Za-z0-9._#/-]+$/.test(sourceId)) return sourceId;
	return `ia-${digest(kind, sourceId).replace(/[-_]/g, '0').slice(0, REFERENCE_MAX - 3)}`;
}

export class AccountingBooks {
	readonly entries: EntryRepository;
	/** The platform and account the entries go to (`quickbooks:<realm>`): exactly once is per connection. */
	readonly connection: string;
	private readonly maxAttempts: number;

	constructor(private readonly options: AccountingBooksOptions) {
		this.connection = `${options.connector.platform}:${options.account}`;
		this.entries = new EntryRepository(options.store.db, this.connection);
		this.maxAttempts = options.maxAttempts ?? 3;
	}

	get platform(): string {
		return this.options.connector.platform;
	}

	get store(): StateStore {
		return this.options.store;
	}

	/** The mappings entries are posted with here. */
	get mappings(): AccountingSettings {
		return this.options.mappings ?? {};
	}

	/** These books with other mappings: the same connection, ledger and limits; these books when they cannot be changed. */
	withMappings(mappings: AccountingSettings): AccountingBooks {
		if (!this.options.reconnect || JSON.stringify(mappings) === JSON.stringify(this.mappings)) return this;
		return new AccountingBooks({ ...this.options, connector: this.options.reconnect(mappings), mappings });
	}

	/** The entry already recorded for a source transaction, as a replay; undefined while none is. */
	async recorded(kind: EntryKind, sourceId: string): Promise<EntryOutcome | undefined> {
		const row = await this.entries.get(kind, sourceId);
		if (row?.state !== 'recorded' || !row.externalId) return undefined;
		return this.outcome(kind, sourceId, fromRow(row), true);
	}

	/** A sale: a sales receipt, or the platform's idiom for a paid sale. */
	async recordSale(input: unknown): Promise<EntryOutcome> {
		return await this.record('sale', input);
	}

	/** A refund: a refund receipt, or a credit note. */
	async recordRefund(input: unknown): Promise<EntryOutcome> {
		return await this.record('refund', input);
	}

	async createInvoice(input: unknown): Promise<EntryOutcome> {
		return await this.record('invoice', input);
	}

	/** A payment against an invoice: one this package recorded (by its source id) or the platform's own (by its id). */
	async recordPayment(input: unknown): Promise<EntryOutcome> {
		return await this.record('payment', input);
	}

	/** Checks one input for `kind` without posting anything: throws InputError naming the field. */
	parse(kind: EntryKind, input: unknown): PendingEntry {
		if (kind === 'payment') {
			const { entry, invoiceSourceId, invoiceId } = toPaymentEntry(input);
			return { sourceId: entry.sourceId, entry, invoiceSourceId, invoiceId };
		}
		const entry = toLinesEntry(input, SUBJECTS[kind]);
		if (kind === 'invoice' && !entry.customer) throw new InputError([{ field: 'customer', problem: 'is needed: an invoice is addressed to a customer' }], 'Invoice');
		return { sourceId: entry.sourceId, entry };
	}

	/**
	 * Many entries of one kind, each once per source id, in the platform's batches where it takes many per request
	 * (Xero), else one by one; one result per input, in order. An input that fails its checks, or an element the
	 * platform refuses, fails alone; a source id given twice is posted once and the second gets the first's entry. With
	 * `stopAtFailure` nothing more is posted after a failure (after the batch it was in): the rest fail as not posted.
	 */
	async recordMany(kind: EntryKind, inputs: unknown[], options: { stopAtFailure?: boolean } = {}): Promise<EntryResult[]> {
		const parsed = inputs.map((input): { pending: PendingEntry } | { error: unknown } => {
			try {
				return { pending: this.parse(kind, input) };
			} catch (error) {
				return { error };
			}
		});
		const batch = this.options.connector.batch;
		if (!batch) return await this.recordOneByOne(kind, parsed, options.stopAtFailure);
		const unique = [...new Map(parsed.flatMap((item) => ('pending' in item ? [[item.pending.sourceId, item.pending] as const] : []))).values()];
		const ended = new Map<string, EachResult<Recorded>>();
		for (let start = 0; start < unique.length; start += batch.size) {
			if (options.stopAtFailure && [...ended.values()].some((result) => 'error' in result)) break;
			const chunk = unique.slice(start, start + batch.size);
			const results = await this.options.store.idempotency.runOnceEach(this.scope(kind), chunk.map((pending) => pending.sourceId), async (claimed) => {
				const wanted = new Set(claimed);
				return await this.postBatch(kind, chunk.filter((pending) => wanted.has(pending.sourceId)), batch);
			});
			for (const [sourceId, result] of results) ended.set(sourceId, result);
		}
		const answered = new Set<string>();
		return parsed.map((item): EntryResult => {
			if ('error' in item) return item;
			const { sourceId } = item.pending;
			const result = ended.get(sourceId) ?? { error: notPosted(sourceId) };
			if ('error' in result) return { error: result.error };
			const repeat = answered.has(sourceId);
			answered.add(sourceId);
			return { outcome: this.outcome(kind, sourceId, result.result.posted, result.replayed || repeat, result.result.customerId) };
		});
	}

	private async recordOneByOne(kind: EntryKind, parsed: Array<{ pending: PendingEntry } | { error: unknown }>, stopAtFailure = false): Promise<EntryResult[]> {
		const results: EntryResult[] = [];
		for (const item of parsed) {
			if (stopAtFailure && results.some((result) => 'error' in result)) {
				results.push({ error: 'error' in item ? item.error : notPosted(item.pending.sourceId) });
				continue;
			}
			if ('error' in item) {
				results.push(item);
				continue;
			}
			try {
				results.push({ outcome: await this.once(kind, item.pending) });
			} catch (error) {
				results.push({ error });
			}
		}
		return results;
	}

	/** Finds the customer by email (the ID map first, then the platform), creates it when there is none, else updates it. */
	async upsertCustomer(input: unknown): Promise<CustomerOutcome> {
		const party = toParty(input);
		const ensured = await this.ensureCustomer(party);
		if (ensured.action === 'created') return ensured;
		await this.options.connector.updateCustomer(ensured.customerId, party);
		return { ...ensured, action: 'updated' };
	}

	/**
	 * What changed in the books since `since` (ISO 8601), or since the last pull (the first pulls the last 30 days, all
	 * QuickBooks keeps): each changed or deleted document and customer, with the source id it was recorded under when
	 * this package recorded it. The bookmark moves to the platform's time of the answer once the changes are read, so a
	 * change made while a pull runs comes in the next one (a change at the bookmark's second may come twice).
	 */
	async pullChanges(options: { since?: string } = {}): Promise<ChangesPulled> {
		const connector = this.options.connector;
		if (!connector.changesSince) throw new Error(`Pulling changes from ${this.platform} is not supported: its API offers no complete list of what changed since a time (${changePullingPlatforms()} only)`);
		if (options.since !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(Date.parse(options.since)))) {
			throw new InputError([{ field: 'changedSince', problem: `must be a date or date-time as ISO 8601 (2026-12-01T00:00:00Z), got ${JSON.stringify(options.since)}` }], 'Changes');
		}
		const key: IdMapKey = { integration: `accounting:${this.options.account}`, platform: this.platform, entity: 'changes' };
		const since = options.since ?? (await this.options.store.cursors.get(key)) ?? new Date(Date.now() - FIRST_PULL_MS).toISOString();
		const page = await connector.changesSince(since);
		const ours = await this.entries.sourceIds(page.changes.filter((change) => change.kind !== 'customer').map((change) => change.externalId));
		// Where a sale is an invoice on the platform (Xero, FreshBooks), the package's own record says which it was.
		const kindOf = (change: BookChange): BookChange['kind'] => (change.kind === 'invoice' && !ours.has(`invoice:${change.externalId}`) && ours.has(`sale:${change.externalId}`) ? 'sale' : change.kind);
		const changes = page.changes.map(({ totalMinor, balanceMinor, ...change }): BookChangeOutcome => ({
			...change,
			kind: kindOf(change),
			sourceId: change.kind === 'customer' ? undefined : ours.get(`${kindOf(change)}:${change.externalId}`),
			total: totalMinor === undefined || !change.currency ? undefined : toMajorString(totalMinor, change.currency),
			balance: balanceMinor === undefined || !change.currency ? undefined : toMajorString(balanceMinor, change.currency),
		}));
		if (!options.since) await this.options.store.cursors.set(key, page.asOf);
		return { since, until: page.asOf, changes };
	}

	/** What this package knows of a source transaction's entry, and with `refresh` what the platform says of it now. */
	async transaction(kind: EntryKind, sourceId: string, options: { refresh?: boolean } = {}): Promise<TransactionState> {
		const row = await this.entries.get(kind, sourceId);
		if (!row) return { found: false, kind, sourceId };
		const state: TransactionState = {
			found: true,
			kind,
			sourceId,
			state: row.state,
			attempts: row.attempts,
			externalId: row.externalId,
			externalType: row.externalType,
			number: row.number,
			total: row.totalMinor === undefined || !row.currency ? undefined : toMajorString(row.totalMinor, row.currency),
			currency: row.currency,
			lastError: row.lastError,
			updatedAt: row.updatedAt,
		};
		if (!options.refresh || row.state !== 'recorded' || !row.externalId) return state;
		const current = await this.options.connector.readEntry(kind, row.externalId);
		if (!current) return { ...state, status: 'deleted on the platform' };
		return {
			...state,
			status: current.status,
			balance: current.balanceMinor === undefined ? undefined : toMajorString(current.balanceMinor, current.currency),
		};
	}

	private async record(kind: EntryKind, input: unknown): Promise<EntryOutcome> {
		return await this.once(kind, this.parse(kind, input));
	}

	private scope(kind: EntryKind): string {
		return `accounting:${this.connection}:${kind}`;
	}

	/**
	 * What the entry needs from the platform before it is posted: its customer, and for a payment the invoice. Runs
	 * inside the entry's claim, so concurrent duplicates do not race to create them either.
	 */
	private async prepare(kind: EntryKind, pending: PendingEntry): Promise<Omit<PostContext, 'idempotencyKey' | 'reference'>> {
		const invoiceId = kind === 'payment' ? (pending.invoiceId ?? (await this.recordedInvoiceId(pending.invoiceSourceId!))) : undefined;
		const customerId = pending.entry.customer ? (await this.ensureCustomer(pending.entry.customer)).customerId : undefined;
		return { customerId, invoiceId };
	}

	private async recordedInvoiceId(invoiceSourceId: string): Promise<string> {
		const row = await this.entries.get('invoice', invoiceSourceId);
		if (row?.state === 'recorded' && row.externalId) return row.externalId;
		throw new InputError([{ field: 'invoiceSourceId', problem: `names no invoice recorded on ${this.platform} (source id ${JSON.stringify(invoiceSourceId)})` }], 'Payment');
	}

	/** Posts once per (kind, source id). */
	private async once(kind: EntryKind, pending: PendingEntry): Promise<EntryOutcome> {
		const { sourceId, entry } = pending;
		const { result, replayed } = await this.options.store.idempotency.runOnce(this.scope(kind), sourceId, async (): Promise<Recorded> => {
			const context = await this.prepare(kind, pending);
			const posted = await this.postOnce(kind, sourceId, (attemptContext) => this.options.connector.postEntry(kind, entry, { ...context, ...attemptContext }), JSON.stringify({ entry, context }));
			return { posted, customerId: context.customerId };
		});
		return this.outcome(kind, sourceId, result.posted, replayed, result.customerId);
	}

	/**
	 * One batch of claimed entries: each prepared, those already recorded answered from their rows, those whose earlier
	 * write may have landed looked up by reference, the rest posted in one request; elements whose outcome stayed
	 * unknown (no answer, a 5xx) are looked up and the ones not found posted again, up to maxAttempts in all.
	 */
	private async postBatch(kind: EntryKind, pendings: PendingEntry[], batch: BatchPosting): Promise<Map<string, EachOutcome<Recorded>>> {
		const outcomes = new Map<string, EachOutcome<Recorded>>();
		await this.ensureCustomers(pendings.flatMap((pending) => (pending.entry.customer ? [pending.entry.customer] : [])), batch);
		const ready: BatchItem[] = [];
		for (const pending of pendings) {
			try {
				const context = await this.prepare(kind, pending);
				const reference = entryReference(kind, pending.sourceId);
				const idempotencyKey = `ia-${digest(this.connection, kind, pending.sourceId, JSON.stringify({ entry: pending.entry, context })).slice(0, 40)}`;
				ready.push({ sourceId: pending.sourceId, post: { entry: pending.entry, context: { ...context, reference, idempotencyKey } } });
			} catch (error) {
				outcomes.set(pending.sourceId, { error });
			}
		}
		const unsure: BatchItem[] = [];
		let open: BatchItem[] = [];
		for (const item of ready) {
			const row = await this.entries.get(kind, item.sourceId);
			if (row?.state === 'recorded' && row.externalId) outcomes.set(item.sourceId, { result: { posted: fromRow(row), customerId: item.post.context.customerId } });
			else (row?.state === 'attempting' ? unsure : open).push(item);
		}
		open.push(...(await this.lookUpMany(kind, unsure, batch, outcomes)));
		for (let attempt = 1; open.length > 0; attempt++) {
			for (const item of open) await this.entries.attempting(kind, item.sourceId, item.post.context.reference);
			let answers: ElementOutcome[];
			try {
				answers = await batch.postEntries(kind, open.map((item) => item.post));
			} catch (error) {
				answers = open.map(() => ({ error: error instanceof Error ? error : new Error(String(error)) }));
			}
			const unknown: BatchItem[] = [];
			for (const [index, item] of open.entries()) {
				const answer = answers[index];
				if ('posted' in answer) {
					await this.entries.recorded(kind, item.sourceId, answer.posted);
					outcomes.set(item.sourceId, { result: { posted: answer.posted, customerId: item.post.context.customerId } });
				} else if (!mayHaveLanded(answer.error)) {
					await this.entries.refused(kind, item.sourceId, answer.error.message);
					outcomes.set(item.sourceId, { error: answer.error });
				} else {
					await this.entries.noteError(kind, item.sourceId, answer.error.message);
					outcomes.set(item.sourceId, { error: answer.error });
					unknown.push(item);
				}
			}
			open = await this.lookUpMany(kind, unknown, batch, outcomes);
			if (attempt >= this.maxAttempts) break;
		}
		return outcomes;
	}

	/** Looks the items up by reference: those found are recorded; returns the ones that did not land. */
	private async lookUpMany(kind: EntryKind, items: BatchItem[], batch: BatchPosting, outcomes: Map<string, EachOutcome<Recorded>>): Promise<BatchItem[]> {
		if (items.length === 0) return [];
		let found: Map<string, PostedEntry>;
		try {
			found = await batch.findEntries(kind, items.map((item) => item.post.context.reference));
		} catch (error) {
			// Still unknown: the rows stay `attempting`, so a later run looks them up again before posting.
			for (const item of items) outcomes.set(item.sourceId, { error });
			return [];
		}
		const missing: BatchItem[] = [];
		for (const item of items) {
			const landed = found.get(item.post.context.reference);
			if (!landed) {
				missing.push(item);
				continue;
			}
			await this.entries.recorded(kind, item.sourceId, landed);
			outcomes.set(item.sourceId, { result: { posted: landed, customerId: item.post.context.customerId } });
		}
		return missing;
	}

	private async postOnce(kind: EntryKind, sourceId: string, post: (context: Pick<PostContext, 'idempotencyKey' | 'reference'>) => Promise<PostedEntry>, fingerprint: string): Promise<PostedEntry> {
		const reference = entryReference(kind, sourceId);
		const previous = await this.entries.get(kind, sourceId);
		if (previous?.state === 'recorded' && previous.externalId) return fromRow(previous);
		// The key follows the content: a corrected retry after a refusal is a new request, a repeat of the same one a replay.
		const idempotencyKey = `ia-${digest(this.connection, kind, sourceId, fingerprint).slice(0, 40)}`;
		await this.entries.stamp(kind, sourceId, reference);
		return await writeNoted({
			log: this.entries.attempts,
			key: this.entries.attemptKey(kind, sourceId),
			payload: { kind, sourceId },
			group: this.connection,
			write: () => post({ idempotencyKey, reference }),
			lookUp: () => this.options.connector.findEntry(kind, reference),
			record: (posted) => this.entries.keep(kind, sourceId, posted),
			maxAttempts: this.maxAttempts,
		});
	}

	private get customerMap(): IdMapKey {
		return { integration: `accounting:${this.options.account}`, platform: this.platform, entity: 'customer' };
	}

	private get customerScope(): string {
		return `accounting-customer:${this.connection}`;
	}

	/** The customer's platform id: from the ID map, else found by email on the platform, else created (once per email). */
	private async ensureCustomer(party: AccountingParty): Promise<CustomerOutcome> {
		const email = party.email.toLowerCase();
		const mapped = (await this.options.store.idMap.externalIds(this.customerMap, [email])).get(email);
		if (mapped) return { customerId: mapped, email, action: 'matched' };
		const { result, replayed } = await this.options.store.idempotency.runOnce(this.customerScope, email, async (): Promise<CustomerOutcome> => {
			const existing = await this.options.connector.findCustomer(party.email);
			const customer = existing ?? (await this.options.connector.createCustomer(party, `ia-${digest(this.connection, 'customer', email).slice(0, 40)}`));
			const link = await this.options.store.idMap.link(this.customerMap, email, customer.id);
			return { customerId: link.externalId, email, action: existing ? 'matched' : 'created' };
		});
		return replayed ? { ...result, action: 'matched' } : result;
	}

	/**
	 * A batch's customers in the platform's batches: those the ID map lacks are looked up by email together (Xero: 25
	 * emails a request) and the ones the platform lacks created together, each email under the same claim as
	 * ensureCustomer's, so a concurrent run creates none twice. What fails here is left to each entry's own
	 * ensureCustomer, which says why.
	 */
	private async ensureCustomers(parties: AccountingParty[], batch: BatchPosting): Promise<void> {
		const byEmail = new Map<string, AccountingParty>();
		for (const party of parties) if (!byEmail.has(party.email.toLowerCase())) byEmail.set(party.email.toLowerCase(), party);
		const mapped = await this.options.store.idMap.externalIds(this.customerMap, [...byEmail.keys()]);
		const missing = [...byEmail.keys()].filter((email) => !mapped.has(email));
		if (missing.length === 0) return;
		try {
			await this.options.store.idempotency.runOnceEach<CustomerOutcome>(this.customerScope, missing, async (claimed) => {
				const outcomes = new Map<string, EachOutcome<CustomerOutcome>>();
				const link = async (email: string, id: string, action: CustomerOutcome['action']) => {
					const linked = await this.options.store.idMap.link(this.customerMap, email, id);
					outcomes.set(email, { result: { customerId: linked.externalId, email, action } });
				};
				const found = await batch.findCustomers(claimed);
				for (const [email, customer] of found) if (claimed.includes(email)) await link(email, customer.id, 'matched');
				const absent = claimed.filter((email) => !found.has(email));
				const created = absent.length === 0 ? [] : await batch.createCustomers(absent.map((email) => byEmail.get(email)!));
				for (const [index, answer] of created.entries()) {
					if ('customer' in answer) await link(absent[index], answer.customer.id, 'created');
					else outcomes.set(absent[index], { error: answer.error });
				}
				return outcomes;
			});
		} catch {
			// Each entry's ensureCustomer tries again and fails with the reason.
		}
	}

	private outcome(kind: EntryKind, sourceId: string, posted: PostedEntry, replayed: boolean, customerId?: string): EntryOutcome {
		return {
			kind,
			sourceId,
			platform: this.platform,
			externalId: posted.externalId,
			externalType: posted.externalType,
			number: posted.number,
			total: toMajorString(posted.totalMinor, posted.currency),
			currency: posted.currency,
			replayed,
			customerId,
			usageEventId: `accounting:${this.connection}:${kind}:${sourceId}`,
		};
	}
}

const notPosted = (sourceId: string) => new Error(`Source transaction ${sourceId} was not posted: an entry before it failed`);

function fromRow(row: EntryRow): PostedEntry {
	return { externalId: row.externalId!, externalType: row.externalType ?? '', number: row.number, totalMinor: row.totalMinor ?? 0, currency: row.currency ?? '' };
}

/** The platforms whose books changes are pulled from, as their vendor folders declare (`accounting.pullsChanges`). */
function changePullingPlatforms(): string {
	return platformsServing('accounting').filter((definition) => definition.accounting?.pullsChanges).map((definition) => definition.displayName).join(', ');
}
