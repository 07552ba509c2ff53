/**
 * A month of the demo's activity, recorded with the meters and event ids the templates use (CRM sync runs, payments,
 * orders, routed events, marketing contacts and welcomes, support tickets, posts; entries in the books in their own
 * namespace) plus the API calls the transport counted, repeats included: previewed under each of the product's plans,
 * every total equals the price list worked out by hand (the sums are in the comments); a busier customer reaches the
 * prices the demo month does not (the third sync tier, events above the monthly minimum).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { presetPlan, UsageMeter, type UsageEventInput } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';

const november = (day: number, hour = 10) => Date.UTC(2026, 10, day, hour);
const customerId = 'demo';

let store: StateStore;
let meter: UsageMeter;
/** The accounting templates meter their entries apart (namespace `accounting`), so a payment is not also an entry. */
let books: UsageMeter;

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'demo-month-')), 'state.sqlite') }, allMigrations);
	meter = new UsageMeter({ db: store.db, namespace: 'demo', now: () => Date.UTC(2026, 11, 1, 6) });
	books = new UsageMeter({ db: store.db, namespace: 'accounting', now: () => Date.UTC(2026, 11, 1, 6) });
	const events: UsageEventInput[] = [];
	const at = (index: number) => november(1 + (index % 28));
	// CRM (crm-record-sync-usage): 39 contact runs of 300 records (11,700), a company run of 225 and 3 ticket runs of 140
	// tickets (420): 12,345 records synced, 420 tickets. Platforms, a gauge: 2 per HubSpot ⇄ Salesforce run, 4 for a
	// support run (HubSpot, Salesforce, Zendesk, Intercom).
	for (let run = 0; run < 39; run++) {
		events.push({ eventId: `sync:contacts-${run}:contacts`, customerId, meter: 'syncs', quantity: 300, timestamp: at(run) });
		events.push({ eventId: `platforms:contacts-${run}:contacts`, customerId, meter: 'platforms', quantity: 2, timestamp: at(run) });
	}
	events.push({ eventId: 'sync:companies-1:companies', customerId, meter: 'syncs', quantity: 225, timestamp: november(3) });
	events.push({ eventId: 'platforms:support-1:contacts', customerId, meter: 'platforms', quantity: 4, timestamp: november(4) });
	for (let run = 0; run < 3; run++) {
		events.push({ eventId: `sync:tickets-${run}:tickets`, customerId, meter: 'syncs', quantity: 140, timestamp: november(5 + run) });
		events.push({ eventId: `tickets:tickets-${run}`, customerId, meter: 'tickets', quantity: 140, timestamp: november(5 + run) });
	}
	// Payments (payment-router): 250 payments of $40.00.
	for (let payment = 0; payment < 250; payment++) events.push({ eventId: `payment:p-${payment}`, customerId, meter: 'transactions', amount: '40.00', currency: 'USD', timestamp: at(payment) });
	// Orders (order-inventory-fanout, order-steps): 1,200 orders over 520 products, 4 stores kept in step.
	for (let order = 0; order < 1_200; order++) {
		events.push({ eventId: `order:shopify:${order}`, customerId, meter: 'orders', timestamp: at(order) });
		events.push({ eventId: `product:2026-11:SKU-${order % 520}`, customerId, meter: 'products', timestamp: at(order) });
		events.push({ eventId: `stores:shopify:${order}`, customerId, meter: 'stores', quantity: 4, timestamp: at(order) });
	}
	// Routed events (event-router-ingest): 8,000. Marketing (marketing-contact-created): 700 contacts, 300 welcomes.
	for (let event = 0; event < 8_000; event++) events.push({ eventId: `event:evt-${event}`, customerId, meter: 'events', timestamp: at(event) });
	for (let contact = 0; contact < 700; contact++) events.push({ eventId: `contact:c${contact}@example.com`, customerId, meter: 'contacts', timestamp: at(contact) });
	for (let welcome = 0; welcome < 300; welcome++) events.push({ eventId: `welcome:c${welcome}@example.com:hubspot`, customerId, meter: 'campaigns', timestamp: at(welcome) });
	// Posts (social-content-calendar: one per post and channel): 30.
	for (let post = 0; post < 30; post++) events.push({ eventId: `social:x:post-${post}`, customerId, meter: 'posts', timestamp: at(post) });
	await meter.record(events);
	// Redeliveries the templates see (a retried sync run, a payment delivered twice, an order webhook again): counted once.
	await meter.record([events[0], events.find((event) => event.eventId === 'payment:p-7')!, events.find((event) => event.eventId === 'order:shopify:3')!]);
	// API calls, counted by the transport: 60,500 over the month's hours, recorded once the hours are over (twice: no double count).
	for (let hour = 0; hour < 605; hour++) for (let call = 0; call < 100; call++) await store.apiCalls.count(hour % 2 ? 'hubspot' : 'shopify', 'demo', november(1, 0) + hour * 3_600_000);
	await meter.recordApiCalls(customerId, store.apiCalls);
	await meter.recordApiCalls(customerId, store.apiCalls);
	// Entries in the books (namespace accounting, keyed by the entry's usageEventId): a sales receipt per payment (250)
	// and per order (1,200), a refund receipt per refund (12); a refund recorded twice counts once.
	const entries: UsageEventInput[] = [
		...Array.from({ length: 250 }, (_, payment) => ({ eventId: `accounting:qbo:sale:p-${payment}`, customerId, meter: 'transactions', timestamp: at(payment) })),
		...Array.from({ length: 1_200 }, (_, order) => ({ eventId: `accounting:qbo:sale:shopify:${order}`, customerId, meter: 'transactions', timestamp: at(order) })),
		...Array.from({ length: 12 }, (_, refund) => ({ eventId: `accounting:qbo:refund:r-${refund}`, customerId, meter: 'transactions', timestamp: at(refund) })),
	];
	await books.record(entries);
	await books.record([entries.at(-1)!]);
}, 120_000);

afterAll(async () => await closeAllStores());

const preview = async (preset: string) => await meter.preview(customerId, presetPlan(preset), meter.period(november(15)));
const total = async (preset: string) => (await preview(preset)).total.amount;

test('the month counts what the templates recorded, repeats once', async () => {
	const usage = await meter.usage(customerId, meter.period(november(15)));
	expect(Object.fromEntries(Object.entries(usage.meters).map(([name, totals]) => [name, name === 'platforms' || name === 'stores' ? totals.maxQuantity : totals.quantity]))).toEqual({
		syncs: 12_345,
		platforms: 4,
		tickets: 420,
		transactions: 250,
		orders: 1_200,
		products: 520,
		stores: 4,
		events: 8_000,
		contacts: 700,
		campaigns: 300,
		posts: 30,
		api_calls: 60_500,
	});
});

test.each([
	// 10,000 × $0.01 + 2,345 × $0.005 = $100 + $11.725 = $111.725, rounded half away from zero.
	['crm_sync_per_record', '111.73'],
	// $99 + 2,345 syncs over 10,000 × $0.01 ($23.45) + 2 platforms over 2 × $25 ($50).
	['crm_basic', '172.45'],
	// $299: 12,345 syncs within 100,000, 4 platforms within 5.
	['crm_professional', '299.00'],
	['crm_enterprise', '999.00'],
	// First period: $100 setup + $50 + 3 platforms over the first × $25.
	['integration_hub', '225.00'],
	// As CRM Basic ($172.45); the 10,500 API calls over 50,000 are reported, not billed.
	['integration_starter', '172.45'],
	['integration_professional', '299.00'],
	// Quotas over the plan are reported, not billed: $149 flat.
	['ecommerce_starter', '149.00'],
	['ecommerce_growth', '399.00'],
	['ecommerce_enterprise', '999.00'],
	// 250 × $0.10 + 0.5% × $10,000.00 = $25 + $50.
	['payments', '75.00'],
	// 8,000 × $0.001 = $8.00, below the $10 monthly minimum.
	['events', '10.00'],
	// 700 × $0.02 + 300 × $0.10 = $14 + $30.
	['marketing', '44.00'],
	// 420 × $0.10.
	['support', '42.00'],
	// Accounting is priced on the books' entries (namespace accounting), below.
	// 30 × $0.05.
	['social', '1.50'],
])('previewed under %s the month costs $%s', async (preset, expected) => {
	expect(await total(preset)).toBe(expected);
});

test('accounting: the month\'s 1,462 entries in the books (1,450 sales receipts, 12 refund receipts) cost $365.50', async () => {
	const invoice = await books.preview(customerId, presetPlan('accounting'), books.period(november(15)));
	// 1,462 × $0.25 = $365.50.
	expect(invoice.lines.map((line) => [line.meter, line.quantity, line.amount.amount])).toEqual([['transactions', 1_462, '365.50']]);
	expect(invoice.total.amount).toBe('365.50');
	// The payments plan, on the demo namespace, never sees them: 250 payment transactions.
	expect((await preview('payments')).lines.map((line) => line.quantity)).toEqual([250]);
});

test('a busier customer reaches every price: the third sync tier and events above the monthly minimum', async () => {
	const busy = 'busy';
	await meter.record([
		{ eventId: 'sync:busy-1:contacts', customerId: busy, meter: 'syncs', quantity: 150_000, timestamp: november(2) },
		{ eventId: 'events:busy', customerId: busy, meter: 'events', quantity: 12_000, timestamp: november(2) },
	]);
	const priced = async (preset: string) => (await meter.preview(busy, presetPlan(preset), meter.period(november(15)))).total.amount;
	// 10,000 × $0.01 + 90,000 × $0.005 + 50,000 × $0.001 = $100 + $450 + $50.
	expect(await priced('crm_sync_per_record')).toBe('600.00');
	// $99 + (150,000 − 10,000 included) at the tiers: 10,000 × $0.01 + 90,000 × $0.005 + 40,000 × $0.001 = $99 + $590.
	expect(await priced('crm_basic')).toBe('689.00');
	// 12,000 × $0.001 = $12.00, above the $10 minimum.
	expect(await priced('events')).toBe('12.00');
});

test('what exceeds a quota without a price is reported over the plan', async () => {
	expect((await preview('integration_starter')).overPlan).toEqual([{ meter: 'api_calls', included: 50_000, used: 60_500, excess: 10_500 }]);
	expect((await preview('ecommerce_starter')).overPlan).toEqual([
		{ meter: 'stores', included: 1, used: 4, excess: 3 },
		{ meter: 'orders', included: 1_000, used: 1_200, excess: 200 },
		{ meter: 'products', included: 500, used: 520, excess: 20 },
	]);
	expect((await preview('ecommerce_growth')).overPlan).toEqual([]);
});
