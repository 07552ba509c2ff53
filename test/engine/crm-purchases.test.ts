/** Record Purchase against the HubSpot sandbox: an order counts once, orders add up, concurrent orders converge. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import type { CrmConnector } from '../../lib/platforms/crm';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { recordPurchase, type Purchase } from '../../lib/sync/purchases';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface HubSpotRecord {
	id: string;
	properties: Record<string, string>;
}

let sandbox: RunningSandbox;
let hubspot: CrmSandbox;
let store: StateStore;

const order = (orderId: string, amount: number, purchasedAt = '2026-11-27T10:00:00.000Z'): Purchase => ({
	platform: 'shopify', orderId, customerEmail: ' Ada@Example.com ', amount, purchasedAt,
});

const record = (purchase: Purchase, connector: CrmConnector = hubspot.connector) => recordPurchase({ store, connector, integration: 'shop', purchase, runId: 'run' });

/** The connector with its writes held until `release()`: `reached` settles once one is waiting, its total computed. */
function heldWriter(connector: CrmConnector): { connector: CrmConnector; reached: Promise<void>; release: () => void } {
	let release: () => void = () => undefined;
	const gate = new Promise<void>((resolve) => (release = resolve));
	let arrive: () => void = () => undefined;
	const reached = new Promise<void>((resolve) => (arrive = resolve));
	const held = new Proxy(connector, {
		get(target, property, receiver) {
			if (property !== 'write') return Reflect.get(target, property, receiver);
			return async (...args: Parameters<CrmConnector['write']>) => {
				arrive();
				await gate;
				return target.write(...args);
			};
		},
	});
	return { connector: held, reached, release };
}

async function contact(): Promise<Record<string, string>> {
	const contacts = await hubspot.control.state<HubSpotRecord[]>('contacts');
	expect(contacts.filter((entry) => entry.properties.email === 'ada@example.com')).toHaveLength(1);
	return contacts.find((entry) => entry.properties.email === 'ada@example.com')!.properties;
}

beforeAll(async () => {
	sandbox = await startCrmSandbox('hubspot');
});

beforeEach(async () => {
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'purchases-')), 'state.sqlite') }, allMigrations);
	hubspot = crmClient('hubspot', sandbox);
	await hubspot.control.reset();
});

afterAll(async () => {
	await closeAllStores();
	await sandbox.close();
});

test('the same order recorded twice counts once', async () => {
	const first = await record(order('1001', 2550));
	const again = await record(order('1001', 2550));
	expect(first).toMatchObject({ recorded: true, totals: { totalSpent: 2550, orders: 1 }, outcome: { status: 'created' } });
	expect(again).toMatchObject({ recorded: false, totals: { totalSpent: 2550, orders: 1 }, outcome: { status: 'skipped' } });
	expect(Number((await contact()).total_revenue)).toBe(25.5);
});

test('two orders add up, and the last purchase is the latest time', async () => {
	await record(order('1001', 2550, '2026-11-27T10:00:00.000Z'));
	const second = await record(order('1002', 1000, '2026-11-27T12:00:00.000Z'));
	expect(second.totals).toEqual({ totalSpent: 3550, lastPurchaseAt: '2026-11-27T12:00:00.000Z', orders: 2 });
	const properties = await contact();
	expect(Number(properties.total_revenue)).toBe(35.5);
	expect(new Date(properties.recent_deal_close_date).toISOString()).toBe('2026-11-27T12:00:00.000Z');
});

test('concurrent orders of one customer converge on the sum of all of them', async () => {
	const orders = Array.from({ length: 6 }, (_, index) => order(`20${index}`, 100 * (index + 1), `2026-11-27T1${index}:00:00.000Z`));
	await Promise.all([...orders, ...orders].map((purchase) => record(purchase)));
	const properties = await contact();
	expect(Number(properties.total_revenue)).toBe(21);
	expect(new Date(properties.recent_deal_close_date).toISOString()).toBe('2026-11-27T15:00:00.000Z');
});

test('a total written late by one order is corrected: the writer recomputes and writes the ledger\'s sum again', async () => {
	await record(order('300', 100, '2026-11-27T09:00:00.000Z'));
	// The slow order computes 4.00 and writes it only after the fast order has written 7.00.
	const writer = heldWriter(hubspot.connector);
	const slow = record(order('301', 300, '2026-11-27T10:00:00.000Z'), writer.connector);
	await writer.reached;
	await record(order('302', 300, '2026-11-27T11:00:00.000Z'));
	expect(Number((await contact()).total_revenue)).toBe(7);
	writer.release();
	const result = await slow;
	expect(result.totals.totalSpent).toBe(700);
	expect(Number((await contact()).total_revenue)).toBe(7);
});
