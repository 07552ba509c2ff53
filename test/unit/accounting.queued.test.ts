/**
 * Accounting Sync's queue on Xero: sales that arrive one execution at a time are queued (nothing sent, the caller told
 * so) and one Post Queued Entries posts them in Xero's batches, each source transaction once: a duplicate queued twice,
 * a sale already recorded, a flush whose answer was lost and the next flush after it, a refusal leaving the queue.
 */
import { AccountingBooks, EntryQueue, openAccountingBooks, type AccountingSettings, type FlushResult, type QueueResult } from '../../lib/accounting';
import type { XeroSettings } from '../../lib/platforms/xero';
import { outboxKey } from '../../lib/store/outbox';
import type { RetryPolicy } from '../../lib/transport';
import { accountingBench, xeroBooks } from '../support/accountingBench';

const bench = accountingBench('xero');

const books = (retry: Partial<RetryPolicy> = {}, settings: Partial<XeroSettings> = {}, maxAttempts?: number) => xeroBooks(bench, { retry, settings, maxAttempts }).books;

const sale = (sourceId: string, extra: Record<string, unknown> = {}) => ({
	sourceId,
	currency: 'USD',
	customer: { email: `buyer-${Number(sourceId.replace(/\D/g, '') || 0) % 3}@example.com` },
	lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }],
	shipping: '4.50',
	...extra,
});
const sales = (count: number, prefix = 'order-') => Array.from({ length: count }, (_, index) => sale(`${prefix}${index}`));

type Rows = Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
const state = (collection: string) => bench.control.state<Rows>(collection);
const sent = async (method: string, collection: string) => (await bench.control.requests()).filter((entry) => entry.method === method && entry.path === `/api.xro/2.0/${collection}`);
const countBy = (rows: Rows, field: string) => rows.reduce((counts, row) => counts.set(row[field], (counts.get(row[field]) ?? 0) + 1), new Map<string, number>());
/** One execution per order, as the order template runs: its own books, one input. */
const queueOne = async (input: unknown, accounting = books()): Promise<QueueResult> => (await new EntryQueue(accounting).add('sale', [input]))[0];
const flush = (accounting = books()) => new EntryQueue(accounting).flush();
const posted = (results: FlushResult[]) => results.filter((result) => 'outcome' in result);

test('120 sales queued one execution at a time send nothing and are told so; one flush posts them as 3 PUTs of invoices and 3 of payments', async () => {
	const answers: QueueResult[] = [];
	for (const input of sales(120)) answers.push(await queueOne(input));
	expect(answers.every((answer) => 'queued' in answer && answer.queued.queued && !answer.queued.alreadyQueued)).toBe(true);
	expect((answers[7] as { queued: { sourceId: string; platform: string } }).queued).toMatchObject({ sourceId: 'order-7', platform: 'xero', kind: 'sale' });
	expect(await sent('PUT', 'Invoices')).toHaveLength(0);
	const results = await flush();
	expect(posted(results)).toHaveLength(120);
	expect(results.map((result) => result.sourceId).sort()).toEqual(sales(120).map((input) => input.sourceId).sort());
	expect((await sent('PUT', 'Invoices')).map((entry) => (entry.body as Rows[number]).Invoices.length)).toEqual([50, 50, 20]);
	expect((await sent('PUT', 'Payments')).map((entry) => (entry.body as Rows[number]).Payments.length)).toEqual([50, 50, 20]);
	const invoices = await state('invoices');
	expect(invoices).toHaveLength(120);
	expect(invoices.every((invoice) => invoice.Status === 'PAID')).toBe(true);
	expect(await flush()).toEqual([]);
});

test('a sale queued twice is posted once; queued again after the flush it answers with its entry, replayed', async () => {
	expect(await queueOne(sale('order-1'))).toMatchObject({ queued: { alreadyQueued: false } });
	expect(await queueOne(sale('order-1'))).toMatchObject({ queued: { alreadyQueued: true } });
	const results = await flush();
	expect(results).toHaveLength(1);
	const [result] = posted(results) as Array<{ outcome: { externalId: string; replayed: boolean } }>;
	expect(result.outcome.replayed).toBe(false);
	expect(await queueOne(sale('order-1'))).toEqual({ outcome: expect.objectContaining({ sourceId: 'order-1', externalId: result.outcome.externalId, replayed: true }) });
	expect(await flush()).toEqual([]);
	expect(await state('invoices')).toHaveLength(1);
	expect(await state('payments')).toHaveLength(1);
});

test('a sale posted at once and also queued is posted once', async () => {
	expect(await queueOne(sale('order-2'))).toMatchObject({ queued: { alreadyQueued: false } });
	const now = await books().recordSale(sale('order-2'));
	const results = await flush();
	expect(posted(results).map((result) => ('outcome' in result ? result.outcome.externalId : ''))).toEqual([now.externalId]);
	expect(await state('invoices')).toHaveLength(1);
});

test('an input that fails its checks is refused when queued, naming the field, and never reaches the queue', async () => {
	const answer = await queueOne(sale('order-3', { lines: [{ unitPrice: '1.001' }] }));
	expect(String((answer as { error: Error }).error.message)).toMatch(/lines\[0\]\.unitPrice has more decimal places than USD allows/);
	expect(await flush()).toEqual([]);
});

test('a flush whose answer was lost and whose look-up failed leaves the sales queued; the next flush looks them up first and posts none twice', async () => {
	for (const input of sales(12)) await queueOne(input);
	await bench.control.fault({ kind: 'lost_response', times: -1, match: { method: 'PUT', path: '/Invoices$' } });
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'GET', path: '/Invoices$' } });
	const first = await new EntryQueue(books({ maxAttempts: 1 }, {}, 1)).flush();
	expect(first.every((result) => 'error' in result && result.willRetry)).toBe(true);
	expect(await state('invoices')).toHaveLength(12);
	await bench.control.clearFaults();
	const second = await flush();
	expect(posted(second)).toHaveLength(12);
	const invoices = await state('invoices');
	expect(invoices).toHaveLength(12);
	expect([...countBy(invoices, 'InvoiceNumber').values()].every((count) => count === 1)).toBe(true);
	const payments = await state('payments');
	expect(payments).toHaveLength(12);
	expect([...countBy(payments, 'Reference').values()].every((count) => count === 1)).toBe(true);
	// The second flush looked the invoices up by number before anything was sent again.
	expect(((await sent('GET', 'Invoices')).at(-1)!.query.InvoiceNumbers as string).split(',').sort()).toEqual(sales(12).map((input) => input.sourceId).sort());
	expect(await flush()).toEqual([]);
});

test('a sale Xero refuses leaves the queue as failed, naming Xero’s reason; queued again it is refused, pointing at Post: Now', async () => {
	const refused = sale('order-4', { lines: [{ description: 'Mug', unitPrice: 10, taxCode: 'bogus' }] });
	const accounting = books({}, { taxCodes: { bogus: 'NO_SUCH_TAX' } });
	await queueOne(refused, accounting);
	await queueOne(sale('order-5'), accounting);
	const results = await new EntryQueue(accounting).flush();
	expect(results.map((result) => ('outcome' in result ? 'posted' : result.willRetry ? 'retry' : 'refused'))).toEqual(['refused', 'posted']);
	expect(String((results[0] as { error: Error }).error.message)).toMatch(/TaxType code 'NO_SUCH_TAX' does not exist/);
	expect(await new EntryQueue(accounting).flush()).toEqual([]);
	const again = await queueOne(refused, accounting);
	expect(String((again as { error: Error }).error.message)).toMatch(/order-4 was queued before and refused by xero \(.*NO_SUCH_TAX.*\): post it corrected with Post: Now/);
});

/** Books as the node opens them: the platform's connector made with the node's mappings. */
function nodeBooks(mappings: AccountingSettings): AccountingBooks {
	const { transport } = xeroBooks(bench);
	return openAccountingBooks({ store: bench.store, platform: 'xero', transport, credential: { ...bench.sandbox.credentials, baseUrl: bench.sandbox.baseUrl }, mappings });
}

test('each queued entry is posted with the mappings it was queued with, whatever the flushing node’s; one queued before mappings were kept gets the flushing node’s', async () => {
	const mug = { lines: [{ description: 'Mug', sku: 'MUG', quantity: 1, unitPrice: '19.99' }] };
	await queueOne(sale('order-1', mug), nodeBooks({ items: { MUG: 'MUG-01' }, salesAccount: '260' }));
	await queueOne(sale('order-2', mug), nodeBooks({ salesAccount: '200' }));
	await queueOne(sale('order-3', mug), nodeBooks({ items: { MUG: 'MUG-01' }, salesAccount: '260' }));
	// Queued by an older version: the payload has no mappings.
	const flusher = nodeBooks({ items: { MUG: 'POSTER' }, salesAccount: '260' });
	await bench.store.outbox.add(outboxKey('accounting.queued', flusher.connection), outboxKey('sale', 'order-4'), { kind: 'sale', input: sale('order-4', mug) }, ['post'], 0);
	const results = await flush(flusher);
	expect(posted(results).map((result) => result.sourceId).sort()).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
	const lines = new Map((await state('invoices')).map((invoice) => [invoice.InvoiceNumber, invoice.LineItems[0]]));
	expect(['order-1', 'order-2', 'order-3', 'order-4'].map((number) => [number, lines.get(number).ItemCode, lines.get(number).AccountCode])).toEqual([
		['order-1', 'MUG-01', '260'],
		['order-2', undefined, '200'],
		['order-3', 'MUG-01', '260'],
		['order-4', 'POSTER', '260'],
	]);
	// Entries queued with the same mappings still go together: three groups, one PUT of invoices each.
	expect((await sent('PUT', 'Invoices')).map((entry) => (entry.body as Rows[number]).Invoices.length).sort()).toEqual([1, 1, 2]);
});
